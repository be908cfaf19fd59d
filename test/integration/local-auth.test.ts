/**
 * People on the local cloud, through its real HTTP API (issue 19): users of `npx oms user add`
 * sign in (`POST /auth/sign-in`) and get an ID token the local cloud signed with its own key
 * (jose, ES256) and verifies against its own JWKS; the handlers' authorization module then allows
 * or refuses by group, route and store, and the actor of the history is the token's user, never
 * the body's. Forged, foreign, expired and unsigned tokens are refused before any handler; the
 * API token stays the machine credential.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../shared/platform/config.ts';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../local/auth/issuer.ts';
import { startTestCloud } from '../support/local-cloud.ts';
import { sampleOrder } from '../support/order-core.ts';
import {
  orderAtStore,
  orderRecord,
  setUpStores,
  type StoreOrder,
} from '../support/store-fixture.ts';

const TOKEN = 'local-auth-api-token';
const PASSWORD = 'Correct-horse-9!';

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let released: StoreOrder;

async function call(method: string, path: string, bearer?: string, body?: unknown) {
  const res = await fetch(`${cloud.api!.url}${path}`, {
    method,
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function signIn(username: string, password = PASSWORD): Promise<string> {
  const res = await call('POST', '/auth/sign-in', undefined, { username, password });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.idToken as string;
}

beforeAll(async () => {
  cloud = await startTestCloud({ dispatch: false, api: { token: TOKEN } });
  await setUpStores({ S1: '41', S2: '42' });
  const { users } = cloud.api!.auth;
  await users.add({
    username: 'ann',
    password: PASSWORD,
    groups: ['store-associate'],
    stores: ['S1'],
  });
  await users.add({ username: 'mia', password: PASSWORD, groups: ['merchandiser'] });
  await users.add({ username: 'olga', password: PASSWORD, groups: ['operator'] });
  released = await orderAtStore({
    facilityId: 'S2',
    sku: 'SF-SKU-A',
    date: '2025-10-01T09:00:00Z',
    stage: 'released',
  });
});

afterAll(async () => cloud?.cleanup());

describe('signing in', () => {
  it('issues an ID token with Cognito’s claims, verifiable with the published JWKS', async () => {
    const token = await signIn('ann');
    expect(decodeJwt(token)).toMatchObject({
      iss: LOCAL_ISSUER,
      aud: LOCAL_AUDIENCE,
      sub: 'ann',
      token_use: 'id',
      'cognito:username': 'ann',
      'cognito:groups': ['store-associate'],
      'custom:stores': 'S1',
    });
    const jwks = await call('GET', '/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    const [key] = jwks.body.keys as Array<Record<string, unknown>>;
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(key!.d).toBeUndefined();
  });

  it('refuses a wrong password, then locks the user name after five failures', async () => {
    const wrong = await call('POST', '/auth/sign-in', undefined, {
      username: 'olga',
      password: 'nope',
    });
    expect(wrong).toMatchObject({ status: 401, body: { error: 'SIGN_IN_FAILED' } });
    for (let i = 0; i < 4; i++)
      await call('POST', '/auth/sign-in', undefined, { username: 'olga', password: 'nope' });
    const locked = await call('POST', '/auth/sign-in', undefined, {
      username: 'olga',
      password: PASSWORD,
    });
    expect(locked).toMatchObject({ status: 429, body: { error: 'TOO_MANY_ATTEMPTS' } });
  });
});

describe('the handlers allow by group, route and store', () => {
  it('a store associate reads their store and is refused another, which stays unchanged', async () => {
    const ann = await signIn('ann');
    expect((await call('GET', '/stores/S1/queue', ann)).status).toBe(200);
    const before = await orderRecord(released.orderId);
    const other = await call('GET', '/stores/S2/queue', ann);
    expect(other).toMatchObject({
      status: 403,
      body: { error: 'WRONG_STORE', message: 'ann acts for S1, not for store S2' },
    });
    const pick = await call('POST', '/stores/S2/picks', ann, {
      orderId: released.orderId,
      lineSeq: '00001',
      idempotencyKey: 'ann-pick-s2',
    });
    expect(pick.status).toBe(403);
    expect(await orderRecord(released.orderId)).toBe(before);
  });

  it('a merchandiser cannot ship, but reads purchase orders', async () => {
    const mia = await signIn('mia');
    const ship = await call('POST', '/stores/S2/shipments', mia, {
      orderId: released.orderId,
      lineSeq: '00001',
      idempotencyKey: 'mia-ship',
    });
    expect(ship).toMatchObject({
      status: 403,
      body: { error: 'FORBIDDEN', message: 'mia (merchandiser) may not ship from a store' },
    });
    expect((await call('GET', '/purchase-orders', mia)).status).toBe(200);
    // Order intake is for integrations (IAM on AWS), not people.
    expect((await call('POST', '/orders', mia, sampleOrder())).status).toBe(403);
  });

  it('the history’s actor is the token’s user, whatever the body says', async () => {
    const created = await call('POST', '/orders', TOKEN, sampleOrder());
    expect(created.status).toBe(201);
    const orderId = created.body.orderId as string;
    // olga is locked out of signing in (above): her token comes from the issuer itself.
    const { idToken } = await cloud.api!.auth.issuer.issue({
      username: 'olga',
      groups: ['operator'],
      stores: [],
    });
    const cancel = await call('POST', `/orders/${orderId}/cancellations`, idToken, {
      reason: 'CUSTOMER_REQUEST',
      idempotencyKey: 'olga-cancel',
      actor: 'mallory',
    });
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    const record = await orderRecord(orderId);
    expect(record).toContain('"actor":"user:olga"');
    expect(record).not.toContain('mallory');
    // The API token is the machine credential: allowed, written as `api`.
    expect(record).toContain('"actor":"api"');
  });
});

describe('tokens that are not the local cloud’s own are refused before any handler', () => {
  const claims = {
    'cognito:username': 'eve',
    'cognito:groups': ['admin'],
    'custom:stores': 'S1,S2',
    token_use: 'id',
  };

  it('forged, foreign-signed, unsigned and expired tokens: 401 with the reason', async () => {
    const ann = await signIn('ann');
    const [h, , s] = ann.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...decodeJwt(ann), ...claims })).toString('base64url')}.${s}`;
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const foreign = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: (await exportJWK(publicKey)).kid ?? 'x' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setExpirationTime('1h')
      .sign(privateKey);
    const unsigned = new UnsecuredJWT(claims)
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setExpirationTime('1h')
      .encode();
    const { idToken: expired } = await cloud.api!.auth.issuer.issue(
      { username: 'ann', groups: ['store-associate'], stores: ['S1'] },
      -5,
    );
    for (const [token, reason] of [
      [forged, 'the token is not valid'],
      [foreign, 'the token is not valid'],
      [unsigned, 'the token is not valid'],
      [expired, 'the token has expired'],
      [undefined, 'sign in first: the request carries no token'],
    ] as const) {
      const res = await call('GET', '/stores/S1/queue', token);
      expect(res, reason).toMatchObject({
        status: 401,
        body: { error: 'UNAUTHENTICATED', message: reason },
      });
    }
  });
});

describe('npx oms user', () => {
  const oms = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(process.cwd(), 'bin/oms.mjs'), '--data-dir', cloud.dataDir, ...args],
      { env: { ...process.env, [ENV.bucket]: '' }, timeout: 60_000 },
    );
    return stdout;
  };

  it('adds a user who can sign in at once, lists and removes them (--json)', async () => {
    const added = JSON.parse(
      await oms('user', 'add', 'sam', '--group', 'store-associate', '--store', 'S2', '--json'),
    ) as { username: string; password: string; stores: string[]; signIn: { storePage: string } };
    expect(added).toMatchObject({ username: 'sam', stores: ['S2'] });
    expect(added.signIn.storePage).toMatch(/\/store\/$/);
    const sam = await signIn('sam', added.password);
    expect((await call('GET', '/stores/S2/queue', sam)).status).toBe(200);
    const list = JSON.parse(await oms('user', 'list', '--json')) as Array<Record<string, unknown>>;
    expect(list.map((u) => u.username)).toContain('sam');
    expect(JSON.stringify(list)).not.toContain('scrypt');
    expect(JSON.parse(await oms('user', 'remove', 'sam', '--json'))).toEqual({
      username: 'sam',
      removed: true,
    });
    const gone = await call('POST', '/auth/sign-in', undefined, {
      username: 'sam',
      password: added.password,
    });
    expect(gone.status).toBe(401);
  });
});
