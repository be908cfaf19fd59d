/**
 * The watcher of NetSuite's exception files (core job `netsuite-exceptions`, every 15 minutes;
 * docs/netsuite-sync.md, "NetSuite's exception files"). For every folder NetSuite imports from
 * the OMS (the catalog's outbound NetSuite feeds), it reads what NetSuite did with our files:
 *
 * - `archive/`: NetSuite took the file → `takenAt` on its manifest (once). For allocation,
 *   OMS-fulfilled and inventory adjustment files, each record NetSuite did not refuse is evidence
 *   that its books hold it from then on: a reflect entry (docs/inventory.md, "When a hold ends"),
 *   written before `takenAt` is (a run that stops in between writes the same entries again). A
 *   record refused later (an error file read after the archive) loses its entry.
 * - `error/*-Error<Name>.csv` (`fileName,errorMessage`, split at the first comma): each error file
 *   once (recorded, then moved to `error/processed/`, where people can still read it). A row
 *   `<name>,line <n>: …` (`record <n>` for JSON) refuses the record(s) on that line; a row
 *   without a line (with the file in `failed/`) refuses every record of the file.
 * - `failed/`: a file of ours there failed whole, even before an error row names it.
 *
 * A refused record gets a refusal note and is back in its outbox: send-once records (allocation,
 * OMS-fulfilled, line close, inventory adjustment) are re-queued with the payload their manifest
 * kept; the others never left it (no NetSuite id comes back for a refused record). The export
 * then re-sends it only when its rows change, after `oms sync resend`, or once after a wholly
 * failed file. What cannot be traced to a record (no manifest, a line holding no record, an
 * unreadable error file, a file in `failed/` that is not ours) is listed as unexplained.
 *
 * Over 400 lines: the three folder readers (archive, error, failed) share one run's state (the
 * pending names, the manifests read, the reflect entries written) and the order of their writes
 * is what makes a run that stops half-way safe to repeat; the seam if it grows is the error-file
 * row parser, which would move to `shared/domain/sync/`.
 */
import {
  nextNote,
  parseErrorFile,
  recordsAt,
  waitsForFix,
  type ErrorRow,
  type Refusal,
  type RefusalNote,
} from '../domain/sync/netsuite-error-file.ts';
import { FEEDS, type FeedDefinition } from '../feeds/catalog.ts';
import { netsuiteRoot } from '../feeds/paths.ts';
import type { StoredObject } from '../files/feed-file-store.ts';
import { entriesOfTakenFile, isEvidenceOutbox, lineRefOf } from '../inventory/reflect-entries.ts';
import type { OrderStore } from '../store/order-store.ts';
import type { ReflectKind, ReflectStore } from '../store/reflect-store.ts';
import type { FailedFile, FileHead, NetsuiteFileStore } from '../store/netsuite-file-store.ts';
import type { UnexplainedException } from '../store/unexplained-exceptions.ts';
import type { StoredManifestRecord } from '../store/manifest-parts.ts';
import { MANIFEST_TTL_DAYS, newestFailedFirst } from '../store/netsuite-file-store.ts';
import type { OutboxFeed, SyncRun, SyncStore } from '../store/sync-store.ts';

export const EXCEPTIONS_JOB = 'netsuite-exceptions';

/** The outboxes and the feed that sends each. */
export const OUTBOX_FEEDS: Readonly<Record<OutboxFeed, string>> = {
  customer: 'customer-export',
  salesorder: 'sales-order-export',
  deposit: 'customer-deposit-export',
  allocation: 'allocation-update-export',
  fulfilled: 'oms-fulfilled-export',
  lineclose: 'line-close-export',
  invadj: 'inventory-adjustment-export',
};
const OUTBOXES = Object.keys(OUTBOX_FEEDS) as OutboxFeed[];

/** The folders NetSuite imports from the OMS: outbound NetSuite feeds of the catalog. */
export function netsuiteImportFolders(feeds: readonly FeedDefinition[] = FEEDS): string[] {
  return [
    ...new Set(
      feeds
        .filter((f) => f.direction === 'outbound' && (f.partner ?? 'netsuite') === 'netsuite')
        .map((f) => f.folder),
    ),
  ];
}

export interface ExceptionsDeps {
  readonly files: {
    list(prefix: string, opts?: { startAfter?: string }): Promise<StoredObject[]>;
    readText(key: string): Promise<string | undefined>;
    move(from: string, to: string): Promise<boolean>;
  };
  readonly store: NetsuiteFileStore;
  readonly sync: SyncStore;
  readonly user: string;
  readonly now?: () => Date;
  readonly feeds?: readonly FeedDefinition[];
  /**
   * Where the evidence of taken allocation, OMS-fulfilled and adjustment files goes (reflect
   * entries), and the lines read to know their SKUs. Without it no entry is written.
   */
  readonly reflect?: {
    readonly entries: Pick<ReflectStore, 'put' | 'remove'>;
    readonly lines: Pick<OrderStore, 'linesWithHeaders'>;
  };
}

export interface WaitingRefusal {
  readonly outbox: OutboxFeed;
  readonly id: string;
  readonly message: string;
  readonly file: string;
  readonly lines: readonly number[];
  readonly attempts: number;
  readonly at: string;
}

export interface ExceptionsReport {
  readonly at: string;
  readonly folders: number;
  /** Files NetSuite took since the last run (archive/). */
  readonly filesTaken: number;
  /** Reflect entries written for records of taken files (evidence for inventory holds). */
  readonly reflectEntries: number;
  /** Reflect entries dropped: NetSuite refused their record after taking its file. */
  readonly reflectDropped: number;
  readonly taken: readonly { name: string; takenAt: string }[];
  readonly errorFilesRead: number;
  readonly errorRows: number;
  /** Files newly seen failed whole. */
  readonly failedFiles: number;
  /** Records whose refusal note was written or changed this run. */
  readonly recordsRefused: number;
  /** Send-once records put back in their outbox. */
  readonly requeued: number;
  /** Of the refused, those the export will send once more on its own (first failed file). */
  readonly autoResend: number;
  /** Refusals of records that had left their outbox (their id came back): nothing to re-send. */
  readonly alreadySettled: number;
  /** Exceptions newly listed as unexplained. */
  readonly unexplained: number;
  /** Notes dropped: the record left its outbox without being written again. */
  readonly resolved: number;
  /** Records refused by NetSuite and waiting for a fix (or an operator) after this run. */
  readonly waitingForFix: number;
  readonly waiting: readonly WaitingRefusal[];
  readonly ms: number;
}

interface Found extends Refusal {
  readonly outbox: OutboxFeed;
  readonly id: string;
  readonly sendOnce: boolean;
  readonly payload?: unknown;
}

const baseName = (key: string) => key.slice(key.lastIndexOf('/') + 1);
const iso = (o: StoredObject, fallback: string) => o.lastModified?.toISOString() ?? fallback;

export async function runNetsuiteExceptions(deps: ExceptionsDeps): Promise<ExceptionsReport> {
  const startedMs = Date.now();
  const now = deps.now?.() ?? new Date();
  const at = now.toISOString();
  const { files, store, sync } = deps;
  const root = netsuiteRoot(deps.user);
  const folders = netsuiteImportFolders(deps.feeds);
  // Our names start with the time written (`2026-11-23-20-15-00-123-…`) and sort by it; files
  // older than the manifests' lifetime cannot be traced any more, so listings start after them.
  const cutoff = new Date(now.getTime() - MANIFEST_TTL_DAYS * 86_400_000)
    .toISOString()
    .slice(0, 10);

  const found: Found[] = [];
  const unexplained: Omit<UnexplainedException, 'id'>[] = [];
  const errorFiles: {
    folder: string;
    key: string;
    name: string;
    summary: { at: string; rows: number; refused: number; unexplained: number };
  }[] = [];
  const manifests = new Map<string, Promise<StoredManifestRecord[]>>();
  const recordsOf = (name: string) => {
    let m = manifests.get(name);
    if (!m) {
      m = store.manifest(name).then((x) => x?.records ?? []);
      manifests.set(name, m);
    }
    return m;
  };
  const taken: { name: string; takenAt: string }[] = [];
  /** When NetSuite took the files seen this run (from their heads, or archive/ now). */
  const takenAtOf = new Map<string, string>();
  const noteTaken = (hs: ReadonlyMap<string, FileHead>) => {
    for (const [name, h] of hs) if (h.takenAt) takenAtOf.set(name, h.takenAt);
  };
  let reflectEntries = 0;
  let errorRows = 0;
  let failedFiles = 0;

  for (const folder of folders) {
    const prefix = `${root}/${folder}/`;

    // 1. NetSuite's error files, each once (oldest first).
    const listed = await files.list(`${prefix}error/`);
    const processed = await store.errorFilesProcessed(
      folder,
      listed.map((o) => baseName(o.key)),
    );
    const rows: {
      row: ErrorRow;
      errorFile: string;
      at: string;
      summary: { refused: number; unexplained: number };
    }[] = [];
    for (const obj of listed) {
      const name = baseName(obj.key);
      if (processed.has(name)) {
        // Processed by an earlier run that stopped before moving it.
        await files.move(obj.key, `${prefix}error/processed/${name}`);
        continue;
      }
      const text = await files.readText(obj.key);
      if (text === undefined) continue; // gone meanwhile
      const errAt = iso(obj, at);
      const summary = { at, rows: 0, refused: 0, unexplained: 0 };
      errorFiles.push({ folder, key: obj.key, name, summary });
      const parsed = parseErrorFile(text);
      if (!parsed.ok) {
        unexplained.push({
          folder,
          file: name,
          source: 'error-file',
          reason: `unreadable error file: ${parsed.reason}`,
          errorFile: name,
          at: errAt,
        });
        summary.unexplained++;
        continue;
      }
      summary.rows = parsed.rows.length + parsed.garbage.length;
      errorRows += summary.rows;
      for (const g of parsed.garbage) {
        unexplained.push({
          folder,
          file: '',
          source: 'error-row',
          errorLine: g.errorLine,
          reason: g.reason,
          message: g.raw,
          errorFile: name,
          at: errAt,
        });
        summary.unexplained++;
      }
      for (const row of parsed.rows) rows.push({ row, errorFile: name, at: errAt, summary });
    }

    const heads = await store.heads(rows.map((r) => r.row.fileName));
    noteTaken(heads);
    /** Files failed whole: from error rows without a line, then from `failed/`. */
    const failures = new Map<
      string,
      { head: FileHead; message: string; errorFile?: string; at: string; known: boolean }
    >();
    for (const { row, errorFile, at: errAt, summary } of rows) {
      const head = heads.get(row.fileName);
      const unexplain = (reason: string) => {
        unexplained.push({
          folder,
          file: row.fileName,
          source: 'error-row',
          errorLine: row.errorLine,
          reason,
          message: row.raw,
          errorFile,
          at: errAt,
        });
        summary.unexplained++;
      };
      if (!head) {
        unexplain(`no manifest: not a file the OMS wrote in the last ${MANIFEST_TTL_DAYS} days`);
        continue;
      }
      if (row.target.kind === 'file') {
        const prev = failures.get(row.fileName);
        failures.set(row.fileName, {
          head,
          message: prev ? `${prev.message}; ${row.message}` : row.message,
          errorFile,
          at: errAt,
          known: true,
        });
        summary.refused += head.recordCount;
        continue;
      }
      const n = row.target.n;
      const unit = head.format === 'json' ? 'record' : 'line';
      const records = recordsAt(await recordsOf(row.fileName), n);
      if (!records.length) {
        unexplain(`${unit} ${n} holds no record of ${row.fileName}`);
        continue;
      }
      for (const rec of records) {
        summary.refused++;
        found.push({
          outbox: head.outbox,
          id: rec.id,
          sendOnce: head.sendOnce,
          payload: rec.payload,
          feed: head.feed,
          file: head.name,
          key: head.key,
          kind: 'rows',
          lines: [n],
          unit,
          message: row.message,
          errorFile,
          at: errAt,
          fingerprint: rec.fingerprint,
        });
      }
    }

    // 2. failed/: ours fail whole (even before an error row names them); others are unexplained.
    const failedListed = await files.list(`${prefix}failed/`, {
      startAfter: `${prefix}failed/${cutoff}`,
    });
    const failedHeads = await store.heads(failedListed.map((o) => baseName(o.key)));
    noteTaken(failedHeads);
    for (const obj of failedListed) {
      const name = baseName(obj.key);
      const head = failedHeads.get(name);
      if (!head) {
        if (!heads.has(name) && !rows.some((r) => r.row.fileName === name)) {
          unexplained.push({
            folder,
            file: name,
            source: 'failed-file',
            reason: `in failed/ and not a file the OMS wrote in the last ${MANIFEST_TTL_DAYS} days`,
            at: iso(obj, at),
          });
        }
        continue;
      }
      if (head.failedAt || failures.has(name)) continue;
      failures.set(name, {
        head,
        message: 'moved to failed/ by NetSuite; no error row names it (yet)',
        at: iso(obj, at),
        known: false,
      });
    }
    for (const [name, f] of failures) {
      const outcome = await store.markFailed(f.head, f);
      if (outcome !== 'first') continue;
      failedFiles++;
      for (const rec of await recordsOf(name)) {
        found.push({
          outbox: f.head.outbox,
          id: rec.id,
          sendOnce: f.head.sendOnce,
          payload: rec.payload,
          feed: f.head.feed,
          file: name,
          key: f.head.key,
          kind: 'file',
          lines: [],
          unit: f.head.format === 'json' ? 'record' : 'line',
          message: f.message,
          errorFile: f.errorFile,
          at: f.at,
          fingerprint: rec.fingerprint,
        });
      }
    }

    // 3. archive/: only from the oldest file still pending on (names sort by time).
    const pending = await store.pending(folder);
    if (pending.length) {
      const names = new Set(pending.map((p) => p.name));
      const oldest = [...names].sort()[0]!;
      const archived = (
        await files.list(`${prefix}archive/`, {
          startAfter: `${prefix}archive/${oldest.slice(0, 10)}`,
        })
      ).filter((o) => names.has(baseName(o.key)));
      const archivedHeads = await store.heads(archived.map((o) => baseName(o.key)));
      for (const obj of archived) {
        const head = archivedHeads.get(baseName(obj.key));
        if (!head) continue;
        const takenAt = iso(obj, at);
        takenAtOf.set(head.name, head.takenAt ?? takenAt);
        // The evidence first: a run stopping before `takenAt` is recorded writes it again.
        if (deps.reflect && !head.takenAt && isEvidenceOutbox(head.outbox)) {
          reflectEntries += await writeEvidence(
            deps,
            head,
            takenAt,
            await recordsOf(head.name),
            found,
          );
        }
        if (await store.markTaken(head, takenAt)) taken.push({ name: head.name, takenAt });
      }
    }
  }

  // 3b. A record refused after NetSuite took its file: its books do not hold it after all.
  let reflectDropped = 0;
  if (deps.reflect) {
    const gone = new Map<string, { takenAt: string; kind: ReflectKind; recordId: string }>();
    for (const f of found) {
      const takenAt = takenAtOf.get(f.file);
      if (!takenAt || !isEvidenceOutbox(f.outbox)) continue;
      gone.set(`${f.file}\u0000${f.id}`, { takenAt, kind: f.outbox, recordId: f.id });
    }
    const list = [...gone.values()];
    for (let i = 0; i < list.length; i += 16) {
      const removed = await Promise.all(
        list.slice(i, i + 16).map((g) => deps.reflect!.entries.remove(g)),
      );
      reflectDropped += removed.filter(Boolean).length;
    }
  }

  // 4. Refusal notes, then the send-once records back in their outbox (note first: the export
  // never sees the entry without it).
  let recordsRefused = 0;
  let requeued = 0;
  let autoResend = 0;
  let alreadySettled = 0;
  for (const outbox of OUTBOXES) {
    const mine = mergeFound(found.filter((f) => f.outbox === outbox));
    if (!mine.length) continue;
    const ids = mine.map((f) => f.id);
    const [prev, there] = await Promise.all([
      sync.refusalNotes(outbox, ids),
      sync.waiting(outbox, ids),
    ]);
    const updates: { feed: OutboxFeed; id: string; note: RefusalNote }[] = [];
    const back: { id: string; payload: unknown; createdAt: string }[] = [];
    for (const f of mine) {
      if (!f.sendOnce && !there.has(f.id)) {
        alreadySettled++; // its NetSuite id came back meanwhile: nothing to send again
        continue;
      }
      const { outbox: _o, id, sendOnce, payload, ...refusal } = f;
      const { note, changed } = nextNote(prev.get(id), refusal);
      if (!changed) continue;
      prev.set(id, note);
      updates.push({ feed: outbox, id, note });
      if (note.resend === 'auto') autoResend++;
      if (sendOnce && !there.has(id) && payload !== undefined) {
        back.push({ id, payload, createdAt: f.at });
      }
    }
    await sync.saveRefusals(updates, now.getTime());
    requeued += (await sync.requeue(outbox, back)).length;
    recordsRefused += updates.length;
  }

  // 5. What nobody can explain is listed; error files are marked read, then moved aside.
  const newlyUnexplained = await store.addUnexplained(unexplained);
  for (const e of errorFiles) {
    await store.markErrorFileProcessed(e.folder, e.name, e.summary, now.getTime());
    await files.move(e.key, `${root}/${e.folder}/error/processed/${e.name}`);
  }

  // 6. Notes still open: resolved when the record left its outbox, else waiting for a fix.
  const review = await reviewRefusals(sync);

  return {
    at,
    folders: folders.length,
    filesTaken: taken.length,
    reflectEntries,
    reflectDropped,
    taken: taken.slice(0, 20),
    errorFilesRead: errorFiles.length,
    errorRows,
    failedFiles,
    recordsRefused,
    requeued,
    autoResend,
    alreadySettled,
    unexplained: newlyUnexplained,
    resolved: review.resolved,
    waitingForFix: review.waiting.length,
    waiting: review.waiting.slice(0, 20),
    ms: Date.now() - startedMs,
  };
}

/**
 * The reflect entries of a file NetSuite took: every record but those refused (in this run's
 * error rows, or by a note naming this file), the lines read once for their SKUs.
 */
async function writeEvidence(
  deps: ExceptionsDeps,
  head: FileHead,
  takenAt: string,
  records: readonly StoredManifestRecord[],
  found: readonly Found[],
): Promise<number> {
  const reflect = deps.reflect!;
  const refused = new Set(found.filter((f) => f.file === head.name).map((f) => f.id));
  const notes = await deps.sync.refusalNotes(
    head.outbox,
    records.map((r) => r.id),
  );
  for (const [id, note] of notes) if (note.file === head.name) refused.add(id);
  const refs = records.flatMap((r) => lineRefOf(head.outbox, r) ?? []);
  const { lines } = refs.length ? await reflect.lines.linesWithHeaders(refs) : { lines: new Map() };
  const entries = entriesOfTakenFile(head, records, takenAt, lines, refused);
  return reflect.entries.put(entries);
}

/** One refusal per record and file: lines and messages of several rows merged. */
function mergeFound(list: readonly Found[]): Found[] {
  const byKey = new Map<string, Found>();
  for (const f of list) {
    const k = `${f.id}\u0000${f.file}`;
    const prev = byKey.get(k);
    if (!prev) {
      byKey.set(k, f);
      continue;
    }
    const messages = prev.message.split('; ');
    byKey.set(k, {
      ...prev,
      kind: prev.kind === 'file' || f.kind === 'file' ? 'file' : 'rows',
      lines: [...new Set([...prev.lines, ...f.lines])].sort((a, b) => a - b),
      message: messages.includes(f.message) ? prev.message : `${prev.message}; ${f.message}`,
    });
  }
  return [...byKey.values()];
}

/**
 * Drops the notes of records that left their outbox without being written again (their id came
 * back, or nothing is left to send) and returns those still waiting for a fix.
 */
async function reviewRefusals(
  sync: SyncStore,
): Promise<{ resolved: number; waiting: WaitingRefusal[] }> {
  let resolved = 0;
  const waiting: WaitingRefusal[] = [];
  await Promise.all(
    OUTBOXES.map(async (outbox) => {
      const notes = await sync.refusals(outbox);
      const open = [...notes].filter(([, n]) => !n.resentAt);
      if (!open.length) return;
      const there = await sync.waiting(
        outbox,
        open.map(([id]) => id),
      );
      for (const [id, note] of open) {
        if (!there.has(id)) {
          if (await sync.dropRefusal(outbox, id, { unlessResent: true })) resolved++;
          continue;
        }
        if (waitsForFix(note)) {
          waiting.push({
            outbox,
            id,
            message: note.message,
            file: note.file,
            lines: note.lines,
            attempts: note.attempts,
            at: note.at,
          });
        }
      }
    }),
  );
  waiting.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id.localeCompare(b.id)));
  return { resolved, waiting };
}

/** The watcher's run as a sync run record (for `oms sync status`). */
export function exceptionsRun(report: ExceptionsReport, runId: string): SyncRun {
  return {
    feed: EXCEPTIONS_JOB,
    runId,
    startedAt: report.at,
    ms: report.ms,
    files: report.taken.map((t) => t.name),
    rows: report.errorRows,
    records: report.recordsRefused,
    heldBack: report.waitingForFix,
    errors: [],
    details: {
      filesTaken: report.filesTaken,
      reflectEntries: report.reflectEntries,
      reflectDropped: report.reflectDropped,
      errorFilesRead: report.errorFilesRead,
      failedFiles: report.failedFiles,
      recordsRefused: report.recordsRefused,
      requeued: report.requeued,
      autoResend: report.autoResend,
      unexplained: report.unexplained,
      resolved: report.resolved,
      waitingForFix: report.waitingForFix,
    },
  };
}

// ── the operator's side ─────────────────────────────────────────────────────────────────────

export type RefusalState =
  'waiting for a fix' | 'operator re-send asked' | 'automatic re-send' | 're-sent';

export interface RefusedRecordView {
  readonly id: string;
  readonly state: RefusalState;
  /** The record is still in its outbox. */
  readonly inOutbox: boolean;
  readonly message: string;
  readonly file: string;
  readonly unit: 'line' | 'record';
  readonly lines: readonly number[];
  readonly kind: 'rows' | 'file';
  readonly errorFile?: string;
  readonly at: string;
  readonly attempts: number;
  readonly resentAt?: string;
  readonly resentFile?: string;
}

export interface ExceptionsStatus {
  /** Per outbound feed: records NetSuite refused. */
  readonly refused: readonly {
    readonly feed: string;
    readonly outbox: OutboxFeed;
    readonly waitingForFix: number;
    readonly resendPending: number;
    readonly resent: number;
    /** Waiting and pending first (oldest first), then re-sent; at most `limit`. */
    readonly records: readonly RefusedRecordView[];
  }[];
  /** Files NetSuite failed whole (last 30 days), newest first, at most `limit`. */
  readonly failedFiles: readonly FailedFile[];
  readonly unexplainedTotal: number;
  readonly unexplained: readonly UnexplainedException[];
  /** Per outbound feed: files NetSuite took (count, last). */
  readonly taken: readonly {
    feed: string;
    count: number;
    lastTakenAt?: string;
    lastFile?: string;
  }[];
  /** The watcher's last run. */
  readonly lastRun?: SyncRun;
}

const stateOf = (n: RefusalNote): RefusalState =>
  n.resentAt
    ? 're-sent'
    : n.resend === 'operator'
      ? 'operator re-send asked'
      : n.resend === 'auto'
        ? 'automatic re-send'
        : 'waiting for a fix';

export async function exceptionsStatus(
  sync: SyncStore,
  opts: { limit?: number } = {},
): Promise<ExceptionsStatus> {
  const limit = opts.limit ?? 20;
  const files = sync.netsuiteFiles();
  const feeds = Object.values(OUTBOX_FEEDS);
  const [refused, failed, unexplained, summary, runs] = await Promise.all([
    Promise.all(
      OUTBOXES.map(async (outbox) => {
        const notes = await sync.refusals(outbox);
        const there = notes.size ? await sync.waiting(outbox, [...notes.keys()]) : new Set();
        const records = [...notes].map(([id, n]): RefusedRecordView => ({
          id,
          state: stateOf(n),
          inOutbox: there.has(id),
          message: n.message,
          file: n.file,
          unit: n.unit,
          lines: n.lines,
          kind: n.kind,
          errorFile: n.errorFile,
          at: n.at,
          attempts: n.attempts,
          resentAt: n.resentAt,
          resentFile: n.resentFile,
        }));
        const open = records.filter((r) => r.state !== 're-sent' && r.inOutbox);
        const order = (a: RefusedRecordView, b: RefusedRecordView) =>
          a.at < b.at ? -1 : a.at > b.at ? 1 : a.id.localeCompare(b.id);
        return {
          feed: OUTBOX_FEEDS[outbox],
          outbox,
          waitingForFix: open.filter((r) => r.state === 'waiting for a fix').length,
          resendPending: open.filter((r) => r.state !== 'waiting for a fix').length,
          resent: records.filter((r) => r.state === 're-sent').length,
          records: [
            ...open.sort(order),
            ...records.filter((r) => r.state === 're-sent').sort(order),
          ].slice(0, limit),
        };
      }),
    ),
    Promise.all(feeds.map((f) => files.failedFiles(f))),
    files.unexplained(),
    files.takenSummary(),
    sync.runs(EXCEPTIONS_JOB, 1),
  ]);
  return {
    refused,
    failedFiles: failed.flat().sort(newestFailedFirst).slice(0, limit),
    unexplainedTotal: unexplained.length,
    unexplained: unexplained.slice(0, limit),
    taken: feeds.map((feed) => ({ feed, count: 0, ...summary.get(feed) })),
    lastRun: runs[0],
  };
}

export const isOutboxFeed = (v: string): v is OutboxFeed => v in OUTBOX_FEEDS;

/**
 * `oms sync resend <outbox> <id>|--all-refused`: the next export writes the record(s) once, whatever
 * their rows. Returns the ids asked and those without a refusal waiting.
 */
export async function resendRefused(
  sync: SyncStore,
  outbox: OutboxFeed,
  which: { id: string } | { allRefused: true },
): Promise<{ asked: string[]; notRefused: string[] }> {
  const ids =
    'id' in which
      ? [which.id]
      : [...(await sync.refusals(outbox))].filter(([, n]) => !n.resentAt).map(([id]) => id);
  const asked: string[] = [];
  const notRefused: string[] = [];
  for (const id of ids) {
    if (await sync.askResend(outbox, id)) asked.push(id);
    else notRefused.push(id);
  }
  return { asked, notRefused };
}
