import { Duration } from 'aws-cdk-lib';
import { CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { RouteDefinition } from '../../shared/api/routes.ts';
import type { FunctionEntry } from '../../shared/registry/functions.ts';
import { pascalCase } from '../names.ts';
import { JobFunction } from './job-function.ts';

/** Stage-wide default route throttling (requests per second, burst). */
export interface ApiThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export const DEFAULT_API_THROTTLE: ApiThrottle = { rateLimit: 50, burstLimit: 100 };

export interface OmsHttpApiProps {
  readonly routes: readonly RouteDefinition[];
  /** The registry's API entries (one per handler): needs, memory, timeout, reserved concurrency. */
  readonly handlers: readonly FunctionEntry[];
  /** Default DEFAULT_API_THROTTLE. */
  readonly throttle?: ApiThrottle;
  /** Reserved concurrency per handler: `entry` (the registry's, default) or none at all. */
  readonly reservedConcurrency?: 'registry' | 'none';
  readonly entryFor: (handler: string) => string;
  readonly bucket: IBucket;
  readonly tables: Readonly<Record<string, ITable>>;
  readonly tablePrefix: string;
  readonly netsuiteUser: string;
}

/**
 * The OMS HTTP API: an API Gateway HTTP API with one route per entry of `shared/api/routes.ts`,
 * each to its own Lambda (the handler the local server calls too). Every route requires IAM
 * authorization (SigV4-signed calls from a principal allowed `execute-api:Invoke`); nothing is
 * open to the world. Access logs go to a log group of their own. The stage throttles every route
 * (rate and burst), and each handler has reserved concurrency, so a flood of calls can neither
 * exhaust the account's concurrency (the feed jobs) nor grow without bound.
 */
export class OmsHttpApi extends Construct {
  readonly api: HttpApi;
  readonly functions: readonly JobFunction[];

  constructor(scope: Construct, id: string, props: OmsHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: 'NetSuite OMS HTTP API (IAM-authorized)',
      defaultAuthorizer: new HttpIamAuthorizer(),
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_YEAR });
    const stage = this.api.defaultStage!.node.defaultChild as CfnStage;
    const throttle = props.throttle ?? DEFAULT_API_THROTTLE;
    stage.defaultRouteSettings = {
      throttlingRateLimit: throttle.rateLimit,
      throttlingBurstLimit: throttle.burstLimit,
    };
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        caller: '$context.identity.caller',
        routeKey: '$context.routeKey',
        status: '$context.status',
        latency: '$context.responseLatency',
      }),
    };

    const byHandler = new Map<string, JobFunction>();
    for (const route of props.routes) {
      let fn = byHandler.get(route.handler);
      if (!fn) {
        const entry = props.handlers.find((h) => h.handler === route.handler);
        if (!entry)
          throw new Error(
            `route ${route.path} names handler ${route.handler}, not in the registry`,
          );
        fn = new JobFunction(this, pascalCase(route.handler), {
          feed: { id: route.handler, title: route.description },
          entry: props.entryFor(route.handler),
          bucket: props.bucket,
          tables: props.tables,
          tablePrefix: props.tablePrefix,
          netsuiteUser: props.netsuiteUser,
          access: entry,
          memorySize: entry.memorySize,
          timeout: Duration.seconds(entry.timeoutSeconds),
          reservedConcurrentExecutions:
            props.reservedConcurrency === 'none' ? undefined : entry.reservedConcurrency,
        });
        byHandler.set(route.handler, fn);
      }
      this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(
          `${pascalCase(route.handler)}Integration`,
          fn.function,
        ),
      });
    }
    this.functions = [...byHandler.values()];
  }
}
