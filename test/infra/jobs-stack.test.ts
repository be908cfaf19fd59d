import { CORE_JOBS } from '../../shared/jobs/core-jobs.ts';
import { ROUTES, routeKey } from '../../shared/api/routes.ts';
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../shared/platform/config.ts';
import { IMPORT_LEASE_MS, LEASE_MARGIN_MS } from '../../shared/jobs/sqs-feed-import-handler.ts';
import { implementedFeeds, type FeedDefinition } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import type { FeedImportFunction } from '../../infra/constructs/feed-import-function.ts';
import { JOB_RUNTIME } from '../../infra/constructs/job-function.ts';
import { LAMBDA_BUNDLE_TARGET, LAMBDA_NODE_MAJOR } from '../../infra/lambda-node.ts';
import type { ScheduledJob } from '../../infra/constructs/scheduled-job.ts';
import type { OmsApp } from '../../infra/oms-app.ts';
import { asArray, buildApp, logicalId, roleStatements } from './helpers.ts';

const inboundFeeds = implementedFeeds().filter((f) => f.trigger.kind === 'object-created');

/** A scheduled feed with a handler, injected to exercise the schedule path. */
const SCHEDULED: FeedDefinition = {
  id: 'test-scheduled-export',
  title: 'Injected scheduled export',
  direction: 'outbound',
  folder: 'test/export',
  format: 'csv',
  columns: ['a', 'b'],
  trigger: { kind: 'schedule', expression: 'cron(7/15 * * * ? *)' },
  handler: 'test-scheduled-export',
};

const inbound = (id: string, folder: string): FeedDefinition => ({
  id,
  title: id,
  direction: 'inbound',
  folder,
  format: 'csv',
  columns: ['a'],
  trigger: { kind: 'object-created' },
  handler: id,
});

// Template JSON is untyped by nature.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Resource = { Type: string; Properties: Record<string, any> };

describe('JobsStack', () => {
  let oms: OmsApp;
  let template: Template;
  let resources: Record<string, Resource>;

  beforeAll(() => {
    oms = buildApp({ feeds: [...implementedFeeds(), SCHEDULED] });
    template = Template.fromStack(oms.jobs);
    resources = template.toJSON().Resources;
  });

  const importOf = (feed: FeedDefinition): FeedImportFunction => {
    const found = oms.jobs.imports.find((i) => i.feed.id === feed.id);
    if (!found) throw new Error(`no import construct for ${feed.id}`);
    return found;
  };

  it('deploys one function per implemented feed (plus the injected one) and per core job', () => {
    expect(inboundFeeds.length).toBeGreaterThan(0);
    const ours = Object.values(resources).filter(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Runtime === 'nodejs24.x',
    );
    expect(ours).toHaveLength(implementedFeeds().length + 1 + CORE_JOBS.length);
    expect(oms.jobs.imports.map((i) => i.feed.id).sort()).toEqual(
      inboundFeeds.map((f) => f.id).sort(),
    );
    expect(oms.jobs.scheduled.map((s) => s.feed.id)).toEqual([
      ...implementedFeeds()
        .filter((f) => f.trigger.kind === 'schedule')
        .map((f) => f.id),
      SCHEDULED.id,
      ...CORE_JOBS.map((j) => j.id),
    ]);
  });

  it('names one Node major for the runtime and the bundles: nodejs24.x, esbuild node24', () => {
    expect(LAMBDA_NODE_MAJOR).toBe(24);
    expect(JOB_RUNTIME.name).toBe(`nodejs${LAMBDA_NODE_MAJOR}.x`);
    expect(LAMBDA_BUNDLE_TARGET).toBe(`node${LAMBDA_NODE_MAJOR}`);
    const runtimes = Object.values(resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map((r) => r.Properties.Runtime as string);
    // CDK's own custom-resource handlers (bucket notifications) pick their runtime themselves.
    expect(runtimes.filter((r) => r.startsWith('nodejs') && r !== 'nodejs24.x')).toEqual([]);
  });

  it('allows no IAM statement on Resource "*"', () => {
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const s of policy.Properties.PolicyDocument.Statement) {
        expect(asArray(s.Resource)).not.toContain('*');
      }
    }
  });

  describe.each(inboundFeeds.map((f) => [f.id, f] as const))('inbound feed %s', (_id, feed) => {
    it('has an arm64 Node 24 function with the import sizing and the OMS environment', () => {
      const job = importOf(feed).job;
      const fn = resources[logicalId(job.function)]!;
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: feed.memoryMb ?? 1024,
        Timeout: 900,
      });
      const env = fn.Properties.Environment.Variables;
      expect(env[ENV.bucket]).toEqual(oms.jobs.resolve(oms.storage.refs.bucketName));
      expect(env[ENV.tablePrefix]).toBe('oms');
      expect(env[ENV.netsuiteUser]).toBe('netsuite');
      expect(env.NODE_OPTIONS).toBe('--enable-source-maps');
      expect(fn.Properties.LoggingConfig.LogGroup).toEqual({ Ref: logicalId(job.logGroup) });
      expect(resources[logicalId(job.logGroup)]!.Properties.RetentionInDays).toBeGreaterThan(0);
    });

    it('has an encrypted, TLS-only queue with a redrive policy to a DLQ', () => {
      const imp = importOf(feed);
      const queue = resources[logicalId(imp.queue)]!.Properties;
      expect(queue.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(imp.deadLetterQueue), 'Arn'] },
        maxReceiveCount: 3,
      });
      expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * Duration.minutes(15).toSeconds());
      // A crashed import's message comes back after the visibility timeout, when its lease
      // (renewed at each checkpoint) has run out: the next receive takes the file over.
      expect(queue.VisibilityTimeout * 1000).toBeGreaterThan(IMPORT_LEASE_MS + LEASE_MARGIN_MS);
      expect(queue.SqsManagedSseEnabled).toBe(true);
      expect(resources[logicalId(imp.deadLetterQueue)]!.Properties.SqsManagedSseEnabled).toBe(true);
      for (const q of [imp.queue, imp.deadLetterQueue]) {
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: logicalId(q) }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Effect: 'Deny',
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              }),
            ]),
          },
        });
      }
    });

    it('routes ObjectCreated below its folder (NetSuite: in the SFTP home; storefront: outside it) to that queue', () => {
      const imp = importOf(feed);
      const root = feed.partner === 'storefront' ? 'storefront' : 'home/netsuite/netsuite';
      expect(imp.keyPrefix).toBe(`${root}/${feed.folder}/`);
      const notifications = Object.values(template.findResources('Custom::S3BucketNotifications'));
      expect(notifications).toHaveLength(1);
      const config = notifications[0]!.Properties;
      expect(config.BucketName).toEqual(oms.jobs.resolve(oms.storage.refs.bucketName));
      expect(config.NotificationConfiguration.QueueConfigurations).toContainEqual({
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: imp.keyPrefix }] } },
        QueueArn: { 'Fn::GetAtt': [logicalId(imp.queue), 'Arn'] },
      });
      // S3 may send to the queue, and only on behalf of the feeds bucket.
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalId(imp.queue) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 's3.amazonaws.com' },
              Condition: {
                ArnLike: {
                  'aws:SourceArn': oms.jobs.resolve(
                    `arn:${oms.jobs.partition}:s3:::${oms.storage.refs.bucketName}`,
                  ),
                },
              },
            }),
          ]),
        },
      });
    });

    it('consumes the queue one file at a time, reporting partial batch failures', () => {
      const imp = importOf(feed);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [logicalId(imp.queue), 'Arn'] },
        FunctionName: { Ref: logicalId(imp.job.function) },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BatchSize: 1,
      });
    });

    it('alarms on the DLQ depth and on function errors', () => {
      const imp = importOf(feed);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Dimensions: [
          {
            Name: 'QueueName',
            Value: { 'Fn::GetAtt': [logicalId(imp.deadLetterQueue), 'QueueName'] },
          },
        ],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(imp.job.function) } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    });

    it('may write its log group, its own folder and the staging area, its queue and its declared tables, nothing more', () => {
      const imp = importOf(feed);
      const role = imp.job.role;
      expect(resources[logicalId(role)]!.Properties.ManagedPolicyArns).toBeUndefined();
      const statements = roleStatements(template, logicalId(role));
      const services = new Set(
        statements.flatMap((s) => asArray(s.Action)).map((a) => a.split(':')[0]),
      );
      expect([...services].sort()).toEqual(['dynamodb', 'logs', 's3', 'sqs']);

      // S3: its own folder and the OMS staging area (and the state it declares), nothing else.
      const bucket = `arn:${oms.jobs.partition}:s3:::${oms.storage.refs.bucketName}`;
      const own = feedPrefix('netsuite', feed);
      const objects = statements.find((s) => s.Sid === 'S3readwrite')!;
      const expected = [
        own,
        'oms-state/staging/',
        ...(feed.state ?? []).map((p) => `oms-state/${p}`),
      ];
      const sorted = (v: unknown) =>
        asArray(v)
          .map((x) => JSON.stringify(x))
          .sort();
      expect(sorted(objects.Resource)).toEqual(
        sorted(oms.jobs.resolve(expected.map((p) => `${bucket}/${p}*`))),
      );
      const list = statements.find((s) => s.Sid === 'ListDeclaredPrefixes')!;
      expect(list.Condition).toEqual({
        StringLike: { 's3:prefix': expected.map((p) => `${p}*`).sort() },
      });

      const dynamo = statements.find((s) => asArray(s.Action)[0]!.startsWith('dynamodb:'))!;
      const tables = JSON.stringify(dynamo.Resource);
      for (const key of Object.keys(feed.tables ?? {})) {
        expect(tables).toContain(`:table/oms-${key}`);
      }
      expect(tables).not.toContain('*');

      // Its own queue only: consume, and send continuations of long imports.
      const sqs = statements.filter((s) => asArray(s.Action)[0]!.startsWith('sqs:'));
      expect(sqs.length).toBeGreaterThan(0);
      for (const st of sqs) {
        expect(st.Resource).toEqual({ 'Fn::GetAtt': [logicalId(imp.queue), 'Arn'] });
      }
      expect(sqs.flatMap((st) => asArray(st.Action))).toContain('sqs:SendMessage');
    });
  });

  describe('scheduled feed (injected)', () => {
    let job: ScheduledJob;
    beforeAll(() => {
      job = oms.jobs.scheduled.find((s) => s.feed.id === SCHEDULED.id)!;
    });

    it('has a schedule with the catalog expression, flexible window OFF, targeting that function', () => {
      const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule'));
      const schedule = schedules.find(
        (s) => s.Properties.ScheduleExpression === 'cron(7/15 * * * ? *)',
      );
      expect(schedule).toBeDefined();
      expect(schedule!.Properties).toMatchObject({
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: {
          Arn: { 'Fn::GetAtt': [logicalId(job.job.function), 'Arn'] },
          RoleArn: { 'Fn::GetAtt': [logicalId(job.role), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(job.deadLetterQueue), 'Arn'] } },
        },
      });
      expect(JSON.parse(schedule!.Properties.Target.Input)).toEqual({ job: SCHEDULED.id });
    });

    it('gives the scheduler role only lambda:InvokeFunction on that function (and its DLQ)', () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [
            Match.objectLike({
              Principal: { Service: 'scheduler.amazonaws.com' },
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            }),
          ],
        },
      });
      const statements = roleStatements(template, logicalId(job.role));
      const invoke = statements.filter((s) => asArray(s.Action).includes('lambda:InvokeFunction'));
      expect(invoke).toEqual([
        {
          Effect: 'Allow',
          Action: 'lambda:InvokeFunction',
          Resource: { 'Fn::GetAtt': [logicalId(job.job.function), 'Arn'] },
        },
      ]);
      const others = statements.filter((s) => !invoke.includes(s));
      expect(others.flatMap((s) => asArray(s.Action))).toEqual(['sqs:SendMessage']);
      expect(others[0]!.Resource).toEqual({
        'Fn::GetAtt': [logicalId(job.deadLetterQueue), 'Arn'],
      });
    });

    it('does not retry the function asynchronously and parks failed runs in the DLQ', () => {
      const fn = resources[logicalId(job.job.function)]!.Properties;
      expect(fn.DeadLetterConfig).toEqual({
        TargetArn: { 'Fn::GetAtt': [logicalId(job.deadLetterQueue), 'Arn'] },
      });
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: logicalId(job.job.function) },
        MaximumRetryAttempts: 0,
      });
      expect(fn.Timeout).toBeLessThan(15 * 60);
    });

    it('gets no S3 notification and no queue, but a DLQ alarm', () => {
      const notifications = Object.values(template.findResources('Custom::S3BucketNotifications'));
      expect(JSON.stringify(notifications)).not.toContain(SCHEDULED.folder);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          {
            Name: 'QueueName',
            Value: { 'Fn::GetAtt': [logicalId(job.deadLetterQueue), 'QueueName'] },
          },
        ],
      });
    });
  });

  it('takes folder prefixes from shared/feeds/paths.ts, storefront partner included', () => {
    const storefront: FeedDefinition = {
      ...inbound('storefront-orders', 'orders'),
      partner: 'storefront',
    };
    const { jobs } = buildApp({ feeds: [storefront, inbound('ns-feed', 'orders')] });
    expect(jobs.imports.map((i) => i.keyPrefix).sort()).toEqual([
      'home/netsuite/netsuite/orders/',
      'storefront/orders/',
    ]);
    expect(jobs.imports.map((i) => i.keyPrefix)).toEqual(
      [storefront, inbound('ns-feed', 'orders')].map((f) => feedPrefix('netsuite', f)),
    );
  });

  it('resolves handlers in functions/ by default and names a missing one', () => {
    expect(() =>
      buildApp({ feeds: [inbound('no-such-handler', 'nowhere')], entryFor: null }),
    ).toThrow(/functions\/no-such-handler\.ts does not exist/);
  });

  it('refuses inbound feeds whose folders overlap (S3 could not route them apart)', () => {
    expect(() => buildApp({ feeds: [inbound('outer', 'a/b'), inbound('inner', 'a/b/c')] })).toThrow(
      /overlapping folders|lies inside/,
    );
    expect(() =>
      buildApp({ feeds: [inbound('one', 'x/fulfillment'), inbound('two', 'x/fulfillment-nifi')] }),
    ).not.toThrow();
  });

  describe('HTTP API (its own stack)', () => {
    it('has one authorized route per entry of shared/api/routes.ts, and access logs', () => {
      const api = Template.fromStack(oms.api);
      const routes = Object.values(api.findResources('AWS::ApiGatewayV2::Route'));
      expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(ROUTES.map(routeKey).sort());
      // IAM for integrations, JWT for people: test/infra/people-and-pages.test.ts.
      for (const r of routes) expect(['AWS_IAM', 'JWT']).toContain(r.Properties.AuthorizationType);
      const stages = Object.values(api.findResources('AWS::ApiGatewayV2::Stage'));
      expect(stages).toHaveLength(1);
      expect(stages[0]!.Properties.AccessLogSettings.DestinationArn).toBeDefined();
    });
  });
});
