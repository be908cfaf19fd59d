/**
 * The authorization policy as a table: every HTTP route × every kind of caller × the store the
 * route names → allowed, 401 or 403. The expectations are written out here, not derived from
 * `shared/auth/route-access.ts`, so that a change to who may do what fails this test until the
 * table below says so too. Also: claims as API Gateway hands them over, and the actor.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ROUTES, routeKey } from '../../shared/api/routes.ts';
import { authorizeRequest, requestActor } from '../../shared/auth/guard.ts';
import { decide } from '../../shared/auth/policy.ts';
import {
  actorOf,
  LOCAL_TOKEN_CALLER,
  parseGroups,
  principalOf,
  type Principal,
} from '../../shared/auth/principal.ts';
import { ROUTE_ACCESS, routeKeysBy } from '../../shared/auth/route-access.ts';
import type { Group } from '../../shared/auth/groups.ts';

const person = (groups: Group[], stores: string[] = []): Principal => ({
  kind: 'person',
  username: `u-${groups.join('+') || 'none'}-${stores.join('+')}`,
  groups,
  stores,
});

// Callers (columns of the table).
const CALLERS = {
  merch: person(['merchandiser']),
  assocS1: person(['store-associate'], ['S1']),
  assocS2: person(['store-associate'], ['S2']),
  assocBoth: person(['store-associate'], ['S1', 'S2']),
  operator: person(['operator']),
  admin: person(['admin']),
  nobody: person([]),
  iam: { kind: 'machine', caller: 'arn:aws:iam::1:role/storefront' } as Principal,
  token: { kind: 'machine', caller: LOCAL_TOKEN_CALLER } as Principal,
  anon: { kind: 'anonymous' } as Principal,
} as const;
type Caller = keyof typeof CALLERS;
const COLUMNS = Object.keys(CALLERS) as Caller[];

// Y allowed, F 403 FORBIDDEN, W 403 WRONG_STORE, U 401. Store routes name store S1.
//                 merch assocS1 assocS2 assocBoth operator admin nobody iam token anon
const TABLE: Record<string, string> = {
  'POST /orders': '          F F F F F F F Y Y U',
  'GET /orders/{orderId}': ' Y F F F Y Y F F Y U',
  'POST /orders/{orderId}/cancellations': 'F F F F Y Y F F Y U',
  'GET /purchase-orders': ' Y F F F Y Y F F Y U',
  'GET /purchase-orders/{poId}': 'Y F F F Y Y F F Y U',
  'GET /purchase-orders/{poId}/lines/{lineId}/allocations': 'Y F F F Y Y F F Y U',
  'GET /purchase-orders/{poId}/lines/{lineId}/candidates': 'Y F F F Y Y F F Y U',
  'POST /purchase-orders/{poId}/lines/{lineId}/allocations': 'Y F F F F Y F F Y U',
  'POST /purchase-orders/{poId}/lines/{lineId}/sync-dates': 'Y F F F F Y F F Y U',
  'POST /purchase-orders/{poId}/lines/{lineId}/removals': 'Y F F F F Y F F Y U',
  'POST /purchase-orders/{poId}/cancel': 'Y F F F F Y F F Y U',
  'POST /preorders/allocate': 'Y F F F Y Y F F Y U',
  'POST /preorders/release': 'Y F F F Y Y F F Y U',
  'GET /stores/{facilityId}/queue': 'F Y W Y Y Y F F Y U',
  'POST /stores/{facilityId}/rejections': 'F Y W Y F Y F F Y U',
  'POST /stores/{facilityId}/picks': 'F Y W Y F Y F F Y U',
  'POST /stores/{facilityId}/packs': 'F Y W Y F Y F F Y U',
  'POST /stores/{facilityId}/shipments': 'F Y W Y F Y F F Y U',
  'POST /stores/{facilityId}/not-found': 'F Y W Y F Y F F Y U',
  // The operator console: views for operators and admins, actions for operators only.
  'GET /console/health': '   F F F F Y Y F F Y U',
  'GET /console/failures': ' F F F F Y Y F F Y U',
  'GET /console/waiting': '  F F F F Y Y F F Y U',
  'GET /console/charts': '   F F F F Y Y F F Y U',
  'GET /console/activity': ' F F F F Y Y F F Y U',
  'GET /console/file': '     F F F F Y Y F F Y U',
  'GET /console/skus/{sku}': 'F F F F Y Y F F Y U',
  'POST /console/dead-letters/redrive': 'F F F F Y F F F Y U',
  'POST /console/files/reimport': '      F F F F Y F F F Y U',
  'POST /console/refusals/resend': '     F F F F Y F F F Y U',
};

const outcome = (p: Principal, route: string): string => {
  const d = decide(p, route, { facilityId: 'S1', orderId: 'O1', poId: 'PO1', lineId: '1' });
  if (d.allow) return 'Y';
  if (d.status === 401) return 'U';
  return d.code === 'WRONG_STORE' ? 'W' : 'F';
};

describe('authorization: group × route × store', () => {
  it('the table names every route of ROUTES, and the policy names every route too', () => {
    const keys = ROUTES.map(routeKey).sort();
    expect(Object.keys(TABLE).sort()).toEqual(keys);
    expect(Object.keys(ROUTE_ACCESS).sort()).toEqual(keys);
  });

  for (const [route, row] of Object.entries(TABLE)) {
    it(route, () => {
      const expected = row.trim().split(/\s+/);
      expect(expected).toHaveLength(COLUMNS.length);
      const actual = COLUMNS.map((c) => outcome(CALLERS[c], route));
      expect(Object.fromEntries(COLUMNS.map((c, i) => [c, actual[i]]))).toEqual(
        Object.fromEntries(COLUMNS.map((c, i) => [c, expected[i]])),
      );
    });
  }

  it('a store associate acts only for exactly the stores in their token (case matters)', () => {
    const p = person(['store-associate'], ['S1']);
    expect(decide(p, 'POST /stores/{facilityId}/picks', { facilityId: 's1' })).toMatchObject({
      allow: false,
      status: 403,
      code: 'WRONG_STORE',
      message: expect.stringContaining('acts for S1, not for store s1'),
    });
    expect(decide(p, 'POST /stores/{facilityId}/picks', {})).toMatchObject({ allow: false });
    expect(decide(p, 'GET /unknown', {})).toMatchObject({ allow: false, status: 403 });
  });

  it('a merchandiser is told in words that they may not ship', () => {
    expect(
      decide(CALLERS.merch, 'POST /stores/{facilityId}/shipments', { facilityId: 'S1' }),
    ).toMatchObject({
      status: 403,
      message: 'u-merchandiser- (merchandiser) may not ship from a store',
    });
  });

  it('machine routes and people routes split ROUTES between them (CDK reads the same split)', () => {
    expect(routeKeysBy('machine')).toEqual(['POST /orders']);
    expect(routeKeysBy('people')).toHaveLength(ROUTES.length - 1);
  });
});

const event = (authorizer: unknown, route = 'POST /stores/{facilityId}/picks') =>
  ({
    routeKey: route,
    pathParameters: { facilityId: 'S1' },
    requestContext: { routeKey: route, authorizer },
  }) as unknown as APIGatewayProxyEventV2;

describe('the principal and the actor come from what the gateway verified', () => {
  it('reads API Gateway’s string claims (groups as "[a b]", stores as "S1,S2")', () => {
    const e = event({
      jwt: {
        claims: {
          'cognito:username': 'ann',
          'cognito:groups': '[store-associate admin]',
          'custom:stores': 'S1, S2',
          sub: 'x',
        },
      },
    });
    expect(principalOf(e)).toEqual({
      kind: 'person',
      username: 'ann',
      groups: ['store-associate', 'admin'],
      stores: ['S1', 'S2'],
    });
    expect(requestActor(e)).toBe('user:ann');
    expect(authorizeRequest(e)).toMatchObject({ username: 'ann' });
  });

  it('an IAM caller, the local API token, and nobody', () => {
    const iam = event({ iam: { userArn: 'arn:aws:iam::1:role/x' } }, 'POST /orders');
    expect(requestActor(iam)).toBe('api:arn:aws:iam::1:role/x');
    expect(actorOf({ kind: 'machine', caller: LOCAL_TOKEN_CALLER })).toBe('api');
    expect(() => authorizeRequest(event(undefined))).toThrow(/sign in first/);
    expect(() =>
      authorizeRequest(
        event({ jwt: { claims: { 'cognito:username': 'm', 'cognito:groups': '[merchandiser]' } } }),
      ),
    ).toThrow(expect.objectContaining({ name: 'Forbidden', code: 'FORBIDDEN' }));
  });

  it('parses groups in every form a token or API Gateway gives, dropping unknown ones', () => {
    expect(parseGroups(['admin', 'root'])).toEqual(['admin']);
    expect(parseGroups('[operator merchandiser]')).toEqual(['operator', 'merchandiser']);
    expect(parseGroups('operator,admin')).toEqual(['operator', 'admin']);
    expect(parseGroups(undefined)).toEqual([]);
  });
});
