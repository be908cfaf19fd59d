/**
 * The core job `reconcile-reservations` lists holds older than OMS_HOLD_MAX_AGE_HOURS with an
 * error line (`StaleInventoryHolds`): a metric filter on the job's own log group counts those lines
 * and an alarm fires on any.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CORE_JOBS, STALE_HOLDS_ALARM } from '../../shared/jobs/core-jobs.ts';
import type { OmsApp } from '../../infra/oms-app.ts';
import { buildApp, logicalId } from './helpers.ts';

// Template JSON is untyped by nature.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Resource = { Type: string; Properties: Record<string, any> };

describe('stale inventory holds in the jobs stack', () => {
  let oms: OmsApp;
  let template: Template;

  beforeAll(() => {
    oms = buildApp();
    template = Template.fromStack(oms.jobs);
  });

  it('reconcile-reservations declares the alarm line', () => {
    const core = CORE_JOBS.find((j) => j.id === 'reconcile-reservations');
    expect(core).toMatchObject({ logAlarm: { term: STALE_HOLDS_ALARM } });
  });

  it("counts the job's stale-hold lines in its own log group and alarms on any", () => {
    const job = oms.jobs.scheduled.find((s) => s.feed.id === 'reconcile-reservations')!;
    expect(job).toBeDefined();
    const filters = Object.values(template.findResources('AWS::Logs::MetricFilter')) as Resource[];
    const mine = filters.filter(
      (f) =>
        JSON.stringify(f.Properties.LogGroupName) ===
        JSON.stringify({ Ref: logicalId(job.job.logGroup) }),
    );
    expect(mine).toHaveLength(1);
    expect(mine[0]!.Properties.FilterPattern).toContain(STALE_HOLDS_ALARM);
    expect(mine[0]!.Properties.MetricTransformations).toEqual([
      { MetricNamespace: 'OMS', MetricName: STALE_HOLDS_ALARM, MetricValue: '1' },
    ]);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'OMS',
      MetricName: STALE_HOLDS_ALARM,
      Statistic: 'Sum',
      Period: 900,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });
});
