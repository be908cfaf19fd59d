/**
 * The core job `netsuite-exceptions` is deployed like every core job (scheduled function from the
 * registry) and its error line for records refused by NetSuite is watched: a metric filter on the
 * job's own log group and an alarm on any such line.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CORE_JOBS, REFUSED_RECORDS_ALARM } from '../../shared/jobs/core-jobs.ts';
import type { OmsApp } from '../../infra/oms-app.ts';
import { buildApp, logicalId } from './helpers.ts';

// Template JSON is untyped by nature.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Resource = { Type: string; Properties: Record<string, any> };

describe('netsuite-exceptions in the jobs stack', () => {
  let oms: OmsApp;
  let template: Template;

  beforeAll(() => {
    oms = buildApp();
    template = Template.fromStack(oms.jobs);
  });

  it('is a core job every 15 minutes, scheduled from the registry', () => {
    const core = CORE_JOBS.find((j) => j.id === 'netsuite-exceptions');
    expect(core).toMatchObject({ handler: 'netsuite-exceptions' });
    expect(core!.schedule).toMatch(/^cron\(\d+\/15 \* \* \* \? \*\)$/);
    const job = oms.jobs.scheduled.find((s) => s.feed.id === 'netsuite-exceptions');
    expect(job).toBeDefined();
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: core!.schedule,
      Target: { Arn: { 'Fn::GetAtt': [logicalId(job!.job.function), 'Arn'] } },
    });
  });

  it('counts its refused-records error lines in its own log group and alarms on any', () => {
    const job = oms.jobs.scheduled.find((s) => s.feed.id === 'netsuite-exceptions')!;
    const filters = Object.values(template.findResources('AWS::Logs::MetricFilter')) as Resource[];
    const mine = filters.filter(
      (f) =>
        JSON.stringify(f.Properties.LogGroupName) ===
        JSON.stringify({ Ref: logicalId(job.job.logGroup) }),
    );
    expect(mine).toHaveLength(1);
    expect(mine[0]!.Properties.FilterPattern).toContain(REFUSED_RECORDS_ALARM);
    expect(mine[0]!.Properties.MetricTransformations).toEqual([
      { MetricNamespace: 'OMS', MetricName: REFUSED_RECORDS_ALARM, MetricValue: '1' },
    ]);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'OMS',
      MetricName: REFUSED_RECORDS_ALARM,
      Statistic: 'Sum',
      Period: 900,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    // Only the job that writes the line gets the filter.
    expect(filters).toHaveLength(CORE_JOBS.filter((j) => 'logAlarm' in j).length);
  });
});
