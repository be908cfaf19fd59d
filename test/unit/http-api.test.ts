import { describe, expect, it } from 'vitest';
import { bearerTokenMatches } from '../../shared/api/auth.ts';
import { ROUTES, matchRoute, routeKey } from '../../shared/api/routes.ts';
import { toApiGatewayEvent } from '../../local/http/server.ts';
import { existsSync } from 'node:fs';

describe('the route table', () => {
  it('has a handler module in functions/ for every route, and unique route keys', () => {
    const keys = ROUTES.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const r of ROUTES) {
      expect(
        existsSync(new URL(`../../functions/${r.handler}.ts`, import.meta.url)),
        r.handler,
      ).toBe(true);
      expect(r.path.startsWith('/')).toBe(true);
      expect(r.description.length).toBeGreaterThan(10);
    }
  });

  it('matches methods and paths, with {param} segments', () => {
    expect(matchRoute('POST', '/orders')?.route.handler).toBe('api-create-order');
    expect(matchRoute('post', '/orders/')?.route.handler).toBe('api-create-order');
    expect(matchRoute('GET', '/orders/O1%23x')).toMatchObject({
      route: { handler: 'api-get-order' },
      pathParameters: { orderId: 'O1#x' },
    });
    expect(matchRoute('GET', '/orders')).toBeUndefined();
    expect(matchRoute('DELETE', '/orders/O1')).toBeUndefined();
    expect(matchRoute('GET', '/orders/O1/lines')).toBeUndefined();
  });
});

describe('bearer tokens', () => {
  it('accepts exactly the token', () => {
    expect(bearerTokenMatches('Bearer s3cret', 's3cret')).toBe(true);
    expect(bearerTokenMatches('bearer s3cret', 's3cret')).toBe(true);
    expect(bearerTokenMatches('Bearer s3cre', 's3cret')).toBe(false);
    expect(bearerTokenMatches('Basic s3cret', 's3cret')).toBe(false);
    expect(bearerTokenMatches(undefined, 's3cret')).toBe(false);
    expect(bearerTokenMatches('Bearer ', '')).toBe(false);
  });
});

describe('API Gateway v2 events', () => {
  it('carries route, path parameters, query, headers and the body as API Gateway does', () => {
    const route = ROUTES.find((r) => r.handler === 'api-get-order')!;
    const event = toApiGatewayEvent(
      {
        method: 'GET',
        url: '/orders/O1?a=1&a=2&b=x',
        headers: { host: '127.0.0.1:9', 'content-type': 'application/json', 'x-multi': ['1', '2'] },
        socket: { remoteAddress: '127.0.0.1' } as never,
      },
      Buffer.from('{"x":1}'),
      route,
      { orderId: 'O1' },
    );
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /orders/{orderId}',
      rawPath: '/orders/O1',
      rawQueryString: 'a=1&a=2&b=x',
      queryStringParameters: { a: '1,2', b: 'x' },
      pathParameters: { orderId: 'O1' },
      headers: { 'x-multi': '1,2', 'content-type': 'application/json' },
      body: '{"x":1}',
      isBase64Encoded: false,
      requestContext: { http: { method: 'GET', path: '/orders/O1' }, stage: '$default' },
    });
    const binary = toApiGatewayEvent(
      {
        method: 'POST',
        url: '/orders',
        headers: { 'content-type': 'application/octet-stream' },
        socket: {} as never,
      },
      Buffer.from([0, 1, 2]),
      ROUTES[0],
      {},
    );
    expect(binary).toMatchObject({ body: 'AAEC', isBase64Encoded: true });
  });
});
