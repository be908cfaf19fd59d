import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deploySettings, ENV } from '../../shared/platform/config.ts';
import type { FeedDefinition } from '../../shared/feeds/catalog.ts';
import { PROJECT_ROOT } from '../config.ts';
import { LAMBDA_BUNDLE_TARGET } from '../lambda-node.ts';
import { grantDeclaredAccess, type DeclaredAccess } from './declared-access.ts';

/** ESM bundles still meet CommonJS dependencies that call `require`; give them one. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __oms_createRequire } from 'node:module'; " +
  'const require = __oms_createRequire(import.meta.url);';

/** Retention of every dead-letter queue (SQS's maximum). */
export const DEAD_LETTER_RETENTION = Duration.days(14);

/** The one place that names the Lambda runtime: the major of LAMBDA_NODE_MAJOR. */
export const JOB_RUNTIME = Runtime.NODEJS_24_X;

export interface JobFunctionProps {
  readonly feed: Pick<FeedDefinition, 'id' | 'title'>;
  /** Absolute path of the handler module. */
  readonly entry: string;
  readonly bucket: IBucket;
  readonly tables: Readonly<Record<string, ITable>>;
  readonly tablePrefix: string;
  readonly netsuiteUser: string;
  /** Tables and S3 prefixes it may use: its registry entry's declaration, nothing more. */
  readonly access: DeclaredAccess;
  readonly memorySize: number;
  readonly timeout: Duration;
  /** Asynchronous invocations (schedules): failed events go here after `retryAttempts`. */
  readonly deadLetterQueue?: IQueue;
  readonly retryAttempts?: number;
  readonly logRetention?: RetentionDays;
  /** Reserved concurrent executions (API handlers). */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * One feed handler as a Lambda function: Node 24 on arm64, ESM bundle with source maps, its own
 * log group with retention, an explicit role (no AWS managed policy) allowed to write that log
 * group and to use exactly the tables and S3 prefixes its registry entry declares.
 */
export class JobFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: JobFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Lambda ${props.feed.id}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: `${props.feed.id}: ${props.feed.title}`,
      runtime: JOB_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      deadLetterQueue: props.deadLetterQueue,
      retryAttempts: props.retryAttempts,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        [ENV.bucket]: props.bucket.bucketName,
        [ENV.tablePrefix]: props.tablePrefix,
        [ENV.netsuiteUser]: props.netsuiteUser,
        ...deploySettings(),
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: LAMBDA_BUNDLE_TARGET,
        platform: 'node',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        sourceMap: true,
        minify: true,
        keepNames: true,
        // Ship the SDK versions the project pins and tests with, not whatever the runtime carries.
        bundleAwsSDK: true,
      },
    });
    // The role must carry its policies before the function (and its event sources) are created.
    this.function.node.addDependency(this.role);

    grantDeclaredAccess(this.role, props.bucket, props.tables, props.access, this.role);
  }
}
