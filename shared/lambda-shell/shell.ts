/**
 * The one Lambda shell every handler goes through — feed imports, exports, core jobs and API
 * routes, on AWS and on the local cloud alike (`local/handlers.ts` invokes the same exports):
 *
 *   export const handler = lambdaShell({ name: 'broker-orders', kind: 'job' }, async (event) => …);
 *
 * A middy handler with three middlewares around the work:
 * - logging: a Powertools Logger for this invocation (request id, cold start, function name, the
 *   handler's name as `service`, and the correlation keys the work appends with `appendKeys` —
 *   file, feed, order id, run id); `shared/platform/log.ts` lines written during the invocation carry them;
 * - metrics: a Powertools Metrics for this invocation (EMF, namespace `OMS`, dimension `service`),
 *   filled from the result the handler returns (`spec.metrics`) or by `addMetric` while it works,
 *   published when it ends, whether it succeeded or threw;
 * - authorization (`api`): the caller the gateway verified must be allowed the route and, for a
 *   store route, the store (`shared/auth/`); otherwise 401/403 before any work;
 * - errors: the one place an error is logged with its context and then either mapped (`api`: a
 *   JSON error response with its status; refusals counted as `RefusedCommands`) or rethrown
 *   (`queue`, `job`: the invocation fails, so SQS or the scheduler retries it).
 *
 * The invocation's logger and metrics live in an AsyncLocalStorage scope, not in module state:
 * the local cloud runs several invocations of one handler at once in one process, and their keys
 * must not cross.
 */
import { randomUUID } from 'node:crypto';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { errorResponse } from '../api/http.ts';
import { authorizeRequest } from '../auth/guard.ts';
import { actorOf } from '../auth/principal.ts';
import { OmsLogger, rootLogger, type LogFields } from '../platform/logger.ts';
import { newInvocationMetrics } from '../platform/metrics.ts';
import {
  addMetric,
  appendKeys,
  currentLogger,
  logFailure,
  scopes,
  type AddMetric,
} from '../platform/invocation.ts';
import { recordJobRun, type JobRunOutcome } from './job-runs.ts';

export {
  addMetric,
  appendKeys,
  currentLogger,
  logFailure,
  removeKeys,
  type AddMetric,
  type MetricUnitName,
} from '../platform/invocation.ts';

/** `api`: errors become JSON responses; `queue` and `job`: errors are rethrown (retried). */
export type ShellKind = 'api' | 'queue' | 'job';

export interface ShellSpec<TResult> {
  /** The handler's name: the feed or job id, or the API handler module (`service` in logs/metrics). */
  readonly name: string;
  readonly kind: ShellKind;
  /** Correlation keys known before the work starts (e.g. `{ feed }`). */
  readonly keys?: LogFields;
  /** Metrics taken from the result the handler returns. */
  readonly metrics?: (result: TResult, add: AddMetric) => void;
  /**
   * Jobs: what their run record says (rows, records, an alarm raised, figures). With it, every
   * invocation — succeeded or failed — leaves a run record the operator's console reads
   * (`shared/lambda-shell/job-runs.ts`); jobs that write their own (exports, approval) omit it.
   */
  readonly runRecord?: (result: TResult) => JobRunOutcome;
}

const isHttpResult = (r: unknown): r is APIGatewayProxyStructuredResultV2 =>
  typeof r === 'object' &&
  r !== null &&
  typeof (r as { statusCode?: unknown }).statusCode === 'number';

/** A context for callers that give none (tests calling a handler directly). */
const syntheticContext = (name: string): Context =>
  ({
    functionName: name,
    awsRequestId: randomUUID(),
    getRemainingTimeInMillis: () => 15 * 60_000,
  }) as unknown as Context;

export type ShellHandler<TEvent, TResult> = (event: TEvent, context?: Context) => Promise<TResult>;

export function lambdaShell<TEvent, TResult>(
  spec: ShellSpec<TResult>,
  work: (event: TEvent, context: Context) => Promise<TResult>,
): ShellHandler<TEvent, TResult> {
  let coldStart = true;

  const invocation: MiddlewareObj<TEvent, TResult, Error, Context> = {
    before: (request) => {
      const scope = scopes.getStore()!;
      const logger = rootLogger.createChild({ serviceName: spec.name }) as OmsLogger;
      logger.coldStartOverride = coldStart;
      coldStart = false;
      logger.addContext(request.context);
      scope.logger = logger;
      scope.metrics = newInvocationMetrics(spec.name);
      scope.startedAt = Date.now();
      appendKeys({ ...spec.keys, ...(spec.kind === 'api' ? apiKeys(request.event) : {}) });
      if (spec.kind === 'api')
        appendKeys({ actor: actorOf(authorizeRequest(request.event as never)) });
    },
    after: async (request) => {
      const response = request.response as TResult;
      if (spec.kind === 'api' && isHttpResult(response)) countRefusal(response);
      spec.metrics?.(response, addMetric);
      scopes.getStore()?.metrics?.publishStoredMetrics();
      if (spec.runRecord) {
        await recordJobRun(spec.name, scopes.getStore()?.startedAt ?? Date.now(), () =>
          spec.runRecord!(response),
        );
      }
    },
    onError: async (request) => {
      const err = request.error;
      if (spec.kind === 'api') {
        const response = errorResponse(err);
        if ((response.statusCode ?? 500) >= 500) logFailure('request failed', err);
        else
          currentLogger().info('request refused', {
            status: response.statusCode,
            ...describeRefusal(err),
          });
        countRefusal(response);
        request.response = response as TResult;
      } else {
        logFailure(`${spec.name} failed; the invocation is retried`, err);
        addMetric('Errors', 1);
      }
      scopes.getStore()?.metrics?.publishStoredMetrics();
      if (spec.runRecord) {
        await recordJobRun(spec.name, scopes.getStore()?.startedAt ?? Date.now(), () => ({
          errors: [err instanceof Error ? err.message : String(err)],
        }));
      }
    },
  };

  const handler = middy<TEvent, TResult, Error, Context>().use(invocation).handler(work);

  return (event, context) =>
    scopes.run({ name: spec.name }, () =>
      handler(event as TEvent, context ?? syntheticContext(spec.name)),
    );
}

/** The route and the ids an API request names (path parameters), as correlation keys. */
function apiKeys(event: unknown): LogFields {
  const e = event as {
    routeKey?: string;
    pathParameters?: Record<string, string | undefined>;
  } | null;
  const p = e?.pathParameters ?? {};
  return { route: e?.routeKey, orderId: p.orderId, facilityId: p.facilityId, poId: p.poId };
}

function describeRefusal(err: unknown): LogFields {
  const code = (err as { code?: unknown })?.code;
  return {
    code: typeof code === 'string' ? code : undefined,
    reason: err instanceof Error ? err.message : String(err),
  };
}

/** A command the API refused (4xx: bad input, unknown, conflict) is counted. */
function countRefusal(response: APIGatewayProxyStructuredResultV2): void {
  const status = response.statusCode ?? 200;
  if (status >= 400 && status < 500) addMetric('RefusedCommands', 1);
  else if (status >= 500) addMetric('Errors', 1);
}
