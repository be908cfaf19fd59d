/**
 * The file contract as the NetSuite side knows it: every folder the simulated SuiteScripts read or
 * write, with the exact column names, written out here from `docs/netsuite-contract.md` and the
 * HotWax SuiteScripts (`hotwax/netsuite-integration`) — deliberately NOT imported from the OMS's
 * feed catalog (`shared/feeds/catalog.ts`), so the simulator is an independent party: if the OMS
 * changes a column, the simulator does not follow silently. `test/unit/netsuite-contract-drift.test.ts`
 * compares the two and names the feed and column that differ.
 *
 * Folders are relative to NetSuite's SFTP root `/home/<user>/netsuite/`.
 *
 * - `toNetsuite`: files the OMS writes and a NetSuite import reads. `required` are the columns the
 *   import mapping needs (exact, case-sensitive, any order); `optional` those it also knows.
 * - `fromNetsuite`: files a NetSuite export writes. `required` is the header, in order.
 *
 * `omsFeed` names the OMS catalog's feed for the same file (`<feed>#<layout>` for a header the
 * catalog lists among a feed's other layouts): a plain string, used only by the drift test to pair
 * the two sides.
 */

export interface ContractFeed {
  readonly direction: 'toNetsuite' | 'fromNetsuite';
  /** Folder below the NetSuite root. */
  readonly folder: string;
  readonly format: 'csv' | 'json';
  /** CSV: the exact columns (an export's header, in order); JSON: the keys of each element. */
  readonly required: readonly string[];
  /** Import mappings only: columns the import also knows. */
  readonly optional?: readonly string[];
  /** The HotWax SuiteScript that reads or writes the folder. */
  readonly script: string;
  /** The OMS catalog's feed id for this file, `<feed>#<layout>` for another layout (drift test). */
  readonly omsFeed: string;
}

const DELTA_COLUMNS = ['externalFacilityId', 'idValue', 'idType', 'availableDelta', 'comments'];

export const CONTRACT = {
  // ── The OMS writes, NetSuite imports ─────────────────────────────────────────────────────────
  customers: {
    direction: 'toNetsuite',
    folder: 'customer/export',
    format: 'csv',
    required: [
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
    optional: ['subsidiary', 'accountSource'],
    script: 'HC_SC_ImportCustomer',
    omsFeed: 'customer-export',
  },
  salesOrders: {
    direction: 'toNetsuite',
    folder: 'salesorder/export',
    format: 'csv',
    required: [
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
    script: 'HC_importSalesOrders',
    omsFeed: 'sales-order-export',
  },
  customerDeposits: {
    direction: 'toNetsuite',
    folder: 'salesorder/customerdeposit',
    format: 'json',
    required: [
      'totalAmount',
      'externalId',
      'orderId',
      'paymentMethod',
      'shopifyOrderNumber',
      'shopifyOrderId',
      'shopifyOrderName',
    ],
    script: 'HC_MR_CreateCustomerDeposit',
    omsFeed: 'customer-deposit-export',
  },
  allocationUpdate: {
    direction: 'toNetsuite',
    folder: 'salesorder/update',
    format: 'csv',
    required: [
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
    ],
    optional: ['rejected'],
    script: 'HC_SC_UpdateSalesOrders',
    omsFeed: 'allocation-update-export',
  },
  omsFulfilledUpdate: {
    direction: 'toNetsuite',
    folder: 'salesorder/update',
    format: 'csv',
    required: ['lineId', 'internalId', 'item', 'quantity', 'location', 'tags'],
    script: 'HC_SC_UpdateSalesOrders',
    omsFeed: 'oms-fulfilled-export',
  },
  lineCloseUpdate: {
    direction: 'toNetsuite',
    folder: 'salesorder/update',
    format: 'csv',
    required: ['internalId', 'lineId', 'closed'],
    script: 'HC_SC_UpdateSalesOrders',
    omsFeed: 'line-close-export',
  },
  inventoryAdjustments: {
    direction: 'toNetsuite',
    folder: 'inventoryadjustment/csv',
    format: 'csv',
    required: [
      'Reference No',
      'Adjustment Account',
      'Item',
      'Adjust Qty By',
      'Location',
      'Date',
      'Memo',
      'HC Inventory Adj Id',
      'Adjustment Location',
    ],
    optional: ['Subsidiary'],
    script: 'HC_SC_ImportInventoryAdjustment',
    omsFeed: 'inventory-adjustment-export',
  },

  // ── NetSuite exports, the OMS reads ──────────────────────────────────────────────────────────
  customerIds: {
    direction: 'fromNetsuite',
    folder: 'customer/import',
    format: 'csv',
    required: ['partyId', 'partyIdentificationTypeId', 'idValue'],
    script: 'HC_MR_ExportedCustomerCSV',
    omsFeed: 'customer-id-import',
  },
  orderIds: {
    direction: 'fromNetsuite',
    folder: 'salesorder/import/orderidentification',
    format: 'csv',
    required: ['orderId', 'orderIdentificationTypeId', 'idValue'],
    script: 'HC_MR_ExportedSalesOrderCSV',
    omsFeed: 'order-id-import',
  },
  orderLineIds: {
    direction: 'fromNetsuite',
    folder: 'salesorder/import/orderitemattribute',
    format: 'csv',
    required: ['orderId', 'orderItemSeqId', 'attrName', 'attrValue'],
    script: 'HC_MR_ExportedSalesOrderItemCSV',
    omsFeed: 'order-line-id-import',
  },
  depositIds: {
    direction: 'fromNetsuite',
    folder: 'salesorder/import/orderpayment',
    format: 'csv',
    required: ['orderId', 'internalId', 'manualRefNumber'],
    script: 'HC_MR_ExportedCustomerDepositCSV',
    omsFeed: 'deposit-id-import',
  },
  rejectedItems: {
    direction: 'fromNetsuite',
    folder: 'salesorder/rejectedorderitem',
    format: 'csv',
    required: ['orderId', 'orderItemSeqId', 'rejectionComments', 'rejectionReason'],
    script: 'HC_MR_ExportedRejectedSalesOrderItemCSV',
    omsFeed: 'rejected-item-import',
  },
  fulfillmentsCsv: {
    direction: 'fromNetsuite',
    folder: 'salesorder/import/fulfillment-nifi',
    format: 'csv',
    required: [
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
    script: 'HC_MR_ExportedSalesOrderFulfillmentCSV',
    omsFeed: 'fulfillment-csv-import',
  },
  fulfillmentsJson: {
    direction: 'fromNetsuite',
    folder: 'salesorder/import/fulfillment',
    format: 'json',
    required: ['orderMap'],
    script: 'HC_MR_ExportedSalesOrderFulfillmentJson',
    omsFeed: 'fulfillment-json-import',
  },
  inventorySnapshot: {
    direction: 'fromNetsuite',
    folder: 'inventoryitem/csv',
    format: 'csv',
    required: ['Item', 'externalFacilityId', 'availableQty', 'idValue'],
    script: 'HC_uploadCSV_InventoryItems',
    omsFeed: 'inventory-snapshot-import',
  },
  inventoryAdjustmentDeltas: {
    direction: 'fromNetsuite',
    folder: 'inventoryadjustment/import',
    format: 'csv',
    required: DELTA_COLUMNS,
    script: 'HC_MR_ExportedInventoryAdjustmentCSV',
    omsFeed: 'inventory-adjustment-import',
  },
  inventoryTransferDeltas: {
    direction: 'fromNetsuite',
    folder: 'inventorytransfer/import',
    format: 'csv',
    required: DELTA_COLUMNS,
    script: 'HC_MR_ExportedInventoryTransferCSV',
    omsFeed: 'inventory-transfer-import',
  },
  itemReceiptDeltas: {
    direction: 'fromNetsuite',
    folder: 'itemreceipt/csv',
    format: 'csv',
    required: DELTA_COLUMNS,
    script: 'HC_MR_ExportedItemReceiptCSV',
    omsFeed: 'item-receipt-import',
  },
  products: {
    direction: 'fromNetsuite',
    folder: 'product/csv',
    format: 'csv',
    required: ['id-value', 'good-identification-value'],
    script: 'HC_SC_UploadProductCSV',
    omsFeed: 'product-import',
  },
  openPurchaseOrders: {
    direction: 'fromNetsuite',
    folder: 'purchaseorder/fulfillment',
    format: 'csv',
    required: [
      'external-id',
      'product-sku',
      'quantity',
      'external-facility-id',
      'item-external-id',
      'arrival-date',
    ],
    script: 'HC_MR_ExportedPurchaseOrderCSV',
    omsFeed: 'purchase-order-import',
  },
  invoiceReport: {
    direction: 'fromNetsuite',
    folder: 'alc-audit-data',
    format: 'csv',
    required: [
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
    script: 'HC_MR_ExportOpenInvoiceALCReport',
    omsFeed: 'invoice-import',
  },
  creditMemoReport: {
    direction: 'fromNetsuite',
    folder: 'alc-audit-data',
    format: 'csv',
    required: [
      'CREDIT_MEMO_INTERNAL_ID',
      'SHOPIFY_ORDER_NAME',
      'SHOPIFY_ORDER_ID',
      'HC_LOOP_RETURN_ID',
      'HC_LOOP_RETURN_TOTAL',
      'HC_RETURN_ID',
      'CREDIT_MEMO_DATE',
    ],
    script: 'HC_MR_ExportOpenCreditMemoALCReport',
    omsFeed: 'invoice-import#credit-memo',
  },
} as const satisfies Record<string, ContractFeed>;

export type ContractName = keyof typeof CONTRACT;

/** A contract entry by name (typed loosely, for code that only needs the folder and columns). */
export const contractFeed = (name: ContractName): ContractFeed => CONTRACT[name];

/** Every column an import mapping knows (required then optional). */
export const allColumns = (feed: ContractFeed): readonly string[] => [
  ...feed.required,
  ...(feed.optional ?? []),
];

/** NetSuite's name for an id type in the delta exports. */
export const NETSUITE_PRODUCT_ID = 'NETSUITE_PRODUCT_ID';

/** The tag the OMS puts on a line it fulfilled itself (`tags` column). */
export const HOTWAX_FULFILLED = 'hotwax-fulfilled';

/** A scripted CSV import takes at most this many records a file. */
export const MAX_IMPORT_RECORDS = 25_000;
