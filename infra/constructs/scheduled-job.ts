import { ArnFormat, Aws, Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FeedDefinition } from '../../shared/feeds/catalog.ts';
import type { DeclaredAccess } from './declared-access.ts';
import { DEAD_LETTER_RETENTION, JobFunction } from './job-function.ts';

export interface ScheduledJobProps {
  readonly feed: Pick<FeedDefinition, 'id' | 'title'>;
  /** EventBridge Scheduler expression: `cron(...)`, `rate(...)` or `at(...)`. */
  readonly scheduleExpression: string;
  /** Default `UTC`. */
  readonly timezone?: string;
  readonly entry: string;
  readonly bucket: IBucket;
  readonly tables: Readonly<Record<string, ITable>>;
  readonly tablePrefix: string;
  readonly netsuiteUser: string;
  /** Tables and S3 prefixes the function declares (its registry entry). */
  readonly access: DeclaredAccess;
  /** Default 1024 MB. */
  readonly memorySize?: number;
  /** Default 5 minutes: well inside the shortest schedule period (15 min), so runs do not overlap. */
  readonly timeout?: Duration;
}

/**
 * A job started by EventBridge Scheduler: the Lambda, a schedule (flexible window off, retries,
 * DLQ) and a role that may only invoke this function and park failed invocations in the DLQ.
 *
 * The function itself is not retried asynchronously (the next scheduled run is the retry, and a
 * retry could overlap it); a failed run lands in the same DLQ.
 */
export class ScheduledJob extends Construct {
  readonly feed: Pick<FeedDefinition, 'id' | 'title'>;
  readonly job: JobFunction;
  readonly schedule: CfnSchedule;
  readonly deadLetterQueue: Queue;
  /** How long a dead letter is kept (the retention alarm compares its age with this). */
  readonly deadLetterRetention = DEAD_LETTER_RETENTION;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id);
    this.feed = props.feed;

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: this.deadLetterRetention,
    });

    this.job = new JobFunction(this, 'Job', {
      feed: props.feed,
      entry: props.entry,
      bucket: props.bucket,
      tables: props.tables,
      tablePrefix: props.tablePrefix,
      netsuiteUser: props.netsuiteUser,
      access: props.access,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.minutes(5),
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 0,
    });
    const fn = this.job.function;

    this.role = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          // Schedules of this account and region, in the default group (where these are).
          ArnLike: {
            'aws:SourceArn': Stack.of(this).formatArn({
              service: 'scheduler',
              resource: 'schedule',
              resourceName: 'default/*',
              arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
            }),
          },
        },
      }),
      description: `EventBridge Scheduler: invoke ${props.feed.id}`,
    });
    this.role.addToPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }),
    );
    // What Scheduler needs to park an undeliverable invocation (no GetQueueUrl/GetQueueAttributes).
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
      }),
    );

    this.schedule = new CfnSchedule(this, 'Schedule', {
      description: `${props.feed.id}: ${props.feed.title}`,
      scheduleExpression: props.scheduleExpression,
      scheduleExpressionTimezone: props.timezone ?? 'UTC',
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: fn.functionArn,
        roleArn: this.role.roleArn,
        input: JSON.stringify({ job: props.feed.id }),
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 300 },
        deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
      },
    });
    // The role needs its policy in place before the first invocation.
    this.schedule.node.addDependency(this.role);
  }
}
