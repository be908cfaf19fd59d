/**
 * The HTTP API routes: one list, read by CDK (an API Gateway HTTP API route per entry, each to its
 * Lambda) and by the local HTTP server (`local/http/`), which turns requests into the same API
 * Gateway v2 events and calls the same handlers. Paths use API Gateway's `{param}` syntax.
 */
import { ALL_TABLES, ALL_TABLES_READ, type TableNeeds } from '../store/needs.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDefinition {
  readonly method: HttpMethod;
  /** `/orders`, `/orders/{orderId}` — API Gateway path syntax. */
  readonly path: string;
  /** The handler module in `functions/` (without extension). */
  readonly handler: string;
  readonly description: string;
}

/**
 * What an HTTP API handler needs (see `shared/registry/`): tables; S3 only for the operator
 * console's handlers, which read the files imports kept and write corrected files back.
 */
export interface ApiHandler {
  /** The module that does the work (`shared/...`). */
  readonly module: string;
  readonly tables: TableNeeds;
  /**
   * The inbound feeds' files (operator console): `read` — the kept files below each inbound
   * feed's folder (archive/, error/, failed/); `reimport` — also write a corrected file into the
   * feed's folder (and the staging area a write goes through).
   */
  readonly feedFiles?: 'read' | 'reimport';
  /** The feed queues' dead-letter queues (operator console): `redrive` lists and re-drives. */
  readonly deadLetters?: 'read' | 'redrive';
  /** Reserved concurrency of its function. Default `API_DEFAULTS.reservedConcurrency`. */
  readonly reservedConcurrency?: number;
}

/** A pre-order route: every one goes to the one handler `api-purchase-orders`. */
const preorderRoute = <M extends HttpMethod, P extends string>(
  method: M,
  path: P,
  description: string,
) => ({ method, path, handler: 'api-purchase-orders', description }) as const;

export const ROUTES = [
  {
    method: 'POST',
    path: '/orders',
    handler: 'api-create-order',
    description:
      'create storefront orders (one order object, or an array); 201 created, 200 already known (same externalId, same content), 409 conflict (same externalId, other content: what differs; nothing changed), 400 invalid',
  },
  {
    method: 'GET',
    path: '/orders/{orderId}',
    handler: 'api-get-order',
    description: 'an order with its lines, buckets, holds, releases, shipments and history',
  },
  {
    method: 'POST',
    path: '/orders/{orderId}/cancellations',
    handler: 'api-cancel-order',
    description:
      'cancel a line ({lineSeq, quantity?}) or the whole order for the customer or the merchant ({reason: CUSTOMER_…|MERCHANT_…, note?, idempotencyKey}); reservations released, NetSuite line closed',
  },
  // Pre-order allocation (docs/preorder.md); the merchandiser's page calls these.
  preorderRoute('GET', '/purchase-orders', 'purchase orders with a summary of their lines'),
  preorderRoute(
    'GET',
    '/purchase-orders/{poId}',
    'a purchase order with its lines (quantity, arrival, allocated, ATP)',
  ),
  preorderRoute(
    'GET',
    '/purchase-orders/{poId}/lines/{lineId}/allocations',
    'review: sales order lines allocated to a PO line, totals',
  ),
  preorderRoute(
    'GET',
    '/purchase-orders/{poId}/lines/{lineId}/candidates',
    'unallocated pre-order lines of the PO line’s SKU, oldest first',
  ),
  preorderRoute(
    'POST',
    '/purchase-orders/{poId}/lines/{lineId}/allocations',
    'allocate chosen order lines to a PO line ({orders, idempotencyKey}); refused beyond ATP',
  ),
  preorderRoute(
    'POST',
    '/purchase-orders/{poId}/lines/{lineId}/sync-dates',
    'copy the PO line’s arrival date to the promised date of its allocations',
  ),
  preorderRoute(
    'POST',
    '/purchase-orders/{poId}/lines/{lineId}/removals',
    'release chosen order lines from a PO line ({orders, idempotencyKey})',
  ),
  preorderRoute(
    'POST',
    '/purchase-orders/{poId}/cancel',
    'cancel a PO: its orders go back to the queue and are re-allocated where ATP allows',
  ),
  preorderRoute('POST', '/preorders/allocate', 'run FIFO pre-order allocation now ({sku?})'),
  preorderRoute(
    'POST',
    '/preorders/release',
    'release pre-ordered lines to fulfilment by hand ({poId | sku | orderId})',
  ),
  // Store fulfilment (shared/store-fulfillment/store-fulfillment.ts): a store's queue and its rejections.
  {
    method: 'GET',
    path: '/stores/{facilityId}/queue',
    handler: 'api-store-queue',
    description:
      'items at a store for it to fulfil, per stage: allocated/scheduled, released (release keys), being picked (shipment keys)',
  },
  {
    method: 'POST',
    path: '/stores/{facilityId}/rejections',
    handler: 'api-store-reject',
    description:
      'a store hands back an item ({orderId, lineSeq, quantity?, reason, comments?, idempotencyKey}); re-brokered, VAR_STOLEN/VAR_DAMAGED/VAR_FOUND also adjust inventory',
  },
  // Store shipping (shared/store-fulfillment/store-shipping.ts): pick (and pack), ship, not found.
  {
    method: 'POST',
    path: '/stores/{facilityId}/picks',
    handler: 'api-store-pick',
    description:
      'the store picks released units ({orderId, lineSeq, releaseKey?, quantity?, idempotencyKey}): 3200 → 3350, a new shipment key',
  },
  {
    method: 'POST',
    path: '/stores/{facilityId}/packs',
    handler: 'api-store-pack',
    description:
      'the store packs a shipment it is picking ({orderId, lineSeq, shipmentKey?, packages?, idempotencyKey}): the shipment records packedAt; quantity stays 3350 until it ships',
  },
  {
    method: 'POST',
    path: '/stores/{facilityId}/shipments',
    handler: 'api-store-ship',
    description:
      'the store ships picked units ({orderId, lineSeq, shipmentKey?, quantity?, trackingNumbers?, carrier?, shippingMethod?, shippedAt?, idempotencyKey}): 3350 → 3700, NetSuite told by the OMS-fulfilled export',
  },
  {
    method: 'POST',
    path: '/stores/{facilityId}/not-found',
    handler: 'api-store-not-found',
    description:
      'the store cannot find picked (or released) units ({orderId, lineSeq, quantity?, reason?, comments?, idempotencyKey}): 1400, re-brokered elsewhere',
  },
  // The operator's console (shared/console/, docs/operator-console.md): one read route per view.
  {
    method: 'GET',
    path: '/console/health',
    handler: 'api-console',
    description:
      'operator console: every feed and core job (schedule, last run, last file, rows, duration, ok/late/failing), alarms, dead letters per queue, reservation drift',
  },
  {
    method: 'GET',
    path: '/console/failures',
    handler: 'api-console',
    description:
      'operator console: files in failed/, error reports (refused rows: line, field, reason), NetSuite exceptions, dead letters, and what was fixed',
  },
  {
    method: 'GET',
    path: '/console/waiting',
    handler: 'api-console',
    description:
      'operator console: customers, orders and deposits waiting for NetSuite ids (why), orders held by a release gate, unfillable and backordered orders',
  },
  {
    method: 'GET',
    path: '/console/charts',
    handler: 'api-console',
    description:
      'operator console: orders in, lines brokered, shipped and invoiced per hour (24 h); rows per feed per day (14 days); import durations — from the run records',
  },
  {
    method: 'GET',
    path: '/console/activity',
    handler: 'api-console',
    description: 'operator console: the audit of console actions (who, when, what, outcome)',
  },
  {
    method: 'GET',
    path: '/console/file',
    handler: 'api-console',
    description:
      'operator console: the text of a kept file (?key= in archive/, error/ or failed/ of an inbound feed), for download and correction',
  },
  {
    method: 'GET',
    path: '/console/skus/{sku}',
    handler: 'api-console',
    description:
      'operator console: a SKU per facility (NetSuite figure, reserved, reservations, holds, safety stock, ATP)',
  },
  {
    method: 'POST',
    path: '/console/dead-letters/redrive',
    handler: 'api-console-actions',
    description: 're-drive dead letters to their queue ({ids} or {all: true}); audited',
  },
  {
    method: 'POST',
    path: '/console/files/reimport',
    handler: 'api-console-actions',
    description:
      're-import a corrected file ({key: a failed/ file or error/ report, content}): written to the feed folder under its name; audited',
  },
  {
    method: 'POST',
    path: '/console/refusals/resend',
    handler: 'api-console-actions',
    description:
      'send records NetSuite refused once more with the next export ({outbox, id} or {outbox, all: true}); audited',
  },
] as const satisfies readonly RouteDefinition[];

/** Every handler of ROUTES with its needs; the two lookups only read. */
export const API_HANDLERS: Readonly<Record<(typeof ROUTES)[number]['handler'], ApiHandler>> = {
  'api-create-order': { module: 'shared/orders/submit.ts', tables: ALL_TABLES },
  'api-get-order': { module: 'shared/orders/find-order.ts', tables: ALL_TABLES_READ },
  'api-cancel-order': { module: 'shared/fulfillment/cancellation.ts', tables: ALL_TABLES },
  'api-purchase-orders': { module: 'shared/preorder/api.ts', tables: ALL_TABLES },
  'api-store-queue': {
    module: 'shared/store-fulfillment/store-fulfillment.ts',
    tables: ALL_TABLES_READ,
  },
  'api-store-reject': {
    module: 'shared/store-fulfillment/store-fulfillment.ts',
    tables: ALL_TABLES,
  },
  'api-store-pick': {
    module: 'shared/store-fulfillment/store-shipping.ts',
    tables: ALL_TABLES,
  },
  'api-store-pack': {
    module: 'shared/store-fulfillment/store-shipping.ts',
    tables: ALL_TABLES,
  },
  'api-store-ship': {
    module: 'shared/store-fulfillment/store-shipping.ts',
    tables: ALL_TABLES,
  },
  'api-store-not-found': {
    module: 'shared/store-fulfillment/store-shipping.ts',
    tables: ALL_TABLES,
  },
  'api-console': {
    module: 'shared/console/health.ts',
    tables: ALL_TABLES_READ,
    feedFiles: 'read',
    deadLetters: 'read',
  },
  'api-console-actions': {
    module: 'shared/console/actions.ts',
    tables: ALL_TABLES,
    feedFiles: 'reimport',
    deadLetters: 'redrive',
  },
};

/** API Gateway's route key, e.g. `POST /orders`. */
export const routeKey = (r: Pick<RouteDefinition, 'method' | 'path'>): string =>
  `${r.method} ${r.path}`;

export interface RouteMatch<R extends Pick<RouteDefinition, 'method' | 'path'> = RouteDefinition> {
  readonly route: R;
  readonly pathParameters: Record<string, string>;
}

/**
 * Finds the route for a method and a path; `{param}` segments match one path segment. Like API
 * Gateway, the most specific route wins (the one with the most literal segments), whatever the
 * routes' order.
 */
export function matchRoute<R extends Pick<RouteDefinition, 'method' | 'path'> = RouteDefinition>(
  method: string,
  path: string,
  routes: readonly R[] = ROUTES as unknown as readonly R[],
): RouteMatch<R> | undefined {
  const parts = path.split('/').filter(Boolean);
  let best: { match: RouteMatch<R>; literals: number } | undefined;
  for (const route of routes) {
    if (route.method !== method.toUpperCase()) continue;
    const pattern = route.path.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    const ok = pattern.every((seg, i) => {
      const m = /^\{(\w+)\}$/.exec(seg);
      if (m) {
        try {
          params[m[1]!] = decodeURIComponent(parts[i]!);
        } catch {
          return false;
        }
        return true;
      }
      literals += 1;
      return seg === parts[i];
    });
    if (ok && (!best || literals > best.literals))
      best = { match: { route, pathParameters: params }, literals };
  }
  return best?.match;
}
