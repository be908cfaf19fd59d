/**
 * Fault: a corrected file re-uploaded under the same name (issue #22, item 2). NetSuite and people
 * re-send a fixed file under the name of the first. Each version is imported on its own, the older
 * before the newer, the final figures are the newer version's, and `archive/` keeps both versions
 * (`x~<etag8>.csv`), each error report naming the version it describes — whether v2 arrives after
 * v1 was imported or while v1 is being imported (events out of order: same-name-reordered.test.ts).
 */
import { createHash } from 'node:crypto';
import type SftpClient from 'ssh2-sftp-client';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedById } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { FeedFileStore } from '../../shared/files/feed-file-store.ts';
import { createS3Client } from '../../shared/files/s3-client.ts';
import { createDynamoClient } from '../../shared/store/dynamo-client.ts';
import { FacilityStore } from '../../shared/store/facility-store.ts';
import { ImportLedger } from '../../shared/store/import-ledger.ts';
import { InventoryStore } from '../../shared/store/inventory-store.ts';
import { tableName } from '../../shared/store/tables.ts';
import { keptName } from '../support/kept-files.ts';
import { connectSftp, eventually, startTestCloud } from '../support/local-cloud.ts';

const HEADER = 'Item,externalFacilityId,availableQty,idValue';
const feed = feedById('inventory-snapshot-import');
const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const csv = (rows: readonly string[]) => `${[HEADER, ...rows].join('\n')}\n`;

type Cloud = Awaited<ReturnType<typeof startTestCloud>>;

async function setUp() {
  const cloud = await startTestCloud();
  const dynamo = createDynamoClient(cloud.config);
  await new FacilityStore(dynamo, tableName(cloud.config.tablePrefix, 'control')).save(
    ['101', '102'].map((id) => ({
      facilityId: id,
      externalId: id,
      name: `Warehouse ${id}`,
      kind: 'warehouse' as const,
      groups: [],
    })),
  );
  return {
    cloud,
    inventory: new InventoryStore(dynamo, tableName(cloud.config.tablePrefix, 'inventory')),
    ledger: new ImportLedger(dynamo, tableName(cloud.config.tablePrefix, 'control')),
    files: new FeedFileStore(createS3Client(cloud.config), cloud.bucket, cloud.sftp.user),
    prefix: feedPrefix(cloud.sftp.user, feed),
  };
}

const figure = async (inventory: InventoryStore, sku: string) =>
  (await inventory.figuresForSku(sku)).map((f) => ({
    facility: f.facilityId,
    qty: f.nsQty,
    id: f.nsItemId,
  }));

describe('same name, two versions, uploaded over SFTP', () => {
  let env: Awaited<ReturnType<typeof setUp>>;
  let cloud: Cloud;
  let sftp: SftpClient;
  let dir: string;

  beforeAll(async () => {
    env = await setUp();
    cloud = env.cloud;
    sftp = await connectSftp(cloud);
    dir = `/${env.prefix}`;
  });

  afterAll(async () => {
    await sftp?.end();
    await cloud?.cleanup();
  });

  const put = (name: string, text: string) => sftp.put(Buffer.from(text), `${dir}${name}`);
  const names = async (sub = '') => (await sftp.list(`${dir}${sub}`)).map((e) => e.name).sort();
  const errorsOf = async (kept: string) =>
    parse((await sftp.get(`${dir}error/${kept}.errors.csv`)) as Buffer, {
      columns: true,
    }) as Array<Record<string, string>>;

  it('v1 with a bad row, then the corrected v2: final figures are v2, both versions kept', async () => {
    const name = 'Mon Nov 23 2026 02:00:00 GMT+0000 (UTC)-InventoryItemExport.csv';
    const v1 = csv(['SKU-A,101,5,5001', 'SKU-B,101,oops,5002', 'SKU-C,101,7,5003']);
    const v2 = csv(['SKU-A,101,6,5001', 'SKU-B,101,4,5002', 'SKU-C,101,7,5003']);
    await put(name, v1);
    await cloud.dispatcher.idle();
    await put(name, v2);
    await cloud.dispatcher.idle();

    expect(await figure(env.inventory, 'SKU-A')).toEqual([{ facility: '101', qty: 6, id: '5001' }]);
    expect(await figure(env.inventory, 'SKU-B')).toEqual([{ facility: '101', qty: 4, id: '5002' }]);
    expect(await names()).toEqual(['archive', 'error', 'failed']);
    expect(await names('archive')).toEqual([keptName(name, v1), keptName(name, v2)].sort());
    expect(((await sftp.get(`${dir}archive/${keptName(name, v1)}`)) as Buffer).toString()).toBe(v1);
    expect(((await sftp.get(`${dir}archive/${keptName(name, v2)}`)) as Buffer).toString()).toBe(v2);
    // v1's report names v1 (its name and its rows); v2 had nothing to report.
    expect(await names('error')).toEqual([`${keptName(name, v1)}.errors.csv`]);
    expect(await errorsOf(keptName(name, v1))).toEqual([
      {
        file: keptName(name, v1),
        line: '3',
        field: 'availableQty',
        reason: 'quantity "oops" is not a whole number',
        raw: 'SKU-B,101,oops,5002',
      },
    ]);
    expect(keptName(name, v1)).toContain(`~${md5(v1).slice(0, 8)}.csv`);
    expect(cloud.dispatcher.deadLetters).toEqual([]);
  });

  it('the other order — v1 clean, v2 with a bad row: v2 applies, its report names v2', async () => {
    const name = 'snapshot-part-2.csv';
    const v1 = csv(['SKU-D,101,1,6001', 'SKU-E,101,2,6002']);
    const v2 = csv(['SKU-D,101,10,6001', 'SKU-E,101,-2,6002', 'SKU-F,102,3,6003']);
    await put(name, v1);
    await cloud.dispatcher.idle();
    await put(name, v2);
    await cloud.dispatcher.idle();

    expect(await figure(env.inventory, 'SKU-D')).toEqual([
      { facility: '101', qty: 10, id: '6001' },
    ]);
    // v2's refused row leaves the figure v1 gave; v2's new pair is there.
    expect(await figure(env.inventory, 'SKU-E')).toEqual([{ facility: '101', qty: 2, id: '6002' }]);
    expect(await figure(env.inventory, 'SKU-F')).toEqual([{ facility: '102', qty: 3, id: '6003' }]);
    const archived = await names('archive');
    expect(archived).toContain(keptName(name, v1));
    expect(archived).toContain(keptName(name, v2));
    const reports = (await names('error')).filter((n) => n.startsWith('snapshot-part-2'));
    expect(reports).toEqual([`${keptName(name, v2)}.errors.csv`]);
    expect(await errorsOf(keptName(name, v2))).toMatchObject([
      { file: keptName(name, v2), line: '3', field: 'availableQty' },
    ]);
    expect(cloud.dispatcher.deadLetters).toEqual([]);
  });

  it('v2 uploaded while v1 is being imported: v1 finishes on its own bytes, then v2 is imported', async () => {
    const name = 'big-snapshot.csv';
    const rows = 30_000;
    const sku = (i: number) => `SKU-L${String(i).padStart(6, '0')}`;
    const v1Rows = Array.from({ length: rows }, (_, i) => `${sku(i)},101,${i % 50},${7000 + i}`);
    // The correction changes the first 100 rows (read by v1's import before v2 arrives) and the last.
    const v2Rows = v1Rows.map((r, i) =>
      i < 100 || i === rows - 1 ? `${sku(i)},101,${1000 + i},${7000 + i}` : r,
    );
    const v1 = csv(v1Rows);
    const v2 = csv(v2Rows);
    await put(name, v1);
    // v1's import is under way: its first thousand figures are written.
    await eventually(async () =>
      (await figure(env.inventory, sku(1000))).length ? true : undefined,
    );
    await put(name, v2);
    const during = await env.ledger.get(`${env.prefix}${name}`, md5(v1));
    expect(during?.status).toBe('processing'); // v2 really arrived during v1's import
    await cloud.dispatcher.idle();

    for (const i of [0, 1, 50, 99, rows - 1]) {
      expect(await figure(env.inventory, sku(i))).toEqual([
        { facility: '101', qty: 1000 + i, id: String(7000 + i) },
      ]);
    }
    for (const i of [100, 1000, 15_000, rows - 2]) {
      expect(await figure(env.inventory, sku(i))).toEqual([
        { facility: '101', qty: i % 50, id: String(7000 + i) },
      ]);
    }
    expect((await env.ledger.get(`${env.prefix}${name}`, md5(v1)))?.status).toBe('done');
    expect((await env.ledger.get(`${env.prefix}${name}`, md5(v2)))?.status).toBe('done');
    expect(await names()).toEqual(['archive', 'error', 'failed']);
    const archived = await names('archive');
    expect(archived).toContain(keptName(name, v1));
    expect(archived).toContain(keptName(name, v2));
    expect(
      md5(((await sftp.get(`${dir}archive/${keptName(name, v1)}`)) as Buffer).toString()),
    ).toBe(md5(v1));
    expect(
      md5(((await sftp.get(`${dir}archive/${keptName(name, v2)}`)) as Buffer).toString()),
    ).toBe(md5(v2));
    expect(cloud.dispatcher.deadLetters).toEqual([]);
  });
});
