import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import {
  API_HANDLERS,
  ROUTES,
  type ApiHandler,
  type RouteDefinition,
} from '../../shared/api/routes.ts';
import { functionRegistry, type FunctionEntry } from '../../shared/registry/functions.ts';
import { DEFAULT_FUNCTIONS_DIR, handlerEntry } from '../config.ts';
import { OmsHttpApi, type ApiThrottle } from '../constructs/http-api.ts';
import { JobAlarms } from '../constructs/job-alarms.ts';
import { importFeedsBucket, importTables, type StorageRefs } from '../storage-refs.ts';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { PagesHosting } from '../constructs/pages-hosting.ts';
import { acknowledgeBucketDeployment } from '../constructs/pages-deployment-nag.ts';

export interface ApiStackProps extends StackProps {
  readonly storage: StorageRefs;
  readonly netsuiteUser: string;
  /** The feed queues' names start with this (`<jobs stack name>-`): the console re-drives them. */
  readonly queueNamePrefix?: string;
  readonly functionsDir?: string;
  readonly entryFor?: (handler: string) => string;
  readonly routes?: readonly RouteDefinition[];
  readonly apiHandlers?: Readonly<Record<string, ApiHandler>>;
  readonly throttle?: ApiThrottle;
  readonly reservedConcurrency?: 'registry' | 'none';
  /** The SNS topic every alarm notifies (undefined only with the explicit alarms=none). */
  readonly alarmTopicArn?: string;
  /**
   * People (`IdentityStack`): their routes get a JWT authorizer of this user pool, and the pages
   * are hosted (CloudFront + S3) with the hosted UI's sign-in. Without it every route is IAM.
   */
  readonly people?: {
    readonly userPool: IUserPool;
    readonly hostedUiUrl: string;
    readonly pagesDir: string;
    readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
  };
}

/**
 * The HTTP API and its handlers (the registry's `api` entries), in a stack of their own: with the
 * feed jobs' queues and alarms, one stack would pass CloudFormation's 500 resources.
 */
export class ApiStack extends Stack {
  readonly httpApi: OmsHttpApi;
  readonly alarms: JobAlarms;
  readonly registry: readonly FunctionEntry[];
  /** The hosted pages (with `people`). */
  pages?: PagesHosting;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    this.addStackDependency(props.storage.stack, 'the API handlers read and write the tables');
    const routes = props.routes ?? ROUTES;
    this.registry = functionRegistry({
      user: props.netsuiteUser,
      feeds: [],
      coreJobs: [],
      routes,
      apiHandlers: props.apiHandlers ?? API_HANDLERS,
    });
    const functionsDir = props.functionsDir ?? DEFAULT_FUNCTIONS_DIR;
    this.httpApi = new OmsHttpApi(this, 'HttpApi', {
      routes,
      handlers: this.registry,
      entryFor: props.entryFor ?? ((handler: string) => handlerEntry(functionsDir, handler)),
      throttle: props.throttle,
      reservedConcurrency: props.reservedConcurrency,
      bucket: importFeedsBucket(this, 'FeedsBucket', props.storage),
      tables: importTables(this, 'Table', props.storage),
      tablePrefix: props.storage.tablePrefix,
      netsuiteUser: props.netsuiteUser,
      queueNamePrefix: props.queueNamePrefix,
      people: props.people ? (api) => this.hostPages(api.apiEndpoint, props.people!) : undefined,
    });
    this.alarms = new JobAlarms(this, 'Alarms', { topicArn: props.alarmTopicArn });
    for (const fn of this.httpApi.functions) {
      this.alarms.addErrorAlarm(`Api${fn.node.id}`, fn.function, `HTTP API ${fn.node.id}`);
    }
    this.alarms.addHttpApi5xxAlarm('HttpApi', this.httpApi.api);
    new CfnOutput(this, 'HttpApiUrl', { value: this.httpApi.api.apiEndpoint });
    if (this.pages) {
      new CfnOutput(this, 'PagesUrl', { value: this.pages.url });
      new CfnOutput(this, 'PagesClientId', { value: this.pages.client.userPoolClientId });
    }
  }

  /** The pages and their app client; the JWT authorizer of the routes people call. */
  private hostPages(apiEndpoint: string, people: NonNullable<ApiStackProps['people']>) {
    const pages = new PagesHosting(this, 'Pages', {
      pagesDir: people.pagesDir,
      apiEndpoint,
      userPool: people.userPool,
      hostedUiUrl: people.hostedUiUrl,
      customDomain: people.customDomain,
    });
    this.pages = pages;
    acknowledgeBucketDeployment(this, pages.bucket);
    return {
      authorizer: new HttpUserPoolAuthorizer('People', people.userPool, {
        userPoolClients: [pages.client],
        identitySource: ['$request.header.Authorization'],
      }),
      // Bearer tokens, no cookies: CORS is not what keeps others out. With a custom domain only
      // it; on CloudFront's default domain any HTTPS origin (naming the distribution here would
      // make the API depend on the distribution, whose CSP names the API).
      allowOrigins: people.customDomain
        ? [`https://${people.customDomain.domainName}`]
        : ['https://*'],
    };
  }
}
