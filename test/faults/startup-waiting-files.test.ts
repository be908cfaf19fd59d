/**
 * Fault: `npm start` with 1,500 files waiting in an inbound folder (issue #22, item 5). Files that
 * arrived while the OMS was down have had their S3 events missed; the start-up sweep lists the
 * folder (1,000 keys a page) and queues each one. Every file must be imported and none left.
 *
 * The files are written into the local cloud's data folder (its S3 emulator) before the cloud
 * starts, as after a stop. Their names are NetSuite's (`… GMT-0700 (PDT)-ProductExport.csv`) with
 * re-sent copies (`….csv.1` … `….csv.9`): before the fix the emulator listed them out of key order
 * and a page end skipped files the sweep then never queued.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { LOCAL_BUCKET, startLocalCloud, type LocalCloud } from '../../local/cloud.ts';
import { startS3Emulator } from '../../local/s3-emulator.ts';
import { feedById } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { FeedFileStore } from '../../shared/files/feed-file-store.ts';
import { createS3Client } from '../../shared/files/s3-client.ts';
import { ProductStore } from '../../shared/store/product-store.ts';
import { tableName } from '../../shared/store/tables.ts';

const USER = 'netsuite';
const WAITING = 1500;
const FOLDER = feedPrefix(USER, feedById('product-import'));

/** NetSuite's file-name time stamp, e.g. `Wed Jul 02 2025 03:15:00 GMT-0700 (PDT)`. */
function netsuiteStamp(minutes: number): string {
  const t = new Date(Date.UTC(2025, 6, 2, 10, 0) + minutes * 60_000 - 7 * 3600_000);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][t.getUTCDay()];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day} Jul ${pad(t.getUTCDate())} 2025 ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:00 GMT-0700 (PDT)`;
}

/** 150 exports a quarter of an hour apart, each with its copies re-sent as `….csv.1` to `.9`. */
const NAMES: string[] = [];
for (let i = 0; NAMES.length < WAITING; i++) {
  const base = `${netsuiteStamp(i * 15)}-ProductExport.csv`;
  NAMES.push(base, ...Array.from({ length: 9 }, (_, k) => `${base}.${k + 1}`));
}
NAMES.length = WAITING;
const sku = (n: number) => `WAIT-${String(n).padStart(5, '0')}`;

let dataDir: string;
let cloud: LocalCloud | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'oms-fault-startup-'));
  // The bucket in the data folder, filled while no OMS runs (no events reach any dispatcher).
  const emulator = await startS3Emulator({
    directory: join(dataDir, 's3'),
    buckets: [LOCAL_BUCKET],
  });
  const s3 = createS3Client({
    bucket: LOCAL_BUCKET,
    tablePrefix: 'unused',
    netsuiteUser: USER,
    region: 'us-east-1',
    s3Endpoint: emulator.endpoint,
    dynamoEndpoint: 'http://127.0.0.1:1',
  });
  for (let i = 0; i < NAMES.length; i += 64) {
    await Promise.all(
      NAMES.slice(i, i + 64).map((name, j) =>
        s3.send(
          new PutObjectCommand({
            Bucket: LOCAL_BUCKET,
            Key: `${FOLDER}${name}`,
            Body: `id-value,good-identification-value\n${sku(i + j)},${700000 + i + j}\n`,
          }),
        ),
      ),
    );
  }
  s3.destroy();
  await emulator.close();
}, 120_000);

afterAll(async () => {
  vi.restoreAllMocks();
  await cloud?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

it('starts with 1,500 files waiting in a folder, imports every one and leaves none', async () => {
  // 1,500 import log lines: kept out of the test output.
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const logs: string[] = [];
  cloud = await startLocalCloud({
    dataDir,
    inMemoryDb: true,
    sftpPassword: 'startup-fault-pw',
    log: (line) => logs.push(line),
  });
  // The sweep queued every waiting file, each once.
  const queued = logs
    .filter((l) => l.startsWith('queued waiting file '))
    .map((l) => l.slice('queued waiting file '.length));
  expect(NAMES.filter((name) => !queued.includes(`${FOLDER}${name}`))).toEqual([]);
  expect(queued).toHaveLength(WAITING);

  await cloud.dispatcher.idle();
  expect(cloud.dispatcher.deadLetters).toEqual([]);

  const files = new FeedFileStore(createS3Client(cloud.config), cloud.bucket, USER);
  expect((await files.list(FOLDER)).map((o) => o.key)).toEqual([]);
  expect(await files.list(`${FOLDER}archive/`)).toHaveLength(WAITING);
  expect(await files.list(`${FOLDER}failed/`)).toHaveLength(0);
  expect(await files.list(`${FOLDER}error/`)).toHaveLength(0);

  const dynamo = new DynamoDBClient({
    endpoint: cloud.dynamoEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const products = new ProductStore(dynamo, tableName(cloud.tablePrefix, 'control'));
    const skus = Array.from({ length: WAITING }, (_, n) => sku(n));
    const found = await products.itemIdsForSkus(skus);
    expect(skus.filter((s) => !found.has(s))).toEqual([]);
  } finally {
    dynamo.destroy();
  }
  // 1,500 imports one after the other (the local dispatch delivers a feed's messages in turn):
  // about a minute on two idle cores, more on a busy machine.
}, 300_000);
