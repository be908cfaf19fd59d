/**
 * The Lambda shell with its output captured: the JSON lines AWS gets (request id, cold start,
 * correlation keys), the readable local line, EMF metrics from the results, and the one error
 * handling (API → JSON error response with status; queue and job → rethrown).
 */
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BadRequest, json } from '../../shared/api/http.ts';
import { CommandError } from '../../shared/domain/lifecycle/errors.ts';
import { PreorderError } from '../../shared/domain/preorder/errors.ts';
import { appendKeys, addMetric, lambdaShell } from '../../shared/lambda-shell/shell.ts';
import { setShellOutput, metricsEnabled } from '../../shared/platform/output.ts';
import { log } from '../../shared/platform/log.ts';

interface Captured {
  lines: { level: string; line: string }[];
  emf: Record<string, unknown>[];
}

const ENV_KEYS = [
  'OMS_LOG_FORMAT',
  'OMS_S3_ENDPOINT',
  'OMS_METRICS',
  'POWERTOOLS_METRICS_DISABLED',
];
let saved: Record<string, string | undefined>;
let out: Captured;
let restore: () => void;

beforeEach(() => {
  saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  for (const k of ENV_KEYS) delete process.env[k];
  process.env.OMS_LOG_FORMAT = 'json';
  out = { lines: [], emf: [] };
  restore = setShellOutput({
    log: (level, line) => out.lines.push({ level, line }),
    metrics: (emf) => out.emf.push(emf),
  });
});

afterEach(() => {
  restore();
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

const ctx = (requestId: string, functionName = 'oms-fn'): Context =>
  ({
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    getRemainingTimeInMillis: () => 60_000,
  }) as unknown as Context;

const jsonLines = () => out.lines.map((l) => JSON.parse(l.line) as Record<string, unknown>);

/** The metric values of the EMF documents, by name. */
function metricValues(): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const doc of out.emf) {
    const aws = doc._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] };
    for (const m of aws.CloudWatchMetrics[0]!.Metrics) values[m.Name] = doc[m.Name];
  }
  return values;
}

const apiEvent = (routeKey: string, pathParameters: Record<string, string> = {}, body?: unknown) =>
  ({
    version: '2.0',
    routeKey,
    pathParameters,
    // The caller the gateway verified: an IAM-signed integration (shared/auth/ allows it here).
    requestContext: { routeKey, authorizer: { iam: { userArn: 'local-api-token' } } },
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
  }) as unknown as APIGatewayProxyEventV2;

describe('the Lambda shell: logs', () => {
  it('writes Powertools JSON lines with request id, cold start once, and appended correlation keys', async () => {
    const handler = lambdaShell<{ n: number }, { n: number }>(
      {
        name: 'inventory-snapshot-import',
        kind: 'queue',
        keys: { feed: 'inventory-snapshot-import' },
      },
      async (event) => {
        appendKeys({ file: 'home/netsuite/netsuite/inventoryitem/csv/a.csv', runId: undefined });
        log.info('file imported', { rows: event.n, applied: event.n });
        return event;
      },
    );
    await handler({ n: 3 }, ctx('req-1'));
    await handler({ n: 4 }, ctx('req-2'));
    const [first, second] = jsonLines();
    expect(first).toMatchObject({
      level: 'INFO',
      message: 'file imported',
      service: 'inventory-snapshot-import',
      cold_start: true,
      function_name: 'oms-fn',
      function_request_id: 'req-1',
      feed: 'inventory-snapshot-import',
      file: 'home/netsuite/netsuite/inventoryitem/csv/a.csv',
      rows: 3,
      applied: 3,
    });
    expect(typeof first!.timestamp).toBe('string');
    expect(first).not.toHaveProperty('runId');
    expect(second).toMatchObject({ cold_start: false, function_request_id: 'req-2', rows: 4 });
  });

  it('keeps the keys of invocations running side by side apart', async () => {
    const handler = lambdaShell<{ orderId: string; wait: number }, void>(
      { name: 'api-get-order', kind: 'job' },
      async ({ orderId, wait }) => {
        appendKeys({ orderId });
        await new Promise((r) => setTimeout(r, wait));
        log.info('done', {});
      },
    );
    await Promise.all([
      handler({ orderId: 'O-1', wait: 20 }, ctx('r-1')),
      handler({ orderId: 'O-2', wait: 1 }, ctx('r-2')),
    ]);
    const byRequest = Object.fromEntries(
      jsonLines().map((l) => [l.function_request_id, l.orderId]),
    );
    expect(byRequest).toEqual({ 'r-1': 'O-1', 'r-2': 'O-2' });
  });

  it('prints the readable local line (message and the call’s fields only) on the local cloud', async () => {
    process.env.OMS_LOG_FORMAT = 'pretty';
    const handler = lambdaShell({ name: 'netsuite-exceptions', kind: 'job' }, async () => {
      appendKeys({ runId: 'abc123' });
      log.info('netsuite exceptions run', {
        filesTaken: 0,
        errorRows: 2,
        note: 'two words',
        x: undefined,
      });
      log.error('records refused by NetSuite wait for a fix', { message: 'bad item' });
    });
    await handler(undefined, ctx('r'));
    expect(out.lines[0]!.level).toBe('info');
    expect(out.lines[0]!.line).toMatch(
      /^\d\d:\d\d:\d\d info {2}netsuite exceptions run filesTaken=0 errorRows=2 note="two words"$/,
    );
    expect(out.lines[1]!.level).toBe('error');
    expect(out.lines[1]!.line).toMatch(
      / error records refused by NetSuite wait for a fix message_=/,
    );
  });

  it('logs outside any invocation too (the local cloud’s own lines), without Lambda keys', () => {
    log.warn('port taken', { port: 2222 });
    expect(jsonLines()[0]).toMatchObject({ level: 'WARN', message: 'port taken', port: 2222 });
    expect(jsonLines()[0]).not.toHaveProperty('function_request_id');
  });
});

describe('the Lambda shell: metrics', () => {
  it('publishes EMF from the result and from addMetric, with namespace OMS and dimension service', async () => {
    const handler = lambdaShell<unknown, { records: number }>(
      {
        name: 'sales-order-export',
        kind: 'job',
        metrics: (r, add) => add('RecordsExported', r.records),
      },
      async () => {
        addMetric('RowsApplied', 7);
        return { records: 12 };
      },
    );
    await handler({}, ctx('m-1'));
    expect(out.emf).toHaveLength(1);
    const doc = out.emf[0]!;
    const aws = doc._aws as {
      CloudWatchMetrics: {
        Namespace: string;
        Dimensions: string[][];
        Metrics: { Name: string; Unit: string }[];
      }[];
    };
    expect(aws.CloudWatchMetrics[0]!.Namespace).toBe('OMS');
    expect(aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['service']]);
    expect(doc.service).toBe('sales-order-export');
    expect(metricValues()).toEqual({ RowsApplied: 7, RecordsExported: 12 });
    expect(aws.CloudWatchMetrics[0]!.Metrics.every((m) => m.Unit === 'Count')).toBe(true);
  });

  it('publishes nothing when nothing was counted, and nothing locally unless asked', async () => {
    const quiet = lambdaShell({ name: 'preorder-repromise', kind: 'job' }, async () => 1);
    await quiet(undefined, ctx('q'));
    expect(out.emf).toHaveLength(0);

    process.env.OMS_S3_ENDPOINT = 'http://127.0.0.1:4569';
    expect(metricsEnabled()).toBe(false);
    const counting = lambdaShell({ name: 'broker-orders', kind: 'job' }, async () => {
      addMetric('Placements', 2);
    });
    await counting(undefined, ctx('c1'));
    expect(out.emf).toHaveLength(0);
    process.env.OMS_METRICS = 'emf';
    await counting(undefined, ctx('c2'));
    expect(metricValues()).toEqual({ Placements: 2 });
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    expect(metricsEnabled()).toBe(false);
  });
});

describe('the Lambda shell: errors', () => {
  const route = (err: unknown) =>
    lambdaShell<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(
      { name: 'api-store-pick', kind: 'api' },
      async () => {
        throw err;
      },
    );

  it('maps API errors to JSON responses with their status, counting refusals', async () => {
    const cases: [unknown, number, string][] = [
      [new BadRequest('no body'), 400, 'BAD_REQUEST'],
      [new CommandError('UNKNOWN_ORDER', 'there is no order O-9'), 404, 'UNKNOWN_ORDER'],
      [new CommandError('ILLEGAL_MOVE', 'not from 1200'), 409, 'ILLEGAL_MOVE'],
      [new PreorderError('BEYOND_ATP', 'only 3'), 409, 'BEYOND_ATP'],
      [new Error('DynamoDB said no'), 500, 'INTERNAL'],
    ];
    for (const [err, status, code] of cases) {
      const res = await route(err)(
        apiEvent('POST /stores/{facilityId}/picks', { facilityId: 'S1', orderId: 'O-9' }),
        ctx(`e-${status}`),
      );
      expect(res).toMatchObject({ statusCode: status });
      expect(JSON.parse(String(res.body))).toMatchObject({ error: code });
    }
    const lines = jsonLines();
    const failed = lines.find((l) => l.message === 'request failed')!;
    expect(failed).toMatchObject({
      level: 'ERROR',
      route: 'POST /stores/{facilityId}/picks',
      facilityId: 'S1',
      orderId: 'O-9',
      error: 'DynamoDB said no',
      errorName: 'Error',
      function_request_id: 'e-500',
    });
    expect(String(failed.stack)).toContain('DynamoDB said no');
    expect(
      JSON.parse(String((await route(new Error('x'))(apiEvent('GET /orders/{orderId}'))).body)),
    ).toEqual({
      error: 'INTERNAL',
      message: 'internal error; see the logs',
    });
    const refused = lines.filter((l) => l.message === 'request refused');
    expect(refused.map((l) => l.status)).toEqual([400, 404, 409, 409]);
    expect(refused[1]).toMatchObject({ code: 'UNKNOWN_ORDER', reason: 'there is no order O-9' });
    const counts = out.emf.map((d) =>
      'RefusedCommands' in d ? 'refused' : 'Errors' in d ? 'error' : '?',
    );
    expect(counts).toEqual(['refused', 'refused', 'refused', 'refused', 'error', 'error']);
  });

  it('authorizes before the work: 401 for no caller, 403 for another store; the work never runs', async () => {
    let ran = 0;
    const handler = lambdaShell<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(
      { name: 'api-store-pick', kind: 'api' },
      async () => {
        ran += 1;
        return json(200, {});
      },
    );
    const route = 'POST /stores/{facilityId}/picks';
    const anonymous = {
      ...apiEvent(route, { facilityId: 'S1' }),
      requestContext: { routeKey: route },
    };
    const anonRes = await handler(anonymous as APIGatewayProxyEventV2, ctx('a1'));
    expect(anonRes).toMatchObject({ statusCode: 401, headers: { 'www-authenticate': 'Bearer' } });
    const associate = {
      ...apiEvent(route, { facilityId: 'S2' }),
      requestContext: {
        routeKey: route,
        authorizer: {
          jwt: {
            claims: {
              'cognito:username': 'ann',
              'cognito:groups': '[store-associate]',
              'custom:stores': 'S1',
            },
          },
        },
      },
    } as unknown as APIGatewayProxyEventV2;
    const wrong = await handler(associate, ctx('a2'));
    expect(wrong.statusCode).toBe(403);
    expect(JSON.parse(String(wrong.body))).toEqual({
      error: 'WRONG_STORE',
      message: 'ann acts for S1, not for store S2',
    });
    expect(ran).toBe(0);
    const own = await handler(
      { ...associate, pathParameters: { facilityId: 'S1' } } as APIGatewayProxyEventV2,
      ctx('a3'),
    );
    expect(own.statusCode).toBe(200);
    expect(ran).toBe(1);
  });

  it('counts a refusal the handler answers itself (4xx response)', async () => {
    const handler = lambdaShell({ name: 'api-get-order', kind: 'api' }, async () =>
      json(404, { error: 'UNKNOWN_ORDER' }),
    );
    await handler(apiEvent('GET /orders/{orderId}', { orderId: 'O-1' }), ctx('g'));
    expect(metricValues()).toEqual({ RefusedCommands: 1 });
  });

  it('logs and rethrows for queue and job handlers, so that SQS or the scheduler retries', async () => {
    for (const kind of ['queue', 'job'] as const) {
      const handler = lambdaShell(
        { name: `x-${kind}`, kind, keys: { feed: 'product-import' } },
        async () => {
          appendKeys({ file: 'home/netsuite/netsuite/product/csv/p.csv' });
          throw new Error(`boom ${kind}`);
        },
      );
      await expect(handler({}, ctx(`t-${kind}`))).rejects.toThrow(`boom ${kind}`);
    }
    const errors = jsonLines().filter((l) => l.level === 'ERROR');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({
      message: 'x-queue failed; the invocation is retried',
      feed: 'product-import',
      file: 'home/netsuite/netsuite/product/csv/p.csv',
      error: 'boom queue',
      function_request_id: 't-queue',
    });
    expect(metricValues()).toEqual({ Errors: 1 });
  });
});
