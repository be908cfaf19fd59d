/**
 * Crash recovery, item 1 of issue #22, as a user meets it: `npm start` (local/main.ts, persisted
 * data folder) is killed with SIGKILL while it imports a snapshot; its DynamoDB Local JVM is left
 * running, orphaned. One restart later (the local cloud started again on the same data folder and
 * ports), with nothing else done: the orphan is stopped, the start-up sweep finds the file, its
 * message waits for the dead process's lease to end, then takes the file over from its
 * checkpoint, and the figures, error lines and counts are those of a clean run.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startLocalCloud, type LocalCloud } from '../../local/cloud.ts';
import type { LocalEndpoints } from '../../local/cli/connect.ts';
import { freePort } from '../../local/free-port.ts';
import { feedById } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { FeedFileStore } from '../../shared/files/feed-file-store.ts';
import { createS3Client } from '../../shared/files/s3-client.ts';
import { createDynamoClient } from '../../shared/store/dynamo-client.ts';
import { ImportLedger } from '../../shared/store/import-ledger.ts';
import { tableName } from '../../shared/store/tables.ts';
import { readFileSync } from 'node:fs';
import {
  cleanErrorLines,
  cleanFigures,
  dataFolder,
  exitOf,
  leaseUntil,
  ledgerRecord,
  livePid,
  loadFacilities,
  reportedErrorLines,
  snapshotCsv,
  spawnTs,
  storedFigures,
  waitFor,
} from './support/crash-fixtures.ts';

const ROWS = 6_000;
/** Longer than a restart takes, as the default 5 minutes is: the restart meets a live lease. */
const LEASE_MS = 20_000;
const feed = feedById('inventory-snapshot-import');
const dataDir = dataFolder('oms-crash-');
const pidFile = join(dataDir, 'dynamodb', 'dynamodb-local.pid');
let oms: ChildProcess | undefined;
let restarted: LocalCloud | undefined;
const output: string[] = [];

afterAll(async () => {
  if (oms && oms.exitCode === null && oms.signalCode === null) oms.kill('SIGKILL');
  await restarted?.stop();
  // The orphaned JVM, if the restart did not stop it (it is ours: its pid is in our data folder).
  const orphan = livePid(pidFile);
  if (orphan) process.kill(orphan, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('kill -9 of npm start mid-import', () => {
  it('recovers the file at the next start, once the lease ends, as a clean run', async () => {
    const [s3Port, dynamoPort, sftpPort, apiPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const env = {
      OMS_DATA_DIR: dataDir,
      OMS_S3_PORT: String(s3Port),
      OMS_DYNAMODB_PORT: String(dynamoPort),
      OMS_SFTP_PORT: String(sftpPort),
      OMS_API_PORT: String(apiPort),
      OMS_IN_MEMORY: '',
      OMS_DYNAMODB_HEAP: '512m',
      OMS_CHECKPOINT_ROWS: '500',
      OMS_IMPORT_LEASE_MS: String(LEASE_MS),
      OMS_LOG_FORMAT: 'pretty',
    };
    oms = spawnTs('local/main.ts', [], env, (line) => output.push(line));
    await waitFor(
      'npm start up',
      () => (output.some((l) => l.includes('OMS local cloud is up')) ? true : undefined),
      60_000,
    );
    const endpoints = JSON.parse(
      readFileSync(join(dataDir, 'endpoints.json'), 'utf8'),
    ) as LocalEndpoints;
    const cfg = {
      bucket: endpoints.bucket,
      tablePrefix: endpoints.tablePrefix,
      netsuiteUser: endpoints.netsuiteUser,
      region: 'us-east-1',
      s3Endpoint: endpoints.s3Endpoint,
      dynamoEndpoint: endpoints.dynamoEndpoint,
    };
    const dynamo: DynamoDBClient = createDynamoClient(cfg);
    const files = new FeedFileStore(createS3Client(cfg), cfg.bucket, cfg.netsuiteUser);
    const folder = feedPrefix(cfg.netsuiteUser, feed);
    await loadFacilities(dynamo, cfg.tablePrefix);

    // NetSuite's upload; the running OMS imports it, and is killed after a few checkpoints.
    const name = 'Tue Mar 02 2027 01:00:00 GMT-0800 (PST)-InventoryItemExport.csv';
    const key = `${folder}${name}`;
    await files.writeAtomically(key, snapshotCsv(ROWS));
    const head = (await files.head(key))!;
    const cp = await waitFor(
      'a checkpoint of 1,500 rows',
      async () => {
        const r = await ledgerRecord(dynamo, cfg.tablePrefix, key, head.eTag);
        return r?.checkpoint && r.checkpoint.rows >= 1_500 ? r.checkpoint : undefined;
      },
      45_000,
    );
    oms.kill('SIGKILL');
    await exitOf(oms);
    expect(cp.rows).toBeLessThan(ROWS);
    expect((await ledgerRecord(dynamo, cfg.tablePrefix, key, head.eTag))?.status).toBe(
      'processing',
    );
    // kill -9 leaves DynamoDB Local's JVM running: it still answers, holding port and files.
    const orphan = livePid(pidFile);
    expect(orphan).toBeDefined();
    const until = await leaseUntil(dynamo, cfg.tablePrefix, key, head.eTag);
    dynamo.destroy();

    // The one restart: same data folder, same ports, as `npm start` again.
    process.env.OMS_IMPORT_LEASE_MS = String(LEASE_MS);
    process.env.OMS_CHECKPOINT_ROWS = '500';
    const log: string[] = [];
    restarted = await startLocalCloud({
      dataDir,
      ports: { s3: s3Port, dynamo: dynamoPort, sftp: 0 },
      sftpPassword: 'test-password-1',
      log: (line) => log.push(line),
    });
    // As with the default 5-minute lease, the restart's sweep normally meets the dead process's
    // lease (the case that dropped the message); on a machine too loaded to restart within the
    // test's lease the file is simply free at once (crash-lease.test.ts covers the wait alone).
    const metLease = until > Date.now();
    if (!metLease) console.warn(`restart took longer than the ${LEASE_MS / 1000} s lease`);
    expect(livePid(pidFile)).not.toBe(orphan);
    const dynamo2 = createDynamoClient(restarted.config);
    const files2 = new FeedFileStore(
      createS3Client(restarted.config),
      restarted.bucket,
      restarted.sftp.user,
    );
    await waitFor(
      'the file imported after the restart',
      async () =>
        (await ledgerRecord(dynamo2, cfg.tablePrefix, key, head.eTag))?.status === 'done'
          ? true
          : undefined,
      45_000,
    );
    // Not before the lease ended.
    expect(Date.now()).toBeGreaterThan(until);
    await restarted.dispatcher.idle();
    expect(log.some((l) => l.includes(`queued waiting file ${key}`))).toBe(true);

    const record = await ledgerRecord(dynamo2, cfg.tablePrefix, key, head.eTag);
    expect(record?.summary).toMatchObject({
      result: 'archived',
      rows: ROWS,
      applied: cleanFigures(ROWS).size,
      rejected: cleanErrorLines(ROWS).length,
    });
    const [run] = await new ImportLedger(
      dynamo2,
      tableName(cfg.tablePrefix, 'control'),
    ).recentFeedRuns(feed.id, 1);
    expect(run).toMatchObject({ key, rows: ROWS });
    expect(await storedFigures(dynamo2, cfg.tablePrefix)).toEqual(cleanFigures(ROWS));
    expect(await reportedErrorLines(files2, run!.errorFile!)).toEqual(cleanErrorLines(ROWS));
    expect(await files2.head(key)).toBeUndefined();
    expect(restarted.dispatcher.deadLetters).toEqual([]);
    expect(restarted.deadLetters.list()).toEqual([]);
  }, 300_000); // two starts of the whole local cloud: minutes on a loaded machine
});
