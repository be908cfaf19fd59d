/**
 * Crash recovery, item 1 of issue #22: a message for a file whose lease a dead worker holds is
 * not dropped as a duplicate. The worker — the real snapshot handler in its own process — is
 * killed with SIGKILL mid-file; the file's S3 event then reaches the running local cloud (as after
 * a restart's sweep, or S3 delivering an event twice). The message comes back until the dead
 * worker's lease ends, then takes the file over, resumes from its checkpoint, and ends as a clean
 * run: same figures, same error lines, same counts. No restart, nothing dead-lettered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedById } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { FeedFileStore } from '../../shared/files/feed-file-store.ts';
import { createS3Client } from '../../shared/files/s3-client.ts';
import { createDynamoClient } from '../../shared/store/dynamo-client.ts';
import { ImportLedger } from '../../shared/store/import-ledger.ts';
import { tableName } from '../../shared/store/tables.ts';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startTestCloud } from '../support/local-cloud.ts';
import {
  cleanErrorLines,
  cleanFigures,
  exitOf,
  leaseUntil,
  ledgerRecord,
  loadFacilities,
  reportedErrorLines,
  snapshotCsv,
  spawnTs,
  storedFigures,
  waitFor,
} from './support/crash-fixtures.ts';

const ROWS = 12_000;
const LEASE_MS = 10_000;
const feed = feedById('inventory-snapshot-import');

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let dynamo: DynamoDBClient;
let files: FeedFileStore;
let folder: string;

beforeAll(async () => {
  // No S3 event routing: the test hands the cloud the file's event itself, after the crash.
  cloud = await startTestCloud({ dispatch: false });
  dynamo = createDynamoClient(cloud.config);
  files = new FeedFileStore(createS3Client(cloud.config), cloud.bucket, cloud.sftp.user);
  folder = feedPrefix(cloud.sftp.user, feed);
  await loadFacilities(dynamo, cloud.tablePrefix);
});

afterAll(async () => {
  await cloud?.cleanup();
});

describe('a file held by a dead worker', () => {
  it('is taken over once the lease ends, without a restart, and ends as a clean run', async () => {
    const name = 'Mon Mar 01 2027 01:00:00 GMT-0800 (PST)-InventoryItemExport.csv';
    const key = `${folder}${name}`;
    await files.writeAtomically(key, snapshotCsv(ROWS));
    const head = (await files.head(key))!;

    // The worker: the deployed handler in its own process, checkpointing every 1,000 rows.
    const worker = spawnTs('bench/inventory-child.ts', ['import', key], {
      OMS_CHECKPOINT_ROWS: '1000',
      OMS_IMPORT_LEASE_MS: String(LEASE_MS),
    });
    const cp = await waitFor(
      'a checkpoint of 2,000 rows',
      async () => {
        const r = await ledgerRecord(dynamo, cloud.tablePrefix, key, head.eTag);
        return r?.checkpoint && r.checkpoint.rows >= 2_000 ? r.checkpoint : undefined;
      },
      45_000,
    );
    worker.kill('SIGKILL');
    await exitOf(worker);
    const stuck = await ledgerRecord(dynamo, cloud.tablePrefix, key, head.eTag);
    expect(stuck?.status).toBe('processing');
    expect(cp.rows).toBeLessThan(ROWS);
    const until = await leaseUntil(dynamo, cloud.tablePrefix, key, head.eTag);

    // The file's event reaches the running cloud while the dead worker's lease still holds.
    expect(until - Date.now(), 'the lease ran out before the delivery').toBeGreaterThan(1_000);
    expect(cloud.dispatcher.enqueueKey(cloud.bucket, key, head.size, head.eTag)).toBe(true);
    await waitFor(
      'the file imported',
      async () =>
        (await ledgerRecord(dynamo, cloud.tablePrefix, key, head.eTag))?.status === 'done'
          ? true
          : undefined,
      40_000,
    );
    // Taken over once the lease had ended, not before.
    expect(Date.now()).toBeGreaterThan(until);
    await cloud.dispatcher.idle();

    const record = await ledgerRecord(dynamo, cloud.tablePrefix, key, head.eTag);
    expect(record?.status).toBe('done');
    expect(record?.summary).toMatchObject({
      result: 'archived',
      rows: ROWS,
      applied: cleanFigures(ROWS).size,
      rejected: cleanErrorLines(ROWS).length,
    });
    const [run] = await new ImportLedger(
      dynamo,
      tableName(cloud.tablePrefix, 'control'),
    ).recentFeedRuns(feed.id, 1);
    expect(run).toMatchObject({ key, rows: ROWS, rejected: cleanErrorLines(ROWS).length });
    expect(await storedFigures(dynamo, cloud.tablePrefix)).toEqual(cleanFigures(ROWS));
    expect(await reportedErrorLines(files, run!.errorFile!)).toEqual(cleanErrorLines(ROWS));
    expect(await files.head(key)).toBeUndefined();
    expect(cloud.dispatcher.deadLetters).toEqual([]);
    expect(cloud.deadLetters.list()).toEqual([]);
  });

  it('lets only the lease holder checkpoint, pause or give the file up', async () => {
    const control = tableName(cloud.tablePrefix, 'control');
    const dead = new ImportLedger(dynamo, control);
    const next = new ImportLedger(dynamo, control);
    const cp = {
      offset: 10,
      line: 2,
      header: ['a'],
      rows: 1,
      applied: 1,
      rejected: 0,
      errorParts: 0,
    };
    expect(await dead.claim('k/slow.csv', 'e1', 1)).toMatchObject({ outcome: 'claimed' });
    await new Promise((r) => setTimeout(r, 20));
    // The lease ran out: the next delivery takes the file over.
    expect(await next.claim('k/slow.csv', 'e1', 60_000)).toMatchObject({ outcome: 'claimed' });
    // The old holder, slow but alive, can no longer write over its successor's progress.
    await expect(dead.saveCheckpoint('k/slow.csv', 'e1', cp, 60_000)).rejects.toBeInstanceOf(
      ConditionalCheckFailedException,
    );
    await expect(dead.pause('k/slow.csv', 'e1')).rejects.toBeInstanceOf(
      ConditionalCheckFailedException,
    );
    await dead.fail('k/slow.csv', 'e1', 'late failure'); // leaves the successor's claim alone
    expect(await next.get('k/slow.csv', 'e1')).toMatchObject({ status: 'processing' });
    await next.saveCheckpoint('k/slow.csv', 'e1', cp, 60_000);
    const third = await new ImportLedger(dynamo, control).claim('k/slow.csv', 'e1', 60_000);
    expect(third.outcome).toBe('busy');
    expect(third.outcome === 'busy' && third.leaseUntil).toBeGreaterThan(Date.now() + 50_000);
  });
});
