/**
 * The feed catalog: the one source of truth for every file feed between the OMS and NetSuite.
 *
 * CDK (infra/), the local runner (local/), the README table (scripts/readme-feeds.ts) and the
 * tests all read this module. A folder is relative to the NetSuite root `/home/{user}/netsuite/`;
 * no other module spells a feed folder.
 *
 * Over 400 lines: a table, one entry per feed — by design the one source every reader uses.
 */

import { ALL_TABLES, type TableNeeds } from '../store/needs.ts';

export type FeedDirection = 'inbound' | 'outbound';
export type FeedFormat = 'csv' | 'json';
export type FeedPartner = 'netsuite' | 'storefront';

/** An inbound feed is started by the S3 ObjectCreated event; an outbound feed by a schedule. */
export type FeedTrigger =
  | { readonly kind: 'object-created' }
  /** An EventBridge Scheduler expression: `cron(min hour dom month dow year)` or `rate(n unit)`. */
  | { readonly kind: 'schedule'; readonly expression: string };

export interface FeedDefinition {
  /** Stable id, also the handler's job name. */
  readonly id: string;
  readonly title: string;
  readonly direction: FeedDirection;
  /**
   * Who is on the other side: NetSuite (default; folders below `/home/{user}/netsuite/`) or the
   * storefront (folders below `/home/{user}/storefront/`).
   */
  readonly partner?: FeedPartner;
  /** Folder below the partner's root, without leading or trailing slash. */
  readonly folder: string;
  readonly format: FeedFormat;
  /** Exact, case-sensitive header (CSV) or top-level keys (JSON). */
  readonly columns: readonly string[];
  /**
   * Inbound CSV only: other files the same folder receives, each recognised by its own exact
   * header (any column order). The import tells the importer which layout a file has (`columns`
   * is the layout named `main`). E.g. `alc-audit-data` holds invoice and credit-memo reports.
   */
  readonly layouts?: readonly FeedLayout[];
  readonly trigger: FeedTrigger;
  /**
   * The handler module in `functions/` (without extension) once the feed is implemented.
   * Feeds without one are listed as planned: CDK deploys no function and the local runner
   * routes no event for them.
   */
  readonly handler?: string;
  /** The module that does the work (`shared/...`), for the function registry. */
  readonly module?: string;
  /** The tables the handler reads or writes (its IAM policy grants exactly these). */
  readonly tables?: TableNeeds;
  /** Sub-prefixes of `oms-state/` the handler reads and writes (e.g. `inventory/`). */
  readonly state?: readonly string[];
  /**
   * Inbound only: the largest file accepted, in bytes; a larger one goes to failed/ unread, with
   * an error file saying so. Default by format: `DEFAULT_MAX_FILE_BYTES`.
   */
  readonly maxBytes?: number;
  /**
   * The function's memory (MB) when its kind's default does not suit it; set only from a
   * measurement, with the reason beside the value.
   */
  readonly memoryMb?: number;
}

const MB = 1024 * 1024;

/**
 * The largest inbound file of a feed that declares none: CSV 1 GiB (the daily snapshot, a million
 * rows, is about 50 MB), JSON 16 MB (read whole into memory).
 */
export const DEFAULT_MAX_FILE_BYTES: Readonly<Record<FeedFormat, number>> = {
  csv: 1024 * MB,
  json: 16 * MB,
};

/** The largest file the feed accepts (its `maxBytes`, else its format's default). */
export const maxFileBytes = (feed: FeedDefinition): number =>
  feed.maxBytes ?? DEFAULT_MAX_FILE_BYTES[feed.format];

/** One more header an inbound folder receives (see `FeedDefinition.layouts`). */
export interface FeedLayout {
  /** Stable name, handed to the importer (`main` is the feed's own `columns`). */
  readonly id: string;
  readonly title: string;
  /** Exact, case-sensitive header. */
  readonly columns: readonly string[];
}

/** The main layout's id: the feed's own `columns`. */
export const MAIN_LAYOUT = 'main';

const objectCreated = { kind: 'object-created' } as const;
const every = (expression: string) => ({ kind: 'schedule', expression }) as const;

export const FEEDS = [
  // ── NetSuite → OMS ────────────────────────────────────────────────────────────────────────
  {
    id: 'inventory-snapshot-import',
    title: 'Inventory snapshot (daily reset)',
    direction: 'inbound',
    folder: 'inventoryitem/csv',
    format: 'csv',
    columns: ['Item', 'externalFacilityId', 'availableQty', 'idValue'],
    trigger: objectCreated,
    handler: 'inventory-snapshot-import',
    module: 'shared/jobs/inventory-snapshot-importer.ts',
    tables: ALL_TABLES,
    state: ['inventory/'],
    maxBytes: 2048 * MB,
    // Below the import default (issue #21: peak RSS ≤ 200 MB at a million rows). V8 sizes the
    // young generation from the memory Lambda gives (semi-spaces of memory / 20, rounded up to a
    // power of two): at 1,024 MB 2 × 64 MB, and the same import peaks at 270–300 MB; at 320 MB
    // (the largest size with 16 MB semi-spaces) 179 MB. The cost: Lambda's CPU share follows
    // memory (0.18 vCPU instead of 0.58). The import used 46–53 CPU-s for a million rows, so
    // ≥ 4.3–4.9 minutes on AWS — about what a new on-demand table's write rate allows, and a
    // bigger file goes on in the next invocation (continuations); raise it where warm throughput
    // is raised and a faster reset matters more than memory (docs/inventory.md, "On AWS").
    memoryMb: 320,
  },
  {
    id: 'inventory-adjustment-import',
    title: 'Inventory adjustments (deltas)',
    direction: 'inbound',
    folder: 'inventoryadjustment/import',
    format: 'csv',
    columns: ['externalFacilityId', 'idValue', 'idType', 'availableDelta', 'comments'],
    trigger: objectCreated,
    handler: 'inventory-adjustment-import',
    module: 'shared/jobs/inventory-delta-importer.ts',
    tables: ALL_TABLES,
  },
  {
    id: 'inventory-transfer-import',
    title: 'Inventory transfers (deltas)',
    direction: 'inbound',
    folder: 'inventorytransfer/import',
    format: 'csv',
    columns: ['externalFacilityId', 'idValue', 'idType', 'availableDelta', 'comments'],
    trigger: objectCreated,
    handler: 'inventory-transfer-import',
    module: 'shared/jobs/inventory-delta-importer.ts',
    tables: ALL_TABLES,
  },
  {
    id: 'item-receipt-import',
    title: 'Item receipts (deltas)',
    direction: 'inbound',
    folder: 'itemreceipt/csv',
    format: 'csv',
    columns: ['externalFacilityId', 'idValue', 'idType', 'availableDelta', 'comments'],
    trigger: objectCreated,
    handler: 'item-receipt-import',
    module: 'shared/jobs/inventory-delta-importer.ts',
    tables: ALL_TABLES,
  },
  {
    id: 'product-import',
    title: 'Products (SKU ↔ NetSuite item id)',
    direction: 'inbound',
    folder: 'product/csv',
    format: 'csv',
    columns: ['id-value', 'good-identification-value'],
    trigger: objectCreated,
    handler: 'product-import',
    module: 'shared/jobs/product-importer.ts',
    tables: { control: 'read-write' },
    state: ['products/'],
  },
  {
    id: 'customer-id-import',
    title: 'Customer ids',
    direction: 'inbound',
    folder: 'customer/import',
    format: 'csv',
    columns: ['partyId', 'partyIdentificationTypeId', 'idValue'],
    trigger: objectCreated,
    handler: 'customer-id-import',
    module: 'shared/sync/id-imports.ts',
    tables: ALL_TABLES,
  },
  {
    id: 'order-id-import',
    title: 'Sales order ids',
    direction: 'inbound',
    folder: 'salesorder/import/orderidentification',
    format: 'csv',
    columns: ['orderId', 'orderIdentificationTypeId', 'idValue'],
    trigger: objectCreated,
    handler: 'order-id-import',
    module: 'shared/sync/id-imports.ts',
    tables: ALL_TABLES,
  },
  {
    id: 'order-line-id-import',
    title: 'Sales order line ids',
    direction: 'inbound',
    folder: 'salesorder/import/orderitemattribute',
    format: 'csv',
    columns: ['orderId', 'orderItemSeqId', 'attrName', 'attrValue'],
    trigger: objectCreated,
    handler: 'order-line-id-import',
    module: 'shared/sync/id-imports.ts',
    tables: ALL_TABLES,
  },
  {
    id: 'deposit-id-import',
    title: 'Customer deposit ids',
    direction: 'inbound',
    folder: 'salesorder/import/orderpayment',
    format: 'csv',
    columns: ['orderId', 'internalId', 'manualRefNumber'],
    trigger: objectCreated,
    handler: 'deposit-id-import',
    module: 'shared/sync/id-imports.ts',
    tables: ALL_TABLES,
  },
  {
    id: 'rejected-item-import',
    title: 'Items rejected by NetSuite locations',
    direction: 'inbound',
    folder: 'salesorder/rejectedorderitem',
    format: 'csv',
    columns: ['orderId', 'orderItemSeqId', 'rejectionComments', 'rejectionReason'],
    trigger: objectCreated,
    handler: 'rejected-item-import',
    module: 'shared/brokering/netsuite-rejections.ts',
    tables: ALL_TABLES,
  },
  {
    id: 'fulfillment-csv-import',
    title: 'Item fulfillments (CSV)',
    direction: 'inbound',
    folder: 'salesorder/import/fulfillment-nifi',
    format: 'csv',
    columns: [
      'orderId',
      'orderItemSeqId',
      'externalFacilityId',
      'shippedDate',
      'quantity',
      'trackingNumber',
      'carrier',
      'shippingMethod',
      'shippingMethodId',
    ],
    trigger: objectCreated,
    handler: 'fulfillment-csv-import',
    module: 'shared/fulfillment/netsuite-fulfillment-import.ts',
    tables: ALL_TABLES,
  },
  {
    id: 'fulfillment-json-import',
    title: 'Item fulfillments (JSON)',
    direction: 'inbound',
    folder: 'salesorder/import/fulfillment',
    format: 'json',
    columns: ['orderMap'],
    trigger: objectCreated,
    handler: 'fulfillment-json-import',
    module: 'shared/fulfillment/netsuite-fulfillment-import.ts',
    tables: ALL_TABLES,
    maxBytes: 16 * MB,
  },
  {
    id: 'purchase-order-import',
    title: 'Open purchase orders',
    direction: 'inbound',
    folder: 'purchaseorder/fulfillment',
    format: 'csv',
    columns: [
      'external-id',
      'product-sku',
      'quantity',
      'external-facility-id',
      'item-external-id',
      'arrival-date',
    ],
    trigger: objectCreated,
    handler: 'purchase-order-import',
    module: 'shared/jobs/purchase-order-importer.ts',
    tables: { inventory: 'read-write', control: 'read-write' },
  },
  {
    id: 'invoice-import',
    title: 'Invoices and credit memos (reports)',
    direction: 'inbound',
    folder: 'alc-audit-data',
    format: 'csv',
    columns: [
      'INVOICE_INTERNAL_ID',
      'SHOPIFY_ORDER_NAME',
      'SHOPIFY_ORDER_ID',
      'SALES_ORDER_INTERNAL_ID',
      'HC_ORDER_ID',
      'INVOICE_NUMBER',
      'INVOICE_TOTAL',
      'AMOUNT_DUE',
      'INVOICE_DATE',
    ],
    layouts: [
      {
        id: 'credit-memo',
        title: 'Credit memos (Credit_Memo-<date>.csv)',
        columns: [
          'CREDIT_MEMO_INTERNAL_ID',
          'SHOPIFY_ORDER_NAME',
          'SHOPIFY_ORDER_ID',
          'HC_LOOP_RETURN_ID',
          'HC_LOOP_RETURN_TOTAL',
          'HC_RETURN_ID',
          'CREDIT_MEMO_DATE',
        ],
      },
    ],
    trigger: objectCreated,
    handler: 'invoice-import',
    module: 'shared/fulfillment/invoice-import.ts',
    tables: { orders: 'read-write', control: 'read-write' },
  },
  // ── OMS → NetSuite ────────────────────────────────────────────────────────────────────────
  {
    id: 'customer-export',
    title: 'Customers',
    direction: 'outbound',
    folder: 'customer/export',
    format: 'csv',
    columns: [
      'HCCustomerId',
      'firstName',
      'lastName',
      'HCShopifyCustomerId',
      'email',
      'individual',
      'status',
      'taxable',
      'defaultOrderPriority',
      'externalId',
      'phone',
    ],
    trigger: every('cron(0/15 * * * ? *)'),
    handler: 'customer-export',
    module: 'shared/sync/exports.ts',
    tables: ALL_TABLES,
  },
  {
    id: 'sales-order-export',
    title: 'Sales orders (one row per line)',
    direction: 'outbound',
    folder: 'salesorder/export',
    format: 'csv',
    columns: [
      'orderId',
      'HCOrderId',
      'externalId',
      'HCShopifySalesOrderId',
      'salesChannel',
      'customer',
      'subsidiary',
      'date',
      'email',
      'location',
      'department',
      'shippingMethod',
      'shippingCost',
      'shippingTaxCode',
      'item',
      'orderLineId',
      'closed',
      'priceLevel',
      'itemLocation',
      'quantity',
      'price',
      'taxCode',
      'addressee',
      'address1',
      'address2',
      'city',
      'state',
      'country',
      'zip',
      'phone',
      'billingAddressee',
      'billingAddress1',
      'billingAddress2',
      'billingCity',
      'billingState',
      'billingCountry',
      'billingZip',
      'billingPhone',
    ],
    trigger: every('cron(5/15 * * * ? *)'),
    handler: 'sales-order-export',
    module: 'shared/sync/exports.ts',
    tables: ALL_TABLES,
    // Below the scheduled default (issue #21: peak RSS ≤ 256 MB). Lambda's Node runtime gives a
    // function two semi-spaces of memory / 20 MB each, which V8 rounds up to a power of two: at
    // 1,024 MB 2 × 64 MB, and a run of 100,000 lines fills them (even a run with nothing due
    // peaks at 233 MB reading the outbox); at 640 MB 2 × 32 MB: peak 207 MB instead of ≈ 275, the
    // same files. The cost: Lambda's CPU share follows memory (0.36 vCPU instead of 0.58); a run
    // takes ≈ 11 CPU-s a 100,000 lines, far inside the 300 s timeout (docs/netsuite-sync-bench.md).
    memoryMb: 640,
  },
  {
    id: 'customer-deposit-export',
    title: 'Customer deposits (JSON array, one file per run)',
    direction: 'outbound',
    folder: 'salesorder/customerdeposit',
    format: 'json',
    columns: [
      'totalAmount',
      'externalId',
      'orderId',
      'paymentMethod',
      'shopifyOrderNumber',
      'shopifyOrderId',
      'shopifyOrderName',
    ],
    trigger: every('cron(10/15 * * * ? *)'),
    handler: 'customer-deposit-export',
    module: 'shared/sync/exports.ts',
    tables: ALL_TABLES,
  },
  {
    id: 'allocation-update-export',
    title: 'Allocation updates for NetSuite-fulfilled facilities',
    direction: 'outbound',
    folder: 'salesorder/update',
    format: 'csv',
    columns: [
      'lineId',
      'internalId',
      'item',
      'closed',
      'quantity',
      'location',
      'addressee',
      'address1',
      'address2',
      'city',
      'state',
      'country',
      'zip',
      'shippingMethod',
      'rejected',
    ],
    trigger: every('cron(0/15 * * * ? *)'),
    handler: 'allocation-update-export',
    module: 'shared/sync/exports.ts',
    tables: ALL_TABLES,
  },
  {
    id: 'oms-fulfilled-export',
    title: 'Items fulfilled by OMS facilities (stores)',
    direction: 'outbound',
    folder: 'salesorder/update',
    format: 'csv',
    columns: ['lineId', 'internalId', 'item', 'quantity', 'location', 'tags'],
    trigger: every('cron(0/30 * * * ? *)'),
    handler: 'oms-fulfilled-export',
    module: 'shared/sync/exports.ts',
    tables: ALL_TABLES,
  },
  {
    id: 'line-close-export',
    title: 'Cancelled lines closed in NetSuite',
    direction: 'outbound',
    folder: 'salesorder/update',
    format: 'csv',
    columns: ['internalId', 'lineId', 'closed'],
    trigger: every('cron(0/30 * * * ? *)'),
    handler: 'line-close-export',
    module: 'shared/sync/exports.ts',
    tables: ALL_TABLES,
  },
  {
    id: 'inventory-adjustment-export',
    title: 'Inventory adjustments from store rejections',
    direction: 'outbound',
    folder: 'inventoryadjustment/csv',
    format: 'csv',
    columns: [
      'Reference No',
      'Adjustment Account',
      'Item',
      'Adjust Qty By',
      'Location',
      'Date',
      'Memo',
      'HC Inventory Adj Id',
      'Adjustment Location',
      'Subsidiary',
    ],
    trigger: every('cron(0 * * * ? *)'),
    handler: 'inventory-adjustment-export',
    module: 'shared/sync/inventory-adjustment-export.ts',
    tables: ALL_TABLES,
  },
  // ── Storefront → OMS ──────────────────────────────────────────────────────────────────────
  {
    id: 'storefront-order-import',
    title: 'Storefront orders (JSON array, docs/order.schema.json)',
    direction: 'inbound',
    partner: 'storefront',
    folder: 'orders',
    format: 'json',
    columns: [
      'externalId',
      'name',
      'date',
      'salesChannel',
      'riskLevel',
      'customer',
      'payments',
      'lines',
    ],
    trigger: objectCreated,
    handler: 'storefront-order-import',
    module: 'shared/jobs/storefront-order-importer.ts',
    tables: ALL_TABLES,
    maxBytes: 16 * MB,
  },
] as const satisfies readonly FeedDefinition[];

export type FeedId = (typeof FEEDS)[number]['id'];

export const feedById = (id: FeedId): FeedDefinition => {
  const feed = FEEDS.find((f) => f.id === id);
  if (!feed) throw new Error(`unknown feed ${id}`);
  return feed;
};

/** Every header a feed's files may have: its own `columns` (layout `main`) and its `layouts`. */
export const feedLayouts = (feed: FeedDefinition): readonly FeedLayout[] => [
  { id: MAIN_LAYOUT, title: feed.title, columns: feed.columns },
  ...(feed.layouts ?? []),
];

/** Feeds that have a handler (are deployed and dispatched). */
export const implementedFeeds = (): FeedDefinition[] =>
  (FEEDS as readonly FeedDefinition[]).filter((f) => f.handler !== undefined);

/** The subfolders every inbound folder carries (NetSuite's habit, mirrored on our side). */
export const INBOUND_SUBFOLDERS = ['archive', 'error', 'failed'] as const;
