/**
 * Builds the OMS CDK app: three environment-agnostic stacks (four with the alarm topic) and the AWS Solutions rule pack.
 * `infra/app.ts` runs it for the CDK CLI; the tests build it with their own options.
 */
import { App, Tags, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { FeedDefinition } from '../shared/feeds/catalog.ts';
import { readInfraConfig, type OmsInfraConfig } from './config.ts';
import { alarmTopicArnIn, alarmTopicName } from './constructs/alarm-target.ts';
import { AlarmsStack } from './stacks/alarms-stack.ts';
import { ApiStack } from './stacks/api-stack.ts';
import { IdentityStack } from './stacks/identity-stack.ts';
import { Aws } from 'aws-cdk-lib';
import { WEB_DIR } from './config.ts';
import { JobsStack } from './stacks/jobs-stack.ts';
import { StorageStack } from './stacks/storage-stack.ts';
import { TransferStack } from './stacks/transfer-stack.ts';

export interface OmsAppOptions {
  /** Props of the App (context, outdir, ...). Ignored when `app` is given. */
  readonly appProps?: AppProps;
  /** An existing App to build into. */
  readonly app?: App;
  /** The feeds to deploy. Default: the catalog. */
  readonly feeds?: readonly FeedDefinition[];
  /** Resolves a handler name to its entry file. Default: `<functionsDir>/<handler>.ts`. */
  readonly entryFor?: (handler: string) => string;
  /** Run cdk-nag's AWS Solutions checks at synthesis (default true). */
  readonly nag?: boolean;
}

export interface OmsApp {
  readonly app: App;
  readonly config: OmsInfraConfig;
  readonly storage: StorageStack;
  readonly transfer: TransferStack;
  readonly jobs: JobsStack;
  readonly api: ApiStack;
  /** The Cognito user pool (people, groups, stores). */
  readonly identity: IdentityStack;
  /** The alarm topic's stack (only with -c alarmEmail). */
  readonly alarms?: AlarmsStack;
}

export function createOmsApp(options: OmsAppOptions = {}): OmsApp {
  const app = options.app ?? new App(options.appProps);
  const config = readInfraConfig(app.node);
  const prefix = config.tablePrefix;

  const target = config.alarmTarget;
  const alarms =
    target.kind === 'email'
      ? new AlarmsStack(app, 'OmsAlarms', {
          stackName: `${prefix}-alarms`,
          description: 'OMS alarm topic (KMS-encrypted) with the operator e-mail subscribed',
          topicName: alarmTopicName(prefix),
          email: target.email,
        })
      : undefined;
  const alarmTopicArn =
    target.kind === 'topic'
      ? target.topicArn
      : target.kind === 'email'
        ? alarmTopicArnIn(prefix)
        : undefined;
  const storage = new StorageStack(app, 'OmsStorage', {
    stackName: `${prefix}-storage`,
    description: 'OMS stateful resources: feeds bucket, access logs, DynamoDB tables (retained)',
    tablePrefix: prefix,
  });
  const transfer = new TransferStack(app, 'OmsTransfer', {
    stackName: `${prefix}-transfer`,
    description: 'OMS SFTP endpoint for NetSuite (AWS Transfer Family over the feeds bucket)',
    storage: storage.refs,
    netsuiteUser: config.netsuiteUser,
    sshPublicKeys: config.sftpPublicKeys,
    feeds: options.feeds,
    alarmTopicArn,
  });
  const jobs = new JobsStack(app, 'OmsJobs', {
    stackName: `${prefix}-jobs`,
    description: 'OMS feed jobs: S3 → SQS → import Lambdas, scheduled export Lambdas, alarms',
    storage: storage.refs,
    netsuiteUser: config.netsuiteUser,
    feeds: options.feeds,
    functionsDir: config.functionsDir,
    entryFor: options.entryFor,
    alarmTopicArn,
  });
  const identity = new IdentityStack(app, 'OmsIdentity', {
    stackName: `${prefix}-identity`,
    description: 'OMS people: Cognito user pool (groups, stores, MFA), hosted UI domain (retained)',
    domainPrefix: config.cognitoDomainPrefix ?? `${prefix}-oms-${Aws.ACCOUNT_ID}`,
  });
  const api = new ApiStack(app, 'OmsApi', {
    stackName: `${prefix}-api`,
    description:
      'OMS HTTP API (IAM for integrations, Cognito JWT for people, throttled), its handlers, and the pages (CloudFront + private S3)',
    people: {
      userPool: identity.identity.userPool,
      hostedUiUrl: identity.identity.domain.baseUrl(),
      pagesDir: WEB_DIR,
      customDomain: config.pagesDomain,
    },
    storage: storage.refs,
    netsuiteUser: config.netsuiteUser,
    queueNamePrefix: `${jobs.stackName}-`,
    functionsDir: config.functionsDir,
    entryFor: options.entryFor,
    reservedConcurrency: config.apiReservedConcurrency,
    alarmTopicArn,
  });
  if (alarms) {
    jobs.addDependency(alarms, 'its alarms notify the alarm topic');
    transfer.addDependency(alarms, 'its alarms notify the alarm topic');
    api.addDependency(alarms, 'its alarms notify the alarm topic');
  }

  Tags.of(app).add('project', 'netsuite-oms');
  if (options.nag ?? true) {
    Validations.of(app).addPlugins(
      new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
    );
  }
  return { app, config, storage, transfer, jobs, api, identity, alarms };
}
