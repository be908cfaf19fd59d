/**
 * Who may call each HTTP route (`shared/api/routes.ts`): the one table CDK (which authorizer a
 * route gets), the handlers (through `policy.ts`) and the README read.
 *
 * - `machine` routes (the storefront's order intake) are for IAM-signed integrations: on AWS
 *   they keep the IAM authorizer; people's tokens are refused there.
 * - `people` routes take a Cognito ID token (JWT authorizer on AWS, the local cloud's JWT
 *   locally); each group is allowed on `any` store or only on its `own` stores (the store
 *   routes' `{facilityId}` must be one of the person's `custom:stores`). A group not listed is
 *   refused (403). Locally the API token (the CLI's and tests' machine credential) may call them
 *   too; an IAM caller on AWS may not.
 */
import { ROUTES, routeKey } from '../api/routes.ts';
import type { Group } from './groups.ts';

export type StoreScope = 'any' | 'own';

export type RouteAccess =
  | { readonly caller: 'machine' }
  | { readonly caller: 'people'; readonly groups: Readonly<Partial<Record<Group, StoreScope>>> };

const machine: RouteAccess = { caller: 'machine' };
const people = (groups: Partial<Record<Group, StoreScope>>): RouteAccess => ({
  caller: 'people',
  groups,
});

const BACK_OFFICE_READ = people({ merchandiser: 'any', operator: 'any', admin: 'any' });
const PO_READ = people({ merchandiser: 'any', operator: 'any', admin: 'any' });
const PO_CHANGE = people({ merchandiser: 'any', admin: 'any' });
const PREORDER_JOB = people({ merchandiser: 'any', operator: 'any', admin: 'any' });
const STORE_READ = people({ 'store-associate': 'own', operator: 'any', admin: 'any' });
const STORE_ACT = people({ 'store-associate': 'own', admin: 'any' });
/** The operator console: its views are read by operators and admins; its actions are operators'. */
const CONSOLE_READ = people({ operator: 'any', admin: 'any' });
const CONSOLE_ACT = people({ operator: 'any' });

/** Every route key of ROUTES → who may call it. A unit test checks that none is missing. */
export const ROUTE_ACCESS: Readonly<Record<string, RouteAccess>> = {
  'POST /orders': machine,
  'GET /orders/{orderId}': BACK_OFFICE_READ,
  'POST /orders/{orderId}/cancellations': people({ operator: 'any', admin: 'any' }),
  'GET /purchase-orders': PO_READ,
  'GET /purchase-orders/{poId}': PO_READ,
  'GET /purchase-orders/{poId}/lines/{lineId}/allocations': PO_READ,
  'GET /purchase-orders/{poId}/lines/{lineId}/candidates': PO_READ,
  'POST /purchase-orders/{poId}/lines/{lineId}/allocations': PO_CHANGE,
  'POST /purchase-orders/{poId}/lines/{lineId}/sync-dates': PO_CHANGE,
  'POST /purchase-orders/{poId}/lines/{lineId}/removals': PO_CHANGE,
  'POST /purchase-orders/{poId}/cancel': PO_CHANGE,
  'POST /preorders/allocate': PREORDER_JOB,
  'POST /preorders/release': PREORDER_JOB,
  'GET /stores/{facilityId}/queue': STORE_READ,
  'POST /stores/{facilityId}/rejections': STORE_ACT,
  'POST /stores/{facilityId}/picks': STORE_ACT,
  'POST /stores/{facilityId}/packs': STORE_ACT,
  'POST /stores/{facilityId}/shipments': STORE_ACT,
  'POST /stores/{facilityId}/not-found': STORE_ACT,
  'GET /console/health': CONSOLE_READ,
  'GET /console/failures': CONSOLE_READ,
  'GET /console/waiting': CONSOLE_READ,
  'GET /console/charts': CONSOLE_READ,
  'GET /console/activity': CONSOLE_READ,
  'GET /console/file': CONSOLE_READ,
  'GET /console/skus/{sku}': CONSOLE_READ,
  'POST /console/dead-letters/redrive': CONSOLE_ACT,
  'POST /console/files/reimport': CONSOLE_ACT,
  'POST /console/refusals/resend': CONSOLE_ACT,
};

/** The access of a route key; a route missing from the table is nobody's (refused). */
export const routeAccess = (key: string): RouteAccess | undefined => ROUTE_ACCESS[key];

/** The route keys of ROUTES that people call (JWT) and those machines call (IAM). */
export function routeKeysBy(caller: RouteAccess['caller']): string[] {
  return ROUTES.map(routeKey).filter((k) => ROUTE_ACCESS[k]?.caller === caller);
}

/** How the README's route table shows a route's callers. */
export function describeAccess(key: string): string {
  const access = ROUTE_ACCESS[key];
  if (!access) return 'nobody';
  if (access.caller === 'machine') return 'IAM (integrations)';
  return Object.entries(access.groups)
    .map(([group, scope]) => (scope === 'own' ? `${group} (own stores)` : group))
    .join(', ');
}
