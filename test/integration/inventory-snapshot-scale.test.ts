/**
 * The inventory snapshot at a size CI affords: a process killed mid-file and started again ends as
 * a clean run does; a run out of time continues in a new invocation; a snapshot split over files;
 * diff writes (an unchanged re-import writes nothing, a changed one writes only what changed).
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'csv-parse/sync';
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { feedById } from '../../shared/feeds/catalog.ts';
import { importFeedFile } from '../../shared/feeds/file-import.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { FeedFileStore } from '../../shared/files/feed-file-store.ts';
import { createS3Client } from '../../shared/files/s3-client.ts';
import { createDynamoClient } from '../../shared/store/dynamo-client.ts';
import { FacilityStore } from '../../shared/store/facility-store.ts';
import { ImportLedger } from '../../shared/store/import-ledger.ts';
import { NS_PREFIX } from '../../shared/store/inventory-store.ts';
import { tableName } from '../../shared/store/tables.ts';
import { root, snapshotImporter, snapshotImporterDeps } from '../../shared/app/root.ts';
import { closeSnapshot } from '../../shared/jobs/inventory-snapshot-close.ts';
import {
  FACILITIES,
  HEADER,
  facilityExternalId,
  isBadRow,
  snapshotRows,
} from '../../bench/support/inventory-generator.ts';
import { eventually, startTestCloud } from '../support/local-cloud.ts';

const feed = feedById('inventory-snapshot-import');
let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let dynamo: DynamoDBClient;
let files: FeedFileStore;
let ledger: ImportLedger;
let prefix: string;
let inventoryTable: string;
let snapshotStarted = 0;

const csvOf = (rows: number, generation = 0, from = 0) => {
  const lines = [HEADER];
  for (const g of snapshotRows(rows, generation)) if (g.index >= from) lines.push(g.line);
  return `${lines.join('\r\n')}\r\n`;
};

/** Every NetSuite figure in the table, by "sku|facility". */
async function figures(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let start: Record<string, never> | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({ TableName: inventoryTable, ExclusiveStartKey: start }),
    );
    for (const i of page.Items ?? []) {
      if (i.sk!.S!.startsWith(NS_PREFIX))
        out.set(`${i.pk!.S}|${i.facilityId!.S}`, Number(i.nsQty!.N));
    }
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return out;
}

function expected(rows: number, generation = 0): Map<string, number> {
  const out = new Map<string, number>();
  for (const g of snapshotRows(rows, generation)) {
    if (g.row) out.set(`${g.row.sku}|${g.row.facilityId}`, g.row.availableQty);
  }
  return out;
}

const deps = (extra: Partial<Parameters<typeof importFeedFile>[1]> = {}) => ({
  files,
  ledger,
  user: cloud.sftp.user,
  importerFor: () => snapshotImporter(root()),
  leaseMs: 60_000,
  ...extra,
});

async function importKey(key: string, extra: Partial<Parameters<typeof importFeedFile>[1]> = {}) {
  const head = (await files.head(key))!;
  return importFeedFile(
    { bucket: cloud.bucket, key, size: head.size, eTag: head.eTag },
    deps(extra),
  );
}

beforeAll(async () => {
  cloud = await startTestCloud({ dispatch: false });
  const cfg = cloud.config;
  dynamo = createDynamoClient(cfg);
  files = new FeedFileStore(createS3Client(cfg), cloud.bucket, cloud.sftp.user);
  ledger = new ImportLedger(dynamo, tableName(cfg.tablePrefix, 'control'));
  inventoryTable = tableName(cfg.tablePrefix, 'inventory');
  prefix = feedPrefix(cloud.sftp.user, feed);
  await new FacilityStore(dynamo, tableName(cfg.tablePrefix, 'control')).save(
    Array.from({ length: FACILITIES }, (_, f) => ({
      facilityId: facilityExternalId(f),
      externalId: facilityExternalId(f),
      name: `F${f}`,
      kind: 'warehouse' as const,
      groups: [],
    })),
  );
});

afterAll(async () => {
  await cloud?.cleanup();
});

// Tens of thousands of rows through DynamoDB Local on a shared 2-core machine: minutes, not seconds.
vi.setConfig({ testTimeout: 300_000 });

describe('inventory snapshot at scale', () => {
  it('finishes a file after the importing process is killed, as a clean run would', async () => {
    const rows = 50_000;
    const key = `${prefix}Mon Nov 23 2026 01:00:00 GMT-0800 (PST)-InventoryItemExport.csv`;
    await files.writeAtomically(key, csvOf(rows));
    const head = (await files.head(key))!;

    // The "Lambda" in its own process, checkpointing every 5,000 rows; killed after two.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/inventory-child.ts', 'import', key],
      {
        env: { ...process.env, OMS_CHECKPOINT_ROWS: '5000', OMS_IMPORT_LEASE_MS: '1500' },
        stdio: 'ignore',
      },
    );
    const exited = new Promise((r) => child.once('exit', r));
    const cp = await eventually(async () => {
      const rec = await ledger.get(key, head.eTag);
      return rec?.checkpoint && rec.checkpoint.rows >= 10_000 ? rec.checkpoint : undefined;
    }, 180_000);
    child.kill('SIGKILL');
    await exited;
    expect(cp.rows).toBeLessThan(rows);
    expect((await ledger.get(key, head.eTag))?.status).toBe('processing');

    // The retry (after the lease runs out) resumes from the checkpoint.
    await new Promise((r) => setTimeout(r, 1_600));
    const result = await importKey(key, { leaseMs: 1_500, checkpointEveryRows: 5_000 });
    expect(result).toMatchObject({ status: 'archived', resumed: true, rows });
    if (result.status !== 'archived') throw new Error('not archived');
    expect(result.applied + result.rejected).toBe(rows);

    expect(await figures()).toEqual(expected(rows));
    const report = (await files.readText(result.errorFile!))!;
    const errorLines = (parse(report, { columns: true }) as Array<{ line: string }>).map((e) =>
      Number(e.line),
    );
    const badLines: number[] = [];
    for (let i = 0; i < rows; i++) if (isBadRow(i)) badLines.push(i + 2);
    expect(errorLines).toEqual(badLines);
  });

  it('re-imports an unchanged snapshot writing nothing, and a changed one writing only changes', async () => {
    const rows = 50_000;
    const key = `${prefix}again-unchanged.csv`;
    await files.writeAtomically(key, csvOf(rows));
    const unchanged = await importKey(key);
    expect(unchanged).toMatchObject({ status: 'archived', stats: { written: 0 } });

    // Generation 1 changes some figures; the import writes exactly those rows.
    const gen0 = expected(rows);
    const changed = [...expected(rows, 1)].filter(([k, v]) => gen0.get(k) !== v).length;
    expect(changed).toBeGreaterThan(0);
    const key2 = `${prefix}again-changed.csv`;
    await files.writeAtomically(key2, csvOf(rows, 1));
    const result = await importKey(key2);
    expect(result).toMatchObject({ status: 'archived', stats: { written: changed } });
    expect(await figures()).toEqual(expected(rows, 1));
  });

  it('continues a run that is out of time in a new invocation, from its checkpoint', async () => {
    const rows = 20_000;
    const key = `${prefix}continued.csv`;
    await files.writeAtomically(key, csvOf(rows, 2));
    const first = await importKey(key, { checkpointEveryRows: 4_000, shouldYield: () => true });
    expect(first).toMatchObject({ status: 'continued', rows: 4_000 });
    const second = await importKey(key, { checkpointEveryRows: 4_000 });
    expect(second).toMatchObject({ status: 'archived', resumed: true, rows });
    const now = await figures();
    for (const [k, v] of expected(rows, 2)) expect(now.get(k), k).toBe(v);
  });

  it('takes a snapshot split over several files, keeping pairs absent from it', async () => {
    // 30,000 rows in three files of 10,000 (SKU-major, as NetSuite splits its export).
    const before = await figures();
    snapshotStarted = Date.now();
    const text = csvOf(30_000, 3).split('\r\n');
    const body = text.slice(1).filter(Boolean);
    for (let part = 0; part < 3; part++) {
      const slice = body.slice(part * 10_000, (part + 1) * 10_000);
      await files.writeAtomically(`${prefix}part-${part + 1}.csv`, [HEADER, ...slice].join('\n'));
    }
    const results = await Promise.all([1, 2, 3].map((n) => importKey(`${prefix}part-${n}.csv`)));
    for (const r of results) expect(r.status).toBe('archived');
    const now = await figures();
    for (const [k, v] of expected(30_000, 3)) expect(now.get(k), k).toBe(v);
    expect(results.map((r) => (r.status === 'archived' ? r.rows : 0))).toEqual([
      10_000, 10_000, 10_000,
    ]);
    // Pairs the snapshot did not list keep their figure (the safe default).
    const listed = expected(30_000, 3);
    const absent = [...before.keys()].filter((k) => !listed.has(k));
    expect(absent.length).toBeGreaterThan(0);
    for (const k of absent) expect(now.get(k), k).toBe(before.get(k));
  });

  it('closes the snapshot: keeps absent pairs by default, zeroes them on opt-in within a safety share', async () => {
    // The window starts just before the three files of the previous test were imported.
    const now = new Date();
    const windowHours = (now.getTime() - snapshotStarted + 1_000) / 3_600_000;
    const deps = snapshotImporterDeps(root());
    const listed = expected(30_000, 3);
    const before = await figures();
    const absent = [...before.keys()].filter((k) => !listed.has(k) && before.get(k) !== 0);

    const kept = await closeSnapshot(deps, { rule: 'keep', windowHours, maxShare: 0.2, now });
    expect(kept).toMatchObject({ outcome: 'kept', files: 3, absent: absent.length, zeroed: 0 });

    // 20,000 of 50,000 pairs absent: more than the 20% share, so refused unless forced.
    const refused = await closeSnapshot(deps, { rule: 'zero', windowHours, maxShare: 0.2, now });
    expect(refused).toMatchObject({ outcome: 'refused', zeroed: 0 });
    expect(await figures()).toEqual(before);

    const zeroed = await closeSnapshot(deps, {
      rule: 'zero',
      windowHours,
      maxShare: 0.2,
      force: true,
      now,
    });
    expect(zeroed).toMatchObject({ outcome: 'zeroed', zeroed: absent.length });
    const after = await figures();
    for (const k of absent) expect(after.get(k), k).toBe(0);
    for (const [k, v] of listed) expect(after.get(k), k).toBe(v);

    // The digest knows the zeros: the same snapshot again writes nothing.
    const key = `${prefix}after-close.csv`;
    await files.writeAtomically(key, csvOf(30_000, 3));
    expect(await importKey(key)).toMatchObject({ status: 'archived', stats: { written: 0 } });
  });
});
