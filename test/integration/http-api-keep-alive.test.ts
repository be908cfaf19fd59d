/**
 * Security review (issue 16 §4): a client that keeps connections alive (Node's fetch, undici)
 * failed now and then against the local HTTP API after a few idle seconds — Node's server closed
 * idle sockets after 5 s (its default keepAliveTimeout) while the client picked one to reuse. The
 * server now keeps idle connections 65 s (longer than any usual client pool) and says so in its
 * `Keep-Alive` header: an idle pause of 7 s (Node closed after 5-6 s) neither fails nor opens a new connection.
 */
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpApi, type HttpApi } from '../../local/http/server.ts';

const TOKEN = 'keep-alive-token';
let api: HttpApi;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

beforeAll(async () => {
  api = await startHttpApi({
    token: TOKEN,
    // The handler does not matter here: the connection handling does.
    invoke: async () => ({ statusCode: 200, body: '{"ok":true}' }),
  });
});

afterAll(async () => {
  agent.destroy();
  await api?.close();
});

const idle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A GET on a kept-alive node:http agent; says whether it went over a reused connection. */
function get(): Promise<{ status: number; reused: boolean; keepAlive?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${api.url}/orders/o-1`,
      { agent, headers: { authorization: `Bearer ${TOKEN}` } },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            reused: req.reusedSocket,
            keepAlive: String(res.headers['keep-alive'] ?? ''),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the local HTTP API keeps idle connections', () => {
  it('announces a keep-alive timeout longer than undici’s and Node’s agents use', async () => {
    const first = await get();
    expect(first.status).toBe(200);
    expect(first.keepAlive).toMatch(/timeout=(\d+)/);
    expect(Number(/timeout=(\d+)/.exec(first.keepAlive!)![1])).toBeGreaterThanOrEqual(60);
  });

  it('fetch, 7 s idle, fetch again — three times, no error, same connection', async () => {
    const call = () =>
      fetch(`${api.url}/orders/o-1`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect((await call()).status).toBe(200);
    await get();
    for (let round = 0; round < 3; round++) {
      await idle(7_000);
      const res = await call();
      expect(res.status).toBe(200);
      await res.text();
      // The kept-alive agent's connection is still open: the server did not close it idle.
      expect(await get()).toMatchObject({ status: 200, reused: true });
    }
  });
});
