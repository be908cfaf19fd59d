/**
 * One run of an outbound sync feed, whatever the feed: read the outbox, let the feed decide per
 * record (ready rows, waiting, held back with reasons, missing required fields, or already done),
 * write the ready rows atomically into the folder NetSuite reads (split into files of at most
 * 25,000 rows, a record never split and never twice in one run), write records missing required
 * fields once to `required_fields_missing/`, then record what was sent and the run itself.
 *
 * A record is written again only when its NetSuite id has not come back after `resendAfterMs`.
 *
 * Every file written into a folder NetSuite reads gets a **manifest** first (which record is on
 * which lines, a fingerprint of its rows, and — for send-once feeds — its outbox payload; see
 * `shared/store/netsuite-file-store.ts`), so that NetSuite's exception files can be traced back
 * to records (`shared/sync/netsuite-exceptions.ts`). A record NetSuite refused carries a refusal
 * note: it is planned on every run, but written only when the rows it would build now differ
 * from the refused ones, after an operator's re-send, or once after a wholly failed file;
 * otherwise it stays out of files and is reported as refused.
 *
 * For allocation, OMS-fulfilled and inventory adjustment records the manifest also keeps the units
 * the rows tell NetSuite (`quantity`): once NetSuite took the file, that is what its books hold
 * for the record — the evidence that ends inventory holds (docs/inventory.md, "When a hold ends").
 *
 * Over 400 lines: the run's steps (read, plan, spill and sort, write, record) share the run's
 * state; the spill and the sorted due list (`payload-spill.ts`, `due-entries.ts`) and a CSV
 * file's bytes (`file-body.ts`) are their own modules, and the file writing would be the next to
 * move out.
 */
import { randomBytes } from 'node:crypto';
import {
  decideRefused,
  isRowsFingerprint,
  linesFingerprint,
  rowsFingerprint,
  type RefusalNote,
} from '../domain/sync/netsuite-error-file.ts';
import {
  csvHeader,
  csvLines,
  csvText,
  MAX_ROWS_PER_FILE,
  outboundFileName,
} from '../domain/sync/outbound-files.ts';
import { MISSING_FIELDS_COLUMN } from '../domain/sync/sales-order-rows.ts';
import type { FeedDefinition } from '../feeds/catalog.ts';
import { feedPrefix } from '../feeds/paths.ts';
import { rowsQuantity } from '../inventory/reflect-entries.ts';
import type { StoredManifestRecord } from '../store/manifest-parts.ts';
import type { NetsuiteFileStore } from '../store/netsuite-file-store.ts';
import {
  shardOf,
  type OutboxEntry,
  type OutboxFeed,
  type SendState,
  type SyncRun,
  type SyncStore,
} from '../store/sync-store.ts';
import { DueEntries } from './due-entries.ts';
import { FileBody } from './file-body.ts';
import { PayloadSpill } from './payload-spill.ts';

export type RecordPlan =
  | { readonly kind: 'ready'; readonly rows: readonly Record<string, unknown>[] }
  | { readonly kind: 'waiting'; readonly reason: string }
  | { readonly kind: 'held'; readonly reasons: readonly string[] }
  | {
      readonly kind: 'missing-fields';
      readonly fields: readonly string[];
      readonly rows: readonly Record<string, string>[];
    }
  /** Nothing to send any more (the id is already known): the record leaves the outbox. */
  | { readonly kind: 'done' };

export interface ExportFeed<P> {
  readonly outbox: OutboxFeed;
  readonly feed: FeedDefinition;
  /** The file name's middle part, e.g. `SalesOrderExport`. */
  readonly fileBase: string;
  /** Decides for a page of due records at once (so that lookups are batched). */
  plan(entries: readonly OutboxEntry<P>[]): Promise<RecordPlan[]>;
  /** At most one file per run (NetSuite reads one file per run in some folders). */
  readonly oneFilePerRun?: boolean;
  /** Records leave the outbox once written (no id comes back for them, e.g. allocation updates). */
  readonly sendOnce?: boolean;
  /** After the run saved its send states and left the outbox: the records written or done. */
  finished?(ids: readonly string[]): Promise<void>;
}

export interface ExportDeps {
  readonly sync: SyncStore;
  readonly files: {
    writeAtomically(key: string, body: string | Buffer, contentType?: string): Promise<void>;
  };
  readonly user: string;
  readonly now?: () => Date;
  /** Wait at least this long before sending a record again (its id did not come back). */
  readonly resendAfterMs: number;
  readonly maxRowsPerFile?: number;
  /** Where manifests go. Default: the sync store's table (`sync.netsuiteFiles()`). */
  readonly manifests?: Pick<NetsuiteFileStore, 'saveManifest'>;
}

/** A record NetSuite refused that the export keeps out of files (its rows did not change). */
export interface RefusedRecord {
  readonly id: string;
  readonly message: string;
  readonly file: string;
  readonly lines: readonly number[];
  readonly attempts: number;
}

export interface ExportReport extends SyncRun {
  readonly waiting: number;
  readonly done: number;
  readonly notDue: number;
  readonly missingFields: number;
  /** Records held back, with their reasons (up to 50). */
  readonly held: readonly { id: string; reasons: readonly string[] }[];
  /** Records NetSuite refused whose rows did not change: kept out of files (count, first 50). */
  readonly refused: number;
  readonly refusedRecords: readonly RefusedRecord[];
  /** Refused records written again (rows changed, operator's or automatic re-send). */
  readonly resent: number;
}

const DEFAULT_RESEND_MINUTES = 60;

/** `OMS_SYNC_RESEND_MINUTES` (default 60) in milliseconds. */
export function resendAfterMs(): number {
  const text = process.env.OMS_SYNC_RESEND_MINUTES;
  const minutes = text === undefined || text === '' ? NaN : Number(text);
  return (Number.isFinite(minutes) && minutes >= 0 ? minutes : DEFAULT_RESEND_MINUTES) * 60_000;
}

export async function runExport<P>(spec: ExportFeed<P>, deps: ExportDeps): Promise<ExportReport> {
  const started = deps.now?.() ?? new Date();
  const startedMs = Date.now();
  const runId = randomBytes(3).toString('hex');
  // The due records are sorted before any is planned. The entries and their payloads wait in a
  // temporary file meanwhile (the run keeps a sort key and where each is: `DueEntries`), and are
  // read back and parsed a page at a time: a run holds a few pages of the outbox and two pages
  // of parsed payloads, whatever is due.
  const spill = new PayloadSpill();
  try {
    return await exportDue(spec, deps, started, startedMs, runId, spill);
  } finally {
    spill.close();
  }
}

async function exportDue<P>(
  spec: ExportFeed<P>,
  deps: ExportDeps,
  started: Date,
  startedMs: number,
  runId: string,
  spill: PayloadSpill,
): Promise<ExportReport> {
  const due = new DueEntries(spill);
  let notDue = 0;
  for await (const page of deps.sync.entryPages(spec.outbox)) {
    for (const e of page) {
      const last = e.state.lastSentAt ? Date.parse(e.state.lastSentAt) : undefined;
      if (e.state.missingFieldsFile) notDue++;
      // Refused and not written since: looked at every run (its rows may have been fixed).
      else if (e.refusal && !e.refusal.resentAt) due.add(e, shardOf(e.id));
      else if (last !== undefined && started.getTime() - last < deps.resendAfterMs) notDue++;
      else due.add(e, shardOf(e.id));
    }
  }
  // Oldest first; the same time in the order the shards are numbered, then by id (the order the
  // outbox is read in, shard after shard, whichever shard's pages came first).
  due.sort();

  const missing: {
    entry: OutboxEntry<P>;
    fields: readonly string[];
    rows: readonly Record<string, string>[];
  }[] = [];
  const held: { id: string; reasons: readonly string[] }[] = [];
  const done: string[] = [];
  const states: { feed: OutboxFeed; id: string; state: SendState }[] = [];
  const refused: RefusedRecord[] = [];
  const notes: { feed: OutboxFeed; id: string; note: RefusalNote }[] = [];
  const dropNotes: string[] = [];
  let waiting = 0;

  const prefix = feedPrefix(deps.user, spec.feed);
  const ext = spec.feed.format;
  const max = deps.maxRowsPerFile ?? MAX_ROWS_PER_FILE;
  const files: string[] = [];
  const at = started.toISOString();
  let rows = 0;
  let written = 0;
  const manifests = deps.manifests ?? deps.sync.netsuiteFiles();
  // Send states go out as each file is written (BatchWriteItem, in the background of the next
  // file's planning) instead of all at the end. A failed write stops the run at a following file.
  const stateWriter = deps.sync.writer();
  let stateWrites: Promise<void> = Promise.resolve();
  let stateWriteFailed = false;
  /** The records written, as their places in `due` (numbers, not id strings, for the run). */
  const sent: number[] = [];
  const columns = ext === 'json' ? undefined : spec.feed.columns;
  // Files are written as they fill, so a run holds one file's rows at a time — and a CSV file's
  // rows as its bytes (`body`), each record's lines rendered and appended when it joins the file.
  let current: {
    /** Its place in `due`. */
    at: number;
    id: string;
    sends: number;
    refusal?: RefusalNote;
    /** Send-once feeds only (their manifest keeps it). */
    payload?: P;
    /** JSON files: the rows (CSV files: their lines are in `body`). */
    rows?: readonly Record<string, unknown>[];
    count: number;
    quantity?: number;
    fingerprint: string;
    resentWhy?: RefusalNote['resentWhy'];
  }[] = [];
  let currentRows = 0;
  /**
   * CSV: the header and the lines of the records in `current`, as UTF-8 — one buffer for the
   * run, emptied for the next file once a file is written (a buffer a file would stay in memory,
   * unreachable, until V8's next full collection).
   */
  const body = ext === 'json' ? undefined : new FileBody();
  const full = () => !!spec.oneFilePerRun && files.length >= 1;
  const writeFile = async () => {
    if (!current.length) return;
    if (stateWriteFailed) await stateWrites; // throws the failure
    const name = outboundFileName(spec.fileBase, started, runId, files.length + 1, ext);
    const count = current.reduce((n, c) => n + c.count, 0);
    // The manifest before the file: NetSuite never sees a file the OMS cannot trace back.
    const records: StoredManifestRecord[] = [];
    let position = ext === 'json' ? 1 : 2; // CSV: the header is line 1
    for (const c of current) {
      const quantity = c.quantity;
      records.push({
        id: c.id,
        first: position,
        last: position + c.count - 1,
        fingerprint: c.fingerprint,
        ...(spec.sendOnce ? { payload: c.payload } : {}),
        ...(quantity !== undefined ? { quantity } : {}),
      });
      position += c.count;
    }
    await manifests.saveManifest({
      name,
      key: `${prefix}${name}`,
      folder: spec.feed.folder,
      feed: spec.feed.id,
      outbox: spec.outbox,
      format: ext,
      writtenAt: at,
      rows: count,
      sendOnce: !!spec.sendOnce,
      records,
    });
    if (ext === 'json') {
      const json = `${JSON.stringify(
        current.flatMap((c) => c.rows ?? []),
        null,
        2,
      )}\n`;
      await deps.files.writeAtomically(`${prefix}${name}`, json, 'application/json');
    } else {
      await deps.files.writeAtomically(`${prefix}${name}`, body!.bytes(), 'text/csv');
      body!.clear();
    }
    files.push(name);
    rows += count;
    const inFile = current;
    // The file's send states go out behind it while the next file's records are planned (the
    // BatchWriteItem calls would otherwise stall the run, the planning wait for them); one
    // file's after another's, all of them awaited before the run reports.
    stateWrites = stateWrites.then(async () => {
      for (const { id, sends } of inFile) {
        await stateWriter.put(
          deps.sync.stateItem({
            feed: spec.outbox,
            id,
            state: { sends: sends + 1, lastSentAt: at, lastFile: name },
          }),
        );
      }
    });
    // Awaited before the next file and at the end; a failure must not go unhandled meanwhile.
    stateWrites.catch(() => void (stateWriteFailed = true));
    for (const { at: place, id, refusal, resentWhy } of current) {
      written++;
      sent.push(place);
      if (refusal && !refusal.resentAt) {
        notes.push({
          feed: spec.outbox,
          id,
          note: {
            ...refusal,
            resend: undefined,
            resentAt: at,
            resentFile: name,
            resentWhy: resentWhy ?? 'changed',
          },
        });
      }
    }
    current = [];
    currentRows = 0;
  };

  // Records planned at once. A page's payloads, plans and rows live while the next page's
  // lookups run, long enough for V8 to copy or promote them: 250 (not 1,000) keeps that small
  // (issue #21: 16 MB less peak RSS at 100,000 lines) for the same lookups — customers and
  // items are cached for the run, so the keys read are the same, in smaller batches.
  const PAGE = 250;
  // The next page's lookups run while this page's rows are built and its files written.
  const planPage = (i: number) => {
    if (i >= due.length) return undefined;
    const page = due.page<P>(i, i + PAGE);
    const plans = spec.plan(page);
    plans.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
    return { page, plans };
  };
  let next = planPage(0);
  for (let i = 0; i < due.length; i += PAGE) {
    const { page, plans: planned } = next!;
    const plans = await planned;
    next = planPage(i + PAGE);
    for (const [j, entry] of page.entries()) {
      const plan = plans[j]!;
      if (plan.kind === 'ready') {
        // CSV: the record's lines as the file will hold them, fingerprinted as they are.
        const lines = columns && csvLines(columns, plan.rows as Record<string, string>[]);
        const fingerprint =
          lines === undefined ? rowsFingerprint(plan.rows) : linesFingerprint(lines);
        const note = entry.refusal;
        const decision = decideRefused(
          note,
          note && lines !== undefined && isRowsFingerprint(note.fingerprint)
            ? rowsFingerprint(plan.rows, columns) // refused before lines were fingerprinted
            : fingerprint,
        );
        if (!decision.send) {
          const n = entry.refusal!;
          refused.push({
            id: entry.id,
            message: n.message,
            file: n.file,
            lines: n.lines,
            attempts: n.attempts,
          });
          continue; // NetSuite refused these very rows: they wait for a fix or an operator
        }
        // A record's rows stay together; a full file is written before the next record starts.
        if (currentRows && currentRows + plan.rows.length > max) await writeFile();
        if (full()) continue; // stays due: the next run takes it
        if (body) {
          if (!body.byteLength) body.append(csvHeader(spec.feed.columns));
          body.append(lines!);
        }
        current.push({
          at: i + j,
          id: entry.id,
          sends: entry.state.sends,
          ...(entry.refusal ? { refusal: entry.refusal } : {}),
          ...(spec.sendOnce ? { payload: entry.payload } : {}),
          ...(ext === 'json' ? { rows: plan.rows } : {}),
          count: plan.rows.length,
          quantity: rowsQuantity(spec.outbox, plan.rows),
          fingerprint,
          resentWhy: decision.why,
        });
        currentRows += plan.rows.length;
      } else if (plan.kind === 'missing-fields')
        missing.push({ entry, fields: plan.fields, rows: plan.rows });
      else if (plan.kind === 'done') {
        done.push(entry.id);
        if (entry.refusal) dropNotes.push(entry.id);
      } else if (plan.kind === 'waiting') waiting++;
      else {
        held.push({ id: entry.id, reasons: plan.reasons });
        const heldBack = plan.reasons.join('; ');
        if (entry.state.heldBack !== heldBack) {
          states.push({ feed: spec.outbox, id: entry.id, state: { ...entry.state, heldBack } });
        }
      }
    }
  }
  await writeFile();

  if (missing.length) {
    const name = outboundFileName(spec.fileBase, started, runId, 1, 'csv');
    const key = `${prefix}required_fields_missing/${name}`;
    const columns = [...spec.feed.columns, MISSING_FIELDS_COLUMN];
    const missingRows = missing.flatMap((m) =>
      m.rows.map((r) => ({ ...r, [MISSING_FIELDS_COLUMN]: m.fields.join(' ') })),
    );
    await deps.files.writeAtomically(key, csvText(columns, missingRows));
    files.push(`required_fields_missing/${name}`);
    for (const m of missing) {
      states.push({
        feed: spec.outbox,
        id: m.entry.id,
        state: {
          ...m.entry.state,
          heldBack: `missing required fields: ${m.fields.join(', ')}`,
          missingFieldsFile: name,
        },
      });
    }
  }

  await stateWrites;
  await stateWriter.flush();
  await deps.sync.saveStates(states);
  // Refused records written again keep their note (marked re-sent) before a send-once entry
  // leaves the outbox: the watcher drops only notes of records gone without being re-sent.
  await deps.sync.saveRefusals(notes);
  const sentIds = sent.map((k) => due.idAt(k));
  if (spec.sendOnce) {
    // Sent records leave the outbox; their send state stays (when it was sent, for 30 days).
    if (sentIds.length) {
      await deps.sync.complete(spec.outbox, sentIds, undefined, { keepState: true });
    }
  }
  if (done.length) await deps.sync.complete(spec.outbox, done);
  if (spec.finished && (sentIds.length || done.length)) await spec.finished([...sentIds, ...done]);
  // A record done (its id came back) ends its refusal note, unless it was re-sent: then the note
  // stays as its history (re-sent, for 30 days).
  for (const id of dropNotes) await deps.sync.dropRefusal(spec.outbox, id, { unlessResent: true });

  const report: ExportReport = {
    feed: spec.feed.id,
    runId,
    startedAt: at,
    ms: Date.now() - startedMs,
    files,
    rows,
    records: written,
    heldBack: held.length,
    errors: [],
    waiting,
    done: done.length,
    notDue,
    missingFields: missing.length,
    held: held.slice(0, 50),
    refused: refused.length,
    refusedRecords: refused.slice(0, 50),
    resent: notes.length,
    details: {
      waiting,
      done: done.length,
      notDue,
      missingFields: missing.length,
      held: held.slice(0, 20),
      refused: refused.length,
      refusedRecords: refused.slice(0, 20),
      resent: notes.length,
    },
  };
  await deps.sync.recordRun(report);
  return report;
}
