/** The composition root's accessors for fulfilment (gathered by `root.ts`). */
import { Cancellations, type CancellationDeps } from '../fulfillment/cancellation.ts';
import type { InvoiceImportDeps } from '../fulfillment/invoice-import.ts';
import type { FulfillmentImportDeps } from '../fulfillment/netsuite-fulfillment-import.ts';
import { releaseGates } from '../fulfillment/release-gates.ts';
import type { ScheduleReleaseDeps } from '../fulfillment/schedule-release.ts';
import { checkTimeZone, parseShippingRules } from '../fulfillment/schedule-release-rules.ts';
import { OrderService } from '../orders/order-service.ts';
import { netsuiteUtcOffset } from '../platform/config.ts';
import { LeaseLock } from '../store/lease-lock.ts';
import {
  type Root,
  brokeringStore,
  inventoryDeltaStore,
  invoiceStore,
  listFacilities,
  orderRuntime,
  orderStore,
  purchaseOrderStore,
  reflectStore,
  releaseQueueStore,
  syncStore,
} from './core.ts';

// ---------------------------------------------------------------------------------------------
// Fulfilment

export function cancellations(r: Root, overrides: Partial<CancellationDeps> = {}): Cancellations {
  const { orders, service } = orderRuntime(r);
  return new Cancellations({
    orders,
    service,
    sync: syncStore(r),
    brokering: brokeringStore(r),
    preorders: purchaseOrderStore(r),
    facilities: listFacilities(r),
    ...overrides,
  });
}

export const invoiceImportDeps = (r: Root): InvoiceImportDeps => {
  const orders = orderStore(r);
  return { invoices: invoiceStore(r), lines: (refs) => orders.linesWithHeaders(refs) };
};

export function fulfillmentImportDeps(
  r: Root,
  overrides: Partial<FulfillmentImportDeps> = {},
): FulfillmentImportDeps {
  return {
    service: orderRuntime(r).service,
    facilities: listFacilities(r),
    utcOffset: netsuiteUtcOffset(r.env),
    // NetSuite's shipments are evidence for inventory holds (docs/inventory.md).
    evidence: {
      entries: reflectStore(r),
      lines: orderRuntime(r).orders,
      // Units NetSuite shipped that the OMS no longer promised are held until a snapshot.
      holds: inventoryDeltaStore(r),
    },
    ...overrides,
  };
}

/** The lock that keeps two schedule-and-release runs from overlapping. */
export const scheduleReleaseLock = (r: Root) =>
  r.once(
    'scheduleReleaseLock',
    () => new LeaseLock(r.dynamo, r.tables.control, 'schedule-release'),
  );

/** The order service the release job uses: the core's stores and cache, the release gates. */
const releaseOrderService = (r: Root): OrderService =>
  r.once('releaseOrderService', () => {
    const { orders, positions, cache } = orderRuntime(r);
    return new OrderService({ orders, positions, cache, gates: releaseGates() });
  });

/**
 * The schedule-and-release job, its settings read per call: `OMS_TIME_ZONE` (IANA zone for
 * "today", default `UTC`) and `OMS_SHIPPING_METHODS` (carrier and lead days per shipping method,
 * JSON; see `shared/fulfillment/schedule-release-rules.ts`).
 */
export function scheduleReleaseDeps(
  r: Root,
  overrides: Partial<ScheduleReleaseDeps> = {},
  env: NodeJS.ProcessEnv = r.env,
): ScheduleReleaseDeps {
  const { orders, positions, cache } = orderRuntime(r);
  return {
    queue: releaseQueueStore(r),
    orders,
    positions,
    service: releaseOrderService(r),
    gates: releaseGates(),
    sync: syncStore(r),
    facilities: listFacilities(r),
    lock: scheduleReleaseLock(r),
    shipping: parseShippingRules(env.OMS_SHIPPING_METHODS),
    timeZone: checkTimeZone(env.OMS_TIME_ZONE?.trim() || 'UTC'),
    cache,
    ...overrides,
  };
}
