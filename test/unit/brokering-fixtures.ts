/** Builders shared by the brokering tests. */
import type {
  BrokerLine,
  BrokerOrder,
  BrokeringRun,
  FacilityFilters,
  FacilityView,
  InventoryRule,
  OrderFilters,
  Routing,
  StockLookup,
} from '../../shared/domain/brokering/index.ts';
import { BROKERING_QUEUE } from '../../shared/domain/brokering/index.ts';

export const NOW = new Date('2025-07-02T10:00:00.000Z');

/** Ship-to and facility places (lat/lon). */
export const PLACES = {
  nyc: { lat: 40.7128, lon: -74.006 },
  philadelphia: { lat: 39.9526, lon: -75.1652 },
  boston: { lat: 42.3601, lon: -71.0589 },
  chicago: { lat: 41.8781, lon: -87.6298 },
  la: { lat: 34.0522, lon: -118.2437 },
} as const;

export const line = (
  lineSeq: string,
  sku: string,
  quantity: number,
  over: Partial<BrokerLine> = {},
): BrokerLine => ({
  lineSeq,
  sku,
  quantity,
  price: 10,
  shippingMethod: 'STANDARD',
  excludedFacilities: [],
  ...over,
});

export const order = (
  lines: readonly BrokerLine[],
  over: Partial<BrokerOrder> = {},
): BrokerOrder => ({
  orderId: 'O1',
  orderDate: '2025-07-01T09:00:00.000Z',
  salesChannel: 'WEB',
  shipTo: PLACES.nyc,
  queue: BROKERING_QUEUE,
  lines,
  ...over,
});

export const facility = (facilityId: string, over: Partial<FacilityView> = {}): FacilityView => ({
  facilityId,
  kind: 'warehouse',
  groups: [],
  ordersToday: 0,
  ...over,
});

export interface RuleSpec extends Partial<Omit<InventoryRule, 'filters'>> {
  readonly filters?: Partial<FacilityFilters>;
}

export const rule = (spec: RuleSpec = {}): InventoryRule => ({
  name: spec.name ?? 'rule',
  active: spec.active ?? true,
  sorts: spec.sorts ?? [],
  partialAllocation: spec.partialAllocation ?? false,
  whenUnavailable: spec.whenUnavailable ?? 'next-rule',
  filters: {
    safetyStock: 0,
    respectDailyOrderLimit: false,
    allItemsAvailable: false,
    ...spec.filters,
  },
});

export const routing = (
  inventoryRules: readonly InventoryRule[],
  over: Partial<Omit<Routing, 'orderFilters'>> & { orderFilters?: Partial<OrderFilters> } = {},
): Routing => ({
  name: 'routing',
  active: true,
  orderSorts: [],
  inventoryRules,
  ...over,
  orderFilters: { queue: { include: [BROKERING_QUEUE] }, ...over.orderFilters },
});

export const run = (routings: readonly Routing[]): BrokeringRun => ({
  productStoreId: 'STORE',
  name: 'run',
  routings,
});

/** `{ sku: { facility: atp } }` as a lookup. */
export const stockOf =
  (table: Record<string, Record<string, number>>): StockLookup =>
  (sku, facilityId) =>
    table[sku]?.[facilityId] ?? 0;
