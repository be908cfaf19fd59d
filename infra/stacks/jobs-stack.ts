import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { ManagedPolicy } from 'aws-cdk-lib/aws-iam';
import type { Construct, IConstruct } from 'constructs';
import { implementedFeeds, type FeedDefinition } from '../../shared/feeds/catalog.ts';
import { CORE_JOBS, type CoreJob } from '../../shared/jobs/core-jobs.ts';
import { ROUTES, type RouteDefinition } from '../../shared/api/routes.ts';
import { OmsHttpApi } from '../constructs/http-api.ts';
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
  /** When set, alarms notify this address. */
  readonly alarmEmail?: string;
  /** Core jobs (scheduled work not tied to a feed). Default: CORE_JOBS. */
  readonly coreJobs?: readonly CoreJob[];
  /** HTTP API routes. Default: ROUTES. */
  readonly routes?: readonly RouteDefinition[];
}

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
  readonly httpApi: OmsHttpApi;

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
    this.alarms = new JobAlarms(this, 'Alarms', { email: props.alarmEmail });

    const inbound = feeds.filter((f) => f.trigger.kind === 'object-created');
    assertDisjointPrefixes(inbound, props.netsuiteUser);

    const imports: FeedImportFunction[] = [];
    const scheduled: ScheduledJob[] = [];
    for (const feed of feeds) {
      const name = pascalCase(feed.id);
      const entry = entryFor(feed.handler as string);
      const trigger = feed.trigger;
      if (trigger.kind === 'object-created') {
        const job = new FeedImportFunction(this, name, { feed, entry, ...common });
        this.alarms.addDeadLetterQueueAlarm(name, job.deadLetterQueue, feed.id);
        this.alarms.addErrorAlarm(name, job.job.function, feed.id);
        imports.push(job);
      } else {
        const job = new ScheduledJob(this, name, {
          feed,
          entry,
          scheduleExpression: trigger.expression,
          ...common,
        });
        this.alarms.addDeadLetterQueueAlarm(name, job.deadLetterQueue, feed.id);
        this.alarms.addErrorAlarm(name, job.job.function, feed.id);
        scheduled.push(job);
      }
    }
    const coreJobs: readonly CoreJob[] = props.coreJobs ?? CORE_JOBS;
    for (const core of coreJobs) {
      if (ids.has(core.id)) throw new Error(`job id ${core.id} is both a feed and a core job`);
      ids.add(core.id);
      const name = pascalCase(core.id);
      const job = new ScheduledJob(this, name, {
        feed: { id: core.id, title: core.description },
        entry: entryFor(core.handler),
        scheduleExpression: core.schedule,
        ...common,
      });
      this.alarms.addDeadLetterQueueAlarm(name, job.deadLetterQueue, core.id);
      this.alarms.addErrorAlarm(name, job.job.function, core.id);
      if (core.logAlarm) {
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

    this.httpApi = new OmsHttpApi(this, 'HttpApi', {
      routes: props.routes ?? ROUTES,
      entryFor,
      ...common,
    });
    for (const fn of this.httpApi.functions) {
      this.alarms.addErrorAlarm(`Api${fn.node.id}`, fn.function, `HTTP API ${fn.node.id}`);
    }
    new CfnOutput(this, 'HttpApiUrl', { value: this.httpApi.api.apiEndpoint });

    this.acknowledgeNotificationsHandler();
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
        'CDK-provided custom-resource handler for S3 bucket notifications: aws-cdk-lib attaches ' +
          'AWSLambdaBasicExecutionRole to it (logs only) and exposes no option to replace it.',
      );
    }
  }
}
