/**
 * Fault: one huge line in a snapshot (issue #22, item 4). A 20 MB line used to be read whole
 * (quadratic copying, gigabytes), echoed into the refusal reason and saved as one DynamoDB item
 * of tens of megabytes, until the whole OMS fell over. Now a line over the limit (64 KiB,
 * `OMS_MAX_LINE_BYTES`) is refused as a row — the rest of the file applies — and a header over the
 * limit sends the file to failed/ with a short error file; memory stays bounded, nothing is
 * dead-lettered, and every stored or logged reason is at most 500 characters.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportLedger } from '../../shared/store/import-ledger.ts';
import { InventoryStore } from '../../shared/store/inventory-store.ts';
import { keptName } from '../support/kept-files.ts';
import {
  SNAPSHOT_HEADER,
  snapshotFeed,
  startSnapshotFixture,
  type SnapshotFixture,
} from './support/snapshot-fixture.ts';

const HEADER = SNAPSHOT_HEADER;
const MB = 1024 * 1024;

let fx: SnapshotFixture;
let cloud: SnapshotFixture['cloud'];
let sftp: SnapshotFixture['sftp'];
let inventory: InventoryStore;
let ledger: ImportLedger;
let dir: string;

beforeAll(async () => {
  fx = await startSnapshotFixture(['101']);
  ({ cloud, sftp, inventory, ledger, dir } = fx);
});

afterAll(async () => {
  await sftp?.end();
  await cloud?.cleanup();
});

afterAll(async () => {
  await fx?.stop();
});

/** Uploads and waits for the import, sampling the process's memory (the importer runs in it). */
async function uploadMeasured(name: string, body: Buffer): Promise<number> {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    await sftp.put(body, `${dir}${name}`);
    await cloud.dispatcher.idle();
  } finally {
    clearInterval(sampler);
  }
  return peak - base;
}

const qty = async (sku: string) =>
  (await inventory.figuresForSku(sku)).map((f) => [f.facilityId, f.nsQty]);

describe('a 20 MB line in a snapshot', () => {
  it('as a row: refused as too long, the good rows around it applied, memory bounded', async () => {
    const name = 'huge-row.csv';
    const good = (from: number) =>
      Array.from({ length: 5 }, (_, i) => `SKU-H${from + i},101,${from + i},${9000 + from + i}`);
    const body = Buffer.concat([
      Buffer.from(`${[HEADER, ...good(0)].join('\n')}\n`),
      Buffer.from('SKU-HUGE,101,1,'),
      Buffer.alloc(20 * MB, '7'), // a 20 MB item id, no line end in sight
      Buffer.from(`\n${good(5).join('\n')}\n`),
    ]);
    const grew = await uploadMeasured(name, body);

    for (let i = 0; i < 10; i++) expect(await qty(`SKU-H${i}`)).toEqual([['101', i]]);
    expect(await qty('SKU-HUGE')).toEqual([]);
    const kept = keptName(name, body);
    const report = (await sftp.get(`${dir}error/${kept}.errors.csv`)) as Buffer;
    expect(report.length).toBeLessThan(8 * 1024);
    const errors = parse(report, { columns: true }) as Array<Record<string, string>>;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: '7', field: '*' });
    expect(errors[0]!.reason).toBe(
      'line is 20,971,535 bytes long; a line may have at most 65,536 bytes (only its beginning is shown)',
    );
    expect(errors[0]!.raw!.startsWith('SKU-HUGE,101,1,7777')).toBe(true);
    expect((await sftp.list(`${dir}archive`)).map((e) => e.name)).toContain(kept);
    // The upload itself is 20 MB (the SFTP server and S3 stand-in buffer parts of it); the
    // import adds a few chunks. Reading the line whole used to cost gigabytes.
    expect(grew).toBeLessThan(400 * MB);
    expect(cloud.dispatcher.deadLetters).toEqual([]);
  });

  it('as the header: the file goes to failed/ with a short error file, the OMS goes on', async () => {
    const name = 'huge-header.csv';
    const body = Buffer.concat([
      Buffer.from(`${HEADER},`),
      Buffer.alloc(20 * MB, 'X'),
      Buffer.from('\nSKU-X,101,1,1\n'),
    ]);
    const grew = await uploadMeasured(name, body);

    const kept = keptName(name, body);
    expect((await sftp.list(`${dir}failed`)).map((e) => e.name)).toContain(kept);
    const report = (await sftp.get(`${dir}error/${kept}.errors.csv`)) as Buffer;
    expect(report.length).toBeLessThan(2 * 1024);
    expect(report.toString()).toMatch(
      /the header line is 20,971,565 bytes long; a line may have at most 65,536 bytes/,
    );
    expect(await qty('SKU-X')).toEqual([]);
    expect(grew).toBeLessThan(400 * MB);
    // What is stored about the run is bounded: its reason, and the whole record.
    const [run] = await ledger.recentFeedRuns(snapshotFeed.id, 1);
    expect(run).toMatchObject({ result: 'failed', key: `${dir.slice(1)}${name}` });
    expect(run!.reason!.length).toBeLessThanOrEqual(500);
    expect(JSON.stringify(run).length).toBeLessThan(4 * 1024);
    expect(cloud.dispatcher.deadLetters).toEqual([]);

    // And the next file imports as ever.
    await sftp.put(Buffer.from(`${HEADER}\nSKU-AFTER,101,3,3\n`), `${dir}after.csv`);
    await cloud.dispatcher.idle();
    expect(await qty('SKU-AFTER')).toEqual([['101', 3]]);
  });

  it('a header a little too wrong (absurd columns under the limit): a bounded reason', async () => {
    const name = 'wide-header.csv';
    const columns = Array.from({ length: 3000 }, (_, i) => `column-${i}`);
    const body = Buffer.from(`${columns.join(',')}\nSKU-W,101,1,1\n`);
    await uploadMeasured(name, body);
    const kept = keptName(name, body);
    const errors = parse((await sftp.get(`${dir}error/${kept}.errors.csv`)) as Buffer, {
      columns: true,
    }) as Array<Record<string, string>>;
    expect(errors).toHaveLength(1);
    expect(errors[0]!.field).toBe('header');
    expect(errors[0]!.reason!.length).toBeLessThanOrEqual(500);
    expect(errors[0]!.reason).toMatch(/^header does not match: expected "Item,externalFacilityId/);
    const [run] = await ledger.recentFeedRuns(snapshotFeed.id, 1);
    expect(run!.reason!.length).toBeLessThanOrEqual(500);
  });
});
