/**
 * Item 1 of issue #22, the database half: DynamoDB Local's JVM is killed (SIGKILL) while the
 * local cloud runs — in the middle of a snapshot import, and with another file uploaded while it
 * is down. The local cloud notices the exit and restarts the JVM on the same port and files; the
 * dispatch holds its messages through the outage (a failure during it is not a receive), and both
 * files are imported: the interrupted one from its checkpoint, at once (its claim, which the
 * ledger could not be told was given up, is known to this process as abandoned — no waiting for
 * the 2-minute lease), figures and error lines as a clean run. Nothing is dead-lettered.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startLocalCloud, type LocalCloud } from '../../local/cloud.ts';
import { feedById } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { FeedFileStore } from '../../shared/files/feed-file-store.ts';
import { createS3Client } from '../../shared/files/s3-client.ts';
import { createDynamoClient } from '../../shared/store/dynamo-client.ts';
import { ImportLedger } from '../../shared/store/import-ledger.ts';
import { InventoryStore } from '../../shared/store/inventory-store.ts';
import { tableName } from '../../shared/store/tables.ts';
import {
  cleanErrorLines,
  cleanFigures,
  dataFolder,
  ledgerRecord,
  livePid,
  loadFacilities,
  reportedErrorLines,
  snapshotCsv,
  storedFigures,
  waitFor,
} from './support/crash-fixtures.ts';

const ROWS = 6_000;
const feed = feedById('inventory-snapshot-import');
const dataDir = dataFolder('oms-dynamo-');
const pidFile = join(dataDir, 'dynamodb', 'dynamodb-local.pid');
let cloud: LocalCloud;
let dynamo: DynamoDBClient;
let files: FeedFileStore;
let folder: string;
const log: string[] = [];

beforeAll(async () => {
  process.env.OMS_IMPORT_LEASE_MS = '120000';
  process.env.OMS_CHECKPOINT_ROWS = '500';
  cloud = await startLocalCloud({
    dataDir,
    sftpPassword: 'test-password-1',
    log: (line) => log.push(line),
  });
  dynamo = createDynamoClient(cloud.config);
  files = new FeedFileStore(createS3Client(cloud.config), cloud.bucket, cloud.sftp.user);
  folder = feedPrefix(cloud.sftp.user, feed);
  await loadFacilities(dynamo, cloud.tablePrefix);
});

afterAll(async () => {
  await cloud?.stop();
  const jvm = livePid(pidFile);
  if (jvm) process.kill(jvm, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('DynamoDB Local killed while the local cloud runs', () => {
  it('is restarted, and the files of the outage are imported, nothing dead-lettered', async () => {
    const name = 'Wed Mar 03 2027 01:00:00 GMT-0800 (PST)-InventoryItemExport.csv';
    const key = `${folder}${name}`;
    await files.writeAtomically(key, snapshotCsv(ROWS));
    const head = (await files.head(key))!;
    await waitFor(
      'a checkpoint of 1,500 rows',
      async () => {
        const r = await ledgerRecord(dynamo, cloud.tablePrefix, key, head.eTag);
        return r?.checkpoint && r.checkpoint.rows >= 1_500 ? r.checkpoint : undefined;
      },
      30_000,
    );

    const jvm = livePid(pidFile)!;
    process.kill(jvm, 'SIGKILL');
    // A file NetSuite uploads while the database is down (S3 and SFTP still run).
    const late = `${folder}uploaded-while-down.csv`;
    await files.writeAtomically(
      late,
      'Item,externalFacilityId,availableQty,idValue\r\nSKU-DOWN,1000,7,5001\r\n',
    );

    await waitFor(
      'both files imported',
      async () => {
        try {
          const a = await ledgerRecord(dynamo, cloud.tablePrefix, key, head.eTag);
          const b = await new InventoryStore(
            dynamo,
            tableName(cloud.tablePrefix, 'inventory'),
          ).figuresForSku('SKU-DOWN');
          return a?.status === 'done' && b.length === 1 ? true : undefined;
        } catch {
          return undefined; // the database is still down
        }
      },
      50_000,
    );
    await cloud.dispatcher.idle();

    // Restarted: a new JVM on the same port.
    expect(livePid(pidFile)).toBeDefined();
    expect(livePid(pidFile)).not.toBe(jvm);
    expect(log.some((l) => /DynamoDB Local killed by SIGKILL; restarting/.test(l))).toBe(true);
    expect(log.some((l) => /DynamoDB Local is back/.test(l))).toBe(true);

    const record = await ledgerRecord(dynamo, cloud.tablePrefix, key, head.eTag);
    expect(record?.summary).toMatchObject({
      result: 'archived',
      rows: ROWS,
      applied: cleanFigures(ROWS).size,
      rejected: cleanErrorLines(ROWS).length,
    });
    const runs = await new ImportLedger(
      dynamo,
      tableName(cloud.tablePrefix, 'control'),
    ).recentFeedRuns(feed.id, 2);
    const run = runs.find((r) => r.key === key)!;
    expect(await reportedErrorLines(files, run.errorFile!)).toEqual(cleanErrorLines(ROWS));
    const figures = await storedFigures(dynamo, cloud.tablePrefix);
    expect(figures.get('SKU-DOWN|1000')).toBe(7);
    figures.delete('SKU-DOWN|1000');
    expect(figures).toEqual(cleanFigures(ROWS));
    expect(await files.head(key)).toBeUndefined();
    expect(await files.head(late)).toBeUndefined();
    expect(cloud.dispatcher.deadLetters).toEqual([]);
    expect(cloud.deadLetters.list()).toEqual([]);
  });
});
