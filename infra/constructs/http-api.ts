import { Duration, Lazy, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { routeKey, type RouteDefinition } from '../../shared/api/routes.ts';
import { routeAccess } from '../../shared/auth/route-access.ts';
import type { FunctionEntry } from '../../shared/registry/functions.ts';
import { pascalCase } from '../names.ts';
import { acknowledgeWildcardResources } from '../nag.ts';
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
  /**
   * The names of the feed queues (and their dead-letter queues) start with this (the jobs
   * stack's name and a dash): the operator console's handlers may list and re-drive only those.
   */
  readonly queueNamePrefix?: string;
  /**
   * People: given the HTTP API, the JWT authorizer of the routes people call
   * (`shared/auth/route-access.ts`) and the origins of the pages that call them (CORS). Without
   * it every route stays IAM-only.
   */
  readonly people?: (api: HttpApi) => {
    readonly authorizer: IHttpRouteAuthorizer;
    readonly allowOrigins: readonly string[];
  };
}

/**
 * The OMS HTTP API: an API Gateway HTTP API with one route per entry of `shared/api/routes.ts`,
 * each to its own Lambda (the handler the local server calls too). Machine routes (the
 * storefront's order intake) require IAM authorization (SigV4-signed calls from a principal
 * allowed `execute-api:Invoke`); the routes people call require a Cognito ID token (JWT
 * authorizer), and the handlers check the token's groups and stores again (`shared/auth/`).
 * Nothing is open to the world. Access logs go to a log group of their own. The stage throttles every route
 * (rate and burst), and each handler has reserved concurrency, so a flood of calls can neither
 * exhaust the account's concurrency (the feed jobs) nor grow without bound.
 */
export class OmsHttpApi extends Construct {
  readonly api: HttpApi;
  readonly functions: readonly JobFunction[];

  constructor(scope: Construct, id: string, props: OmsHttpApiProps) {
    super(scope, id);
    const corsOrigins: string[] = [];
    this.api = new HttpApi(this, 'Api', {
      description: 'NetSuite OMS HTTP API (IAM for integrations, Cognito JWT for people)',
      defaultAuthorizer: new HttpIamAuthorizer(),
      // The pages call from their own origin with a bearer token (no cookies).
      corsPreflight: props.people
        ? {
            allowOrigins: Lazy.list({ produce: () => corsOrigins }),
            allowHeaders: ['authorization', 'content-type'],
            allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST],
            maxAge: Duration.hours(1),
          }
        : undefined,
    });
    const people = props.people?.(this.api);
    corsOrigins.push(...(people?.allowOrigins ?? []));
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
        if (entry.deadLetters) grantDeadLetters(this, fn, entry.deadLetters, props.queueNamePrefix);
        byHandler.set(route.handler, fn);
      }
      const forPeople = routeAccess(routeKey(route))?.caller === 'people';
      this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        ...(forPeople && people ? { authorizer: people.authorizer } : {}),
        integration: new HttpLambdaIntegration(
          `${pascalCase(route.handler)}Integration`,
          fn.function,
        ),
      });
    }
    this.functions = [...byHandler.values()];
  }
}

/** SQS actions of the operator console's dead-letter access (`shared/queue/sqs-dead-letters.ts`). */
export const DEAD_LETTER_ACTIONS = {
  read: ['sqs:GetQueueAttributes', 'sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility'],
  redrive: [
    'sqs:GetQueueAttributes',
    'sqs:ReceiveMessage',
    'sqs:ChangeMessageVisibility',
    'sqs:SendMessage',
    'sqs:DeleteMessage',
    'sqs:StartMessageMoveTask',
  ],
} as const;

/**
 * Lets a console handler find the feed queues (ListQueues has no resource level) and read or
 * re-drive their dead-letter queues: the queues whose names start with the jobs stack's name.
 */
function grantDeadLetters(
  scope: Construct,
  fn: JobFunction,
  access: 'read' | 'redrive',
  queueNamePrefix: string | undefined,
): void {
  if (!queueNamePrefix)
    throw new Error(
      `${fn.node.id} re-drives dead letters: the API needs the feed queues' name prefix`,
    );
  const stack = Stack.of(scope);
  const queues = stack.formatArn({ service: 'sqs', resource: `${queueNamePrefix}*` });
  fn.role.addToPrincipalPolicy(
    new PolicyStatement({ sid: 'ListFeedQueues', actions: ['sqs:ListQueues'], resources: ['*'] }),
  );
  fn.role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'FeedDeadLetters',
      actions: [...DEAD_LETTER_ACTIONS[access]],
      resources: [queues],
    }),
  );
  fn.function.addEnvironment('OMS_QUEUE_PREFIX', queueNamePrefix);
  acknowledgeWildcardResources(
    fn.role,
    ['*', queues],
    "sqs:ListQueues has no resource-level permission; the queue actions name the jobs stack's queues (their names start with its name), the only queues the console lists and re-drives.",
  );
}
