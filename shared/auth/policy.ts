/**
 * The authorization decision for one HTTP request: principal × route × store. Pure (no I/O, no
 * AWS): the Lambda shell asks it before any handler's work (`guard.ts`), and
 * `test/unit/authorization-policy.test.ts` checks it as a table.
 */
import type { Principal } from './principal.ts';
import { LOCAL_TOKEN_CALLER } from './principal.ts';
import { routeAccess } from './route-access.ts';

/** 401: nobody signed in (sign in again); 403: signed in, not allowed (route, or store). */
export type Decision =
  | { readonly allow: true }
  | {
      readonly allow: false;
      readonly status: 401;
      readonly code: 'UNAUTHENTICATED';
      readonly message: string;
    }
  | {
      readonly allow: false;
      readonly status: 403;
      readonly code: 'FORBIDDEN' | 'WRONG_STORE';
      readonly message: string;
    };

const ALLOW: Decision = { allow: true };

const unauthenticated = (message: string): Decision => ({
  allow: false,
  status: 401,
  code: 'UNAUTHENTICATED',
  message,
});

const refuse = (code: 'FORBIDDEN' | 'WRONG_STORE', message: string): Decision => ({
  allow: false,
  status: 403,
  code,
  message,
});

export function decide(
  principal: Principal,
  route: string,
  pathParameters: Readonly<Record<string, string | undefined>> = {},
): Decision {
  const access = routeAccess(route);
  if (principal.kind === 'anonymous')
    return unauthenticated('sign in first: the request carries no valid token');
  if (!access) return refuse('FORBIDDEN', `${route} is not open to anyone`);

  if (principal.kind === 'machine') {
    if (access.caller === 'machine' || principal.caller === LOCAL_TOKEN_CALLER) return ALLOW;
    return refuse('FORBIDDEN', `${route} is for people signed in, not for IAM callers`);
  }

  if (access.caller === 'machine')
    return refuse('FORBIDDEN', `${route} is for integrations (IAM), not for people`);
  const scopes = principal.groups.flatMap((g) => {
    const scope = access.groups[g];
    return scope ? [scope] : [];
  });
  if (scopes.length === 0) {
    const groups = principal.groups.length ? principal.groups.join(', ') : 'no group';
    return refuse('FORBIDDEN', `${principal.username} (${groups}) may not ${describeRoute(route)}`);
  }
  if (scopes.includes('any')) return ALLOW;
  const store = pathParameters.facilityId;
  if (store !== undefined && principal.stores.includes(store)) return ALLOW;
  const mine = principal.stores.length ? principal.stores.join(', ') : 'no store';
  return refuse(
    'WRONG_STORE',
    `${principal.username} acts for ${mine}, not for store ${store ?? '(none named)'}`,
  );
}

/** `POST /stores/{facilityId}/shipments` → `ship from a store`, for refusals people read. */
function describeRoute(route: string): string {
  const [method, path = ''] = route.split(' ');
  const last = path
    .split('/')
    .filter((s) => s && !s.startsWith('{'))
    .pop();
  const what: Record<string, string> = {
    queue: 'see a store queue',
    rejections: 'reject store items',
    picks: 'pick at a store',
    packs: 'pack at a store',
    shipments: 'ship from a store',
    'not-found': 'report items not found at a store',
    cancellations: 'cancel orders',
    orders: method === 'GET' ? 'read orders' : 'create orders',
    redrive: 're-drive dead letters',
    reimport: 're-import files',
    resend: 're-send records NetSuite refused',
  };
  if (path.startsWith('/console/') && method === 'GET') return 'see the operator console';
  return what[last ?? ''] ?? `call ${route}`;
}
