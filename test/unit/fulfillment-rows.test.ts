import { describe, expect, it } from 'vitest';
import {
  FULFILLMENT_COLUMNS,
  applyFulfillmentPlan,
  fulfillmentKey,
  parseFulfillmentCsvRow,
  parseFulfillmentJson,
  parseInvoiceRow,
  parseNetsuiteDate,
  parseNetsuiteDateTime,
  parseUtcOffset,
  planFulfillment,
  shippableAt,
  type FulfillmentPlan,
  type FulfillmentRecord,
} from '../../shared/domain/fulfillment/index.ts';
import {
  checkEnvelope,
  isAllowedMove,
  lineInvariantViolations,
  planMove,
  withHold,
  type LineState,
  type MoveRequest,
} from '../../shared/domain/lifecycle/index.ts';
import type { RowResult } from '../../shared/domain/row-result.ts';
import { newLineState } from '../support/line-state.ts';

const HEADER = [...FULFILLMENT_COLUMNS];

/** A CSV line as NetSuite writes it, split the way the reader splits it (at every comma). */
const split = (line: string) => line.split(',');
const csv = (line: string, header: readonly string[] = HEADER, utcOffset?: string) =>
  parseFulfillmentCsvRow(split(line), header, utcOffset ? { utcOffset } : {});

function ok<T>(r: RowResult<T>): T {
  if (!r.ok) throw new Error(`rejected: ${r.field}: ${r.reason}`);
  return r.row;
}
function bad<T>(r: RowResult<T>): { field: string; reason: string } {
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(r.row)}`);
  return { field: r.field, reason: r.reason };
}

// ── dates ────────────────────────────────────────────────────────────────────────────────────

describe('NetSuite dates and times', () => {
  it.each([
    ['1/4/2024 4:23 pm', '2024-01-04T16:23:00.000Z'],
    ['01/04/2024 04:23 PM', '2024-01-04T16:23:00.000Z'],
    ['1/4/2024 4:23pm', '2024-01-04T16:23:00.000Z'],
    ['1/4/2024 4:23 Pm', '2024-01-04T16:23:00.000Z'],
    ['01/04/2024 16:23', '2024-01-04T16:23:00.000Z'],
    ['1/4/2024', '2024-01-04T00:00:00.000Z'],
    ['  1/4/2024   4:23 am ', '2024-01-04T04:23:00.000Z'],
    ['1/4/2024 4:23:09 AM', '2024-01-04T04:23:09.000Z'],
    ['1/4/2024 12:05 am', '2024-01-04T00:05:00.000Z'],
    ['1/4/2024 12:05 pm', '2024-01-04T12:05:00.000Z'],
    ['1/4/2024 0:00', '2024-01-04T00:00:00.000Z'],
    ['12/31/2024 23:59:59', '2024-12-31T23:59:59.000Z'],
    ['2/29/2024 1:00 pm', '2024-02-29T13:00:00.000Z'],
  ])('reads %j as %s (UTC by default)', (text, iso) => {
    expect(ok(parseNetsuiteDateTime(text, 'shippedDate'))).toBe(iso);
  });

  it.each([
    ['1/4/2024 4:23 pm', '-07:00', '2024-01-04T23:23:00.000Z'],
    ['1/4/2024 4:23 pm', '+05:30', '2024-01-04T10:53:00.000Z'],
    ['1/4/2024 4:23 pm', '-0800', '2024-01-05T00:23:00.000Z'],
    ['12/31/2023 11:30 pm', '-05:00', '2024-01-01T04:30:00.000Z'],
    ['1/1/2024 1:00 am', '+02:00', '2023-12-31T23:00:00.000Z'],
    ['1/1/2024', 'Z', '2024-01-01T00:00:00.000Z'],
  ])('reads %j at offset %s as local account time (%s)', (text, offset, iso) => {
    expect(ok(parseNetsuiteDateTime(text, 'shippedDate', offset))).toBe(iso);
  });

  it.each([
    ['2/30/2024', 'day 30 is not 1–29'],
    ['2/29/2023 1:00 pm', 'day 29 is not 1–28'],
    ['4/31/2024', 'day 31 is not 1–30'],
    ['1/0/2024', 'day 0 is not 1–31'],
    ['13/1/2024', 'month 13 is not 1–12'],
    ['0/1/2024 4:00 pm', 'month 0 is not 1–12'],
    ['1/4/2024 24:61', 'hour 24 is not 0–23'],
    ['1/4/2024 24:00', 'hour 24 is not 0–23'],
    ['1/4/2024 23:60', 'minute 60 is not 0–59'],
    ['1/4/2024 4:23:60 pm', 'second 60 is not 0–59'],
    ['1/4/2024 13:00 pm', 'hour 13 is not 1–12 with pm'],
    ['1/4/2024 0:30 AM', 'hour 0 is not 1–12 with AM'],
    ['2024-01-04T16:23:00Z', 'is not a date like'],
    ['1/4/24 4:23 pm', 'is not a date like'],
    ['1/4/2024 4 pm', 'is not a date like'],
    ['1/4/2024 4:23 p.m.', 'is not a date like'],
    ['Jan 4 2024', 'is not a date like'],
    ['', 'is empty'],
  ])('refuses %j naming the field (%s)', (text, reason) => {
    const r = bad(parseNetsuiteDateTime(text, 'shippedDate'));
    expect(r.field).toBe('shippedDate');
    expect(r.reason).toContain(reason);
  });

  it('reads MM/DD/YYYY dates (invoice dates) as ISO dates', () => {
    expect(ok(parseNetsuiteDate('01/04/2024', 'INVOICE_DATE'))).toBe('2024-01-04');
    expect(ok(parseNetsuiteDate('1/4/2024', 'INVOICE_DATE'))).toBe('2024-01-04');
    expect(ok(parseNetsuiteDate(' 12/31/1999 ', 'INVOICE_DATE'))).toBe('1999-12-31');
    expect(ok(parseNetsuiteDate('2/29/2024', 'd'))).toBe('2024-02-29');
    for (const [text, reason] of [
      ['2/30/2024', 'day 30'],
      ['13/01/2024', 'month 13'],
      ['01/04/2024 4:23 pm', 'MM/DD/YYYY'],
      ['2024-01-04', 'MM/DD/YYYY'],
      ['', 'is empty'],
    ] as const) {
      expect(bad(parseNetsuiteDate(text, 'INVOICE_DATE'))).toEqual({
        field: 'INVOICE_DATE',
        reason: expect.stringContaining(reason),
      });
    }
  });

  it('takes fixed UTC offsets only, and refuses other configuration loudly', () => {
    expect(parseUtcOffset('Z')).toBe(0);
    expect(parseUtcOffset('+00:00')).toBe(0);
    expect(parseUtcOffset('-07:00')).toBe(-420);
    expect(parseUtcOffset('+0530')).toBe(330);
    for (const offset of ['PST', 'America/Los_Angeles', '+25:00', '+01:75', '7', '']) {
      expect(() => parseUtcOffset(offset)).toThrow(RangeError);
    }
    expect(() => parseNetsuiteDateTime('1/4/2024', 'shippedDate', 'PDT')).toThrow(RangeError);
  });
});

// ── CSV rows ─────────────────────────────────────────────────────────────────────────────────

const BASE: FulfillmentRecord = {
  orderId: 'O1',
  lineSeq: '00001',
  facilityExternalId: '12',
  shippedAt: '2024-01-04T16:23:00.000Z',
  quantity: 2,
  trackingNumbers: ['1Z999AA10123456784'],
  carrier: 'UPS',
  shippingMethod: 'Ground',
  shippingMethodId: '3',
};
const PREFIX = 'O1,1,12,1/4/2024 4:23 pm,2,1Z999AA10123456784';

describe('fulfillment CSV rows', () => {
  it('reads a plain row', () => {
    expect(ok(csv(`${PREFIX},UPS,Ground,3`))).toEqual(BASE);
  });

  it('pads the line seq id, trims values and takes 2.0 as a quantity', () => {
    const r = ok(csv(' O1 , 00007 , 12 , 01/04/2024 16:23 , 2.0 , 1Z1 , UPS , Ground , 3 '));
    expect(r).toEqual({
      ...BASE,
      lineSeq: '00007',
      trackingNumbers: ['1Z1'],
    });
  });

  it('applies the account offset to shippedDate', () => {
    expect(ok(csv(`${PREFIX},UPS,Ground,3`, HEADER, '-07:00')).shippedAt).toBe(
      '2024-01-04T23:23:00.000Z',
    );
  });

  it.each([
    ['1Z1 | 1Z2', ['1Z1', '1Z2']],
    ['1Z1 | 1Z2 | 1Z3', ['1Z1', '1Z2', '1Z3']],
    ['1Z1|1Z2', ['1Z1', '1Z2']],
    [' 1Z1  |  | 1Z2 | ', ['1Z1', '1Z2']],
    ['1Z1 | 1Z2 | 1Z1', ['1Z1', '1Z2']],
    ['', []],
    [' | ', []],
    ['1Z 999 AA1', ['1Z 999 AA1']],
  ])('splits tracking numbers %j', (tracking, numbers) => {
    expect(ok(csv(`O1,1,12,1/4/2024,1,${tracking},UPS,Ground,3`)).trackingNumbers).toEqual(numbers);
  });

  it('takes blank carrier, shipping method and shipping method id', () => {
    const r = ok(csv(`${PREFIX},,,`));
    expect(r.carrier).toBe('');
    expect(r.shippingMethod).toBe('');
    expect(r).not.toHaveProperty('shippingMethodId');
  });

  it('maps columns by header name, in any order', () => {
    const header = [...HEADER].reverse();
    const values = split(`${PREFIX},UPS,Ground,3`).reverse();
    expect(ok(parseFulfillmentCsvRow(values, header))).toEqual(BASE);
    expect(
      ok(
        parseFulfillmentCsvRow(
          split(`${PREFIX},UPS,Ground,3`),
          HEADER.map((h) => ` ${h} `),
        ),
      ),
    ).toEqual(BASE);
  });

  it.each([
    [
      ['orderId', 'orderItemSeqId'],
      'missing column(s) externalFacilityId, shippedDate, quantity, trackingNumber, carrier, shippingMethod, shippingMethodId',
    ],
    [[...HEADER.slice(0, 8), 'shipMethodId'], 'unknown column(s) shipMethodId'],
    [[...HEADER.slice(0, 8), 'carrier'], 'column(s) carrier appear twice'],
    [[...HEADER.slice(0, 8), 'ShippingMethodId'], 'unknown column(s) ShippingMethodId'],
  ])('refuses a wrong header %j', (header, reason) => {
    expect(bad(csv(`${PREFIX},UPS,Ground,3`, header))).toEqual({ field: 'header', reason });
  });

  it.each([
    ['orderId', ',1,12,1/4/2024,1,T,UPS,Ground,3', 'is empty'],
    ['orderId', 'O 1,1,12,1/4/2024,1,T,UPS,Ground,3', '"O 1" is not an OMS order id'],
    ['orderItemSeqId', 'O1,0,12,1/4/2024,1,T,UPS,Ground,3', '"0" is not an order line seq id'],
    ['orderItemSeqId', 'O1,x1,12,1/4/2024,1,T,UPS,Ground,3', '"x1" is not'],
    ['orderItemSeqId', 'O1,100001,12,1/4/2024,1,T,UPS,Ground,3', '"100001" is not'],
    ['orderItemSeqId', 'O1,,12,1/4/2024,1,T,UPS,Ground,3', 'is empty'],
    ['externalFacilityId', 'O1,1,,1/4/2024,1,T,UPS,Ground,3', 'is empty'],
    ['externalFacilityId', 'O1,1,W H,1/4/2024,1,T,UPS,Ground,3', 'not a NetSuite location id'],
    ['shippedDate', 'O1,1,12,2/30/2024 4:23 pm,1,T,UPS,Ground,3', 'day 30 is not 1–29'],
    ['shippedDate', 'O1,1,12,13/1/2024,1,T,UPS,Ground,3', 'month 13'],
    ['shippedDate', 'O1,1,12,1/4/2024 24:61,1,T,UPS,Ground,3', 'hour 24'],
    ['shippedDate', 'O1,1,12,,1,T,UPS,Ground,3', 'is empty'],
    ['quantity', 'O1,1,12,1/4/2024,0,T,UPS,Ground,3', '"0" is not a whole quantity of 1 or more'],
    ['quantity', 'O1,1,12,1/4/2024,-1,T,UPS,Ground,3', '"-1" is not a whole quantity'],
    ['quantity', 'O1,1,12,1/4/2024,1.5,T,UPS,Ground,3', '"1.5" is not a whole quantity'],
    ['quantity', 'O1,1,12,1/4/2024,two,T,UPS,Ground,3', '"two"'],
    ['quantity', 'O1,1,12,1/4/2024,,T,UPS,Ground,3', 'is empty'],
    ['shippingMethodId', 'O1,1,12,1/4/2024,1,T,UPS,Ground,GRND', '"GRND" is not a NetSuite id'],
  ])('refuses a bad %s (%s)', (field, line, reason) => {
    const r = bad(csv(line));
    expect(r.field).toBe(field);
    expect(r.reason).toContain(reason);
  });

  it('refuses a row with too few values', () => {
    expect(bad(csv('O1,1,12,1/4/2024,1,T,UPS,Ground'))).toEqual({
      field: '*',
      reason: 'expected 9 values, found 8',
    });
    expect(bad(parseFulfillmentCsvRow([''], HEADER)).reason).toBe('expected 9 values, found 1');
  });
});

describe('fulfillment CSV rows with unescaped commas', () => {
  it.each([
    ['a carrier with ", "', `${PREFIX},FedEx, Inc.,Ground,3`, 'FedEx, Inc.', 'Ground'],
    ['a shipping method with ", "', `${PREFIX},UPS,Ground, 3-5 days,3`, 'UPS', 'Ground, 3-5 days'],
    ['both', `${PREFIX},FedEx, Inc.,Ground, 3-5 days,3`, 'FedEx, Inc.', 'Ground, 3-5 days'],
    [
      'two commas in the carrier',
      `${PREFIX},Acme, Freight, Ltd.,Ground,3`,
      'Acme, Freight, Ltd.',
      'Ground',
    ],
    [
      'two in each',
      `${PREFIX},Acme, Freight, Ltd.,Ground, 3-5 days, signed,3`,
      'Acme, Freight, Ltd.',
      'Ground, 3-5 days, signed',
    ],
    [
      'a blank carrier before a shipping method with a comma',
      `${PREFIX},,Ground, 3-5 days,3`,
      '',
      'Ground, 3-5 days',
    ],
    [
      'a comma in the carrier and a blank shipping method',
      `${PREFIX},FedEx, Inc.,,3`,
      'FedEx, Inc.',
      '',
    ],
    [
      'a comma in the shipping method and a blank id',
      `${PREFIX},UPS,Ground, 3-5 days,`,
      'UPS',
      'Ground, 3-5 days',
    ],
  ])('recovers %s', (_what, line, carrier, shippingMethod) => {
    const r = ok(csv(line));
    expect(r.carrier).toBe(carrier);
    expect(r.shippingMethod).toBe(shippingMethod);
    expect(r.orderId).toBe('O1');
    expect(r.quantity).toBe(2);
    expect(r.trackingNumbers).toEqual(['1Z999AA10123456784']);
  });

  it('recovers with several tracking numbers before the commas', () => {
    const r = ok(csv('O1,2,12,1/4/2024 9:00 am,3,1Z1 | 1Z2,FedEx, Inc.,Ground, 3-5 days,7'));
    expect(r).toMatchObject({
      lineSeq: '00002',
      quantity: 3,
      trackingNumbers: ['1Z1', '1Z2'],
      carrier: 'FedEx, Inc.',
      shippingMethod: 'Ground, 3-5 days',
      shippingMethodId: '7',
    });
  });

  it('recovers by the numeric shipping method id when it sits between the free-text columns', () => {
    const header = [...HEADER.slice(0, 6), 'carrier', 'shippingMethodId', 'shippingMethod'];
    // No space after the comma: only the id being digits tells the readings apart.
    const r = ok(csv(`${PREFIX},FedEx,Inc.,3,Ground`, header));
    expect(r).toMatchObject({
      carrier: 'FedEx,Inc.',
      shippingMethodId: '3',
      shippingMethod: 'Ground',
    });
    const r2 = ok(csv(`${PREFIX},UPS,3,Ground,Express`, header));
    expect(r2).toMatchObject({
      carrier: 'UPS',
      shippingMethodId: '3',
      shippingMethod: 'Ground,Express',
    });
  });

  it('recovers by the whole quantity when it sits between the free-text columns', () => {
    const header = [
      'orderId',
      'orderItemSeqId',
      'externalFacilityId',
      'shippedDate',
      'carrier',
      'quantity',
      'shippingMethod',
      'trackingNumber',
      'shippingMethodId',
    ];
    const r = ok(
      parseFulfillmentCsvRow(split('O1,1,12,1/4/2024,UPS,Worldwide,2,Ground,1Z1,3'), header),
    );
    expect(r).toMatchObject({ carrier: 'UPS,Worldwide', quantity: 2, shippingMethod: 'Ground' });
  });

  it.each([
    [`${PREFIX},FedEx,Inc.,Ground,3`, 2, 10],
    [`${PREFIX},UPS,Ground,Express,3`, 2, 10],
    [`${PREFIX},FedEx, Inc.,Ground,Express,3`, 2, 11],
    [`${PREFIX},A,B,C,D,3`, 3, 11],
    [`${PREFIX},A,B,C,D,E,F,3`, 5, 13],
  ])('refuses %j as ambiguous', (line, ways, values) => {
    const r = bad(csv(line));
    expect(r.field).toBe('*');
    expect(r.reason).toContain(
      `cannot tell carrier from shipping method: ${ways} ways to read ${values} values`,
    );
  });

  it('names the readings it could not choose between', () => {
    expect(bad(csv(`${PREFIX},FedEx,Inc.,Ground,3`)).reason).toBe(
      'cannot tell carrier from shipping method: 2 ways to read 10 values ' +
        '(carrier "FedEx" + shippingMethod "Inc.,Ground" or carrier "FedEx,Inc." + shippingMethod "Ground")',
    );
    expect(bad(csv(`${PREFIX},A,B,C,D,E,F,3`)).reason).toMatch(/ or …\)$/);
  });

  it('reports the error every reading shares (a bad value outside the free text)', () => {
    expect(bad(csv('O1,1,12,1/4/2024,x,T,FedEx, Inc.,Ground,3'))).toEqual({
      field: 'quantity',
      reason: '"x" is not a whole quantity of 1 or more',
    });
    expect(bad(csv('O1,1,12,2/30/2024,1,T,FedEx, Inc.,Ground,3')).field).toBe('shippedDate');
    expect(bad(csv('O1,1,12,1/4/2024,1,T,FedEx, Inc.,Ground,GRND')).field).toBe('shippingMethodId');
  });

  it('refuses a row no reading can make sense of', () => {
    // Each piece after the carrier starts with a space: it cannot start the shipping method.
    expect(bad(csv(`${PREFIX},UPS, Ground, 3-5 days,3`))).toEqual({
      field: '*',
      reason:
        'expected 9 values, found 10, and no reading puts the extra commas in carrier or shippingMethod',
    });
    // A surplus value at the blank-looking edge of a free-text value: ",Ground" cannot be a value.
    expect(bad(csv(`${PREFIX},UPS,,Ground,3`)).reason).toContain('no reading puts');
    // A stray extra id is not recovered into the free text silently: two readings fit.
    expect(bad(csv(`${PREFIX},UPS,Ground,3,4`)).reason).toContain('2 ways to read 10 values');
  });

  it('does not guess: a comma inside a quantity makes the row ambiguous, not a quantity of 1', () => {
    expect(bad(csv('O1,1,12,1/4/2024,1,000,1Z1,UPS,Ground,3')).reason).toContain('2 ways');
  });
});

// ── JSON ─────────────────────────────────────────────────────────────────────────────────────

const ITEM = {
  orderItemSeqId: '1',
  externalFacilityId: '12',
  shippedDate: '1/4/2024 4:23 pm',
  quantity: 2,
  trackingNumber: '1Z999AA10123456784',
  carrier: 'UPS',
  shippingMethod: 'Ground',
};

describe('fulfillment JSON', () => {
  it('reads every item of every order', () => {
    const file = parseFulfillmentJson([
      { orderMap: { orderId: 'O1', items: [ITEM, { ...ITEM, orderItemSeqId: 2, quantity: '1' }] } },
      {
        orderMap: {
          orderId: 'O2',
          items: [
            {
              ...ITEM,
              trackingNumber: ['1Z1', '1Z2'],
              carrier: 'FedEx, Inc.',
              shippingMethod: null,
            },
          ],
        },
      },
    ]);
    expect(file.ok).toBe(true);
    if (!file.ok) return;
    expect(file.items.map((i) => i.path)).toEqual([
      '[0].orderMap.items[0]',
      '[0].orderMap.items[1]',
      '[1].orderMap.items[0]',
    ]);
    const [a, b, c] = file.items.map((i) => ok(i.result));
    expect(a).toEqual({ ...BASE, shippingMethodId: undefined });
    expect(a).not.toHaveProperty('shippingMethodId');
    expect(b).toMatchObject({ lineSeq: '00002', quantity: 1 });
    expect(c).toMatchObject({
      orderId: 'O2',
      trackingNumbers: ['1Z1', '1Z2'],
      carrier: 'FedEx, Inc.',
      shippingMethod: '',
    });
  });

  it('applies the account offset', () => {
    const file = parseFulfillmentJson([{ orderMap: { orderId: 'O1', items: [ITEM] } }], {
      utcOffset: '-07:00',
    });
    expect(file.ok && ok(file.items[0]!.result).shippedAt).toBe('2024-01-04T23:23:00.000Z');
  });

  it('names the path of each bad value and keeps the good items', () => {
    const entries = [
      { orderMap: { orderId: 'O1', items: [ITEM] } },
      { orderMap: { orderId: 'O2', items: [ITEM] } },
      { orderMap: { orderId: 'O3', items: [ITEM] } },
      {
        orderMap: {
          orderId: 'O4',
          items: [ITEM, { ...ITEM, quantity: 0 }, { ...ITEM, shippedDate: '2/30/2024' }],
        },
      },
    ];
    const file = parseFulfillmentJson(entries);
    if (!file.ok) throw new Error(file.reason);
    expect(
      file.items.map((i) => (i.result.ok ? 'ok' : `${i.result.field}: ${i.result.reason}`)),
    ).toEqual([
      'ok',
      'ok',
      'ok',
      'ok',
      '[3].orderMap.items[1].quantity: "0" is not a whole quantity of 1 or more',
      '[3].orderMap.items[2].shippedDate: "2/30/2024": day 30 is not 1–29 (month 2 of 2024)',
    ]);
  });

  it.each([
    [
      [{ orderMap: { orderId: 'O 1', items: [ITEM] } }],
      '[0].orderMap.orderId',
      'is not an OMS order id',
    ],
    [[{ orderMap: { items: [ITEM] } }], '[0].orderMap.orderId', 'is empty'],
    [[{ orderMap: { orderId: { id: 1 }, items: [ITEM] } }], '[0].orderMap.orderId', 'is object'],
    [[{ orderMap: { orderId: 'O1' } }], '[0].orderMap.items', 'is missing'],
    [[{ orderMap: { orderId: 'O1', items: {} } }], '[0].orderMap.items', 'is object, not an array'],
    [[{ orderMap: { orderId: 'O1', items: [null] } }], '[0].orderMap.items[0]', 'is null'],
    [
      [{ orderMap: { orderId: 'O1', items: [{ ...ITEM, quantity: { n: 1 } }] } }],
      '[0].orderMap.items[0].quantity',
      'is object',
    ],
    [
      [{ orderMap: { orderId: 'O1', items: [{ ...ITEM, quantity: 1.5 }] } }],
      '[0].orderMap.items[0].quantity',
      '"1.5"',
    ],
    [
      [{ orderMap: { orderId: 'O1', items: [{ ...ITEM, quantity: true }] } }],
      '[0].orderMap.items[0].quantity',
      'is boolean',
    ],
    [
      [{ orderMap: { orderId: 'O1', items: [{ ...ITEM, shippedDate: undefined }] } }],
      '[0].orderMap.items[0].shippedDate',
      'is empty',
    ],
    [
      [{ orderMap: { orderId: 'O1', items: [{ ...ITEM, trackingNumber: [1, 2] }] } }],
      '[0].orderMap.items[0].trackingNumber',
      'is array',
    ],
    [
      [{ orderMap: { orderId: 'O1', items: [{ ...ITEM, orderItemSeqId: 0 }] } }],
      '[0].orderMap.items[0].orderItemSeqId',
      '"0"',
    ],
  ])('refuses a bad value at its path (%#)', (json, field, reason) => {
    const file = parseFulfillmentJson(json);
    if (!file.ok) throw new Error(file.reason);
    expect(file.items).toHaveLength(1);
    const r = bad(file.items[0]!.result);
    expect(r.field).toBe(field);
    expect(r.reason).toContain(reason);
  });

  it('refuses entries that are not orders, one error each, and keeps the others', () => {
    const file = parseFulfillmentJson([
      { orderMap: { orderId: 'O1', items: [ITEM] } },
      'O2',
      { order: {} },
      { orderMap: [] },
    ]);
    if (!file.ok) throw new Error(file.reason);
    expect(file.items.map((i) => [i.path, i.result.ok ? 'ok' : i.result.field])).toEqual([
      ['[0].orderMap.items[0]', 'ok'],
      ['[1]', '[1]'],
      ['[2]', '[2].orderMap'],
      ['[3]', '[3].orderMap'],
    ]);
  });

  it('an empty array is a file without items', () => {
    expect(parseFulfillmentJson([])).toEqual({ ok: true, items: [] });
  });

  it.each([
    [
      { orderMap: { orderId: 'O1', items: [ITEM] } },
      'expected a JSON array at the top level, found object',
    ],
    ['[]', 'found string'],
    [null, 'found null'],
    [42, 'found number'],
    [[{}, { orders: [] }], 'not a fulfillment file: no entry has an orderMap object'],
    [[1, 2], 'no entry has an orderMap'],
  ])('refuses the whole file when the top level is wrong (%#)', (json, reason) => {
    const file = parseFulfillmentJson(json);
    expect(file.ok).toBe(false);
    expect(!file.ok && file.reason).toContain(reason);
  });
});

describe('fulfillment idempotency key', () => {
  const rec = ok(csv('O1,1,12,1/4/2024 4:23 pm,2,1Z1 | 1Z2,UPS,Ground,3'));

  it('is the same for the same shipment however it was written', () => {
    const again = [
      csv('O1,00001,12,01/04/2024 16:23,2.0,1Z2|1Z1,FedEx, Inc.,Express,9'),
      csv('O1,1,12,1/4/2024 4:23 PM,2,1Z1 | 1Z2 | 1Z1,,,'),
    ].map(ok);
    for (const r of again) expect(fulfillmentKey(r)).toBe(fulfillmentKey(rec));
    const json = parseFulfillmentJson([
      { orderMap: { orderId: 'O1', items: [{ ...ITEM, trackingNumber: ['1Z2', '1Z1'] }] } },
    ]);
    expect(json.ok && fulfillmentKey(ok(json.items[0]!.result))).toBe(fulfillmentKey(rec));
  });

  it('differs when the shipment differs', () => {
    const others = [
      'O2,1,12,1/4/2024 4:23 pm,2,1Z1 | 1Z2,UPS,Ground,3',
      'O1,2,12,1/4/2024 4:23 pm,2,1Z1 | 1Z2,UPS,Ground,3',
      'O1,1,13,1/4/2024 4:23 pm,2,1Z1 | 1Z2,UPS,Ground,3',
      'O1,1,12,1/4/2024 4:24 pm,2,1Z1 | 1Z2,UPS,Ground,3',
      'O1,1,12,1/4/2024 4:23 pm,1,1Z1 | 1Z2,UPS,Ground,3',
      'O1,1,12,1/4/2024 4:23 pm,2,1Z1,UPS,Ground,3',
    ].map((l) => fulfillmentKey(ok(csv(l))));
    expect(new Set([...others, fulfillmentKey(rec)]).size).toBe(others.length + 1);
  });

  it('is a valid command idempotency key', () => {
    const long = { ...rec, orderId: 'O'.repeat(64), trackingNumbers: ['X'.repeat(500)] };
    for (const r of [rec, long]) {
      const key = fulfillmentKey(r);
      expect(key.startsWith(`nsful-${r.orderId}-00001-`)).toBe(true);
      expect(checkEnvelope({ idempotencyKey: key, actor: 'test' }).idempotencyKey).toBe(key);
    }
  });
});

// ── invoices ─────────────────────────────────────────────────────────────────────────────────

const INVOICE = {
  INVOICE_INTERNAL_ID: '9001',
  SHOPIFY_ORDER_NAME: '#1001',
  SHOPIFY_ORDER_ID: '5550001',
  SALES_ORDER_INTERNAL_ID: '7001',
  HC_ORDER_ID: 'O1',
  INVOICE_NUMBER: 'INV10452',
  INVOICE_TOTAL: '1234.50',
  AMOUNT_DUE: '0.00',
  INVOICE_DATE: '01/04/2024',
};

describe('invoice report rows', () => {
  it('reads a row', () => {
    expect(ok(parseInvoiceRow(INVOICE))).toEqual({
      invoiceId: '9001',
      orderId: 'O1',
      netsuiteOrderId: '7001',
      invoiceNumber: 'INV10452',
      total: 1234.5,
      amountDue: 0,
      invoiceDate: '2024-01-04',
    });
  });

  it.each([
    ['19.99', 19.99],
    ['0.1', 0.1],
    ['12', 12],
    ['12.5000', 12.5],
    [' 7.05 ', 7.05],
    ['1000000.01', 1000000.01],
    ['0', 0],
  ])('reads the amount %j as %d', (text, value) => {
    expect(ok(parseInvoiceRow({ ...INVOICE, INVOICE_TOTAL: text, AMOUNT_DUE: '0' })).total).toBe(
      value,
    );
  });

  it('takes an amount due up to the total', () => {
    const r = ok(parseInvoiceRow({ ...INVOICE, INVOICE_TOTAL: '100', AMOUNT_DUE: '100.00' }));
    expect(r.amountDue).toBe(100);
    expect(ok(parseInvoiceRow({ ...INVOICE, AMOUNT_DUE: '34.5' })).amountDue).toBe(34.5);
  });

  it.each([
    ['INVOICE_TOTAL', '-5.00', 'is negative'],
    ['INVOICE_TOTAL', '(5.00)', 'is negative'],
    ['AMOUNT_DUE', '-0.01', 'is negative'],
    ['INVOICE_TOTAL', '1,234.50', 'no separators'],
    ['INVOICE_TOTAL', '1 234.50', 'is not an amount'],
    ['INVOICE_TOTAL', '$12.00', 'is not an amount'],
    ['INVOICE_TOTAL', '12,50', 'is not an amount'],
    ['INVOICE_TOTAL', '12.345', 'more than 2 decimals'],
    ['INVOICE_TOTAL', '1e3', 'is not an amount'],
    ['INVOICE_TOTAL', '.5', 'is not an amount'],
    ['INVOICE_TOTAL', '', 'is empty'],
    ['AMOUNT_DUE', '', 'is empty'],
    ['INVOICE_TOTAL', '99999999999999999', 'too large'],
    ['INVOICE_INTERNAL_ID', '', 'is empty'],
    ['INVOICE_INTERNAL_ID', '90 01', 'is not a NetSuite id'],
    ['HC_ORDER_ID', '', 'is empty'],
    ['HC_ORDER_ID', 'O#1', 'is not an OMS order id'],
    ['SALES_ORDER_INTERNAL_ID', '', 'is empty'],
    ['INVOICE_NUMBER', '', 'is empty'],
    ['INVOICE_DATE', '2/30/2024', 'day 30'],
    ['INVOICE_DATE', '2024-01-04', 'MM/DD/YYYY'],
    ['INVOICE_DATE', '01/04/2024 4:23 pm', 'MM/DD/YYYY'],
    ['INVOICE_DATE', '', 'is empty'],
  ])('refuses a bad %s %j', (field, value, reason) => {
    const r = bad(parseInvoiceRow({ ...INVOICE, [field]: value }));
    expect(r.field).toBe(field);
    expect(r.reason).toContain(reason);
  });

  it('refuses an amount due above the total', () => {
    expect(bad(parseInvoiceRow({ ...INVOICE, INVOICE_TOTAL: '10', AMOUNT_DUE: '10.01' }))).toEqual({
      field: 'AMOUNT_DUE',
      reason: '10.01 is more than the invoice total 10.00',
    });
  });

  it('refuses a row missing a column', () => {
    const rec: Record<string, string> = { ...INVOICE };
    delete rec.HC_ORDER_ID;
    expect(bad(parseInvoiceRow(rec))).toEqual({ field: 'HC_ORDER_ID', reason: 'is empty' });
  });
});

// ── fulfillment plans ────────────────────────────────────────────────────────────────────────

const NOW = '2025-07-02T10:00:00.000Z';

const freshLine = (quantity: number): LineState => newLineState(quantity, { updatedAt: NOW });

/** The line after the given moves (gates pass). */
function moved(line: LineState, ...reqs: MoveRequest[]): LineState {
  for (const req of reqs) {
    const out = planMove(line, req, { now: NOW, actor: 'test', gates: [] });
    if (out.kind !== 'moved') throw new Error('held');
    line = out.line;
  }
  expect(lineInvariantViolations(line)).toEqual([]);
  return line;
}

const allocate = (q: number, facilityId = 'WH1'): MoveRequest => ({
  from: 1100,
  to: 1200,
  quantity: q,
  facilityId,
});

function planned(line: LineState, facilityId: string, quantity: number) {
  const plan = planFulfillment(line, { facilityId, quantity });
  if (!plan.ok) throw new Error(plan.reason);
  for (const s of plan.steps) expect(isAllowedMove(s.from, s.to)).toBe(true);
  const after = applyFulfillmentPlan(line, plan, { now: NOW, actor: 'nsful' }).line;
  expect(lineInvariantViolations(after)).toEqual([]);
  return { plan, after, path: plan.steps.map((s) => `${s.from}→${s.to}:${s.quantity}`) };
}

const refused = (plan: FulfillmentPlan) => (plan.ok ? 'planned' : plan.reason);

describe('fulfillment plans', () => {
  it('ships allocated quantity: 1200 → 1500 → 3200 → 3350 → 3700', () => {
    const line = moved(freshLine(2), allocate(2));
    const { plan, after, path } = planned(line, 'WH1', 2);
    expect(path).toEqual(['1200→1500:2', '1500→3200:2', '3200→3350:2', '3350→3700:2']);
    expect(after.buckets).toEqual({ 3700: 2 });
    expect(after.alloc).toEqual({});
    expect(Object.values(after.releases)).toMatchObject([
      { key: 'O1-00001-R1', facilityId: 'WH1', releasedQty: 2, statusQuantity: 0 },
    ]);
    expect(Object.values(after.shipments)).toMatchObject([
      { key: 'O1-00001-S1', quantity: 2, status: 'shipped' },
    ]);
    expect(plan.sources).toEqual([
      { status: 1200, facilityId: 'WH1', quantity: 2, reservationMoved: false },
    ]);
    expect(plan.notes).toEqual([]);
    // Released and shipped units stay promised at WH1 until NetSuite's figure reflects them.
    expect(plan.steps[1]).toMatchObject({ facilityId: 'WH1', reservationDelta: 0 });
    expect(plan.steps.every((s) => s.reservationDelta === 0)).toBe(true);
  });

  it('splits a partial quantity', () => {
    const line = moved(freshLine(3), allocate(3));
    const { after, path } = planned(line, 'WH1', 1);
    expect(path).toEqual(['1200→1500:1', '1500→3200:1', '3200→3350:1', '3350→3700:1']);
    expect(after.buckets).toEqual({ 1200: 2, 3700: 1 });
    expect(after.alloc).toEqual({ WH1: { 1200: 2 } });
    // The rest ships later under a new release and shipment.
    const second = planned(after, 'WH1', 2);
    expect(second.after.buckets).toEqual({ 3700: 3 });
    expect(Object.keys(second.after.releases)).toEqual(['O1-00001-R1', 'O1-00001-R2']);
    expect(Object.keys(second.after.shipments)).toEqual(['O1-00001-S1', 'O1-00001-S2']);
  });

  it('ships from 1500', () => {
    const line = moved(freshLine(2), allocate(2), { from: 1200, to: 1500, quantity: 2 });
    const { after, path } = planned(line, 'WH1', 2);
    expect(path).toEqual(['1500→3200:2', '3200→3350:2', '3350→3700:2']);
    expect(after.buckets).toEqual({ 3700: 2 });
  });

  it('ships from 3200 under the existing release', () => {
    const line = moved(
      freshLine(2),
      allocate(2),
      { from: 1200, to: 1500, quantity: 2 },
      { from: 1500, to: 3200, quantity: 2 },
    );
    const { plan, after, path } = planned(line, 'WH1', 1);
    expect(path).toEqual(['3200→3350:1', '3350→3700:1']);
    expect(plan.steps[0]).toMatchObject({ releaseKey: 'O1-00001-R1' });
    expect(after.buckets).toEqual({ 3200: 1, 3700: 1 });
    expect(after.releases['O1-00001-R1']).toMatchObject({ statusQuantity: 1, inShipment: 0 });
  });

  it('ships from 3350 under the existing shipment', () => {
    const line = moved(
      freshLine(2),
      allocate(2),
      { from: 1200, to: 1500, quantity: 2 },
      { from: 1500, to: 3200, quantity: 2 },
      { from: 3200, to: 3350, quantity: 2 },
    );
    const { plan, after, path } = planned(line, 'WH1', 2);
    expect(path).toEqual(['3350→3700:2']);
    expect(plan.steps[0]).toMatchObject({
      shipmentKey: 'O1-00001-S1',
      releaseKey: 'O1-00001-R1',
      facilityId: 'WH1',
    });
    expect(after.shipments['O1-00001-S1']).toMatchObject({ quantity: 2, status: 'shipped' });
    expect(after.releases['O1-00001-R1']!.closedAt).toBe(NOW);
  });

  it('takes the furthest-along quantity first and ships the rest together', () => {
    const line = moved(
      freshLine(4),
      allocate(4),
      { from: 1200, to: 1500, quantity: 3 },
      { from: 1500, to: 3200, quantity: 2 },
      { from: 3200, to: 3350, quantity: 1 },
    );
    // 1 in 3350 (S1), 1 in 3200 (R1), 1 in 1500, 1 in 1200, all at WH1.
    const { plan, after, path } = planned(line, 'WH1', 4);
    expect(plan.sources.map((s) => s.status)).toEqual([3350, 3200, 1500, 1200]);
    expect(path).toEqual([
      '1200→1500:1',
      '1500→3200:2',
      '3200→3350:1',
      '3200→3350:2',
      '3350→3700:1',
      '3350→3700:1',
      '3350→3700:2',
    ]);
    expect(after.buckets).toEqual({ 3700: 4 });
    expect(Object.values(after.shipments).map((s) => [s.key, s.quantity, s.status])).toEqual([
      ['O1-00001-S1', 1, 'shipped'],
      ['O1-00001-S2', 1, 'shipped'],
      ['O1-00001-S3', 2, 'shipped'],
    ]);
    // Shipping only 2 takes the 3350 and the 3200 and leaves the reservations alone.
    const part = planned(line, 'WH1', 2);
    expect(part.path).toEqual(['3200→3350:1', '3350→3700:1', '3350→3700:1']);
    expect(part.after.buckets).toEqual({ 1200: 1, 1500: 1, 3700: 2 });
  });

  it('ships from several releases at the facility', () => {
    const line = moved(
      freshLine(2),
      allocate(2),
      { from: 1200, to: 1500, quantity: 2 },
      { from: 1500, to: 3200, quantity: 1 },
      { from: 1500, to: 3200, quantity: 1 },
    );
    const { plan, after } = planned(line, 'WH1', 2);
    expect(plan.steps.filter((s) => s.from === 3200).map((s) => s.releaseKey)).toEqual([
      'O1-00001-R1',
      'O1-00001-R2',
    ]);
    expect(after.buckets).toEqual({ 3700: 2 });
  });

  it('moves the reservation when NetSuite shipped from another facility, and says so', () => {
    const line = moved(freshLine(2), allocate(2, 'WH1'));
    const { plan, after, path } = planned(line, 'WH2', 2);
    expect(path).toEqual([
      '1200→1100:2',
      '1100→1200:2',
      '1200→1500:2',
      '1500→3200:2',
      '3200→3350:2',
      '3350→3700:2',
    ]);
    expect(plan.steps[0]).toMatchObject({ facilityId: 'WH1', reservationDelta: -2 });
    expect(plan.steps[1]).toMatchObject({ facilityId: 'WH2', reservationDelta: 2 });
    expect(plan.sources).toEqual([
      { status: 1200, facilityId: 'WH1', quantity: 2, reservationMoved: true },
    ]);
    expect(plan.notes).toEqual([
      'reservation of 2 moved from facility WH1 (1200 (Allocated)) to WH2, where it shipped',
    ]);
    expect(after.alloc).toEqual({});
    expect(after.releases['O1-00001-R1']!.facilityId).toBe('WH2');
    expect(after.shipments['O1-00001-S1']!.facilityId).toBe('WH2');
    expect(after.rejectedBy).toEqual([]);
  });

  it('moves a scheduled reservation from another facility (1500 → 1100)', () => {
    const line = moved(freshLine(3), allocate(3, 'WH1'), { from: 1200, to: 1500, quantity: 3 });
    const { after, path, plan } = planned(line, 'WH2', 1);
    expect(path.slice(0, 2)).toEqual(['1500→1100:1', '1100→1200:1']);
    expect(plan.notes[0]).toContain('from facility WH1 (1500 (Scheduled)) to WH2');
    expect(after.buckets).toEqual({ 1500: 2, 3700: 1 });
    expect(after.alloc).toEqual({ WH1: { 1500: 2 } });
  });

  it('prefers quantity at the fulfilling facility over moving a reservation', () => {
    const line = moved(freshLine(2), allocate(1, 'WH1'), allocate(1, 'WH2'));
    const { plan, after } = planned(line, 'WH2', 1);
    expect(plan.notes).toEqual([]);
    expect(after.alloc).toEqual({ WH1: { 1200: 1 } });
    const both = planned(line, 'WH2', 2);
    expect(both.path.slice(0, 2)).toEqual(['1200→1100:1', '1100→1200:1']);
    expect(both.after.buckets).toEqual({ 3700: 2 });
  });

  it('says how much a shipment from a facility can take: what the plan accepts, no more', () => {
    const line = moved(
      freshLine(6),
      allocate(2, 'WH1'),
      allocate(1, 'WH2'),
      { from: 1100, to: 9000, quantity: 2 },
      { from: 1200, to: 1500, quantity: 1, facilityId: 'WH1' },
      { from: 1500, to: 3200, quantity: 1, facilityId: 'WH1' },
    );
    // At WH1: its release (1) and allocation (1), WH2's reservation (1), the unallocated one (1).
    expect(shippableAt(line, 'WH1')).toBe(4);
    expect(refused(planFulfillment(line, { facilityId: 'WH1', quantity: 4 }))).toBe('planned');
    expect(refused(planFulfillment(line, { facilityId: 'WH1', quantity: 5 }))).toContain(
      'can ship 4 more',
    );
    // Quantity released to WH1 is never taken by a shipment from WH2.
    expect(shippableAt(line, 'WH2')).toBe(3);
    expect(shippableAt(moved(freshLine(1), { from: 1100, to: 9000, quantity: 1 }), 'WH1')).toBe(0);
  });

  it('ships unallocated, backordered and pre-ordered quantity', () => {
    const line = moved(
      freshLine(5),
      allocate(1, 'WH1'),
      { from: 1100, to: 1300, quantity: 1 },
      { from: 1100, to: 1250, quantity: 1 },
      { from: 1100, to: 1200, quantity: 1, facilityId: 'WH9' },
      { from: 1200, to: 1400, quantity: 1, facilityId: 'WH9' },
    );
    expect(line.buckets).toEqual({ 1100: 1, 1200: 1, 1250: 1, 1300: 1, 1400: 1 });
    const { plan, after, path } = planned(line, 'WH1', 5);
    expect(plan.sources.map((s) => s.status)).toEqual([1200, 1100, 1400, 1300, 1250]);
    expect(path).toEqual([
      '1100→1200:1',
      '1400→1200:1',
      '1300→1200:1',
      '1250→1200:1',
      '1200→1500:5',
      '1500→3200:5',
      '3200→3350:5',
      '3350→3700:5',
    ]);
    expect(after.buckets).toEqual({ 3700: 5 });
  });

  it('takes reservations elsewhere before unallocated quantity', () => {
    const line = moved(freshLine(2), allocate(1, 'WH1'));
    const { plan, after } = planned(line, 'WH2', 1);
    expect(plan.sources).toEqual([
      { status: 1200, facilityId: 'WH1', quantity: 1, reservationMoved: true },
    ]);
    expect(after.buckets).toEqual({ 1100: 1, 3700: 1 });
  });

  it('refuses more than the line has unshipped', () => {
    const line = moved(
      freshLine(2),
      allocate(2),
      { from: 1200, to: 1500, quantity: 1 },
      { from: 1500, to: 3200, quantity: 1 },
      { from: 3200, to: 3350, quantity: 1 },
      { from: 3350, to: 3700, quantity: 1 },
    );
    expect(refused(planFulfillment(line, { facilityId: 'WH1', quantity: 2 }))).toBe(
      'line O1/00001 can ship 1 more at facility WH1, fewer than the 2 fulfilled (ordered 2: 1 in 1200 (Allocated), 1 in 3700 (Shipped))',
    );
    const shipped = planned(line, 'WH1', 1).after;
    expect(refused(planFulfillment(shipped, { facilityId: 'WH1', quantity: 1 }))).toContain(
      'can ship 0 more',
    );
  });

  it('does not count cancelled or rejected quantity', () => {
    const line = moved(
      freshLine(3),
      allocate(1),
      { from: 1100, to: 9000, quantity: 1 },
      { from: 1100, to: 9100, quantity: 1 },
    );
    expect(refused(planFulfillment(line, { facilityId: 'WH1', quantity: 2 }))).toContain(
      'can ship 1 more at facility WH1, fewer than the 2 fulfilled (ordered 3: 1 in 1200 (Allocated), 1 in 9000 (Cancelled), 1 in 9100 (Rejected))',
    );
  });

  it('refuses to take quantity released to another facility', () => {
    const line = moved(
      freshLine(2),
      allocate(2, 'STORE1'),
      { from: 1200, to: 1500, quantity: 2 },
      { from: 1500, to: 3200, quantity: 2 },
    );
    expect(refused(planFulfillment(line, { facilityId: 'WH1', quantity: 1 }))).toBe(
      'line O1/00001 can ship 0 more at facility WH1, fewer than the 1 fulfilled (ordered 2: 2 in 3200 (Released))' +
        '; 2 released to facility STORE1 (O1-00001-R1) is not taken by a fulfillment at another facility',
    );
    // At the facility it was released to, it ships.
    expect(planned(line, 'STORE1', 2).after.buckets).toEqual({ 3700: 2 });
  });

  it('refuses a quantity that is not whole and positive, or no facility', () => {
    const line = moved(freshLine(2), allocate(2));
    for (const quantity of [0, -1, 1.5, NaN]) {
      expect(refused(planFulfillment(line, { facilityId: 'WH1', quantity }))).toContain(
        'is not a whole number of 1 or more',
      );
    }
    expect(refused(planFulfillment(line, { facilityId: '', quantity: 1 }))).toBe(
      'the fulfillment names no facility',
    );
  });

  it('ships through holds, naming the ones it overrides, and lifts gate holds', () => {
    let line = moved(freshLine(2), allocate(2));
    line = withHold(
      line,
      { code: 'AWAITING_NETSUITE_IDS', kind: 'order', reason: 'ids' },
      NOW,
      't',
    );
    line = withHold(
      line,
      { code: 'PAYMENT_NOT_VERIFIED', kind: 'gate', reason: 'unpaid' },
      NOW,
      't',
    );
    const { plan, after } = planned(line, 'WH1', 2);
    expect(plan.notes).toEqual([
      'hold(s) AWAITING_NETSUITE_IDS overridden: NetSuite shipped the quantity',
    ]);
    expect(plan.gates).toEqual([{ code: 'PAYMENT_NOT_VERIFIED', passed: true }]);
    expect(after.buckets).toEqual({ 3700: 2 });
    expect(Object.keys(after.holds)).toEqual(['AWAITING_NETSUITE_IDS']);
  });

  it('does not change the line it plans for, and applies only to that version', () => {
    const line = moved(freshLine(2), allocate(2));
    const snapshot = JSON.stringify(line);
    const plan = planFulfillment(line, { facilityId: 'WH2', quantity: 2 });
    expect(JSON.stringify(line)).toBe(snapshot);
    if (!plan.ok) throw new Error(plan.reason);
    expect(plan.forVersion).toBe(line.version);
    const changed = { ...line, version: line.version + 1 };
    expect(() => applyFulfillmentPlan(changed, plan, { now: NOW, actor: 'x' })).toThrow(
      /plan again/,
    );
  });

  it('applying a plan twice would ship twice: idempotency is the caller’s', () => {
    const line = moved(freshLine(4), allocate(4));
    const once = planned(line, 'WH1', 2).after;
    const twice = planned(once, 'WH1', 2).after;
    expect(twice.buckets).toEqual({ 3700: 4 });
  });
});
