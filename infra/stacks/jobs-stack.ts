import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { ManagedPolicy } from 'aws-cdk-lib/aws-iam';
import type { Construct, IConstruct } from 'constructs';
import { implementedFeeds, type FeedDefinition } from '../../shared/feeds/catalog.ts';
import { CORE_JOBS, type CoreJob } from '../../shared/jobs/core-jobs.ts';
import { functionRegistry, type FunctionEntry } from '../../shared/registry/functions.ts';
import { DEFAULT_FUNCTIONS_DIR, handlerEntry } from '../config.ts';
import { FeedImportFunction } from '../constructs/feed-import-function.ts';
import { JobAlarms } from '../constructs/job-alarms.ts';
import { ScheduledJob } from '../constructs/scheduled-job.ts';
import { feedPrefix } from '../feed-paths.ts';
import { pascalCase } from '../names.ts';
import { acknowledgeManagedPolicies } from '../nag.ts';
import { importFeedsBucket, importTables, type StorageRefs } from '../storage-refs.ts';

export interface JobsStackProps extends StackProps {
  readonly storage: StorageRefs;
  readonly netsuiteUser: string;
  /** The feeds to deploy; only those with a `handler` get a function. Default: the catalog. */
  readonly feeds?: readonly FeedDefinition[];
  /** Folder of the handler modules. Default: the project's `functions/`. */
  readonly functionsDir?: string;
  /** Resolves a handler name to its entry file. Default: `<functionsDir>/<handler>.ts`. */
  readonly entryFor?: (handler: string) => string;
  /** The SNS topic every alarm notifies (undefined only with the explicit alarms=none). */
  readonly alarmTopicArn?: string;
  /** Core jobs (scheduled work not tied to a feed). Default: CORE_JOBS. */
  readonly coreJobs?: readonly CoreJob[];
}

/**
 * A feed queue's oldest message older than this means imports fall behind: one file takes at most
 * 15 minutes, a message meeting a live lease comes back within the lease (5 minutes, renewed), and
 * a crashed import's message comes back after the visibility timeout (90 minutes).
 */
export const QUEUE_MAX_AGE = Duration.hours(2);

/** Dead letters alarm this long before their queue's retention deletes them. */
export const DEAD_LETTER_MARGIN = Duration.days(3);

/** S3 rejects two notification configurations whose prefixes overlap; say which feeds do. */
function assertDisjointPrefixes(feeds: readonly FeedDefinition[], user: string): void {
  const prefixes = feeds.map((feed) => ({ feed, prefix: feedPrefix(user, feed) }));
  for (const a of prefixes) {
    for (const b of prefixes) {
      if (a !== b && b.prefix.startsWith(a.prefix)) {
        throw new Error(
          `inbound feeds ${a.feed.id} and ${b.feed.id} have overlapping folders ` +
            `(${a.prefix}, ${b.prefix}): S3 cannot route their ObjectCreated events apart`,
        );
      }
    }
  }
}

/**
 * The feed jobs, derived from the catalog: every implemented inbound feed gets its import chain
 * (S3 event → SQS → Lambda), every implemented scheduled feed its schedule and Lambda; all DLQs
 * and functions are alarmed.
 */
export class JobsStack extends Stack {
  readonly imports: readonly FeedImportFunction[];
  readonly scheduled: readonly ScheduledJob[];
  readonly alarms: JobAlarms;
  /** Every function of this stack as the registry declares it. */
  readonly registry: readonly FunctionEntry[];

  constructor(scope: Construct, id: string, props: JobsStackProps) {
    super(scope, id, props);
    this.addStackDependency(
      props.storage.stack,
      'the jobs read and write the feeds bucket and tables',
    );

    const feeds = (props.feeds ?? implementedFeeds()).filter((f) => f.handler !== undefined);
    const ids = new Set<string>();
    for (const feed of feeds) {
      if (ids.has(feed.id)) throw new Error(`feed id ${feed.id} appears twice`);
      ids.add(feed.id);
    }
    const coreJobs: readonly CoreJob[] = props.coreJobs ?? CORE_JOBS;
    for (const core of coreJobs) {
      if (ids.has(core.id)) throw new Error(`job id ${core.id} is both a feed and a core job`);
    }
    // The registry's feeds and core jobs; its API handlers are the API stack's.
    this.registry = functionRegistry({ user: props.netsuiteUser, feeds, coreJobs, routes: [] });
    const functionsDir = props.functionsDir ?? DEFAULT_FUNCTIONS_DIR;
    const entryFor = props.entryFor ?? ((handler: string) => handlerEntry(functionsDir, handler));

    const bucket = importFeedsBucket(this, 'FeedsBucket', props.storage);
    const tables = importTables(this, 'Table', props.storage);
    const common = {
      bucket,
      tables,
      tablePrefix: props.storage.tablePrefix,
      netsuiteUser: props.netsuiteUser,
    };
    this.alarms = new JobAlarms(this, 'Alarms', { topicArn: props.alarmTopicArn });

    const inbound = feeds.filter((f) => f.trigger.kind === 'object-created');
    assertDisjointPrefixes(inbound, props.netsuiteUser);

    const imports: FeedImportFunction[] = [];
    const scheduled: ScheduledJob[] = [];
    const feedById = new Map(feeds.map((f) => [f.id, f]));
    const jobById = new Map(coreJobs.map((j) => [j.id, j]));
    for (const fn of this.registry) {
      const name = pascalCase(fn.id);
      const entry = entryFor(fn.handler);
      const timeout = Duration.seconds(fn.timeoutSeconds);
      if (fn.kind === 'import') {
        const job = new FeedImportFunction(this, name, {
          feed: feedById.get(fn.id)!,
          entry,
          access: fn,
          memorySize: fn.memorySize,
          timeout,
          ...common,
        });
        this.alarmQueue(name, job.queue, QUEUE_MAX_AGE, fn.id);
        this.alarmDeadLetters(name, job.deadLetterQueue, job.deadLetterRetention, fn.id);
        this.alarms.addErrorAlarm(name, job.job.function, fn.id);
        imports.push(job);
        continue;
      }
      const job = new ScheduledJob(this, name, {
        feed: { id: fn.id, title: fn.title },
        entry,
        scheduleExpression: fn.schedule!,
        access: fn,
        memorySize: fn.memorySize,
        timeout,
        ...common,
      });
      this.alarmDeadLetters(name, job.deadLetterQueue, job.deadLetterRetention, fn.id);
      this.alarms.addErrorAlarm(name, job.job.function, fn.id);
      const core = jobById.get(fn.id);
      if (core?.logAlarm) {
        this.alarms.addLogLineAlarm(
          name,
          job.job.logGroup,
          core.logAlarm.term,
          `${core.id}: ${core.logAlarm.description}`,
        );
      }
      scheduled.push(job);
    }
    this.imports = imports;
    this.scheduled = scheduled;

    this.acknowledgeNotificationsHandler();
  }

  private alarmQueue(name: string, queue: Queue, maxAge: Duration, what: string): void {
    this.alarms.addQueueAgeAlarm(name, queue, maxAge, what);
  }

  /** Any dead letter alarms at once; one close to the end of its retention alarms again. */
  private alarmDeadLetters(name: string, dlq: Queue, retention: Duration, what: string): void {
    this.alarms.addDeadLetterQueueAlarm(name, dlq, what);
    this.alarms.addDeadLetterRetentionAlarm(name, dlq, retention, DEAD_LETTER_MARGIN, what);
  }

  /**
   * `bucket.addEventNotification` deploys CDK's own BucketNotificationsHandler (a custom-resource
   * Lambda that calls PutBucketNotificationConfiguration). CDK scopes its S3 permissions to the
   * feeds bucket, but gives its role the AWS managed logging policy.
   */
  private acknowledgeNotificationsHandler(): void {
    const handlers: IConstruct[] = this.node.children.filter((c) =>
      c.node.id.startsWith('BucketNotificationsHandler'),
    );
    for (const handler of handlers) {
      acknowledgeManagedPolicies(
        handler,
        [
          ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')
            .managedPolicyArn,
        ],
        'CDK-provided custom-resource handler for S3 bucket notifications (runs only at deploy ' +
          'time): aws-cdk-lib adds AWSLambdaBasicExecutionRole (CloudWatch Logs writes only) to ' +
          'whatever role it runs with, ours via notificationsHandlerRole included, and scopes its ' +
          'S3 permission to the feeds bucket. Decision: keep its role; one of our own would need ' +
          'a wildcard log-group resource (the function name is generated), an IAM5 finding instead.',
      );
    }
  }
}
