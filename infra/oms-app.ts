/**
 * Builds the OMS CDK app: three environment-agnostic stacks and the AWS Solutions rule pack.
 * `infra/app.ts` runs it for the CDK CLI; the tests build it with their own options.
 */
import { App, Tags, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { FeedDefinition } from '../shared/feeds/catalog.ts';
import { readInfraConfig, type OmsInfraConfig } from './config.ts';
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
}

export function createOmsApp(options: OmsAppOptions = {}): OmsApp {
  const app = options.app ?? new App(options.appProps);
  const config = readInfraConfig(app.node);
  const prefix = config.tablePrefix;

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
  });
  const jobs = new JobsStack(app, 'OmsJobs', {
    stackName: `${prefix}-jobs`,
    description: 'OMS feed jobs: S3 → SQS → import Lambdas, scheduled export Lambdas, alarms',
    storage: storage.refs,
    netsuiteUser: config.netsuiteUser,
    feeds: options.feeds,
    functionsDir: config.functionsDir,
    entryFor: options.entryFor,
    alarmEmail: config.alarmEmail,
  });

  Tags.of(app).add('project', 'netsuite-oms');
  if (options.nag ?? true) {
    Validations.of(app).addPlugins(
      new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
    );
  }
  return { app, config, storage, transfer, jobs };
}
