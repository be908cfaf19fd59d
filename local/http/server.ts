/**
 * The local stand-in for API Gateway (HTTP API): a node:http server that checks the caller (the
 * API token or a local ID token, `authorizer.ts`), matches the request against the function registry's routes (`shared/registry/`, built
 * from `shared/api/routes.ts`, as CDK's API Gateway routes are), turns it
 * into an API Gateway payload-format-2.0 event and invokes the same handler module CDK deploys.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { matchRoute, routeKey, type RouteDefinition } from '../../shared/api/routes.ts';
import { invoke as invokeHandler, localRoutes } from '../handlers.ts';
import { authorize, type AuthorizerContext } from './authorizer.ts';
import { signInEndpoints, type LocalAuth } from './sign-in.ts';

/** What the server needs of a route: its method and path, and the handler it goes to. */
export type LocalRoute = Pick<RouteDefinition, 'method' | 'path' | 'handler'>;

export interface HttpApiOptions {
  /** The machine credential: `Authorization: Bearer <token>` stands for an IAM-signed call. */
  readonly token: string;
  /** People: local users sign in (`/auth/sign-in`) and call with their ID token. */
  readonly auth?: LocalAuth;
  readonly host?: string;
  /** 0 or absent picks a free port. */
  readonly port?: number;
  /** Default: the function registry's routes (`shared/registry/`), the ones API Gateway has. */
  readonly routes?: readonly LocalRoute[];
  /** Calls a handler module by name (default: load `functions/<name>.ts`, as Lambda would). */
  readonly invoke?: (handler: string, event: APIGatewayProxyEventV2) => Promise<unknown>;
  /** API Gateway's payload limit is 10 MB. */
  readonly maxBodyBytes?: number;
  readonly log?: (line: string) => void;
  /**
   * Static pages served without the token (the page itself holds no data; every API call it
   * makes carries the token), e.g. `{ path: '/merchandiser/', dir: <the page's folder> }`.
   */
  readonly pages?: ReadonlyArray<{ readonly path: string; readonly dir: string }>;
}

export interface HttpApi {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|x-www-form-urlencoded|.*\+json|.*\+xml))/i;

class TooLarge extends Error {}

/**
 * How long an idle kept-alive connection stays open: longer than clients keep theirs (undici,
 * Node's fetch, reuses a connection for up to its server's hint or 4 s, browsers 60 s, ALBs 60 s),
 * so the server never closes a socket a client is about to reuse. Node's default, 5 s, made such
 * clients fail now and then after a few idle seconds.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** Must exceed the keep-alive timeout (Node's rule), else a reused socket's next request times out. */
export const HEADERS_TIMEOUT_MS = 66_000;

async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new TooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The API Gateway v2 event for a request (exported for tests). */
export function toApiGatewayEvent(
  req: Pick<IncomingMessage, 'method' | 'url' | 'headers' | 'socket'>,
  body: Buffer,
  route: Pick<RouteDefinition, 'method' | 'path'>,
  pathParameters: Record<string, string>,
  authorizer?: AuthorizerContext,
): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const cookies = headers.cookie?.split(';').map((c) => c.trim());
  const contentType = headers['content-type'] ?? '';
  const isText = body.length === 0 || TEXT_TYPES.test(contentType) || contentType === '';
  const now = new Date();
  const key = routeKey(route);
  return {
    version: '2.0',
    routeKey: key,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    cookies,
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: Object.keys(pathParameters).length ? pathParameters : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0]!,
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      ...(authorizer ? { authorizer } : {}),
      routeKey: key,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length ? (isText ? body.toString('utf8') : body.toString('base64')) : undefined,
    isBase64Encoded: body.length > 0 && !isText,
  };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

/** Writes a handler's result the way API Gateway does for payload format 2.0. */
function sendResult(res: ServerResponse, result: unknown): void {
  const structured = result as APIGatewayProxyStructuredResultV2 | undefined;
  if (structured && typeof structured === 'object' && 'statusCode' in structured) {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(structured.headers ?? {})) headers[k] = String(v);
    const body = structured.isBase64Encoded
      ? Buffer.from(structured.body ?? '', 'base64')
      : (structured.body ?? '');
    res.writeHead(structured.statusCode ?? 200, headers);
    for (const c of structured.cookies ?? []) res.appendHeader('set-cookie', c);
    res.end(body);
    return;
  }
  // Not a structured response: API Gateway answers 200 with the value as JSON.
  send(res, 200, typeof result === 'string' ? result : JSON.stringify(result ?? null));
}

const PAGE_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Serves a file of a static page (GET/HEAD under its path); undefined when not a page request. */
async function servePage(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  pages: ReadonlyArray<{ path: string; dir: string }>,
): Promise<number | undefined> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
  const page = pages.find((p) => path === p.path.replace(/\/$/, '') || path.startsWith(p.path));
  if (!page) return undefined;
  req.resume();
  if (!path.startsWith(page.path)) {
    res.writeHead(301, { location: page.path });
    res.end();
    return 301;
  }
  const rel = path.slice(page.path.length) || 'index.html';
  const root = resolve(page.dir);
  const file = resolve(root, rel);
  const type = PAGE_TYPES[extname(file)];
  if (!file.startsWith(root + sep) || !type) {
    send(res, 404, { message: 'Not Found' });
    return 404;
  }
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    send(res, 404, { message: 'Not Found' });
    return 404;
  }
  res.writeHead(200, {
    'content-type': type,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'content-security-policy':
      "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    'referrer-policy': 'no-referrer',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return 200;
}

export async function startHttpApi(options: HttpApiOptions): Promise<HttpApi> {
  if (!options.token) throw new Error('the local HTTP API needs a bearer token');
  const routes = options.routes ?? localRoutes();
  const invoke = options.invoke ?? ((handler, event) => invokeHandler(handler, event));
  const max = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const log = options.log ?? (() => undefined);
  const signIn = options.auth ? signInEndpoints(options.auth) : undefined;

  const server = createServer((req, res) => {
    void (async () => {
      const started = Date.now();
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      let status = 500;
      try {
        const page = await servePage(req, res, path, options.pages ?? []);
        if (page !== undefined) {
          status = page;
          return;
        }
        const reply = await signIn?.(req, path);
        if (reply) {
          req.resume();
          status = reply.status;
          return send(res, reply.status, reply.body, { 'cache-control': 'no-store' });
        }
        const caller = await authorize(
          req.headers.authorization,
          options.token,
          options.auth?.issuer,
        );
        if (!caller.ok) {
          req.resume();
          status = 401;
          return send(
            res,
            401,
            { error: 'UNAUTHENTICATED', message: caller.reason },
            { 'www-authenticate': 'Bearer' },
          );
        }
        const match = matchRoute(req.method ?? 'GET', path, routes);
        if (!match) {
          req.resume();
          status = 404;
          return send(res, 404, { message: 'Not Found' });
        }
        let body: Buffer;
        try {
          body = await readBody(req, max);
        } catch (err) {
          if (!(err instanceof TooLarge)) throw err;
          status = 413;
          return send(res, 413, { message: 'Request Entity Too Large' }, { connection: 'close' });
        }
        const event = toApiGatewayEvent(
          req,
          body,
          match.route,
          match.pathParameters,
          caller.authorizer,
        );
        const result = await invoke(match.route.handler, event);
        status = (result as { statusCode?: number })?.statusCode ?? 200;
        sendResult(res, result);
      } catch (err) {
        status = 500;
        log(
          `http ${req.method} ${path} failed: ${err instanceof Error ? err.message : String(err)}`,
        );
        if (!res.headersSent) send(res, 500, { message: 'Internal Server Error' });
        else res.end();
      } finally {
        log(`http ${req.method} ${path} ${status} ms=${Date.now() - started}`);
      }
    })();
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
