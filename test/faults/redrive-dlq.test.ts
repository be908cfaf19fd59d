/**
 * Item 1 of issue #22, the operator's half: a message the imports gave up on (here: files
 * uploaded while the inventory table is missing, a fault no retry cures) waits in the dead-letter
 * queue on disk; once the cause is fixed, `npx oms dlq redrive <id>` (or `--all`) sends it back to
 * the running OMS, which imports the file. `npx oms dlq list --json` shows what waits. Dead
 * letters of earlier versions (`dead-letters.jsonl`) are listed and re-driven the same way.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteTableCommand, waitUntilTableNotExists } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { writeEndpoints } from '../../local/cli/connect.ts';
import { DeadLetterStore, type DeadLetter } from '../../local/dead-letters.ts';
import { s3EventBody } from '../../local/event-dispatch.ts';
import { ensureTables } from '../../local/tables.ts';
import { feedById } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { FeedFileStore } from '../../shared/files/feed-file-store.ts';
import { createS3Client } from '../../shared/files/s3-client.ts';
import { createDynamoClient } from '../../shared/store/dynamo-client.ts';
import { tableName } from '../../shared/store/tables.ts';
import { startTestCloud } from '../support/local-cloud.ts';
import {
  cleanFigures,
  ledgerRecord,
  loadFacilities,
  snapshotCsv,
  storedFigures,
  waitFor,
} from './support/crash-fixtures.ts';

const feed = feedById('inventory-snapshot-import');
let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let dynamo: DynamoDBClient;
let files: FeedFileStore;
let folder: string;

/**
 * `npx oms --data-dir <cloud> …`, as the operator runs it, in its own process (asynchronously:
 * the OMS runs in this one and must go on delivering meanwhile).
 */
function oms(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/oms.mjs', '--data-dir', cloud.dataDir, ...args],
      { encoding: 'utf8', env: { ...process.env, OMS_DATA_DIR: '' }, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ status: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const listed = async (): Promise<DeadLetter[]> => {
  const out = await oms('dlq', 'list', '--json');
  expect(out.status, out.stderr).toBe(0);
  return JSON.parse(out.stdout) as DeadLetter[];
};

const done = async (key: string) => {
  const head = await files.head(key);
  return head ? (await ledgerRecord(dynamo, cloud.tablePrefix, key, head.eTag))?.status : 'moved';
};

beforeAll(async () => {
  cloud = await startTestCloud({ retry: { maxReceives: 2, retryDelayMs: 200 } });
  dynamo = createDynamoClient(cloud.config);
  files = new FeedFileStore(createS3Client(cloud.config), cloud.bucket, cloud.sftp.user);
  folder = feedPrefix(cloud.sftp.user, feed);
  await loadFacilities(dynamo, cloud.tablePrefix);
  // What `npm start` writes for the CLI.
  writeEndpoints(cloud.dataDir, {
    bucket: cloud.bucket,
    tablePrefix: cloud.tablePrefix,
    netsuiteUser: cloud.sftp.user,
    s3Endpoint: cloud.s3Endpoint,
    dynamoEndpoint: cloud.dynamoEndpoint,
    sftpPort: cloud.sftp.port,
  });
});

afterAll(async () => {
  await cloud?.cleanup();
});

describe('npx oms dlq', () => {
  it('lists dead letters and re-drives them, by id and --all, once the cause is fixed', async () => {
    const inventory = tableName(cloud.tablePrefix, 'inventory');
    await dynamo.send(new DeleteTableCommand({ TableName: inventory }));
    await waitUntilTableNotExists({ client: dynamo, maxWaitTime: 30 }, { TableName: inventory });

    const a = `${folder}first.csv`;
    const b = `${folder}second.csv`;
    await files.writeAtomically(a, snapshotCsv(300));
    await files.writeAtomically(
      b,
      'Item,externalFacilityId,availableQty,idValue\nSKU-B,1001,4,5002\n',
    );
    await waitFor(
      'both files dead-lettered',
      () => (cloud.dispatcher.deadLetters.length === 2 ? true : undefined),
      30_000,
    );
    const parked = await listed();
    expect(parked.map((d) => d.key).sort()).toEqual([a, b].sort());
    expect(parked.every((d) => d.feed === feed.id && d.receives === 2 && d.id)).toBe(true);
    expect(parked[0]!.error).toMatch(/non-existent table/);
    // Still waiting in the inbound folder, nothing applied.
    expect(await files.head(a)).toBeDefined();

    // The operator fixes the cause, then re-drives the first by (a prefix of) its id.
    await ensureTables(dynamo, cloud.tablePrefix);
    const first = parked.find((d) => d.key === a)!;
    const one = await oms('dlq', 'redrive', first.id.slice(0, 8), '--json');
    expect(one.status, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({
      redriven: [{ id: first.id, key: a }],
      takenByRunningOms: true,
    });
    await waitFor(
      'the first file imported',
      async () => ((await done(a)) === 'moved' ? 1 : undefined),
      30_000,
    );
    expect((await listed()).map((d) => d.key)).toEqual([b]);

    const all = await oms('dlq', 'redrive', '--all');
    expect(all.status, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/re-driven 1 message/);
    await waitFor(
      'the second file imported',
      async () => ((await done(b)) === 'moved' ? 1 : undefined),
      30_000,
    );
    await cloud.dispatcher.idle();
    expect(await listed()).toEqual([]);

    const figures = await storedFigures(dynamo, cloud.tablePrefix);
    expect(figures.get('SKU-B|1001')).toBe(4);
    figures.delete('SKU-B|1001');
    expect(figures).toEqual(cleanFigures(300));
    expect((await oms('dlq', 'redrive', '--all')).stdout).toMatch(/nothing to re-drive/);
    expect((await oms('dlq', 'redrive', 'no-such-id')).status).toBe(1);
  });

  it('lists and re-drives the dead letters an earlier version left in dead-letters.jsonl', async () => {
    // A file the old dispatch gave up on (three receives in three seconds, during an outage);
    // this version's start-up sweep imported it since, as it imports every waiting file.
    const key = `${folder}left-by-old-version.csv`;
    const text = 'Item,externalFacilityId,availableQty,idValue\nSKU-OLD,1002,9,5003\n';
    await files.writeAtomically(key, text);
    await waitFor('imported', async () => ((await done(key)) === 'moved' ? 1 : undefined), 30_000);
    await cloud.dispatcher.idle();
    // The old format: one JSON line per message, no id.
    const legacy = {
      key,
      feed: feed.id,
      error: 'connect ECONNREFUSED 127.0.0.1:8000',
      at: '2026-12-01T10:00:00.000Z',
      body: s3EventBody(cloud.bucket, key, text.length, 'etag-of-old'),
    };
    writeFileSync(join(cloud.dataDir, 'dead-letters.jsonl'), `${JSON.stringify(legacy)}\n`);
    const list = await listed();
    expect(list).toMatchObject([{ key, feed: feed.id, error: legacy.error, at: legacy.at }]);
    expect(new DeadLetterStore(cloud.dataDir).list()).toHaveLength(1);

    const out = await oms('dlq', 'redrive', list[0]!.id, '--json');
    expect(out.status, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ takenByRunningOms: true });
    await cloud.dispatcher.idle();
    // Delivered again: the file is already imported, so nothing changes and nothing is parked.
    expect(await listed()).toEqual([]);
    expect(cloud.dispatcher.deadLetters.filter((d) => d.key === key)).toEqual([]);
  });
});

describe('the dead-letter store', () => {
  it('moves a message to redrive/ once, and refuses an ambiguous or unknown id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oms-dlq-'));
    try {
      const store = new DeadLetterStore(dir);
      const a = store.add({
        id: 'aaaa-1',
        feed: 'f',
        key: 'k1',
        body: '{}',
        error: 'e',
        receives: 5,
      });
      store.add({ id: 'aaaa-2', feed: 'f', key: 'k2', body: '{}', error: 'e', receives: 5 });
      expect(() => store.redrive(['aaaa'])).toThrow(/matches 2/);
      expect(() => store.redrive(['zzz'])).toThrow(/no dead letter/);
      expect(store.redrive(['aaaa-1'])).toEqual([a]);
      expect(store.redrive(['aaaa-1'].slice(0, 0))).toEqual([]);
      expect(store.list().map((d) => d.id)).toEqual(['aaaa-2']);
      expect(store.pendingRedrive().map((d) => d.id)).toEqual(['aaaa-1']);
      expect(store.takeRedriven()).toEqual([a]);
      expect(store.takeRedriven()).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
