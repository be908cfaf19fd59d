/**
 * NetSuite's exception files on the local cloud. The test plays NetSuite by writing into S3 what
 * its SuiteScripts leave in the folders it imports: the file moved to `archive/` or `failed/`, and
 * `error/<Date.toString()>-Error<Name>.csv` (`fileName,errorMessage`, unquoted). The core job
 * `netsuite-exceptions` must then record when NetSuite took a file, put a refused allocation back
 * in its outbox (kept out of files while its row is unchanged, re-sent once the cause is fixed),
 * re-send a wholly failed file's records once, read each error file once, list what nobody can
 * explain, and show all of it in `oms sync status`.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Facility } from '../../shared/domain/facility.ts';
import {
  allocationEntryId,
  NETSUITE_FULFILLED,
  type AllocationPayload,
} from '../../shared/domain/sync/allocation-rows.ts';
import { partyIdFor } from '../../shared/domain/sync/party.ts';
import { feedById, type FeedId } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { feedFiles } from '../../shared/files/feed-file-store.ts';
import { s3 } from '../../shared/files/s3-client.ts';
import {
  mappingStore,
  netsuiteIdStore,
  orderRuntime,
  root,
  syncStore,
} from '../../shared/app/root.ts';
import { BatchWriter } from '../../shared/store/batch-writer.ts';
import { dynamo, table } from '../../shared/store/dynamo-client.ts';
import { snapshotItem } from '../../shared/store/inventory-store.ts';
import { FacilityStore } from '../../shared/store/facility-store.ts';
import { ImportLedger } from '../../shared/store/import-ledger.ts';
import { productItems, ProductStore } from '../../shared/store/product-store.ts';
import type { OutboxEntry, OutboxFeed } from '../../shared/store/sync-store.ts';
import { customerRow, type CustomerRecord } from '../../shared/domain/sync/customer-row.ts';
import { rowsFingerprint } from '../../shared/domain/sync/netsuite-error-file.ts';
import type { ExportReport } from '../../shared/sync/export-run.ts';
import { resendRefused, type ExceptionsReport } from '../../shared/sync/netsuite-exceptions.ts';
import { syncStatus } from '../../shared/sync/sync-status.ts';
import { startTestCloud } from '../support/local-cloud.ts';
import { sampleOrder } from '../support/order-core.ts';

const WAREHOUSE = 'WH1';
const SKU = 'NX-SKU-A';
const ALLOCATION: FeedId = 'allocation-update-export';

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let n = 0;
const key = (label: string) => `${label}-${++n}`;

const facilities: Facility[] = [
  {
    facilityId: WAREHOUSE,
    externalId: '13',
    name: 'Warehouse 1',
    kind: 'warehouse',
    groups: [NETSUITE_FULFILLED],
  },
];

const folderOf = (feed: FeedId) => feedPrefix(cloud.sftp.user, feedById(feed));
const runJob = () => cloud.scheduler.runNow('netsuite-exceptions') as Promise<ExceptionsReport>;
const runExport = (feed: FeedId) => cloud.scheduler.runNow(feed) as Promise<ExportReport>;
const entriesOf = async (feed: OutboxFeed) => {
  const out: OutboxEntry<unknown>[] = [];
  for await (const page of syncStore(root()).entries(feed)) out.push(...page);
  return out;
};
const outbox = async (feed: OutboxFeed) => {
  const ids: string[] = [];
  for await (const page of syncStore(root()).entries(feed)) ids.push(...page.map((e) => e.id));
  return ids.sort();
};
const status = () =>
  syncStatus(
    { sync: syncStore(root()), ledger: new ImportLedger(dynamo(), table('control')) },
    { thresholdMinutes: 0 },
  );

/** A new order of one line, with NetSuite's ids, allocated whole at the warehouse. */
async function allocatedOrder(quantity = 2): Promise<string> {
  const created = await orderRuntime(root()).intake.submit(
    sampleOrder({}, [{ sku: SKU, quantity, price: 10, shippingMethod: 'STANDARD' }]),
    { source: 'test', actor: 'test' },
  );
  if (created.status !== 'created') throw new Error(created.status);
  const orderId = created.orderId;
  await orderRuntime(root()).service.recordNetsuiteIds({
    orderId,
    netsuiteOrderId: `5${orderId.replace(/\D/g, '').slice(-6)}`,
    lineIds: { '00001': '1' },
    idempotencyKey: key('ids'),
    actor: 'test',
  });
  const payload: AllocationPayload = {
    orderId,
    lineSeq: '00001',
    facilityId: WAREHOUSE,
    afterRejection: false,
  };
  await orderRuntime(root()).service.move({
    orderId,
    lineSeq: '00001',
    from: 1100,
    to: 1200,
    quantity,
    facilityId: WAREHOUSE,
    idempotencyKey: key('alloc'),
    actor: 'brokering',
    linked: [
      {
        label: 'linked:allocation-outbox',
        item: syncStore(root()).outboxPut(
          'allocation',
          allocationEntryId(payload),
          payload,
          new Date().toISOString(),
        ),
      },
    ],
  });
  return orderId;
}

/** NetSuite's time-stamped name for its exception file. */
let errorClock = Date.parse('2026-01-05T10:00:00Z');
const errorFileName = (name: string) =>
  `${new Date((errorClock += 1000)).toString()}-Error${name}.csv`;

/** What NetSuite leaves behind: the file moved, and (optionally) its error file, unquoted. */
async function netsuite(
  feed: FeedId,
  file: string,
  to: 'archive' | 'failed',
  errorRows: readonly string[] = [],
  errorName = 'SalesOrderUpdate',
): Promise<string | undefined> {
  const prefix = folderOf(feed);
  expect(await feedFiles().move(`${prefix}${file}`, `${prefix}${to}/${file}`)).toBe(true);
  if (!errorRows.length) return undefined;
  const name = errorFileName(errorName);
  await putObject(
    `${prefix}error/${name}`,
    ['fileName,errorMessage', ...errorRows].map((r) => `${r}\n`).join(''),
  );
  return name;
}

const putObject = (key: string, body: string) =>
  s3().send(new PutObjectCommand({ Bucket: cloud.bucket, Key: key, Body: body }));

/** The CSV rows of a file we wrote, with their line numbers (header = 1). */
async function linesOf(feed: FeedId, file: string) {
  const text = (await feedFiles().readText(`${folderOf(feed)}${file}`))!;
  return (parse(text, { columns: true }) as Record<string, string>[]).map((row, i) => ({
    line: i + 2,
    row,
  }));
}

/** Every control-table item but the run records (which every run adds). */
async function controlItems(): Promise<string[]> {
  const out: string[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await dynamo().send(
      new ScanCommand({ TableName: table('control'), ExclusiveStartKey: start }),
    );
    for (const i of page.Items ?? []) {
      if (i.pk?.S?.startsWith('SYNCRUN#')) continue;
      out.push(JSON.stringify(i, Object.keys(i).sort()));
    }
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return out.sort();
}

async function setItemId(sku: string, itemId: string) {
  const products = new ProductStore(dynamo(), table('control')).writer();
  for (const item of productItems({ sku, itemId }, { file: 'test', importedAt: 'now' })) {
    await products.put(item);
  }
  await products.flush();
}

beforeAll(async () => {
  cloud = await startTestCloud({ dispatch: false });
  await new FacilityStore(dynamo(), table('control')).save(facilities);
  const inventory = new BatchWriter({
    client: dynamo(),
    table: table('inventory'),
    keyAttributes: ['pk', 'sk'],
  });
  await inventory.put(
    snapshotItem(
      { sku: SKU, facilityId: WAREHOUSE, availableQty: 500, itemId: '501' },
      { file: 'snapshot.csv', importedAt: new Date().toISOString() },
    ),
  );
  await inventory.flush();
  await setItemId(SKU, '501');
  await mappingStore(root()).save([
    { kind: 'shippingMethod', value: 'STANDARD', netsuiteId: '4' },
    { kind: 'salesChannel', value: 'web', netsuiteId: '2' },
    { kind: 'subsidiary', value: '*', netsuiteId: '1' },
  ]);
  const ids = netsuiteIdStore(root()).writer();
  await ids.put(
    netsuiteIdStore(root()).customerIdItem(partyIdFor('cust-1'), '1001', 'test', 'now'),
  );
  await ids.flush();
}, 120_000);

afterAll(async () => cloud?.cleanup());

describe('a row NetSuite refused in an allocation update', () => {
  let refusedId: string;
  let fineId: string;
  let file: string;
  let refusedLine: number;
  let errorFile: string;
  const MESSAGE = 'Invalid item reference key 501, for subsidiary 1';

  it('records a manifest for the file: which allocation is on which line', async () => {
    const a = await allocatedOrder();
    const b = await allocatedOrder();
    const report = await runExport(ALLOCATION);
    expect(report.files).toHaveLength(1);
    file = report.files[0]!;
    const rows = await linesOf(ALLOCATION, file);
    expect(rows).toHaveLength(2);
    const manifest = (await syncStore(root()).netsuiteFiles().manifest(file))!;
    expect(manifest).toMatchObject({
      feed: ALLOCATION,
      outbox: 'allocation',
      key: `${folderOf(ALLOCATION)}${file}`,
      folder: 'salesorder/update',
      rows: 2,
      sendOnce: true,
      recordCount: 2,
    });
    const ids = [a, b].map((o) =>
      allocationEntryId({ orderId: o, lineSeq: '00001', facilityId: WAREHOUSE }),
    );
    expect(manifest.records.map((r) => [r.id, r.first, r.last])).toEqual(
      ids.map((id, i) => [id, i + 2, i + 2]),
    );
    // The send-once payload is kept: the outbox entry left when the file was written.
    expect(manifest.records[0]!.payload).toMatchObject({ orderId: a, facilityId: WAREHOUSE });
    expect(await outbox('allocation')).toEqual([]);
    [refusedId, fineId] = ids as [string, string];
    refusedLine = 2;
    expect(rows[0]!.row.item).toBe('501');
  });

  it('NetSuite takes the file and refuses line 2: the record is back in its outbox with the note', async () => {
    const prefix = folderOf(ALLOCATION);
    // More than one listing page in archive/ (and sorted before our file): the job pages on.
    const stamp = file.slice(0, 23);
    for (let i = 0; i < 1_050; i += 75) {
      await Promise.all(
        Array.from({ length: Math.min(75, 1_050 - i) }, (_, j) =>
          putObject(`${prefix}archive/${stamp}-AAAA-${String(i + j).padStart(4, '0')}.csv`, 'x'),
        ),
      );
    }
    errorFile = (await netsuite(ALLOCATION, file, 'archive', [
      `${file},line ${refusedLine}: ${MESSAGE}`,
    ]))!;
    const report = await runJob();
    expect(report).toMatchObject({
      filesTaken: 1,
      errorFilesRead: 1,
      errorRows: 1,
      recordsRefused: 1,
      requeued: 1,
      failedFiles: 0,
      waitingForFix: 1,
    });
    expect(report.waiting).toEqual([
      expect.objectContaining({ outbox: 'allocation', id: refusedId, message: MESSAGE, file }),
    ]);
    expect(await outbox('allocation')).toEqual([refusedId]);
    const [entry] = (await syncStore(root()).entries('allocation').next()).value!;
    expect(entry!.refusal).toMatchObject({
      feed: ALLOCATION,
      file,
      lines: [refusedLine],
      message: MESSAGE,
      errorFile,
      attempts: 1,
      kind: 'rows',
    });
    expect(fineId).not.toBe(refusedId);
  });

  it('records when NetSuite took the file (the archived object time), readable by key', async () => {
    const prefix = folderOf(ALLOCATION);
    const archived = (await feedFiles().head(`${prefix}archive/${file}`))!;
    const takenAt = await syncStore(root()).netsuiteFiles().takenAt(`${prefix}${file}`);
    expect(takenAt).toBeDefined();
    expect(Math.abs(Date.parse(takenAt!) - archived.lastModified!.getTime())).toBeLessThan(1_000);
    const taken = await syncStore(root()).netsuiteFiles().filesTaken(ALLOCATION);
    expect(taken.map((t) => t.name)).toEqual([file]);
  });

  it("keeps NetSuite's error file readable in error/processed/", async () => {
    const prefix = folderOf(ALLOCATION);
    expect(await feedFiles().head(`${prefix}error/${errorFile}`)).toBeUndefined();
    const kept = await feedFiles().readText(`${prefix}error/processed/${errorFile}`);
    expect(kept).toContain(`${file},line ${refusedLine}: ${MESSAGE}`);
  });

  it('the export keeps the unchanged record out of files and reports it refused', async () => {
    const report = await runExport(ALLOCATION);
    expect(report.files).toEqual([]);
    expect(report.refused).toBe(1);
    expect(report.refusedRecords).toEqual([
      { id: refusedId, message: MESSAGE, file, lines: [refusedLine], attempts: 1 },
    ]);
    expect(await outbox('allocation')).toEqual([refusedId]);
  });

  it('running the job again changes nothing (each error file is processed once)', async () => {
    const before = await controlItems();
    const report = await runJob();
    expect(report).toMatchObject({
      filesTaken: 0,
      errorFilesRead: 0,
      recordsRefused: 0,
      requeued: 0,
      unexplained: 0,
      waitingForFix: 1,
    });
    expect(await controlItems()).toEqual(before);
  });

  it("oms sync status lists the refused record with NetSuite's message, file and line", async () => {
    const s = await status();
    const alloc = s.exceptions.refused.find((r) => r.feed === ALLOCATION)!;
    expect(alloc).toMatchObject({ outbox: 'allocation', waitingForFix: 1, resendPending: 0 });
    expect(alloc.records).toEqual([
      expect.objectContaining({
        id: refusedId,
        state: 'waiting for a fix',
        inOutbox: true,
        message: MESSAGE,
        file,
        unit: 'line',
        lines: [refusedLine],
        attempts: 1,
      }),
    ]);
    expect(s.exceptions.taken.find((t) => t.feed === ALLOCATION)).toMatchObject({
      count: 1,
      lastFile: file,
    });
    expect(s.exceptions.lastRun?.details).toMatchObject({ waitingForFix: 1 });
    const waiting = s.waiting.find((w) => w.outbox === 'allocation')!;
    expect(waiting.oldest[0]!.refused).toContain(MESSAGE);
  });

  it('re-sends the record once the cause is fixed (the row it would build differs)', async () => {
    await setItemId(SKU, '777');
    const report = await runExport(ALLOCATION);
    expect(report).toMatchObject({ refused: 0, resent: 1, records: 1 });
    const rows = await linesOf(ALLOCATION, report.files[0]!);
    expect(rows.map((r) => r.row.item)).toEqual(['777']);
    expect(await outbox('allocation')).toEqual([]);
    const [note] = [...(await syncStore(root()).refusalNotes('allocation', [refusedId])).values()];
    expect(note).toMatchObject({ resentFile: report.files[0], resentWhy: 'changed' });
    const s = await status();
    expect(s.exceptions.refused.find((r) => r.feed === ALLOCATION)).toMatchObject({
      waitingForFix: 0,
      resent: 1,
    });
    expect((await runJob()).waitingForFix).toBe(0);
  });
});

describe('a whole file NetSuite failed', () => {
  let id: string;
  let first: string;

  it("re-sends the file's records once, automatically", async () => {
    const orderId = await allocatedOrder();
    id = allocationEntryId({ orderId, lineSeq: '00001', facilityId: WAREHOUSE });
    const sent = await runExport(ALLOCATION);
    expect(sent.records).toBe(1);
    first = sent.files[0]!;
    await netsuite(ALLOCATION, first, 'failed', [
      `${first},header does not match the import mapping: missing column(s) item, location`,
    ]);
    const report = await runJob();
    expect(report).toMatchObject({
      failedFiles: 1,
      recordsRefused: 1,
      requeued: 1,
      autoResend: 1,
      waitingForFix: 0,
    });
    expect(await outbox('allocation')).toEqual([id]);
    const again = await runExport(ALLOCATION);
    expect(again).toMatchObject({ records: 1, resent: 1, refused: 0 });
    expect(await outbox('allocation')).toEqual([]);
    const failed = (await status()).exceptions.failedFiles;
    expect(failed).toEqual([
      expect.objectContaining({
        feed: ALLOCATION,
        name: first,
        records: 1,
        message: 'header does not match the import mapping: missing column(s) item, location',
      }),
    ]);
  });

  it('a second failed file (no error row yet) is treated like refused rows: no more automatic re-send', async () => {
    const runs = await syncStore(root()).runs(ALLOCATION, 1);
    const second = runs[0]!.files[0]!;
    await netsuite(ALLOCATION, second, 'failed');
    const report = await runJob();
    expect(report).toMatchObject({
      failedFiles: 1,
      recordsRefused: 1,
      requeued: 1,
      autoResend: 0,
      waitingForFix: 1,
    });
    const [entry] = (await syncStore(root()).entries('allocation').next()).value!;
    expect(entry!.refusal).toMatchObject({
      kind: 'file',
      file: second,
      attempts: 2,
      fileFailures: 2,
      message: 'moved to failed/ by NetSuite; no error row names it (yet)',
    });
    expect(await runExport(ALLOCATION)).toMatchObject({ records: 0, refused: 1 });
    // NetSuite's error row arrives later: its message replaces ours; nothing is re-queued again.
    await putObject(
      `${folderOf(ALLOCATION)}error/${errorFileName('SalesOrderUpdate')}`,
      `fileName,errorMessage\n${second},Unexpected error: SSS_USAGE_LIMIT_EXCEEDED\n`,
    );
    const later = await runJob();
    expect(later).toMatchObject({ failedFiles: 0, requeued: 0, autoResend: 0, waitingForFix: 1 });
    expect((await status()).exceptions.failedFiles[0]).toMatchObject({
      name: second,
      message: 'Unexpected error: SSS_USAGE_LIMIT_EXCEEDED',
    });
  });

  it("an operator's resend sends it once more, whatever its row", async () => {
    expect(await resendRefused(syncStore(root()), 'allocation', { id })).toEqual({
      asked: [id],
      notRefused: [],
    });
    const s = await status();
    expect(
      s.exceptions.refused.find((r) => r.feed === ALLOCATION)!.records.find((r) => r.id === id),
    ).toMatchObject({ state: 'operator re-send asked' });
    expect(await runExport(ALLOCATION)).toMatchObject({ records: 1, resent: 1 });
    expect(await runExport(ALLOCATION)).toMatchObject({ records: 0, refused: 0 });
    expect(await resendRefused(syncStore(root()), 'allocation', { allRefused: true })).toEqual({
      asked: [],
      notRefused: [],
    });
  });
});

describe('records that wait for their NetSuite id (customers)', () => {
  it('a refused customer stays in its outbox and is not re-sent while unchanged, even when due', async () => {
    const prior = process.env.OMS_SYNC_RESEND_MINUTES;
    process.env.OMS_SYNC_RESEND_MINUTES = '0';
    try {
      await orderRuntime(root()).intake.submit(
        sampleOrder({
          customer: {
            shopCustomerId: 'cust-refused',
            email: 'refused@example.com',
            firstName: 'Bad',
            lastName: 'Email',
            shippingAddress: { name: 'B', address1: '1 St', city: 'X', country: 'US', zip: '1' },
            billingAddress: { name: 'B', address1: '1 St', city: 'X', country: 'US', zip: '1' },
          },
        }),
        { source: 'test', actor: 'test' },
      );
      const party = partyIdFor('cust-refused');
      const sent = await runExport('customer-export');
      expect(sent.records).toBe(1);
      const file = sent.files[0]!;
      await netsuite(
        'customer-export',
        file,
        'archive',
        [`${file},line 2: Invalid email address`],
        'Customer',
      );
      const report = await runJob();
      expect(report).toMatchObject({ recordsRefused: 1, requeued: 0 });
      expect(await outbox('customer')).toEqual([party]);
      expect(await runExport('customer-export')).toMatchObject({ records: 0, refused: 1 });
      const s = await status();
      expect(s.exceptions.refused.find((r) => r.feed === 'customer-export')).toMatchObject({
        waitingForFix: 1,
        records: [expect.objectContaining({ id: party, message: 'Invalid email address' })],
      });
    } finally {
      if (prior === undefined) delete process.env.OMS_SYNC_RESEND_MINUTES;
      else process.env.OMS_SYNC_RESEND_MINUTES = prior;
    }
  });

  it('a note made before CSV records were fingerprinted by their lines is compared as it was made', async () => {
    const prior = process.env.OMS_SYNC_RESEND_MINUTES;
    process.env.OMS_SYNC_RESEND_MINUTES = '0';
    try {
      const party = partyIdFor('cust-refused');
      const [entry] = (await entriesOf('customer')).filter((e) => e.id === party);
      expect(entry?.refusal?.fingerprint).toMatch(/^c[0-9a-f]{16}$/);
      const columns = feedById('customer-export').columns;
      const rows = [customerRow(entry!.payload as CustomerRecord)];
      const legacy = (fingerprint: string) =>
        syncStore(root()).saveRefusals([
          { feed: 'customer', id: party, note: { ...entry!.refusal!, fingerprint } },
        ]);
      // The rows' fingerprint of old: the unchanged record stays out of files.
      await legacy(rowsFingerprint(rows, columns));
      expect(await runExport('customer-export')).toMatchObject({ records: 0, refused: 1 });
      // An old note of other rows: the record changed since, it goes again.
      await legacy(rowsFingerprint([{ ...rows[0], email: 'fixed@example.com' }], columns));
      expect(await runExport('customer-export')).toMatchObject({ records: 1, refused: 0 });
    } finally {
      if (prior === undefined) delete process.env.OMS_SYNC_RESEND_MINUTES;
      else process.env.OMS_SYNC_RESEND_MINUTES = prior;
    }
  });
});

describe('exceptions nobody can explain', () => {
  it('an error row naming a file without manifest and a stranger in failed/ are listed, once', async () => {
    const prefix = folderOf(ALLOCATION);
    await putObject(`${prefix}failed/stranger.csv`, 'lineId,internalId\n1,2\n');
    await putObject(
      `${prefix}error/${errorFileName('SalesOrderUpdate')}`,
      'fileName,errorMessage\nsomeone-elses.csv,line 2: Invalid location, 99\nthis row has no comma\n',
    );
    await putObject(`${prefix}error/${errorFileName('SalesOrderUpdate')}`, 'garbage\n');
    const report = await runJob();
    expect(report).toMatchObject({ errorFilesRead: 2, unexplained: 4, recordsRefused: 0 });
    const s = await status();
    expect(s.exceptions.unexplainedTotal).toBe(4);
    const listed = s.exceptions.unexplained
      .map((u) => [u.source, u.file, u.reason] as const)
      .sort((a, b) => a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]));
    expect(listed).toEqual([
      [
        'error-file',
        expect.stringContaining('-ErrorSalesOrderUpdate.csv'),
        expect.stringContaining('unreadable error file'),
      ],
      ['error-row', '', 'no comma: not `fileName,errorMessage`'],
      ['error-row', 'someone-elses.csv', expect.stringContaining('no manifest')],
      ['failed-file', 'stranger.csv', expect.stringContaining('not a file the OMS wrote')],
    ]);
    expect(s.exceptions.unexplained.find((u) => u.file === 'someone-elses.csv')!.message).toBe(
      'someone-elses.csv,line 2: Invalid location, 99',
    );
    expect((await runJob()).unexplained).toBe(0);
    expect((await status()).exceptions.unexplainedTotal).toBe(4);
  });
});
