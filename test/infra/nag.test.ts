import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Stack, Validations, type App } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { implementedFeeds, type FeedDefinition } from '../../shared/feeds/catalog.ts';
import { buildApp } from './helpers.ts';

const KEY = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 netsuite@test';

const SCHEDULED: FeedDefinition = {
  id: 'nag-scheduled-export',
  title: 'Injected scheduled export',
  direction: 'outbound',
  folder: 'nag/export',
  format: 'csv',
  columns: ['a'],
  trigger: { kind: 'schedule', expression: 'rate(15 minutes)' },
  handler: 'nag-scheduled-export',
};

/** Synthesizes (which runs the registered cdk-nag plugin) and lists what the pack still reports. */
function unacknowledgedFindings(app: App): string[] {
  app.synth();
  const report = new AwsSolutionsChecks().validateScope(app);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}`),
  );
}

function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutionsChecks', () => {
  it('finds nothing unacknowledged in the app as `cdk synth` builds it (real handlers)', async () => {
    // Bundling every real handler blocks a process for minutes: done in a child process.
    const script = fileURLToPath(new URL('./fixtures/nag-real-handlers.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
      maxBuffer: 64 * 1024 * 1024,
      timeout: 900_000,
    });
    const out = JSON.parse(stdout.trim().split('\n').pop()!) as {
      feeds: number;
      findings: string[];
    };
    expect(out.feeds).toBeGreaterThan(0);
    expect(out.findings).toEqual([]);
  }, 900_000);

  it('finds nothing unacknowledged with every option on (alarm e-mail, SSH key, a schedule)', () => {
    const { app } = buildApp({
      context: { alarmEmail: 'ops@example.com', sftpPublicKey: KEY },
      feeds: [...implementedFeeds(), SCHEDULED],
    });
    expect(unacknowledgedFindings(app)).toEqual([]);
  });

  it('does report a non-compliant resource (the check is live)', () => {
    const { app, jobs } = buildApp({ nag: false });
    new Queue(jobs, 'BareQueue', { encryption: QueueEncryption.UNENCRYPTED });
    const findings = unacknowledgedFindings(app);
    expect(findings).toContain('error AwsSolutions-SQS3 at OmsJobs/BareQueue/Resource');
    expect(findings).toContain('error AwsSolutions-SQS4 at OmsJobs/BareQueue/Resource');
  });

  it('reports no errors and no AwsSolutions warnings as annotations', () => {
    const { storage, transfer, jobs, api, identity, alarms } = buildApp();
    for (const stack of [storage, transfer, jobs, api, identity, alarms!] as Stack[]) {
      const annotations = Annotations.fromStack(stack);
      expect(annotations.findError('*', Match.anyValue())).toEqual([]);
      expect(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
      expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    }
  });

  it('acknowledges only the known, finding-specific rules, each with a specific reason', () => {
    const { app } = buildApp({
      context: { alarmEmail: 'ops@example.com' },
      feeds: [...implementedFeeds(), SCHEDULED],
    });
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    const allowed = [
      // S3 object keys below a declared folder (NetSuite home, storefront intake, OMS state).
      /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:s3:::[a-z0-9-]+<AWS::AccountId>-<AWS::Region>\/(home\/[\w@.-]+|storefront|oms-state)\/[\w/.-]*\*\]$/,
      // The operator console: the jobs stack's queues (their generated names start with its name).
      /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:[a-z0-9-]+-jobs-\*\]$/,
      // The Transfer server's own log group (its ARN ends in :*).
      /^AwsSolutions-IAM5\[Resource::<SftpLogGroup[A-F0-9]+\.Arn>\]$/,
      // CDK's bucket-notifications custom resource.
      /^AwsSolutions-IAM4\[Policy::arn:<AWS::Partition>:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole\]$/,
      // CDK's BucketDeployment (the pages upload): its S3 action families, the pages bucket's
      // and the assets bucket's keys, CloudFront invalidations on *, CDK's runtime choice.
      /^AwsSolutions-IAM5\[Action::s3:(GetObject|GetBucket|List|DeleteObject|Abort)\*\]$/,
      /^AwsSolutions-IAM5\[Resource::<PagesBucket[A-F0-9]+\.Arn>\/\*\]$/,
      /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>\/\*\]$/,
      /^AwsSolutions-IAM5\[Resource::\*\]$/,
      /^AwsSolutions-L1$/,
      // The pages: their log bucket, CloudFront without geo restriction, WAF or (default domain)
      // a TLS policy of our choosing; Cognito without the Plus plan.
      /^AwsSolutions-S1$/,
      /^AwsSolutions-CFR[124]$/,
      /^AwsSolutions-COG8$/,
    ];
    for (const ack of acks) {
      expect(
        allowed.some((re) => re.test(ack.id)),
        `${ack.id} at ${ack.path}`,
      ).toBe(true);
      expect(ack.reason.length, `reason for ${ack.id} at ${ack.path}`).toBeGreaterThan(80);
    }
    // No blanket acknowledgement on a stack or the app.
    for (const ack of acks) {
      expect([
        '',
        'OmsStorage',
        'OmsTransfer',
        'OmsJobs',
        'OmsApi',
        'OmsAlarms',
        'OmsIdentity',
      ]).not.toContain(ack.path);
      // The broad ones only on the resources they are about.
      // (sqs:ListQueues, which has no resource level: only the operator console's roles.)
      if (/\[Resource::\*\]|L1$/.test(ack.id))
        expect(ack.path).toMatch(
          /Custom::CDKBucketDeployment|^OmsApi\/HttpApi\/ApiConsole(Actions)?\/Role$/,
        );
      if (/S1$/.test(ack.id)) expect(ack.path).toBe('OmsApi/Pages/Logs');
    }
  });
});
