/** The pure parts of the NetSuite sync: rows, deposits, mappings, id rows, file packing. */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { Facility } from '../../shared/domain/facility.ts';
import type { LineState, Release, Shipment } from '../../shared/domain/lifecycle/line.ts';
import type { OrderHeader } from '../../shared/domain/orders/order.ts';
import {
  allocationRow,
  NETSUITE_FULFILLED,
  netsuiteQuantity,
  unitsAt,
  type AllocationPayload,
} from '../../shared/domain/sync/allocation-rows.ts';
import { customerRow } from '../../shared/domain/sync/customer-row.ts';
import { depositRecords } from '../../shared/domain/sync/deposits.ts';
import {
  parseCustomerIdRow,
  parseDepositIdRow,
  parseLineIdRow,
  parseOrderIdRow,
} from '../../shared/domain/sync/id-rows.ts';
import { lineCloseRow } from '../../shared/domain/sync/line-close-rows.ts';
import { mappingTable, parseMappingFile } from '../../shared/domain/sync/mappings.ts';
import {
  omsFulfilledEntryId,
  omsFulfilledRow,
} from '../../shared/domain/sync/oms-fulfilled-rows.ts';
import { csvText, outboundFileName } from '../../shared/domain/sync/outbound-files.ts';
import { partyIdFor } from '../../shared/domain/sync/party.ts';
import {
  netsuiteDate,
  salesOrderRows,
  type SalesOrderPayload,
} from '../../shared/domain/sync/sales-order-rows.ts';
import { feedById } from '../../shared/feeds/catalog.ts';

const mappings = mappingTable([
  { kind: 'shippingMethod', value: 'STANDARD', netsuiteId: '4' },
  { kind: 'salesChannel', value: 'web', netsuiteId: '2' },
  { kind: 'paymentMethod', value: 'card', netsuiteId: '7' },
  { kind: 'subsidiary', value: '*', netsuiteId: '1' },
]);

const address = {
  name: 'Ada Lovelace',
  address1: '1 Main St',
  city: 'Austin',
  state: 'TX',
  country: 'US',
  zip: '78701',
};
const order: SalesOrderPayload = {
  orderId: 'O1',
  name: '#1001',
  externalId: 'shop-1',
  date: '2025-07-02T23:30:00-07:00',
  salesChannel: 'web',
  partyId: 'Ccust-1',
  email: 'ada@example.com',
  shipping: address,
  billing: { ...address, name: 'Billing, Dept.' },
  lines: [
    { seq: '00001', sku: 'A', quantity: 2, price: 10.5, shippingMethod: 'STANDARD' },
    { seq: '00002', sku: 'B', quantity: 1, price: 3, shippingMethod: 'STANDARD' },
  ],
};
const itemIds = new Map([
  ['A', '501'],
  ['B', '502'],
]);

describe('sales order rows', () => {
  it('one row per line with NetSuite ids, the date as the storefront wrote it', () => {
    const built = salesOrderRows(order, { customerNetsuiteId: '77', itemIds, mappings });
    expect(built.kind).toBe('ready');
    if (built.kind !== 'ready') return;
    expect(built.rows).toHaveLength(2);
    expect(built.rows[0]).toMatchObject({
      orderId: '#1001',
      HCOrderId: 'O1',
      externalId: 'shop-1',
      salesChannel: '2',
      customer: '77',
      subsidiary: '1',
      date: '07/02/2025',
      shippingMethod: '4',
      item: '501',
      orderLineId: '00001',
      quantity: '2',
      price: '10.5',
      country: 'US',
      billingAddressee: 'Billing, Dept.',
    });
    // Every column of the feed is there, and only those.
    expect(Object.keys(built.rows[0]!).sort()).toEqual(
      [...feedById('sales-order-export').columns].sort(),
    );
  });

  it('waits for the customer id, and holds back an order NetSuite could not take, naming each reason', () => {
    expect(salesOrderRows(order, { itemIds, mappings }).kind).toBe('waiting');
    const held = salesOrderRows(
      {
        ...order,
        salesChannel: 'pos',
        lines: [{ ...order.lines[0]!, sku: 'Z', shippingMethod: 'DRONE' }],
      },
      { customerNetsuiteId: '77', itemIds, mappings },
    );
    expect(held).toEqual({
      kind: 'blocked',
      reasons: [
        'no NetSuite id for sales channel "pos"',
        'no NetSuite item id for SKU "Z"',
        'no NetSuite id for shipping method "DRONE"',
      ],
    });
  });

  it('names the missing required fields', () => {
    const { country: _c, ...noCountry } = address;
    const built = salesOrderRows(
      { ...order, date: 'yesterday', shipping: noCountry },
      { customerNetsuiteId: '77', itemIds, mappings },
    );
    expect(built).toMatchObject({ kind: 'missing-fields', fields: ['date', 'country'] });
  });

  it('formats dates MM/dd/yyyy', () => {
    expect(netsuiteDate('2024-01-04T16:23:00Z')).toBe('01/04/2024');
    expect(netsuiteDate('nonsense')).toBe('');
  });
});

describe('customer rows', () => {
  it('cuts names to 13 characters, X when empty, fixed NetSuite values', () => {
    expect(
      customerRow({
        partyId: 'Cc1',
        shopCustomerId: 'c1',
        email: 'a@b.c',
        firstName: 'Bartholomew-Alexander',
        lastName: '  ',
      }),
    ).toEqual({
      HCCustomerId: 'Cc1',
      firstName: 'Bartholomew-A',
      lastName: 'X',
      HCShopifyCustomerId: 'c1',
      email: 'a@b.c',
      individual: 'T',
      status: 'CUSTOMER-Closed Won',
      taxable: 'TRUE',
      defaultOrderPriority: '5',
      externalId: 'c1',
      phone: '',
    });
  });

  it('party ids survive an unescaped CSV', () => {
    expect(partyIdFor('cust-42')).toBe('Ccust-42');
    const odd = partyIdFor('a,b "c"');
    expect(odd).toMatch(/^CH[0-9a-f]{24}$/);
    expect(partyIdFor('a,b "c"')).toBe(odd);
  });
});

describe('deposits', () => {
  const payload = {
    orderId: 'O1',
    netsuiteOrderId: '50001',
    name: '#1001',
    externalId: 'shop-1',
    payments: [
      { method: 'card', amount: 25.004, reference: 'pay-1' },
      { method: 'card', amount: 0, reference: 'pay-0' },
    ],
  };
  it('one deposit per positive payment, keyed on the payment reference', () => {
    expect(depositRecords(payload, mappings)).toEqual({
      kind: 'ready',
      deposits: [
        {
          totalAmount: 25,
          externalId: 'pay-1',
          orderId: '50001',
          paymentMethod: '7',
          shopifyOrderNumber: '1001',
          shopifyOrderId: 'shop-1',
          shopifyOrderName: '#1001',
        },
      ],
    });
  });
  it('held back when the payment method has no NetSuite id', () => {
    const built = depositRecords(
      { ...payload, payments: [{ method: 'cash', amount: 5, reference: 'p' }] },
      mappings,
    );
    expect(built).toEqual({
      kind: 'blocked',
      reasons: ['no NetSuite id for payment method "cash"'],
    });
  });
});

describe('mapping files', () => {
  it('takes the object form and the list form, refusing bad entries by name', () => {
    const { mappings: ok, errors } = parseMappingFile({
      shippingMethod: { STANDARD: '4', EXPRESS: 'not an id!' },
      colour: { red: '1' },
    });
    expect(ok).toEqual([{ kind: 'shippingMethod', value: 'STANDARD', netsuiteId: '4' }]);
    expect(errors.map((e) => e.field)).toEqual([
      'shippingMethod.EXPRESS.netsuiteId',
      'colour.red.kind',
    ]);
    expect(
      parseMappingFile([{ kind: 'salesChannel', value: 'web', netsuiteId: '2' }]).mappings,
    ).toHaveLength(1);
    expect(parseMappingFile('x').errors).toHaveLength(1);
  });
});

describe('id rows', () => {
  it('checks the type and the ids, naming the field at fault', () => {
    expect(
      parseCustomerIdRow({
        partyId: 'C1',
        partyIdentificationTypeId: 'NETSUITE_CUSTOMER_ID',
        idValue: '9',
      }),
    ).toEqual({
      ok: true,
      row: { partyId: 'C1', netsuiteId: '9' },
    });
    expect(
      parseCustomerIdRow({ partyId: 'C1', partyIdentificationTypeId: 'EMAIL', idValue: '9' }),
    ).toMatchObject({
      ok: false,
      field: 'partyIdentificationTypeId',
    });
    expect(
      parseOrderIdRow({
        orderId: 'O1',
        orderIdentificationTypeId: 'NETSUITE_ORDER_ID',
        idValue: '',
      }),
    ).toMatchObject({
      ok: false,
      field: 'idValue',
    });
    expect(
      parseLineIdRow({
        orderId: 'O1',
        orderItemSeqId: '2',
        attrName: 'NetsuiteItemLineId',
        attrValue: '3',
      }),
    ).toEqual({
      ok: true,
      row: { orderId: 'O1', lineSeq: '00002', attr: 'NetsuiteItemLineId', netsuiteId: '3' },
    });
    expect(
      parseLineIdRow({
        orderId: 'O1',
        orderItemSeqId: 'x',
        attrName: 'NetsuiteItemLineId',
        attrValue: '3',
      }),
    ).toMatchObject({
      field: 'orderItemSeqId',
    });
    expect(
      parseDepositIdRow({ orderId: 'O1', internalId: '90001', manualRefNumber: '' }),
    ).toMatchObject({
      field: 'manualRefNumber',
    });
  });
});

describe('outbound files', () => {
  it('names files by time, run and part', () => {
    expect(
      outboundFileName(
        'SalesOrderExport',
        new Date('2025-07-02T10:15:00.123Z'),
        'ab12cd',
        2,
        'csv',
      ),
    ).toBe('2025-07-02-10-15-00-123-SalesOrderExport-ab12cd-2.csv');
  });

  it('writes the exact header and quotes only values that need it', () => {
    const text = csvText(['a', 'b c'], [{ a: 'x, y', 'b c': 'plain' }]);
    expect(text).toBe('a,b c\n"x, y",plain\n');
    expect(parse(text, { columns: true })).toEqual([{ a: 'x, y', 'b c': 'plain' }]);
  });
});

describe('rows that change a NetSuite sales-order line', () => {
  const WH: Facility = {
    facilityId: 'WH1',
    externalId: '13',
    name: 'Warehouse',
    kind: 'warehouse',
    groups: [NETSUITE_FULFILLED],
  };
  const STORE: Facility = {
    facilityId: 'ST1',
    externalId: '21',
    name: 'Store 1',
    kind: 'store',
    groups: ['STORES'],
  };
  const STORE2: Facility = { ...STORE, facilityId: 'ST2', externalId: '22' };
  const facilities = new Map([WH, STORE, STORE2].map((f) => [f.facilityId, f]));
  const header = {
    orderId: 'O1',
    netsuiteOrderId: '50001',
    customer: { shippingAddress: address },
  } as unknown as OrderHeader;
  const release = (key: string, facilityId: string, open: number): Release => ({
    key,
    facilityId,
    releasedQty: open,
    statusQuantity: open,
    inShipment: 0,
    createdAt: 'now',
  });
  const shipment = (key: string, facilityId: string, quantity: number): Shipment => ({
    key,
    releaseKey: 'R',
    facilityId,
    planned: quantity,
    quantity,
    short: 0,
    status: 'shipped',
    createdAt: 'now',
  });
  const nsLine = (over: Partial<LineState>): LineState =>
    ({
      orderId: 'O1',
      lineSeq: '00001',
      sku: 'A',
      quantity: 5,
      price: 10,
      shippingMethod: 'STANDARD',
      buckets: {},
      alloc: {},
      releases: {},
      shipments: {},
      rejectedBy: [],
      netsuiteLineId: '3',
      ...over,
    }) as LineState;
  const allocation = (over: Partial<AllocationPayload> = {}): AllocationPayload => ({
    orderId: 'O1',
    lineSeq: '00001',
    facilityId: 'WH1',
    afterRejection: false,
    ...over,
  });
  const allocCtx = (line: LineState, facility: Facility = WH) => ({
    line,
    header,
    facility,
    itemId: '501',
    mappings,
  });

  it("allocation: quantity is what NetSuite must hold for the line (less cancelled and rejected), never the facility's share", () => {
    // 2 at WH1 (a first part shipped elsewhere, 1 cancelled): NetSuite's line must stay at 4.
    const line = nsLine({
      buckets: { 1200: 2, 3700: 2, 9000: 1 },
      alloc: { WH1: { 1200: 2 } },
      shipments: { S1: shipment('S1', 'WH1', 2) },
    });
    const built = allocationRow(allocation(), allocCtx(line));
    expect(built).toMatchObject({ kind: 'ready', row: { quantity: '4', location: '13' } });
    expect(netsuiteQuantity(nsLine({ buckets: { 1100: 2, 9000: 2, 9100: 1 } }))).toBe(2);
  });

  it('allocation: never for a facility NetSuite does not fulfil; rejected=false after a rejection', () => {
    const line = nsLine({ buckets: { 1200: 5 }, alloc: { ST1: { 1200: 5 } } });
    expect(allocationRow(allocation({ facilityId: 'ST1' }), allocCtx(line, STORE))).toEqual({
      kind: 'gone',
    });
    const at = nsLine({ buckets: { 1200: 5 }, alloc: { WH1: { 1200: 5 } } });
    expect(allocationRow(allocation({ afterRejection: true }), allocCtx(at))).toMatchObject({
      kind: 'ready',
      row: { quantity: '5', rejected: 'false' },
    });
    expect(allocationRow(allocation(), allocCtx(at))).toMatchObject({ row: { rejected: '' } });
  });

  it('allocation re-quote: sendable while the units are released or shipped there; gone once wholly cancelled', () => {
    // Released at WH1 (3200) after the allocation went, then 1 of 5 cancelled.
    const released = nsLine({
      buckets: { 3200: 3, 3700: 1, 9000: 1 },
      releases: { R1: release('R1', 'WH1', 3) },
      shipments: { S1: shipment('S1', 'WH1', 1) },
    });
    expect(allocationRow(allocation(), allocCtx(released))).toEqual({ kind: 'gone' });
    expect(allocationRow(allocation({ requote: true }), allocCtx(released))).toMatchObject({
      kind: 'ready',
      row: { quantity: '4', location: '13', closed: '' },
    });
    // Only the shipped part left (the rest cancelled): NetSuite's line comes down to it.
    const shippedRest = nsLine({
      buckets: { 3700: 2, 9000: 3 },
      shipments: { S1: shipment('S1', 'WH1', 2) },
    });
    expect(allocationRow(allocation({ requote: true }), allocCtx(shippedRest))).toMatchObject({
      row: { quantity: '2' },
    });
    // Nothing there any more, or nothing left to hold: nothing to send.
    const moved = nsLine({ buckets: { 1200: 4, 9000: 1 }, alloc: { WH2: { 1200: 4 } } });
    expect(allocationRow(allocation({ requote: true }), allocCtx(moved))).toEqual({
      kind: 'gone',
    });
    const cancelled = nsLine({ buckets: { 9000: 5 } });
    expect(allocationRow(allocation({ requote: true }), allocCtx(cancelled))).toEqual({
      kind: 'gone',
    });
    expect(unitsAt(released, 'WH1')).toBe(4);
  });

  const fulfilled = (line: LineState, itemId = '501') =>
    omsFulfilledRow({ orderId: 'O1', lineSeq: '00001' }, { line, header, facilities, itemId });

  it('OMS-fulfilled: one row per line, once nothing of it is open: every unit shipped by the store', () => {
    expect(omsFulfilledEntryId({ orderId: 'O1', lineSeq: '00001' })).toBe('O1#00001');
    const twoParts = {
      S1: shipment('S1', 'ST1', 2),
      S2: { ...shipment('S2', 'ST1', 1), planned: 2, status: 'picking' as const },
    };
    const open = nsLine({ buckets: { 3350: 1, 3700: 3, 9000: 1 }, shipments: twoParts });
    expect(fulfilled(open)).toEqual({
      kind: 'waiting',
      reason:
        'line O1/00001 has 1 unit(s) still open; its row goes once every unit is shipped, cancelled or rejected',
    });
    const done = nsLine({
      buckets: { 3700: 4, 9000: 1 },
      shipments: { ...twoParts, S2: shipment('S2', 'ST1', 2) },
    });
    // quantity = every unit shipped (it overwrites NetSuite's line quantity: 5 − 1 cancelled).
    expect(fulfilled(done)).toEqual({
      kind: 'ready',
      row: {
        lineId: '3',
        internalId: '50001',
        item: '501',
        quantity: '4',
        location: '21',
        tags: 'hotwax-fulfilled',
      },
    });
    expect(fulfilled({ ...done, netsuiteLineId: undefined })).toMatchObject({ kind: 'waiting' });
    expect(fulfilled(nsLine({ buckets: { 9000: 5 } }))).toEqual({ kind: 'gone' });
  });

  it('OMS-fulfilled: held back when the line shipped from two facilities, or partly through NetSuite', () => {
    const twoStores = nsLine({
      buckets: { 3700: 5 },
      shipments: { S1: shipment('S1', 'ST1', 3), S2: shipment('S2', 'ST2', 2) },
    });
    expect(fulfilled(twoStores)).toEqual({
      kind: 'held',
      reasons: [
        'line O1/00001 shipped from 2 facilities (ST1: 3, ST2: 2): NetSuite fulfils a line once, at one location',
      ],
    });
    const withNetsuite = nsLine({
      buckets: { 3700: 5 },
      shipments: { S1: shipment('S1', 'WH1', 1), S2: shipment('S2', 'ST1', 4) },
    });
    const held = fulfilled(withNetsuite, '');
    expect(held.kind).toBe('held');
    expect(held.kind === 'held' && held.reasons).toEqual([
      'no NetSuite item id for SKU "A"',
      'line O1/00001 shipped from 2 facilities (ST1: 4, WH1: 1): NetSuite fulfils a line once, at one location',
      'line O1/00001: 1 shipped by WH1, which NetSuite fulfils: NetSuite fulfils a line once, so its script would never take this one',
    ]);
  });

  const close = (line: LineState, h: OrderHeader = header) =>
    lineCloseRow(
      { orderId: 'O1', lineSeq: '00001', cancelledAt: 'now', reason: 'X' },
      { line, header: h },
    );

  it('line close: only a line with nothing shipped; one with a shipped part is never closed', () => {
    expect(close(nsLine({ buckets: { 9000: 5 } }))).toEqual({
      kind: 'ready',
      row: { internalId: '50001', lineId: '3', closed: 'true' },
    });
    expect(close(nsLine({ buckets: { 9000: 4, 9100: 1 } }))).toMatchObject({ kind: 'ready' });
    expect(
      close(nsLine({ buckets: { 9000: 5 } }), { ...header, netsuiteOrderId: undefined }),
    ).toEqual({
      kind: 'waiting',
      reason: 'NetSuite order and line ids not back yet',
    });
    expect(close(nsLine({ buckets: { 1200: 3, 9000: 2 } }))).toMatchObject({ kind: 'waiting' });
    // The shipped part's fulfillment must reach NetSuite: its quantity is lowered instead.
    expect(close(nsLine({ buckets: { 3700: 3, 9000: 2 } }))).toEqual({ kind: 'gone' });
    expect(close(nsLine({ buckets: { 3350: 1, 3700: 2, 9000: 2 } }))).toEqual({ kind: 'gone' });
  });
});
