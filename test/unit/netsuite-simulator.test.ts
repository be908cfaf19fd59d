/** The NetSuite simulator's pure parts: CSV reading and writing, file names, record imports, id export plans. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { feedById } from '../../shared/feeds/catalog.ts';
import type { RecordContext } from '../../local/netsuite/context.ts';
import { headerProblem, readCsv } from '../../local/netsuite/csv-file.ts';
import { claimFileName, netsuiteFileName, nextFileTime } from '../../local/netsuite/file-names.ts';
import { NetsuiteSimulator } from '../../local/netsuite/index.ts';
import { applyCustomerRows } from '../../local/netsuite/scripts/customer-import.ts';
import { applyDeposits } from '../../local/netsuite/scripts/deposit-import.ts';
import { ID_EXPORTS, planExport } from '../../local/netsuite/scripts/id-exports.ts';
import { applySalesOrderRows } from '../../local/netsuite/scripts/sales-order-import.ts';
import { emptyState, type SimState } from '../../local/netsuite/state.ts';
import { unescapedCsv } from '../../local/netsuite/unescaped-csv.ts';

const context = (state: SimState, reexportUpdated = true): RecordContext => ({
  state,
  options: { reexportUpdated },
  now: () => new Date('2025-07-02T10:15:00Z'),
  log: (entry) => state.log.push({ at: '2025-07-02T10:15:00.000Z', ...entry }),
});

const search = (feed: string) => ID_EXPORTS.find((s) => s.feed === feed)!;

/** Runs a search as NetSuite would and moves its cursor; returns the data rows written, if any. */
const exportRun = (state: SimState, feed: string): string[][] | undefined => {
  const plan = planExport(state, search(feed), (state.exports[feed] ??= { rev: 0 }));
  if (plan) state.exports[feed] = plan.next;
  return plan?.rows;
};

const orderRow = (hcOrderId: string, orderLineId: string, over: Record<string, string> = {}) => {
  const row = Object.fromEntries(feedById('sales-order-export').columns.map((c) => [c, '']));
  return {
    ...row,
    HCOrderId: hcOrderId,
    externalId: `SHOP-${hcOrderId}`,
    salesChannel: '2',
    customer: '1001',
    date: '7/2/2025',
    country: 'US',
    item: '501',
    quantity: '1',
    orderLineId,
    ...over,
  };
};

const withCustomerAndItem = (): SimState => {
  const state = emptyState();
  applyCustomerRows(context(state), 'c.csv', [
    { HCCustomerId: 'HC-1', externalId: 'SHOP-1', firstName: 'A', lastName: 'B', individual: 'T' },
  ]);
  state.items['501'] = { itemId: '501' };
  return state;
};

describe('NetSuite CSV habits', () => {
  it('writes values unescaped, joined with commas, lines ending with \\n', () => {
    expect(unescapedCsv(['a', 'b'], [['x, y', '"q"']])).toBe('a,b\nx, y,"q"\n');
  });

  it('reads quoted values and a byte-order mark, and judges completeness', () => {
    const good = readCsv('\uFEFFa,b\r\n"1,5",2\n');
    expect(good).toEqual({ ok: true, file: { header: ['a', 'b'], rows: [['1,5', '2']] } });
    const cut = readCsv('a,b\n1,2\n3');
    expect(cut.ok && cut.file.incomplete).toBe(
      'does not end with a line break; row 3 has 1 columns, the header 2',
    );
    expect(readCsv('a,b\n"1,2\n')).toMatchObject({ ok: false, error: /malformed CSV/ });
    expect(readCsv('')).toEqual({ ok: false, error: 'empty file: no header' });
  });

  it('matches headers exactly and case-sensitively, in any order, allowing known optional columns', () => {
    const mapping = { required: ['Item', 'qty'], optional: ['memo'] };
    expect(headerProblem(['qty', 'Item', 'memo'], mapping)).toBeUndefined();
    expect(headerProblem(['item', 'qty'], mapping)).toBe(
      'header does not match the import mapping: missing column(s) Item; unknown column(s) item',
    );
    expect(headerProblem(['Item', 'qty', 'qty'], mapping)).toMatch(/repeated column\(s\) qty/);
  });
});

describe('NetSuite file names', () => {
  it('uses Date.toString() text and never repeats a second', () => {
    const now = new Date('2025-07-02T10:15:00.400Z');
    expect(netsuiteFileName(now, 'X.csv')).toBe(`${now.toString()}-X.csv`);
    expect(nextFileTime(now, undefined).getTime()).toBe(Date.parse('2025-07-02T10:15:00Z'));
    const cursor = {};
    const first = claimFileName(cursor, now, 'X.csv');
    const second = claimFileName(cursor, now, 'X.csv');
    expect(second).not.toBe(first);
    expect(second).toBe(`${new Date('2025-07-02T10:15:01Z').toString()}-X.csv`);
  });
});

describe('id exports', () => {
  it('repeat the previous file’s last row first, and write nothing when nothing is new', () => {
    const state = withCustomerAndItem();
    expect(exportRun(state, 'customer-id-import')).toEqual([
      ['HC-1', 'NETSUITE_CUSTOMER_ID', '1001'],
    ]);
    expect(exportRun(state, 'customer-id-import')).toBeUndefined();
    applyCustomerRows(context(state), 'c2.csv', [
      { HCCustomerId: 'HC-2', externalId: 'SHOP-2', firstName: 'C', lastName: 'D' },
    ]);
    expect(exportRun(state, 'customer-id-import')).toEqual([
      ['HC-1', 'NETSUITE_CUSTOMER_ID', '1001'],
      ['HC-2', 'NETSUITE_CUSTOMER_ID', '1002'],
    ]);
  });

  it('with reexportUpdated off, a re-sent order comes back only for its new lines', () => {
    const state = withCustomerAndItem();
    const ctx = context(state, false);
    applySalesOrderRows(ctx, 'o1.csv', [orderRow('HC-O1', '1'), orderRow('HC-O1', '2')]);
    expect(exportRun(state, 'order-id-import')).toEqual([['HC-O1', 'NETSUITE_ORDER_ID', '50001']]);
    expect(exportRun(state, 'order-line-id-import')).toHaveLength(2);
    applySalesOrderRows(ctx, 'o2.csv', [
      orderRow('HC-O1', '1'),
      orderRow('HC-O1', '2'),
      orderRow('HC-O1', '3'),
    ]);
    expect(exportRun(state, 'order-id-import')).toBeUndefined();
    expect(exportRun(state, 'order-line-id-import')).toEqual([
      ['HC-O1', '2', 'NetsuiteItemLineId', '2'], // boundary
      ['HC-O1', '3', 'NetsuiteItemLineId', '3'],
    ]);
  });
});

describe('record imports', () => {
  it('refuse an order with a bad date or quantity and leave the existing order untouched', () => {
    const state = withCustomerAndItem();
    const ctx = context(state);
    applySalesOrderRows(ctx, 'o.csv', [
      orderRow('HC-O1', '1'),
      orderRow('HC-O2', '1', { date: '2025-07-02' }),
      orderRow('HC-O3', '1', { quantity: 'two' }),
      orderRow('HC-O4', '1', { customer: '' }),
    ]);
    applySalesOrderRows(ctx, 'o2.csv', [orderRow('HC-O1', '1', { item: '999' })]);
    expect(state.log.filter((e) => e.kind === 'rejected').map((e) => e.message)).toEqual([
      'date 2025-07-02 is not MM/dd/yyyy',
      'invalid quantity two (line 1)',
      'required field customer is empty',
      'item 999 does not exist (line 1)',
    ]);
    expect(state.salesOrders['50001']!.lines.map((l) => l.itemId)).toEqual(['501']);
  });

  it('dedupe orders and customers on externalId, within a file and across files', () => {
    const state = withCustomerAndItem();
    const ctx = context(state);
    // The same storefront order twice in one file (under two OMS ids), then again in another.
    applySalesOrderRows(ctx, 'o1.csv', [
      orderRow('HC-O1', '1'),
      orderRow('HC-O9', '2', { externalId: 'SHOP-HC-O1' }),
      orderRow('HC-O2', '1'),
    ]);
    applySalesOrderRows(ctx, 'o2.csv', [orderRow('HC-O1', '3'), orderRow('HC-O3', '1')]);
    expect(
      Object.values(state.salesOrders).map((o) => [
        o.internalId,
        o.externalId,
        o.lines.map((l) => l.orderLineId),
      ]),
    ).toEqual([
      ['50001', 'SHOP-HC-O1', ['1', '2', '3']],
      ['50002', 'SHOP-HC-O2', ['1']],
      ['50003', 'SHOP-HC-O3', ['1']],
    ]);
    applyCustomerRows(ctx, 'c2.csv', [
      { HCCustomerId: 'HC-2', externalId: 'SHOP-2', firstName: 'C', lastName: 'D' },
      { HCCustomerId: 'HC-2', externalId: 'SHOP-2', firstName: 'C', lastName: 'E' },
      { HCCustomerId: 'HC-1', externalId: 'SHOP-1', firstName: 'A', lastName: 'F' },
    ]);
    expect(
      Object.values(state.customers).map((c) => [c.internalId, c.externalId, c.fields.lastName]),
    ).toEqual([
      ['1001', 'SHOP-1', 'F'],
      ['1002', 'SHOP-2', 'E'],
    ]);
  });

  it('skip deposits of no amount, refuse unknown orders, dedupe on externalId', () => {
    const state = withCustomerAndItem();
    const ctx = context(state);
    applySalesOrderRows(ctx, 'o.csv', [orderRow('HC-O1', '1')]);
    applyDeposits(ctx, 'd.json', [
      { totalAmount: 10, externalId: 'P1', orderId: '50001' },
      { totalAmount: 10, externalId: 'P1', orderId: '50001' },
      { totalAmount: -1, externalId: 'P2', orderId: '50001' },
      { totalAmount: 5, externalId: 'P3', orderId: '123' },
      'not an object',
    ]);
    expect(Object.keys(state.deposits)).toEqual(['90001']);
    expect(state.log.slice(-5).map((e) => e.kind)).toEqual([
      'created',
      'updated',
      'skipped',
      'rejected',
      'rejected',
    ]);
  });
});

describe('persistence', () => {
  it('keeps the account in the data file across restarts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ns-sim-'));
    try {
      const dataFile = join(dir, 'netsuite.json');
      const login = { host: '127.0.0.1', port: 1, user: 'netsuite', dataFile };
      expect(new NetsuiteSimulator(login).seedCustomers([{ externalId: 'S1' }])).toEqual(['1001']);
      const again = new NetsuiteSimulator(login);
      expect(again.snapshot().counts.customers).toBe(1);
      expect(again.seedCustomers([{ externalId: 'S2' }])).toEqual(['1002']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
