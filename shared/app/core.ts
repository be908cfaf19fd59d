/**
 * The composition root itself (`Root`, `createRoot`, the process's `root()`), the stores built once
 * per root, and the order core every capability uses. The capabilities' accessors are in the
 * modules beside it; `root.ts` gathers them.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { FeedFileStore } from '../files/feed-file-store.ts';
import { s3 } from '../files/s3-client.ts';
import { StateObjects } from '../files/state-objects.ts';
import { OrderIntake } from '../orders/intake.ts';
import { OrderService } from '../orders/order-service.ts';
import { StateCache } from '../orders/state-cache.ts';
import { config } from '../platform/config.ts';
import { preorderServices, type PreorderRuntime } from '../preorder/services.ts';
import { AuditStore, ResolutionStore } from '../store/audit-store.ts';
import { BrokeringStore } from '../store/brokering-store.ts';
import { dynamo } from '../store/dynamo-client.ts';
import { FacilityStore } from '../store/facility-store.ts';
import { ImportLedger } from '../store/import-ledger.ts';
import { InventoryDeltaStore } from '../store/inventory-delta-store.ts';
import { InventoryStore } from '../store/inventory-store.ts';
import { InvoiceStore } from '../store/invoice-store.ts';
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
export const listFacilities = (r: Root) => () => facilityStore(r).list();

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
