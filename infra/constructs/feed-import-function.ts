import { Aws, Duration } from 'aws-cdk-lib';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FeedDefinition } from '../../shared/feeds/catalog.ts';
import { CONTINUATION_QUEUE_ENV } from '../../shared/queue/continuation.ts';
import { feedPrefix } from '../feed-paths.ts';
import type { DeclaredAccess } from './declared-access.ts';
import { DEAD_LETTER_RETENTION, JobFunction } from './job-function.ts';

export interface FeedImportFunctionProps {
  readonly feed: FeedDefinition;
  readonly entry: string;
  readonly bucket: IBucket;
  readonly tables: Readonly<Record<string, ITable>>;
  readonly tablePrefix: string;
  readonly netsuiteUser: string;
  /** Tables and S3 prefixes the function declares (its registry entry). */
  readonly access: DeclaredAccess;
  /** Default 1024 MB (streaming parse + 16–32 BatchWriteItem calls in flight). */
  readonly memorySize?: number;
  /** Default 15 minutes, the Lambda maximum (a million-row snapshot takes minutes). */
  readonly timeout?: Duration;
  /** Receives before a message is parked in the DLQ. Default 3. */
  readonly maxReceiveCount?: number;
  /** Files imported at the same time. Default 2: the table, not Lambda, bounds an import. */
  readonly maxConcurrency?: number;
}

/**
 * An inbound feed: S3 ObjectCreated below the feed's folder (`feedPrefix`, e.g.
 * `home/<user>/netsuite/<folder>/`) → SQS (SSE, TLS-only, DLQ) → the import Lambda, one file per
 * invocation with partial batch failures reported.
 *
 * The prefix also matches the folder's `archive/`, `error/` and `failed/` subfolders (S3 filters
 * cannot exclude); the handler ignores those keys (`locateInbound` in `shared/feeds/paths.ts`).
 */
export class FeedImportFunction extends Construct {
  readonly feed: FeedDefinition;
  readonly job: JobFunction;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  /** How long a dead letter is kept (the retention alarm compares its age with this). */
  readonly deadLetterRetention = DEAD_LETTER_RETENTION;
  readonly keyPrefix: string;

  constructor(scope: Construct, id: string, props: FeedImportFunctionProps) {
    super(scope, id);
    this.feed = props.feed;
    const timeout = props.timeout ?? Duration.minutes(15);
    this.keyPrefix = feedPrefix(props.netsuiteUser, props.feed);

    this.job = new JobFunction(this, 'Job', {
      feed: props.feed,
      entry: props.entry,
      bucket: props.bucket,
      tables: props.tables,
      tablePrefix: props.tablePrefix,
      netsuiteUser: props.netsuiteUser,
      access: props.access,
      memorySize: props.memorySize ?? 1024,
      timeout,
    });

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: this.deadLetterRetention,
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS guidance for SQS-driven Lambdas: at least six times the function timeout. It also
      // brings a crashed import's message back only after its lease (OMS_IMPORT_LEASE_MS, 5 min,
      // renewed at each checkpoint) has run out, so that receive takes the file over; a message
      // that meets a live lease is not failed but sent back delayed (no receive used up).
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 3 },
    });

    // A long import hands the rest of its file to a new invocation through its own queue.
    this.job.function.addEnvironment(CONTINUATION_QUEUE_ENV, this.queue.queueUrl);
    this.queue.grantSendMessages(this.job.role);

    // Only S3 events of this account's bucket (the notification's own grant names the bucket).
    this.queue.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyThisAccountsS3',
        effect: Effect.DENY,
        principals: [new ServicePrincipal('s3.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
        conditions: { StringNotEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    props.bucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(this.queue), {
      prefix: this.keyPrefix,
    });

    this.job.function.addEventSource(
      new SqsEventSource(this.queue, {
        // One file per invocation: a big file can use the whole 15 minutes on its own.
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency ?? 2,
      }),
    );
  }
}
