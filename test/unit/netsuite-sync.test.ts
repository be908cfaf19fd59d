/** The pure parts of the NetSuite sync: rows, deposits, mappings, id rows, file packing. */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { customerRow } from '../../shared/domain/sync/customer-row.ts';
import { depositRecords } from '../../shared/domain/sync/deposits.ts';
import {
  parseCustomerIdRow,
  parseDepositIdRow,
  parseLineIdRow,
  parseOrderIdRow,
} from '../../shared/domain/sync/id-rows.ts';
import { mappingTable, parseMappingFile } from '../../shared/domain/sync/mappings.ts';
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
