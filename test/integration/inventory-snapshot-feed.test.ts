/**
 * The first feed end to end on the local cloud: a NetSuite inventory snapshot uploaded with a real
 * SFTP client lands in S3, fires the event, is imported into DynamoDB, and moves to archive/.
 */
import type SftpClient from 'ssh2-sftp-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { feedById } from '../../shared/feeds/catalog.ts';
import { importFeedFile } from '../../shared/feeds/file-import.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { FeedFileStore } from '../../shared/files/feed-file-store.ts';
import { createS3Client } from '../../shared/files/s3-client.ts';
import { createDynamoClient } from '../../shared/store/dynamo-client.ts';
import { ImportLedger } from '../../shared/store/import-ledger.ts';
import { InventoryStore } from '../../shared/store/inventory-store.ts';
import { tableName } from '../../shared/store/tables.ts';
import { root, snapshotImporter } from '../../shared/app/root.ts';
import { FacilityStore } from '../../shared/store/facility-store.ts';
import { keptName } from '../support/kept-files.ts';
import { connectSftp, startTestCloud } from '../support/local-cloud.ts';

const HEADER = 'Item,externalFacilityId,availableQty,idValue';
const feed = feedById('inventory-snapshot-import');

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let sftp: SftpClient;
let inventory: InventoryStore;
let files: FeedFileStore;
let ledger: ImportLedger;
let dir: string;

beforeAll(async () => {
  cloud = await startTestCloud();
  const cfg = cloud.config;
  const dynamo = createDynamoClient(cfg);
  inventory = new InventoryStore(dynamo, tableName(cfg.tablePrefix, 'inventory'));
  ledger = new ImportLedger(dynamo, tableName(cfg.tablePrefix, 'control'));
  files = new FeedFileStore(createS3Client(cfg), cloud.bucket, cloud.sftp.user);
  await new FacilityStore(dynamo, tableName(cfg.tablePrefix, 'control')).save(
    ['101', '102', '103'].map((id) => ({
      facilityId: id,
      externalId: id,
      name: `Warehouse ${id}`,
      kind: 'warehouse' as const,
      groups: [],
    })),
  );
  sftp = await connectSftp(cloud);
  dir = `/${feedPrefix(cloud.sftp.user, feed)}`;
});

afterAll(async () => {
  await sftp?.end();
  await cloud?.cleanup();
});

const upload = async (name: string, text: string) => {
  await sftp.put(Buffer.from(text), `${dir}${name}`);
  await cloud.dispatcher.idle();
};

const listNames = async (path: string) => (await sftp.list(path)).map((e) => e.name).sort();

const qty = async (sku: string) =>
  Object.fromEntries((await inventory.figuresForSku(sku)).map((f) => [f.facilityId, f.nsQty]));

describe('inventory snapshot feed over SFTP', () => {
  it('imports good rows, reports bad ones with line and reason, and archives the file', async () => {
    const name = 'Wed Jul 02 2025 03:15:00 GMT-0700 (PDT)-InventoryItemExport.csv';
    const text = [
      `\uFEFF${HEADER}`, // Excel and some NetSuite saves start with a byte-order mark
      'SKU-A,101,12,5001',
      'SKU-A,102,0,5001',
      'SKU-B,101,7.0,5002',
      ',101,3,5003', // blank SKU
      'SKU-C,101,-2,5004', // negative
      'SKU-D,101,ten,5005', // not a number
      'SKU-E,101,4,ACME, Inc', // unescaped comma shifts the row
      'SKU-A,101,99,5001', // duplicate key
      'SKU-U,999,4,5010', // unknown facility
      'SKU-F,103', // truncated last line
    ].join('\r\n');
    await upload(name, text);

    expect(await qty('SKU-A')).toEqual({ '101': 12, '102': 0 });
    expect(await qty('SKU-B')).toEqual({ '101': 7 });
    expect(await qty('SKU-C')).toEqual({});

    expect(await listNames(dir)).toEqual(['archive', 'error', 'failed']);
    const kept = keptName(name, text);
    expect(await listNames(`${dir}archive`)).toContain(kept);

    const errors = parse((await sftp.get(`${dir}error/${kept}.errors.csv`)) as Buffer, {
      columns: true,
    }) as Array<Record<string, string>>;
    expect(errors.map((e) => [e.line, e.field])).toEqual([
      ['5', 'Item'],
      ['6', 'availableQty'],
      ['7', 'availableQty'],
      ['8', '*'],
      ['9', 'Item'],
      ['10', 'externalFacilityId'],
      ['11', '*'],
    ]);
    expect(errors[0]).toMatchObject({ file: kept, reason: 'SKU is blank', raw: ',101,3,5003' });
    expect(errors[3]!.reason).toMatch(/expected 4 columns, found 5/);
    expect(errors[4]!.reason).toMatch(/duplicate row for SKU-A at 101; line 2 was applied/);
    expect(errors[6]!.reason).toMatch(/^last line has no line end/);
  });

  it('moves a file with a wrong header to failed/ with an error file, applying nothing', async () => {
    const name = 'wrong-header.csv';
    const text = 'item,externalFacilityId,availableQty,idValue\nSKU-W,101,5,1\n';
    await upload(name, text);
    expect(await qty('SKU-W')).toEqual({});
    expect(await listNames(`${dir}failed`)).toContain(keptName(name, text));
    const report = (
      (await sftp.get(`${dir}error/${keptName(name, text)}.errors.csv`)) as Buffer
    ).toString();
    expect(report).toMatch(/missing ""Item""/);
  });

  it('ignores temp names and empty files, leaving them where they are', async () => {
    await upload('partial.csv.filepart', `${HEADER}\nSKU-T,101,1,1\n`);
    await upload('empty.csv', '');
    expect(await qty('SKU-T')).toEqual({});
    expect(await listNames(dir)).toEqual(
      ['archive', 'empty.csv', 'error', 'failed', 'partial.csv.filepart'].sort(),
    );
    await sftp.delete(`${dir}partial.csv.filepart`);
    await sftp.delete(`${dir}empty.csv`);
  });

  it('changes nothing when the same event is delivered twice, or the same file uploaded again', async () => {
    const name = 'twice.csv';
    const text = `${HEADER}\nSKU-2,101,5,1\n`;
    await upload(name, text);
    expect(await qty('SKU-2')).toEqual({ '101': 5 });
    const archived = await files.head(
      `${feedPrefix(cloud.sftp.user, feed)}archive/${keptName(name, text)}`,
    );
    expect(archived).toBeDefined();

    // Change the figure behind the import's back: a replay must not reset it.
    await sftp.put(Buffer.from(`${HEADER}\nSKU-2,101,8,1\n`), `${dir}other.csv`);
    await cloud.dispatcher.idle();
    expect(await qty('SKU-2')).toEqual({ '101': 8 });

    // The same event again (S3 at-least-once), then the same bytes uploaded again.
    cloud.dispatcher.enqueueKey(
      cloud.bucket,
      `${dir.slice(1)}${name}`,
      text.length,
      archived!.eTag,
    );
    await cloud.dispatcher.idle();
    await upload(name, text);
    expect(await qty('SKU-2')).toEqual({ '101': 8 });
    expect(await listNames(dir)).toEqual(['archive', 'error', 'failed']);
    expect(cloud.dispatcher.deadLetters).toEqual([]);
  });

  it('lets exactly one of two concurrent deliveries import a file', async () => {
    const key = `${feedPrefix(cloud.sftp.user, feed)}race.csv`;
    await files.writeAtomically(`${key}`, `${HEADER}\nSKU-R,101,3,1\n`);
    // The write above fired an event too; run two more imports at the same time as it.
    const head = (await files.head(key)) ?? { size: 1, eTag: 'gone' };
    const deps = {
      files,
      ledger,
      user: cloud.sftp.user,
      importerFor: () => snapshotImporter(root()),
      leaseMs: 60_000,
    };
    const ref = { bucket: cloud.bucket, key, size: head.size, eTag: head.eTag };
    const results = await Promise.all([importFeedFile(ref, deps), importFeedFile(ref, deps)]);
    await cloud.dispatcher.idle();
    const imported = results.filter((r) => r.status === 'archived').length;
    expect(imported).toBeLessThanOrEqual(1);
    expect(await qty('SKU-R')).toEqual({ '101': 3 });
    const record = await ledger.get(key, head.eTag);
    expect(record?.status).toBe('done');
  });
});
