/**
 * The operator console's routes over HTTP on the local cloud (DynamoDB Local, the S3 emulator,
 * the local JWT issuer): an operator reads every view; a core job's run shows in health; the
 * actions refuse what they must (a key outside the kept files, a record never refused) and audit
 * the refusal; a merchandiser gets 403 on every console route, an admin reads but gets 403 on
 * every action — and after the refusals the audit and the dead letters are as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, routeKey } from '../../shared/api/routes.ts';
import { auditStore, root } from '../../shared/app/root.ts';
import { startTestCloud } from '../support/local-cloud.ts';

const PASSWORD = 'Console-api-2026!';
let cloud: Awaited<ReturnType<typeof startTestCloud>>;
const tokens: Record<string, string> = {};

async function call(who: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${cloud.api!.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${tokens[who]}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const CONSOLE = ROUTES.map(routeKey).filter((k) => k.includes(' /console/'));
const concrete = (k: string) =>
  k.replace('{sku}', 'SKU-1').replace(/ \/console\/file$/, ' /console/file?key=x');

beforeAll(async () => {
  cloud = await startTestCloud({ dispatch: false, api: { token: 'console-api-token' } });
  const { users } = cloud.api!.auth;
  for (const [username, group] of [
    ['ops', 'operator'],
    ['boss', 'admin'],
    ['merch', 'merchandiser'],
  ] as const) {
    await users.add({ username, password: PASSWORD, groups: [group] });
    const res = await fetch(`${cloud.api!.url}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    tokens[username] = ((await res.json()) as { idToken: string }).idToken;
  }
  cloud.deadLetters.add({
    feed: 'product-import',
    key: 'home/netsuite/netsuite/product/csv/p.csv',
    body: '{}',
    error: 'boom',
    receives: 4,
  });
});

afterAll(async () => cloud?.cleanup());

describe('the console routes', () => {
  it('ten routes: six views and the charts for people, three actions', () => {
    expect(CONSOLE).toHaveLength(10);
  });

  it('health lists every feed and core job; a core job’s run is recorded and shown ok', async () => {
    const before = await call('ops', 'GET', '/console/health');
    expect(before.status).toBe(200);
    const fn = (body: Record<string, unknown>, id: string) =>
      (body.functions as Array<{ id: string; state: string; lastRunAt?: string }>).find(
        (f) => f.id === id,
      );
    expect(fn(before.body, 'reconcile-reservations')).toMatchObject({ state: 'late' });
    expect(before.body.deadLetters).toMatchObject({
      total: 1,
      queues: [{ queue: 'product-import', count: 1 }],
    });
    await cloud.scheduler.runNow('reconcile-reservations');
    const after = await call('ops', 'GET', '/console/health');
    expect(fn(after.body, 'reconcile-reservations')).toMatchObject({ state: 'ok' });
    expect(after.body.reservations).toMatchObject({ driftRepaired: 0, staleHolds: 0 });
  });

  it('an operator reads every view', async () => {
    for (const view of ['health', 'failures', 'waiting', 'charts', 'activity']) {
      const r = await call('ops', 'GET', `/console/${view}`);
      expect(r.status, view).toBe(200);
    }
    const charts = await call('ops', 'GET', '/console/charts');
    expect((charts.body.hourly as unknown[]).length).toBe(24);
    const sku = await call('ops', 'GET', '/console/skus/NOPE');
    expect(sku).toEqual({ status: 200, body: { sku: 'NOPE', facilities: [] } });
  });

  it('refuses keys outside the kept files (400), for reading and for re-importing, and audits the refusal', async () => {
    for (const key of ['oms-state/staging/x', 'home/netsuite/netsuite/product/csv/x.csv']) {
      const read = await call('ops', 'GET', `/console/file?key=${encodeURIComponent(key)}`);
      expect(read.status, key).toBe(400);
    }
    const r = await call('ops', 'POST', '/console/files/reimport', {
      key: 'home/netsuite/netsuite/customer/export/archive/x.csv',
      content: 'a\n',
    });
    expect(r).toMatchObject({ status: 400, body: { error: 'BAD_REQUEST' } });
    const resend = await call('ops', 'POST', '/console/refusals/resend', {
      outbox: 'allocation',
      id: 'never-refused',
    });
    expect(resend.status).toBe(400);
    const audit = await auditStore(root()).recent();
    expect(audit.map((a) => [a.actor, a.action, a.outcome.slice(0, 8)])).toEqual([
      ['user:ops', 'refusal.resend', 'refused:'],
      ['user:ops', 'file.reimport', 'refused:'],
    ]);
  });

  it('a merchandiser gets 403 on every console route; an admin reads but may not act', async () => {
    const audited = (await auditStore(root()).recent()).length;
    for (const k of CONSOLE) {
      const [method, path] = concrete(k).split(' ') as [string, string];
      const body = method === 'POST' ? { all: true, outbox: 'allocation' } : undefined;
      const merch = await call('merch', method, path, body);
      expect(merch.status, `merchandiser ${k}`).toBe(403);
      expect(merch.body.error).toBe('FORBIDDEN');
      const admin = await call('boss', method, path, body);
      if (method === 'POST') expect(admin.status, `admin ${k}`).toBe(403);
      else expect(admin.status, `admin ${k}`).not.toBe(403);
    }
    expect(cloud.deadLetters.list()).toHaveLength(1);
    expect(await auditStore(root()).recent()).toHaveLength(audited);
  });

  it('re-drive all by an operator: the dead letter goes back to its queue, audited', async () => {
    const r = await call('ops', 'POST', '/console/dead-letters/redrive', { all: true });
    expect(r.status).toBe(200);
    expect(cloud.deadLetters.list()).toEqual([]);
    const [last] = await auditStore(root()).recent();
    expect(last).toMatchObject({
      actor: 'user:ops',
      action: 'dead-letter.redrive',
      target: 'all',
      outcome: 'done: 1 message(s) sent back to their queue',
    });
  });
});
