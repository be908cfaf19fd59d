/**
 * Deltas and snapshots in one time frame, on the local cloud (docs/inventory.md, "Deltas"): every
 * time is an S3 upload time — S the snapshot in force (the last snapshot file whose import
 * finished), E a delta file's, P the previous delta file of its feed, L the reflect lag (0 on the
 * local cloud unless a test sets it). A delta file uploaded before the snapshot changes nothing, one
 * whose window starts after it applies, one straddling it applies its negative rows only; a
 * snapshot folds into the figures it writes the deltas applied before its import that its search
 * did not see; a delta import never runs beside a snapshot import. The files are fed to the
 * importers directly with chosen upload times (the tests build on each other, in order), and once
 * through S3 with the times S3 gives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedById, type FeedId } from '../../shared/feeds/catalog.ts';
import { importFeedFile } from '../../shared/feeds/file-import.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { feedFiles } from '../../shared/files/feed-file-store.ts';
import type { DeltaFeedId, DeltaImporterDeps } from '../../shared/jobs/inventory-delta-importer.ts';
import { deltaImporter, root, snapshotImporter } from '../../shared/app/root.ts';
import type {
  ImportedSnapshotFile,
  SnapshotImporterDeps,
} from '../../shared/jobs/inventory-snapshot-importer.ts';
import { dynamo, table } from '../../shared/store/dynamo-client.ts';
import { FacilityStore } from '../../shared/store/facility-store.ts';
import { ImportLedger } from '../../shared/store/import-ledger.ts';
import { InventoryStore } from '../../shared/store/inventory-store.ts';
import { startTestCloud } from '../support/local-cloud.ts';

const SNAPSHOT_HEADER = 'Item,externalFacilityId,availableQty,idValue';
const DELTA_HEADER = 'externalFacilityId,idValue,idType,availableDelta,comments';
const T0 = Date.UTC(2026, 0, 5, 6, 0, 0);
/** An upload time, in minutes after T0. */
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const LAG_45 = 45 * 60_000;

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let inventory: InventoryStore;
let n = 0;

beforeAll(async () => {
  cloud = await startTestCloud({ dispatch: false });
  inventory = new InventoryStore(dynamo(), table('inventory'));
  await new FacilityStore(dynamo(), table('control')).save([
    { facilityId: 'WH-A', externalId: '101', name: 'WH-A', kind: 'warehouse', groups: [] },
  ]);
}, 120_000);

afterAll(async () => cloud?.cleanup());

const qty = async (sku: string) =>
  (await inventory.figuresForSku(sku)).find((f) => f.facilityId === 'WH-A')?.nsQty;
const figure = async (sku: string) =>
  (await inventory.figuresForSku(sku)).find((f) => f.facilityId === 'WH-A');

/** Opens a snapshot file uploaded at `uploadedAt` and feeds it its rows (SKU → quantity at WH-A). */
async function openSnapshot(
  uploadedAt: Date,
  rows: Record<string, number>,
  deps: Partial<SnapshotImporterDeps> = {},
) {
  const name = `snapshot-${++n}.csv`;
  const session = await snapshotImporter(root(), deps).open({
    key: `direct/${name}`,
    fileName: name,
    eTag: `s${n}`,
    resumed: false,
    size: 1_000,
    lastModified: uploadedAt,
  });
  let line = 1;
  for (const [sku, quantity] of Object.entries(rows)) {
    const rejected = await session.row(
      { Item: sku, externalFacilityId: '101', availableQty: String(quantity), idValue: '5001' },
      ++line,
    );
    expect(rejected).toBeUndefined();
  }
  return session;
}

const snapshotFile = async (
  uploadedAt: Date,
  rows: Record<string, number>,
  deps: Partial<SnapshotImporterDeps> = {},
) => (await openSnapshot(uploadedAt, rows, deps)).finish();

/** One delta file of `feed` uploaded at `uploadedAt`: rows [sku, delta, comments]. */
async function deltaFile(
  feed: DeltaFeedId,
  uploadedAt: Date,
  rows: readonly (readonly [string, number, string])[],
  deps: Partial<Omit<DeltaImporterDeps, 'feedId'>> = {},
) {
  const name = `${feed}-${++n}.csv`;
  const session = await deltaImporter(root(), feed, deps).open({
    key: `direct/${name}`,
    fileName: name,
    eTag: `d${n}`,
    resumed: false,
    lastModified: uploadedAt,
  });
  let line = 1;
  for (const [sku, delta, comments] of rows) {
    const rejected = await session.row(
      {
        externalFacilityId: '101',
        idValue: sku,
        idType: 'SKU',
        availableDelta: String(delta),
        comments,
      },
      ++line,
    );
    expect(rejected).toBeUndefined();
  }
  return session.finish();
}

const ADJ = 'inventory-adjustment-import';
const TRANSFER = 'inventory-transfer-import';
const SIX = { 'T-1': 10, 'T-2': 10, 'T-3': 10, 'T-4': 10, 'T-5': 10, 'T-6': 10 };

describe('deltas and snapshots in one time frame (L = 0)', () => {
  it('a delta file uploaded before the snapshot but imported after it changes nothing', async () => {
    await deltaFile(ADJ, at(0), []); // the feed's file before the snapshot
    await snapshotFile(at(10), SIX);
    // Uploaded at 5 (NetSuite's snapshot at 10 already holds it), imported only now.
    const stats = await deltaFile(ADJ, at(5), [
      ['T-1', -3, 'A-1'],
      ['T-1', 2, 'A-2'],
    ]);
    expect(stats).toMatchObject({ applied: 0, inSnapshot: 2, straddlingPositiveSkipped: 0 });
    expect(await qty('T-1')).toBe(10);
  });

  it('a file straddling the snapshot (previous file before it, this one after) applies only its negative rows', async () => {
    // P = 5 < S = 10 < E = 15: some of its changes may be in the snapshot.
    const stats = await deltaFile(ADJ, at(15), [
      ['T-2', -4, 'B-1'],
      ['T-2', 3, 'B-2'],
    ]);
    expect(stats).toMatchObject({ applied: 1, straddlingPositiveSkipped: 1, inSnapshot: 0 });
    expect(await qty('T-2')).toBe(6);
  });

  it('a file after the snapshot (P > S) applies every row; a row skipped before stays skipped when repeated', async () => {
    const stats = await deltaFile(ADJ, at(20), [
      ['T-3', 5, 'C-1'],
      ['T-3', -1, 'C-2'],
      ['T-2', 3, 'B-2'], // NetSuite repeats rows across files: the straddling file's skipped row
      ['T-1', -3, 'A-1'], // ...and the row the snapshot held
    ]);
    expect(stats).toMatchObject({ applied: 2, duplicates: 2, straddlingPositiveSkipped: 0 });
    expect(await qty('T-3')).toBe(14);
    expect(await qty('T-2')).toBe(6);
    expect(await qty('T-1')).toBe(10);
  });

  it('a snapshot imported late folds in the deltas applied before it that its search did not see', async () => {
    // NetSuite uploads the snapshot at 30; two delta files (35, 40) are imported before it.
    const d35 = await deltaFile(ADJ, at(35), [
      ['T-6', -1, 'D-1'],
      ['T-6', 4, 'D-2'],
    ]);
    expect(d35).toMatchObject({ applied: 2 }); // P = 20 > S = 10
    const d40 = await deltaFile(ADJ, at(40), [
      ['T-4', 2, 'E-1'],
      ['T-5', -3, 'E-2'],
    ]);
    expect(d40).toMatchObject({ applied: 2 });
    expect([await qty('T-4'), await qty('T-5'), await qty('T-6')]).toEqual([12, 7, 13]);

    const stats = await snapshotFile(at(30), SIX);
    // E = 40, P = 35 > S' = 30: after the search, folded whole. E = 35, P = 20: straddling the
    // search, its negative row folded. E = 20 < S': in the snapshot, not folded.
    expect(stats).toMatchObject({ folded: 3, foldedDeltas: 3 });
    expect(await qty('T-4')).toBe(12);
    expect(await qty('T-5')).toBe(7);
    expect(await qty('T-6')).toBe(9);
    expect(await qty('T-3')).toBe(10);
    expect(await figure('T-4')).toMatchObject({ nsFolded: 2 });
    expect((await figure('T-3'))?.nsFolded).toBeUndefined();

    // The digest holds the figure written: a later snapshot with those figures writes nothing for
    // them (the folded deltas are in its search now), and writes the one that differs.
    const next = await snapshotFile(at(50), { 'T-4': 12, 'T-5': 7, 'T-6': 12 });
    expect(next).toMatchObject({ written: 1, unchanged: 2, folded: 0 });
    expect(await qty('T-6')).toBe(12);
  });

  it('a delta import waits while a snapshot file imports, then applies against it; the settle hook sees the listed pairs', async () => {
    const imported: ImportedSnapshotFile[] = [];
    const snapshot = await openSnapshot(
      at(60),
      { 'T-7': 10, 'T-8': 10 },
      { onFileImported: async (f) => void imported.push(f) },
    );
    let done = false;
    const delta = deltaFile(ADJ, at(70), [['T-7', -2, 'F-1']], { lockWaitMs: 60_000 }).finally(
      () => (done = true),
    );
    // Another one that will not wait that long fails, to be delivered again.
    await expect(
      deltaFile(TRANSFER, at(70), [['T-7', -1, 'F-2']], { lockWaitMs: 300 }),
    ).rejects.toThrow(/lock inventory-snapshot is held/);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(done).toBe(false);
    expect(await qty('T-7')).toBeUndefined();

    await snapshot.finish();
    expect(imported).toHaveLength(1);
    expect(imported[0]).toMatchObject({ uploadedAt: at(60).toISOString() });
    expect(imported[0]!.seen('T-7', 'WH-A')).toBe(true);
    expect(imported[0]!.seen('T-1', 'WH-A')).toBe(false);
    // Against S = 60: P = 40 < S < E = 70, straddling: the negative row applies.
    expect(await delta).toMatchObject({ applied: 1 });
    expect(await qty('T-7')).toBe(8);
  });

  it('a straddling file within L of the snapshot: with L = 45 minutes only negative rows apply until a file starts L after it', async () => {
    const lag = { lagMs: LAG_45 };
    // S = 60. Uploaded at 50: before the snapshot, but not L before it: not taken as in it.
    expect(
      await deltaFile(
        TRANSFER,
        at(50),
        [
          ['T-8', -1, 'G-1'],
          ['T-8', 1, 'G-2'],
        ],
        lag,
      ),
    ).toMatchObject({ applied: 1, straddlingPositiveSkipped: 1, inSnapshot: 0 });
    // P = 50, 90: not L after the snapshot yet (105).
    expect(await deltaFile(TRANSFER, at(90), [['T-8', 2, 'G-3']], lag)).toMatchObject({
      straddlingPositiveSkipped: 1,
    });
    expect(await deltaFile(TRANSFER, at(120), [['T-8', 3, 'G-4']], lag)).toMatchObject({
      straddlingPositiveSkipped: 1,
    });
    // P = 120 > 105: after.
    expect(await deltaFile(TRANSFER, at(130), [['T-8', 4, 'G-5']], lag)).toMatchObject({
      applied: 1,
    });
    expect(await qty('T-8')).toBe(13);
    // Uploaded at 10 (L before the snapshot at 60): in it.
    expect(await deltaFile(TRANSFER, at(10), [['T-8', -5, 'G-6']], lag)).toMatchObject({
      inSnapshot: 1,
    });
    expect(await qty('T-8')).toBe(13);
  });
});

describe('the step after a snapshot file (the settle)', () => {
  it('a failing step does not fail the file: it is counted, and the file is in force', async () => {
    const stats = await snapshotFile(
      at(140),
      { 'T-10': 5 },
      {
        onFileImported: async () => {
          throw new Error('settle failed (test)');
        },
      },
    );
    expect(stats).toMatchObject({ settleFailed: 1, written: 1 });
    expect(await qty('T-10')).toBe(5);
    // In force: a delta file uploaded before it is in it.
    expect(await deltaFile(ADJ, at(139), [['T-10', -1, 'K-1']])).toMatchObject({ inSnapshot: 1 });
  });
});

describe('over S3: the upload times S3 keeps, not the names', () => {
  const importer = (feed: FeedId) =>
    feed === 'inventory-snapshot-import'
      ? snapshotImporter(root())
      : deltaImporter(root(), feed as DeltaFeedId);
  const upload = async (feed: FeedId, name: string, lines: readonly string[]) => {
    const key = `${feedPrefix(cloud.sftp.user, feedById(feed))}${name}`;
    await feedFiles().writeAtomically(key, `${lines.join('\n')}\n`);
    return key;
  };
  const importKey = async (feed: FeedId, key: string) => {
    const head = (await feedFiles().head(key))!;
    return importFeedFile(
      { bucket: cloud.bucket, key, size: head.size, eTag: head.eTag },
      {
        files: feedFiles(),
        ledger: new ImportLedger(dynamo(), table('control')),
        user: cloud.sftp.user,
        importerFor: (f) => (f.id === feed ? importer(feed) : undefined),
        leaseMs: 60_000,
      },
    );
  };

  it('a delta file uploaded before the snapshot (its name says later) and imported after it changes nothing', async () => {
    // NetSuite names files by its own clock; S3's upload time is what counts.
    const deltaKey = await upload(ADJ, 'Fri Jan 01 2100 00:00:00 GMT+0000-adjustments.csv', [
      DELTA_HEADER,
      '101,T-9,SKU,-4,H-1',
      '101,T-9,SKU,+1,H-2',
    ]);
    await new Promise((r) => setTimeout(r, 1_100)); // S3 keeps times to the second
    const snapshotKey = await upload(
      'inventory-snapshot-import',
      'Thu Jan 01 1970 00:00:00 GMT+0000-InventoryItemExport.csv',
      [SNAPSHOT_HEADER, 'T-9,101,10,5009'],
    );
    expect(await importKey('inventory-snapshot-import', snapshotKey)).toMatchObject({
      status: 'archived',
    });
    expect(await importKey(ADJ, deltaKey)).toMatchObject({
      status: 'archived',
      stats: expect.objectContaining({ applied: 0, inSnapshot: 2 }),
    });
    expect(await qty('T-9')).toBe(10);
  });
});

describe('a snapshot of an older search never overwrites a newer one', () => {
  /** Imports a snapshot file named as NetSuite names it (its search time), uploaded at `uploadedAt`. */
  async function named(name: string, uploadedAt: Date, rows: Record<string, number>) {
    const session = await snapshotImporter(root(), {}).open({
      key: `direct/${name}`,
      fileName: name,
      eTag: `named-${++n}`,
      resumed: false,
      size: 1_000,
      lastModified: uploadedAt,
    });
    let line = 1;
    for (const [sku, quantity] of Object.entries(rows)) {
      await session.row(
        { Item: sku, externalFacilityId: '101', availableQty: String(quantity), idValue: '5001' },
        ++line,
      );
    }
    return session.finish();
  }

  it('a file of an earlier search delivered late is not applied; the parts of one search are, in any order', async () => {
    const night2 = 'Wed Jan 07 2026 02:00:00 GMT+0000 (Coordinated Universal Time)';
    const night1 = 'Tue Jan 06 2026 02:00:00 GMT+0000 (Coordinated Universal Time)';
    // The second part of night 2's search comes first (S3 events are not ordered)…
    expect(
      await named(`${night2}-InventoryItemExport-2.csv`, at(3000), { 'O-2': 7 }),
    ).toMatchObject({
      written: 1,
    });
    // …then its first part, uploaded a moment earlier: same search, applied.
    expect(
      await named(`${night2}-InventoryItemExport-1.csv`, at(2999), { 'O-1': 5 }),
    ).toMatchObject({
      written: 1,
    });
    // Night 1's file, delayed past night 2's: its figures would undo what night 2 reflects.
    expect(
      await named(`${night1}-InventoryItemExport.csv`, at(3001), { 'O-1': 9, 'O-2': 9 }),
    ).toEqual({ superseded: 1 });
    expect(await qty('O-1')).toBe(5);
    expect(await qty('O-2')).toBe(7);
  });
});
