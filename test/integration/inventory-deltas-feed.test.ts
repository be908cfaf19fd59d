/**
 * The inventory delta feeds and the product feed end to end on the local cloud: files uploaded with
 * a real SFTP client land in S3, fire the event, run the catalog's handlers against DynamoDB Local,
 * and move to archive/ with an error CSV for bad rows. The tests in this file build on each other:
 * they run in order on one cloud.
 *
 * Deltas and snapshots share one time frame (S3 upload times, L = 0 on the local cloud): the first
 * file of a feed after a snapshot straddles it (its window starts before the snapshot), so each
 * feed gets an empty file right after the first snapshot; the files after that apply every row.
 * S3 keeps upload times to the second, so the test waits a second between the snapshot and them.
 */
import type SftpClient from 'ssh2-sftp-client';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedById, type FeedId } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { deltaImporter, productImporter, root } from '../../shared/app/root.ts';
import { createDynamoClient } from '../../shared/store/dynamo-client.ts';
import { FacilityStore } from '../../shared/store/facility-store.ts';
import { InventoryStore } from '../../shared/store/inventory-store.ts';
import { ProductStore } from '../../shared/store/product-store.ts';
import { StaleKeys } from '../../shared/store/stale-keys.ts';
import { tableName } from '../../shared/store/tables.ts';
import { connectSftp, startTestCloud } from '../support/local-cloud.ts';
import { isVersionOf, keptOverSftp } from '../support/kept-files.ts';

const SNAPSHOT_HEADER = 'Item,externalFacilityId,availableQty,idValue';
const DELTA_HEADER = 'externalFacilityId,idValue,idType,availableDelta,comments';
const PRODUCT_HEADER = 'id-value,good-identification-value';

/** NetSuite location ids 101 and 102 are the OMS facilities WH-A and WH-B. */
const FACILITIES = [
  { facilityId: 'WH-A', externalId: '101' },
  { facilityId: 'WH-B', externalId: '102' },
];

const SNAPSHOT = [
  SNAPSHOT_HEADER,
  'SKU-A,101,10,5001',
  'SKU-A,102,5,5001',
  'SKU-B,101,20,5002',
  'SKU-Z,101,8,5026', // never touched by a delta
].join('\n');

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let sftp: SftpClient;
let inventory: InventoryStore;
let products: ProductStore;
let staleKeys: StaleKeys;

const dirOf = (id: FeedId) => `/${feedPrefix(cloud.sftp.user, feedById(id))}`;

beforeAll(async () => {
  cloud = await startTestCloud();
  const cfg = cloud.config;
  const dynamo = createDynamoClient(cfg);
  const control = tableName(cfg.tablePrefix, 'control');
  inventory = new InventoryStore(dynamo, tableName(cfg.tablePrefix, 'inventory'));
  products = new ProductStore(dynamo, control);
  staleKeys = new StaleKeys(dynamo, control);
  await new FacilityStore(dynamo, control).save(
    FACILITIES.map((f) => ({ ...f, name: f.facilityId, kind: 'warehouse' as const, groups: [] })),
  );
  sftp = await connectSftp(cloud);
});

afterAll(async () => {
  await sftp?.end();
  await cloud?.cleanup();
});

const upload = async (feed: FeedId, name: string, lines: readonly string[]) => {
  await sftp.put(Buffer.from(`${lines.join('\n')}\n`), `${dirOf(feed)}${name}`);
  await cloud.dispatcher.idle();
};

const qty = async (sku: string) =>
  Object.fromEntries((await inventory.figuresForSku(sku)).map((f) => [f.facilityId, f.nsQty]));

/** The error report of the last version of `name` imported (`x~<etag8>.csv.errors.csv`). */
const errorsOf = async (feed: FeedId, name: string) =>
  parse(
    (await sftp.get(
      (await keptOverSftp(sftp, `${dirOf(feed)}error`, name, '.errors.csv')) ?? 'missing',
    )) as Buffer,
    { columns: true },
  ) as Array<Record<string, string>>;

const hasErrorFile = async (feed: FeedId, name: string) =>
  !!(await keptOverSftp(sftp, `${dirOf(feed)}error`, name, '.errors.csv'));

const archived = async (feed: FeedId, name: string) =>
  !!(await keptOverSftp(sftp, `${dirOf(feed)}archive`, name));

const stale = async () => (await staleKeys.list()).map((k) => `${k.sku}@${k.facilityId}`).sort();

/** S3 upload times are kept to the second: the next upload is at least a second later. */
const nextSecond = () => new Promise((r) => setTimeout(r, 1_100));

const DELTA_FEEDS: readonly FeedId[] = [
  'inventory-adjustment-import',
  'inventory-transfer-import',
  'item-receipt-import',
];

describe('inventory delta feeds over SFTP', () => {
  it('a snapshot sets the NetSuite figures', async () => {
    await upload('inventory-snapshot-import', 'snapshot-1.csv', SNAPSHOT.split('\n'));
    expect(await qty('SKU-A')).toEqual({ 'WH-A': 10, 'WH-B': 5 });
    expect(await qty('SKU-B')).toEqual({ 'WH-A': 20 });
    expect(await qty('SKU-Z')).toEqual({ 'WH-A': 8 });
    expect(await stale()).toEqual([]);
    // Each delta feed's first file after the snapshot (empty here): the next ones start after it.
    await nextSecond();
    for (const feed of DELTA_FEEDS) {
      await upload(feed, 'opening.csv', [DELTA_HEADER]);
      expect(await archived(feed, 'opening.csv')).toBe(true);
    }
    await nextSecond();
  });

  const ADJ_1 = [
    DELTA_HEADER,
    '101,SKU-A,SKU,-3,IA-1',
    '102,SKU-A,SKU,+4,IA-2',
    '101,SKU-B,SKU,0,IA-3', // zero: accepted, changes nothing
    '101,SKU-A,SKU,-3,IA-1', // the same row again in the same file
    '101,SKU-A,SKU,-3,IA-4', // the same change under another reference: a second adjustment
  ];

  it('an adjustment file applies each distinct row once and marks the keys stale', async () => {
    await upload('inventory-adjustment-import', 'adjustments-1.csv', ADJ_1);
    expect(await qty('SKU-A')).toEqual({ 'WH-A': 4, 'WH-B': 9 });
    expect(await qty('SKU-B')).toEqual({ 'WH-A': 20 });
    expect(await archived('inventory-adjustment-import', 'adjustments-1.csv')).toBe(true);
    expect(await hasErrorFile('inventory-adjustment-import', 'adjustments-1.csv')).toBe(false);
    expect(await stale()).toEqual(['SKU-A@WH-A', 'SKU-A@WH-B']);
    const [figure] = (await inventory.figuresForSku('SKU-A')).filter(
      (f) => f.facilityId === 'WH-A',
    );
    expect(figure).toMatchObject({ nsFile: 'adjustments-1.csv', nsItemId: '5001' });
  });

  it('the same rows in a later file change nothing; only the new row applies, below zero too', async () => {
    await upload('inventory-adjustment-import', 'adjustments-2.csv', [
      ...ADJ_1,
      '101,SKU-B,SKU,-25,IA-5',
    ]);
    expect(await qty('SKU-A')).toEqual({ 'WH-A': 4, 'WH-B': 9 });
    expect(await qty('SKU-B')).toEqual({ 'WH-A': -5 });
    expect(await archived('inventory-adjustment-import', 'adjustments-2.csv')).toBe(true);
    // Repeats are not errors.
    expect(await hasErrorFile('inventory-adjustment-import', 'adjustments-2.csv')).toBe(false);
  });

  it('identity is scoped to the feed: the same content as a transfer applies', async () => {
    await upload('inventory-transfer-import', 'transfers-1.csv', [
      DELTA_HEADER,
      '101,SKU-A,SKU,-3,IA-1',
    ]);
    expect(await qty('SKU-A')).toEqual({ 'WH-A': 1, 'WH-B': 9 });
    // ...and once only in that feed too.
    await upload('inventory-transfer-import', 'transfers-2.csv', [
      DELTA_HEADER,
      '101,SKU-A,SKU,-3,IA-1',
    ]);
    expect(await qty('SKU-A')).toEqual({ 'WH-A': 1, 'WH-B': 9 });
  });

  it('a product file maps SKUs to NetSuite item ids, reporting blank and conflicting rows', async () => {
    const name = 'Wed Jul 02 2025 03:15:00 GMT-0700 (PDT)-ProductExport.csv';
    await upload('product-import', name, [
      PRODUCT_HEADER,
      'SKU-A,5001',
      'SKU-C,5003',
      'SKU-A,5001', // the same pair again: harmless
      ',5009',
      'SKU-D,',
      'SKU-A,5002', // a second item id for SKU-A
      'SKU-E,5003', // a second SKU for item 5003
    ]);
    expect(await products.skuForItemId('5001')).toBe('SKU-A');
    expect(await products.skuForItemId('5003')).toBe('SKU-C');
    expect(await products.itemIdForSku('SKU-A')).toBe('5001');
    expect(await products.itemIdForSku('SKU-C')).toBe('5003');
    expect(await products.skuForItemId('5002')).toBeUndefined();
    expect(await products.skuForItemId('5009')).toBeUndefined();
    expect(await products.itemIdForSku('SKU-E')).toBeUndefined();
    expect(await archived('product-import', name)).toBe(true);
    const errors = await errorsOf('product-import', name);
    expect(errors.map((e) => [e.line, e.field, e.reason])).toEqual([
      ['5', 'id-value', 'SKU is blank'],
      ['6', 'good-identification-value', 'NetSuite item id is blank'],
      [
        '7',
        'good-identification-value',
        'SKU "SKU-A" is listed with item id "5002", but line 2 gave it another item id; line 2 stands',
      ],
      [
        '8',
        'id-value',
        'item id "5003" is listed for SKU "SKU-E", but line 3 gave it another SKU; line 3 stands',
      ],
    ]);
    expect(errors[0]).toMatchObject({ raw: ',5009' });
    expect(isVersionOf(errors[0]!.file!, name)).toBe(true);
  });

  it('a later product file re-maps a SKU; the stale reverse record no longer resolves', async () => {
    await upload('product-import', 'products-2.csv', [PRODUCT_HEADER, 'SKU-Y,7001']);
    expect(await products.skuForItemId('7001')).toBe('SKU-Y');
    await upload('product-import', 'products-3.csv', [PRODUCT_HEADER, 'SKU-Y,7002']);
    expect(await products.itemIdForSku('SKU-Y')).toBe('7002');
    expect(await products.skuForItemId('7002')).toBe('SKU-Y');
    expect(await products.skuForItemId('7001')).toBeUndefined();
    expect(await products.skusForItemIds(['7001', '7002', '5001'])).toEqual(
      new Map([
        ['7002', 'SKU-Y'],
        ['5001', 'SKU-A'],
      ]),
    );
  });

  it('an item receipt by NetSuite item id applies to the mapped SKU', async () => {
    await upload('item-receipt-import', 'receipts-1.csv', [
      DELTA_HEADER,
      '101,5003,NETSUITE_PRODUCT_ID,+6,IR-1',
      '102,5001,NETSUITE_ITEM_ID,2,IR-1',
    ]);
    expect(await qty('SKU-C')).toEqual({ 'WH-A': 6 });
    expect(await qty('SKU-A')).toEqual({ 'WH-A': 1, 'WH-B': 11 });
    expect(await hasErrorFile('item-receipt-import', 'receipts-1.csv')).toBe(false);
  });

  it('bad rows land in the error CSV with line, field and reason while good rows apply', async () => {
    const name = 'adjustments-bad.csv';
    await upload('inventory-adjustment-import', name, [
      DELTA_HEADER,
      '999,SKU-A,SKU,1,IA-6', // 2 unknown facility
      '101,7777,NETSUITE_PRODUCT_ID,1,IA-7', // 3 unknown item id
      '101,SKU-A,SKU,abc,IA-8', // 4 not a number
      '101,SKU-B,SKU,+5,IA-9', // 5 good
      '101,SKU-A,SKU,1,moved, to 102', // 6 unescaped comma: six columns
      '101,SKU-A,SKU,1.5,IA-10', // 7 fractional
      '102,SKU-B,SKU,7,IA-11', // 8 good
      '101,SKU-A,SKU,,IA-12', // 9 blank delta
      '101,SKU-A,UPC,1,IA-13', // 10 unknown id type
    ]);
    expect(await qty('SKU-A')).toEqual({ 'WH-A': 1, 'WH-B': 11 });
    expect(await qty('SKU-B')).toEqual({ 'WH-A': 0, 'WH-B': 7 });
    expect(await archived('inventory-adjustment-import', name)).toBe(true);
    const errors = await errorsOf('inventory-adjustment-import', name);
    expect(errors.map((e) => [e.line, e.field])).toEqual([
      ['2', 'externalFacilityId'],
      ['3', 'idValue'],
      ['4', 'availableDelta'],
      ['6', '*'],
      ['7', 'availableDelta'],
      ['9', 'availableDelta'],
      ['10', 'idType'],
    ]);
    expect(isVersionOf(errors[0]!.file!, name)).toBe(true);
    expect(errors[0]).toMatchObject({
      reason: 'unknown facility "999"',
      raw: '999,SKU-A,SKU,1,IA-6',
    });
    expect(errors[1]!.reason).toMatch(/unknown NetSuite item id "7777"/);
    expect(errors[2]!.reason).toBe('delta "abc" is not a whole number');
    expect(errors[3]!.reason).toMatch(/expected 5 columns, found 6/);
    expect(errors[4]!.reason).toBe('delta "1.5" is not a whole number');
    expect(errors[5]!.reason).toBe('delta is blank');
  });

  it('the next snapshot of unchanged figures restores them: stale keys defeat the digest skip', async () => {
    const staleBefore = await stale();
    // The same figures as the first snapshot, in a new file.
    await upload('inventory-snapshot-import', 'snapshot-2.csv', SNAPSHOT.split('\n'));
    expect(await qty('SKU-A')).toEqual({ 'WH-A': 10, 'WH-B': 5 });
    // SKU-B at WH-B is not in the snapshot: the delta stands.
    expect(await qty('SKU-B')).toEqual({ 'WH-A': 20, 'WH-B': 7 });
    const figures = async (sku: string) =>
      Object.fromEntries((await inventory.figuresForSku(sku)).map((f) => [f.facilityId, f.nsFile]));
    // The digest was in play: the untouched key was skipped as unchanged, the delta keys were not.
    expect(await figures('SKU-Z')).toEqual({ 'WH-A': 'snapshot-1.csv' });
    expect(await figures('SKU-A')).toEqual({ 'WH-A': 'snapshot-2.csv', 'WH-B': 'snapshot-2.csv' });
    expect(staleBefore).toEqual([
      'SKU-A@WH-A',
      'SKU-A@WH-B',
      'SKU-B@WH-A',
      'SKU-B@WH-B',
      'SKU-C@WH-A',
    ]);
    expect(await stale()).toEqual([]);
    expect(cloud.dispatcher.deadLetters).toEqual([]);
  });
});

describe('inventory delta importer', () => {
  it('counts duplicates and zero deltas, and applies concurrent deltas to one figure exactly', async () => {
    // After the last snapshot: an (empty) file first, so that the next one starts after it.
    const base = Date.now() + 1_000;
    const opening = await deltaImporter(root(), 'inventory-adjustment-import').open({
      key: 'direct/opening.csv',
      fileName: 'opening.csv',
      eTag: 'opening',
      resumed: false,
      lastModified: new Date(base),
    });
    expect(await opening.finish()).toMatchObject({ applied: 0 });
    const session = await deltaImporter(root(), 'inventory-adjustment-import', {
      concurrency: 16,
    }).open({
      key: 'direct/key.csv',
      fileName: 'direct.csv',
      eTag: 'direct',
      resumed: false,
      lastModified: new Date(base + 1_000),
    });
    const row = (delta: string, comments: string, idValue = 'SKU-P') => ({
      externalFacilityId: '101',
      idValue,
      idType: 'SKU',
      availableDelta: delta,
      comments,
    });
    let line = 1;
    for (let i = 0; i < 64; i++)
      expect(await session.row(row('+1', `P-${i}`), ++line)).toBeUndefined();
    for (let i = 0; i < 16; i++)
      expect(await session.row(row('+1', `P-${i}`), ++line)).toBeUndefined();
    expect(await session.row(row('0', 'P-zero'), ++line)).toBeUndefined();
    expect(await session.row(row('+1', 'P-x', '   '), ++line)).toEqual({
      field: 'idValue',
      reason: 'item id is blank',
    });
    const stats = await session.finish();
    expect(stats).toMatchObject({ applied: 64, duplicates: 16, zeroDeltas: 1 });
    expect(await qty('SKU-P')).toEqual({ 'WH-A': 64 });

    // A later run of the same rows (a retried file) changes nothing.
    const again = await deltaImporter(root(), 'inventory-adjustment-import').open({
      key: 'direct/key.csv',
      fileName: 'direct.csv',
      eTag: 'direct',
      resumed: true,
      lastModified: new Date(base + 1_000),
    });
    for (let i = 0; i < 64; i++) await again.row(row('+1', `P-${i}`), i + 2);
    expect(await again.finish()).toMatchObject({ applied: 0, duplicates: 64 });
    expect(await qty('SKU-P')).toEqual({ 'WH-A': 64 });
  });

  it('a resumed product import still refuses a second mapping for a SKU seen before the checkpoint', async () => {
    const file = { key: 'direct/products.csv', fileName: 'products.csv', eTag: 'p1' };
    const row = (sku: string, itemId: string) => ({
      'id-value': sku,
      'good-identification-value': itemId,
    });
    const first = await productImporter(root()).open({ ...file, resumed: false });
    expect(await first.row(row('SKU-R1', '9001'), 2)).toBeUndefined();
    expect(await first.row(row('SKU-R2', '9002'), 3)).toBeUndefined();
    await first.checkpoint();
    // The run stops here (crash or time limit); the next one resumes after line 3.
    const resumed = await productImporter(root()).open({ ...file, resumed: true });
    expect(await resumed.row(row('SKU-R3', '9003'), 4)).toBeUndefined();
    expect(await resumed.row(row('SKU-R1', '9009'), 5)).toEqual({
      field: 'good-identification-value',
      reason:
        'SKU "SKU-R1" is listed with item id "9009", but line 2 gave it another item id; line 2 stands',
    });
    expect(await resumed.finish()).toMatchObject({ written: 1, repeated: 0 });
    expect(await products.itemIdsForSkus(['SKU-R1', 'SKU-R2', 'SKU-R3'])).toEqual(
      new Map([
        ['SKU-R1', '9001'],
        ['SKU-R2', '9002'],
        ['SKU-R3', '9003'],
      ]),
    );
    // A fresh (not resumed) run of another file starts with a clean slate.
    const other = await productImporter(root()).open({ ...file, eTag: 'p2', resumed: false });
    expect(await other.row(row('SKU-R1', '9001'), 2)).toBeUndefined();
    await other.finish();
  });
});
