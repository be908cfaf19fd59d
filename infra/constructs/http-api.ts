import { Duration } from 'aws-cdk-lib';
import { CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { RouteDefinition } from '../../shared/api/routes.ts';
import { pascalCase } from '../names.ts';
import { JobFunction } from './job-function.ts';

export interface OmsHttpApiProps {
  readonly routes: readonly RouteDefinition[];
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
 * open to the world. Access logs go to a log group of their own.
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
        fn = new JobFunction(this, pascalCase(route.handler), {
          feed: { id: route.handler, title: route.description },
          entry: props.entryFor(route.handler),
          bucket: props.bucket,
          tables: props.tables,
          tablePrefix: props.tablePrefix,
          netsuiteUser: props.netsuiteUser,
          memorySize: 512,
          timeout: Duration.seconds(29),
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
