/**
 * The composition root: the one place where a process's clients and configuration become stores,
 * services and the dependencies of each job, feed, route and command.
 *
 * A process has one `Root`: the Lambdas and the local cloud (whose handlers run in its process,
 * configured from the environment exactly like a Lambda) share the default `root()` built from the
 * environment at first use; a test or tool may build its own with `createRoot` over its clients.
 * Everything a root builds is built once per root, at first use (`Root.once`), except what holds
 * per-run state or reads a setting per run (those are built per call, as each accessor says).
 *
 * The accessors are free functions of the root, not methods: a Lambda bundle keeps only the ones
 * its handler calls (esbuild drops the rest and, with `"sideEffects": false` in package.json, the
 * modules only they import), so a feed import does not load the brokering, console or pre-order
 * code. Keep them that way (docs/architecture.md, "The composition root"). Nothing in `shared/` imports this folder;
 * only entry points do (`functions/`, `local/`, `bench/`, `scripts/`, tests).
 *
 * Over 400 lines: one accessor per store, service and job, each a few lines, grouped by
 * capability. Split it by capability (`app/orders.ts`, `app/sync.ts`, …) if it keeps growing;
 * the accessors must stay free functions either way.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { OrderHeader } from '../domain/orders/order.ts';
import type { BrokerDeps } from '../brokering/broker-orders.ts';
import type { RejectionImportDeps } from '../brokering/netsuite-rejections.ts';
import type { ActionDeps } from '../console/actions.ts';
import type { ChartsDeps } from '../console/charts.ts';
import type { FailuresDeps } from '../console/failures.ts';
import type { HealthDeps } from '../console/health.ts';
import type { SkuLookupDeps } from '../console/lookup.ts';
import type { WaitingDeps } from '../console/waiting.ts';
import {
  formatConfigErrors,
  parseRoutingConfig,
  type RoutingConfig,
} from '../domain/brokering/index.ts';
import { implementedFeeds } from '../feeds/catalog.ts';
import { FeedFileStore } from '../files/feed-file-store.ts';
import { s3 } from '../files/s3-client.ts';
import { StateObjects } from '../files/state-objects.ts';
import { Cancellations, type CancellationDeps } from '../fulfillment/cancellation.ts';
import type { InvoiceImportDeps } from '../fulfillment/invoice-import.ts';
import type { FulfillmentImportDeps } from '../fulfillment/netsuite-fulfillment-import.ts';
import { releaseGates } from '../fulfillment/release-gates.ts';
import type { ScheduleReleaseDeps } from '../fulfillment/schedule-release.ts';
import { checkTimeZone, parseShippingRules } from '../fulfillment/schedule-release-rules.ts';
import { settleReflected, type SettleDeps } from '../inventory/settle.ts';
import { HoldAgeReader } from '../inventory/stale-holds.ts';
import {
  inventoryDeltaImporter,
  type DeltaFeedId,
  type DeltaImporterDeps,
} from '../jobs/inventory-delta-importer.ts';
import {
  inventorySnapshotImporter,
  type SnapshotImporterDeps,
} from '../jobs/inventory-snapshot-importer.ts';
import {
  productImporter as buildProductImporter,
  type ProductImporterDeps,
} from '../jobs/product-importer.ts';
import { purchaseOrderImporter as buildPurchaseOrderImporter } from '../jobs/purchase-order-importer.ts';
import { importLeaseMs } from '../jobs/sqs-feed-import-handler.ts';
import { OrderIntake } from '../orders/intake.ts';
import { OrderService } from '../orders/order-service.ts';
import { StateCache } from '../orders/state-cache.ts';
import {
  adjustmentDeltasIncludeOms,
  config,
  netsuiteReflectLagMinutes,
  netsuiteUtcOffset,
} from '../platform/config.ts';
import { preorderServices, type PreorderRuntime } from '../preorder/services.ts';
import { deadLetterQueue } from '../queue/dead-letter-queue.ts';
import { AuditStore, ResolutionStore } from '../store/audit-store.ts';
import { BROKERING_QUEUE, BrokeringStore } from '../store/brokering-store.ts';
import { dynamo } from '../store/dynamo-client.ts';
import { FacilityStore } from '../store/facility-store.ts';
import { ImportLedger } from '../store/import-ledger.ts';
import { InventoryDeltaStore } from '../store/inventory-delta-store.ts';
import { InventoryStore } from '../store/inventory-store.ts';
import { InvoiceStore } from '../store/invoice-store.ts';
import { LeaseLock } from '../store/lease-lock.ts';
import { MappingStore } from '../store/mapping-store.ts';
import { NetsuiteIdStore } from '../store/netsuite-id-store.ts';
import { OrderStore } from '../store/order-store.ts';
import { PositionStore } from '../store/position-store.ts';
import { PreorderQueueStore } from '../store/preorder-queue-store.ts';
import { ProductStore } from '../store/product-store.ts';
import { PurchaseOrderStore } from '../store/purchase-order-store.ts';
import { ReflectStore } from '../store/reflect-store.ts';
import { ReleaseQueueStore } from '../store/release-queue-store.ts';
import { SnapshotListing } from '../store/snapshot-listing.ts';
import { StaleKeys } from '../store/stale-keys.ts';
import { SyncStore } from '../store/sync-store.ts';
import { tableName, type TableKey } from '../store/tables.ts';
import {
  StoreFulfillment,
  type StoreFulfillmentDeps,
} from '../store-fulfillment/store-fulfillment.ts';
import { StoreShipping, type StoreShippingDeps } from '../store-fulfillment/store-shipping.ts';
import type { ApprovalDeps } from '../sync/approval.ts';
import type { ExportWiring } from '../sync/export-handler.ts';
import { resendAfterMs, type ExportDeps } from '../sync/export-run.ts';
import type { ExportSources } from '../sync/exports.ts';
import type { IdImportDeps } from '../sync/id-imports.ts';
import type { ExceptionsDeps } from '../sync/netsuite-exceptions.ts';

// ---------------------------------------------------------------------------------------------
// The root

/** What a process hands its root: its clients and where its data lives. */
export interface RootClients {
  readonly dynamo: DynamoDBClient;
  /**
   * The S3 client; unset: the process-wide one (`shared/files/s3-client.ts`), created at first use,
   * so that a Lambda that never reads a file never loads the S3 SDK.
   */
  readonly s3?: S3Client;
  /** The physical name of each OMS table. */
  readonly tables: Readonly<Record<TableKey, string>>;
  /** The feeds bucket. */
  readonly bucket: string;
  /** The SFTP user whose home holds the NetSuite root. */
  readonly netsuiteUser: string;
  /**
   * Where business settings (`OMS_*`, `shared/platform/config.ts`) are read: per call, so that an
   * operator (or a test) can change one without a restart.
   */
  readonly env: NodeJS.ProcessEnv;
}

export interface Root extends RootClients {
  /** `build()`'s value, built at the first call for `key` and kept for this root's life. */
  once<T>(key: string, build: () => T): T;
}

export function createRoot(clients: RootClients): Root {
  const built = new Map<string, unknown>();
  return {
    ...clients,
    once<T>(key: string, build: () => T): T {
      if (!built.has(key)) built.set(key, build());
      return built.get(key) as T;
    },
  };
}

/** The root of a process configured by its environment (`shared/platform/config.ts`). */
export function rootFromEnvironment(env: NodeJS.ProcessEnv = process.env): Root {
  const cfg = config();
  return createRoot({
    dynamo: dynamo(),
    tables: {
      inventory: tableName(cfg.tablePrefix, 'inventory'),
      orders: tableName(cfg.tablePrefix, 'orders'),
      control: tableName(cfg.tablePrefix, 'control'),
    },
    bucket: cfg.bucket,
    netsuiteUser: cfg.netsuiteUser,
    env,
  });
}

let processRoot: Root | undefined;

/**
 * The process's root: a Lambda's, the local cloud's (its handlers run in its process), the CLI's.
 * Built at first use, so that the local cloud and the CLI can set the environment first.
 */
export function root(): Root {
  processRoot ??= rootFromEnvironment();
  return processRoot;
}

// ---------------------------------------------------------------------------------------------
// Stores and files (stateless: one each per root)

/** The order store (the order core's: `orderRuntime(r).orders`), without building the services. */
export const orderStore = (r: Root) =>
  r.once('orders', () => new OrderStore(r.dynamo, r.tables.orders));
/** The position store (the order core's: `orderRuntime(r).positions`). */
export const positionStore = (r: Root) =>
  r.once('positions', () => new PositionStore(r.dynamo, r.tables.inventory));
export const syncStore = (r: Root) =>
  r.once('sync', () => new SyncStore(r.dynamo, r.tables.control));
export const brokeringStore = (r: Root) =>
  r.once('brokering', () => new BrokeringStore(r.dynamo, r.tables.control));
export const facilityStore = (r: Root) =>
  r.once('facilities', () => new FacilityStore(r.dynamo, r.tables.control));
export const productStore = (r: Root) =>
  r.once('products', () => new ProductStore(r.dynamo, r.tables.control));
export const mappingStore = (r: Root) =>
  r.once('mappings', () => new MappingStore(r.dynamo, r.tables.control));
export const reflectStore = (r: Root) =>
  r.once('reflect', () => new ReflectStore(r.dynamo, r.tables.control));
export const releaseQueueStore = (r: Root) =>
  r.once('releaseQueue', () => new ReleaseQueueStore(r.dynamo, r.tables.control));
export const auditStore = (r: Root) =>
  r.once('audit', () => new AuditStore(r.dynamo, r.tables.control));
export const resolutionStore = (r: Root) =>
  r.once('resolutions', () => new ResolutionStore(r.dynamo, r.tables.control));
export const staleKeys = (r: Root) =>
  r.once('staleKeys', () => new StaleKeys(r.dynamo, r.tables.control));
export const snapshotListing = (r: Root) =>
  r.once('snapshotListing', () => new SnapshotListing(r.dynamo, r.tables.control));
export const inventoryStore = (r: Root) =>
  r.once('inventory', () => new InventoryStore(r.dynamo, r.tables.inventory));
export const inventoryDeltaStore = (r: Root) =>
  r.once('deltas', () => new InventoryDeltaStore(r.dynamo, r.tables.inventory, r.tables.control));
export const purchaseOrderStore = (r: Root) =>
  r.once('purchaseOrders', () => new PurchaseOrderStore(r.dynamo, r.tables.inventory));
export const netsuiteIdStore = (r: Root) =>
  r.once('netsuiteIds', () => new NetsuiteIdStore(r.dynamo, r.tables.orders));
export const preorderQueueStore = (r: Root) =>
  r.once('preorderQueue', () => new PreorderQueueStore(r.dynamo, r.tables.orders));
export const invoiceStore = (r: Root) =>
  r.once('invoices', () => new InvoiceStore(r.dynamo, r.tables.orders, r.tables.control));
const s3Of = (r: Root): S3Client => r.s3 ?? s3();

export const stateObjects = (r: Root) => r.once('state', () => new StateObjects(s3Of(r), r.bucket));
export const feedFileStore = (r: Root) =>
  r.once('files', () => new FeedFileStore(s3Of(r), r.bucket, r.netsuiteUser));

/** The import ledger: built per call (a ledger remembers the claims it took). */
export const importLedger = (r: Root) => new ImportLedger(r.dynamo, r.tables.control);

/** The facilities as the services read them: listed per call (a facility may change). */
const listFacilities = (r: Root) => () => facilityStore(r).list();

// ---------------------------------------------------------------------------------------------
// The order core

/**
 * The order core as one process uses it: stores on the configured tables, the services, and one
 * state cache shared by intake and commands (and warmed by the other services of the process).
 */
export interface OrderRuntime {
  readonly orders: OrderStore;
  readonly positions: PositionStore;
  readonly service: OrderService;
  readonly intake: OrderIntake;
  /** The state cache the service and intake share (other services of this process may warm it). */
  readonly cache: StateCache;
}

export const orderRuntime = (r: Root): OrderRuntime =>
  r.once('orderRuntime', () => {
    const orders = orderStore(r);
    const positions = positionStore(r);
    const cache = new StateCache();
    return {
      cache,
      orders,
      positions,
      service: new OrderService({ orders, positions, cache }),
      intake: new OrderIntake(orders, { cache, sync: syncStore(r) }),
    };
  });

/** The pre-order services, on the order core. */
export const preorderRuntime = (r: Root): PreorderRuntime =>
  r.once('preorderRuntime', () => {
    const core = orderRuntime(r);
    return preorderServices({
      service: core.service,
      orders: core.orders,
      purchaseOrders: purchaseOrderStore(r),
      queue: preorderQueueStore(r),
    });
  });

// ---------------------------------------------------------------------------------------------
// Brokering

/** The routing configuration stored by `oms broker routing load`, if any. */
export async function storedRouting(
  store: Pick<BrokeringStore, 'routing'>,
): Promise<RoutingConfig | undefined> {
  const stored = await store.routing();
  if (!stored) return undefined;
  const parsed = parseRoutingConfig(stored.config);
  if (!parsed.ok)
    throw new Error(`stored routing is invalid:\n${formatConfigErrors(parsed.errors)}`);
  return parsed.config;
}

/** `OMS_REJECTION_EXCLUDE_DAYS`: days a rejecting facility stays excluded (unset: forever). */
export function rejectionExcludeDays(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env.OMS_REJECTION_EXCLUDE_DAYS;
  if (text === undefined || text.trim() === '') return undefined;
  const days = Number(text);
  if (!Number.isFinite(days) || days < 0) {
    throw new Error(`OMS_REJECTION_EXCLUDE_DAYS must be a number of days ≥ 0, not "${text}"`);
  }
  return days;
}

/** The brokering services (routing read per call), or undefined when no routing is stored yet. */
export async function brokerDeps(
  r: Root,
  overrides: Partial<BrokerDeps> = {},
): Promise<BrokerDeps | undefined> {
  const brokering = brokeringStore(r);
  const routing = overrides.config ?? (await storedRouting(brokering));
  if (!routing) return undefined;
  const { orders, positions, service, cache } = orderRuntime(r);
  return {
    brokering,
    orders,
    positions,
    service,
    cache,
    sync: syncStore(r),
    facilities: listFacilities(r),
    config: routing,
    rejectionExcludeDays: rejectionExcludeDays(r.env),
    ...overrides,
  };
}

/** The lock that keeps two brokering runs of one product store from overlapping. */
export const brokeringLock = (r: Root, productStoreId: string) =>
  new LeaseLock(r.dynamo, r.tables.control, `brokering#${productStoreId}`);

export function rejectionImportDeps(r: Root): RejectionImportDeps {
  const brokering = brokeringStore(r);
  return {
    orders: orderRuntime(r).orders,
    service: orderRuntime(r).service,
    brokering,
    sync: syncStore(r),
    facilities: listFacilities(r),
    lastRow: brokering.feedLastRow('rejected-item-import'),
  };
}

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

// ---------------------------------------------------------------------------------------------
// Store fulfilment

export function storeFulfillment(
  r: Root,
  overrides: Partial<StoreFulfillmentDeps> = {},
): StoreFulfillment {
  const { orders, service } = orderRuntime(r);
  return new StoreFulfillment({
    orders,
    service,
    brokering: brokeringStore(r),
    sync: syncStore(r),
    deltas: inventoryDeltaStore(r),
    ...overrides,
  });
}

export function storeShipping(r: Root, overrides: Partial<StoreShippingDeps> = {}): StoreShipping {
  const { orders, service } = orderRuntime(r);
  return new StoreShipping({
    orders,
    service,
    brokering: brokeringStore(r),
    sync: syncStore(r),
    facilities: listFacilities(r),
    handBack: storeFulfillment(r),
    ...overrides,
  });
}

// ---------------------------------------------------------------------------------------------
// Inventory feeds and jobs

/** The lock the snapshot import and the delta imports share. */
export const SNAPSHOT_LOCK = 'inventory-snapshot';

export const snapshotLock = (r: Root) => new LeaseLock(r.dynamo, r.tables.control, SNAPSHOT_LOCK);

/** The settle step's dependencies (docs/inventory.md, "When a hold ends"). */
export function settleDeps(r: Root, overrides: Partial<SettleDeps> = {}): SettleDeps {
  const { service, positions } = orderRuntime(r);
  return {
    entries: reflectStore(r),
    service,
    positions,
    lagMs: netsuiteReflectLagMinutes(r.env) * 60_000,
    ...overrides,
  };
}

export function deltaImporterDeps(
  r: Root,
  feedId: DeltaFeedId,
  overrides: Partial<Omit<DeltaImporterDeps, 'feedId'>> = {},
): DeltaImporterDeps {
  return {
    feedId,
    deltas: inventoryDeltaStore(r),
    facilities: facilityStore(r),
    products: productStore(r),
    includeOms: feedId === 'inventory-adjustment-import' && adjustmentDeltasIncludeOms(r.env),
    lagMs: netsuiteReflectLagMinutes(r.env) * 60_000,
    lock: snapshotLock(r),
    leaseMs: importLeaseMs(),
    lockWaitMs: 10 * 60_000,
    ...overrides,
  };
}

export const deltaImporter = (
  r: Root,
  feedId: DeltaFeedId,
  overrides: Partial<Omit<DeltaImporterDeps, 'feedId'>> = {},
) => inventoryDeltaImporter(deltaImporterDeps(r, feedId, overrides));

export function snapshotImporterDeps(
  r: Root,
  overrides: Partial<SnapshotImporterDeps> = {},
): SnapshotImporterDeps {
  return {
    inventory: inventoryStore(r),
    deltas: inventoryDeltaStore(r),
    lagMs: netsuiteReflectLagMinutes(r.env) * 60_000,
    // The settle step: promises the file's figures reflect stop counting (docs/inventory.md).
    onFileImported: async (file) => {
      await settleReflected(file, settleDeps(r));
    },
    facilities: facilityStore(r),
    state: stateObjects(r),
    lock: snapshotLock(r),
    staleKeys: staleKeys(r),
    listing: snapshotListing(r),
    leaseMs: importLeaseMs(),
    lockWaitMs: 10 * 60_000,
    ...overrides,
  };
}

export const snapshotImporter = (r: Root, overrides: Partial<SnapshotImporterDeps> = {}) =>
  inventorySnapshotImporter(snapshotImporterDeps(r, overrides));

export function productImporterDeps(
  r: Root,
  overrides: Partial<ProductImporterDeps> = {},
): ProductImporterDeps {
  return { products: productStore(r), state: stateObjects(r), ...overrides };
}

export const productImporter = (r: Root, overrides: Partial<ProductImporterDeps> = {}) =>
  buildProductImporter(productImporterDeps(r, overrides));

export const purchaseOrderImporter = (r: Root) =>
  buildPurchaseOrderImporter({
    purchaseOrders: purchaseOrderStore(r),
    facilities: facilityStore(r),
  });

/** The reader of adjustment-hold ages the reconcile job reports from. */
export const holdAgeReader = (r: Root) => new HoldAgeReader(r.dynamo, r.tables.inventory);

// ---------------------------------------------------------------------------------------------
// NetSuite sync

export const exportSources = (r: Root): ExportSources => ({
  ids: netsuiteIdStore(r),
  products: productStore(r),
  inventory: inventoryStore(r),
  mappings: mappingStore(r),
  orders: orderStore(r),
  facilities: facilityStore(r),
  sync: syncStore(r),
});

/** Read per run, so that an operator (or a test) can change the interval without a restart. */
export const exportDeps = (r: Root): ExportDeps => ({
  sync: syncStore(r),
  files: feedFileStore(r),
  user: r.netsuiteUser,
  resendAfterMs: resendAfterMs(),
});

/** An export handler's sources and settings, built per run from the process's root. */
export const exportWiring = (r: () => Root): ExportWiring => ({
  sources: () => exportSources(r()),
  deps: () => exportDeps(r()),
});

export function idImportDeps(r: Root): IdImportDeps {
  const sync = syncStore(r);
  return {
    ids: netsuiteIdStore(r),
    sync,
    customersWaiting: (partyIds) => sync.waiting('customer', partyIds),
  };
}

/** The brokering queue entry of an order just approved. */
const approvedEntry = (header: OrderHeader) => ({
  queue: BROKERING_QUEUE,
  orderId: header.orderId,
  orderDate: header.date,
  enqueuedAt: new Date().toISOString(),
  reason: 'approved',
});

export const approvalDeps = (r: Root): ApprovalDeps => {
  const brokering = brokeringStore(r);
  return {
    sync: syncStore(r),
    ids: netsuiteIdStore(r),
    orders: orderRuntime(r).orders,
    service: orderRuntime(r).service,
    readAhead: 32,
    // Approved orders wait in the brokering queue for the next brokering run.
    onApproved: (header) => brokering.enqueue(approvedEntry(header)),
    approvedWrite: (header) => ({
      label: 'linked:brokering',
      item: brokering.queuePut(approvedEntry(header)),
    }),
  };
};

export const exceptionsDeps = (r: Root): ExceptionsDeps => {
  const sync = syncStore(r);
  return {
    files: feedFileStore(r),
    store: sync.netsuiteFiles(),
    sync,
    user: r.netsuiteUser,
    // Taken allocation, OMS-fulfilled and adjustment files are evidence for inventory holds.
    reflect: { entries: reflectStore(r), lines: orderStore(r) },
  };
};

// ---------------------------------------------------------------------------------------------
// Operator console

/** The console's views and actions (the ledger built per call: see `importLedger`). */
export function consoleDeps(r: Root): HealthDeps & FailuresDeps & ActionDeps & ChartsDeps {
  return {
    user: r.netsuiteUser,
    feeds: implementedFeeds(),
    files: feedFileStore(r),
    ledger: importLedger(r),
    sync: syncStore(r),
    deadLetters: deadLetterQueue(),
    audit: auditStore(r),
    resolutions: resolutionStore(r),
  };
}

export const waitingDeps = (r: Root): WaitingDeps => ({
  sync: syncStore(r),
  release: releaseQueueStore(r),
  brokering: brokeringStore(r),
});

export const skuLookupDeps = (r: Root): SkuLookupDeps => ({
  inventory: inventoryStore(r),
  positions: positionStore(r),
});
