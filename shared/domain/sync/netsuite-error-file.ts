/**
 * NetSuite's exception files for the folders it imports from the OMS, and the rules the OMS applies
 * to them (pure; docs/netsuite-sync.md, "NetSuite's exception files").
 *
 * - An error file `error/<Date.toString()>-Error<Name>.csv` has the header `fileName,errorMessage`
 *   and one row per problem. NetSuite never quotes, so a row splits at its FIRST comma only (OMS
 *   file names hold no comma; a message may). `<name>,line <n>: <message>` refuses the row(s) on
 *   line n of a CSV file (header = line 1, first data row = line 2); `<name>,record <n>: <message>`
 *   the n-th (1-based) entry of a JSON file; `<name>,<message>` without a line means the whole
 *   file failed (NetSuite moved it to `failed/`).
 * - A **manifest** says which record of an outbox is on which lines of a file the OMS wrote, with
 *   a fingerprint of the rows written for it.
 * - A **refusal note** stays with a refused record: NetSuite's message, the file and lines, when,
 *   the refused rows' fingerprint and how often NetSuite refused it. The export re-sends such a
 *   record only when the rows it would build now differ from the refused ones (the cause was
 *   fixed), when an operator asked for it, or once automatically after a wholly failed file.
 */
import { hash } from 'node:crypto';

export const ERROR_FILE_HEADER = 'fileName,errorMessage';

/** Where a row of an error file points. */
export type ErrorTarget =
  | { readonly kind: 'line'; readonly n: number }
  | { readonly kind: 'record'; readonly n: number }
  | { readonly kind: 'file' };

export interface ErrorRow {
  /** The row's line in the error file (header = 1). */
  readonly errorLine: number;
  /** The file NetSuite names (ours, e.g. `2026-…-AllocationUpdate-ab12cd-1.csv`). */
  readonly fileName: string;
  readonly target: ErrorTarget;
  /** NetSuite's message, without the `line <n>: ` prefix. */
  readonly message: string;
  /** The row as NetSuite wrote it (for people). */
  readonly raw: string;
}

export interface GarbageRow {
  readonly errorLine: number;
  readonly raw: string;
  readonly reason: string;
}

export type ParsedErrorFile =
  | { readonly ok: true; readonly rows: ErrorRow[]; readonly garbage: GarbageRow[] }
  | { readonly ok: false; readonly reason: string };

const TARGET = /^\s*(line|record)\s+(\d+)\s*:\s*(.*)$/is;

/** Reads one row (`<name>,<message>`), split at the first comma. */
export function parseErrorRow(raw: string, errorLine: number): ErrorRow | GarbageRow {
  const comma = raw.indexOf(',');
  if (comma < 0) return { errorLine, raw, reason: 'no comma: not `fileName,errorMessage`' };
  const fileName = raw.slice(0, comma).trim();
  const rest = raw.slice(comma + 1).trim();
  if (!fileName) return { errorLine, raw, reason: 'no file name' };
  const m = TARGET.exec(rest);
  if (m) {
    const n = Number(m[2]);
    if (!Number.isSafeInteger(n) || n < 1) {
      return { errorLine, raw, reason: `impossible ${m[1]!.toLowerCase()} number "${m[2]}"` };
    }
    const kind = m[1]!.toLowerCase() as 'line' | 'record';
    return { errorLine, fileName, target: { kind, n }, message: m[3]!.trim(), raw };
  }
  return { errorLine, fileName, target: { kind: 'file' }, message: rest, raw };
}

export const isErrorRow = (r: ErrorRow | GarbageRow): r is ErrorRow => 'fileName' in r;

/**
 * Reads an error file. A file whose first line is not `fileName,errorMessage` is refused whole
 * (listed for people, never guessed at); a header-only file has no rows; rows that cannot be read
 * are returned as garbage beside the good ones.
 */
export function parseErrorFile(text: string): ParsedErrorFile {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  const header = (lines[0] ?? '').replace(/\r$/, '').trim();
  if (header !== ERROR_FILE_HEADER) {
    return {
      ok: false,
      reason: header
        ? `header is "${header.slice(0, 80)}", not "${ERROR_FILE_HEADER}"`
        : 'empty error file',
    };
  }
  const rows: ErrorRow[] = [];
  const garbage: GarbageRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    if (!raw.trim()) continue;
    const row = parseErrorRow(raw, i + 1);
    if (isErrorRow(row)) rows.push(row);
    else garbage.push(row);
  }
  return { ok: true, rows, garbage };
}

/** `Wed Jul 02 2025 …-ErrorSalesOrderUpdate.csv` → `SalesOrderUpdate` (undefined: not that form). */
export function errorFileKind(name: string): string | undefined {
  return /-Error([A-Za-z]+)\.csv$/.exec(name)?.[1];
}

// ── manifests ──────────────────────────────────────────────────────────────────────────────────

/** One record of a written file: where its rows are and what they were. */
export interface ManifestRecord {
  readonly id: string;
  /** First and last line (CSV: header = 1, first data row = 2) or array position (JSON: 1-based). */
  readonly first: number;
  readonly last: number;
  /** Fingerprint of the rows written for the record (`rowsFingerprint`). */
  readonly fingerprint: string;
  /** The outbox payload, for records that leave their outbox when written (send-once feeds). */
  readonly payload?: unknown;
}

/** The records on line (or record) `n`, from records sorted by `first` (binary search). */
export function recordsAt(records: readonly ManifestRecord[], n: number): ManifestRecord[] {
  let lo = 0;
  let hi = records.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = records[mid]!;
    if (n < r.first) hi = mid - 1;
    else if (n > r.last) lo = mid + 1;
    else return [r];
  }
  return [];
}

/**
 * A fingerprint of a record's rows: CSV rows by the feed's columns (what the file holds), JSON
 * entries with their keys sorted. 64 bits of SHA-256, hex.
 */
export function rowsFingerprint(
  rows: readonly Record<string, unknown>[],
  columns?: readonly string[],
): string {
  const canonical = rows.map((r) =>
    columns
      ? columns.map((c) => (r[c] === undefined || r[c] === null ? '' : String(r[c])))
      : Object.keys(r)
          .sort()
          .map((k) => [k, r[k]]),
  );
  return hash('sha256', JSON.stringify(canonical)).slice(0, 16);
}

/**
 * A fingerprint of a CSV record's lines exactly as the file holds them (`csvLines`: the feed's
 * columns, quoted as written): `c` and 64 bits of SHA-256, hex. The export renders those lines
 * anyway, so this costs one hash where `rowsFingerprint` built and serialised a second copy of
 * the rows (issue #21: the export's CPU). Equal rows give equal lines, so it tells a changed
 * record from an unchanged one as `rowsFingerprint` did.
 */
export const linesFingerprint = (lines: string): string => `c${hash('sha256', lines).slice(0, 16)}`;

/**
 * Whether a stored fingerprint is `rowsFingerprint`'s: manifests and refusal notes written
 * before CSV records were fingerprinted by their lines hold such; a record refused then is
 * compared by `rowsFingerprint` still, so that it is not re-sent merely because the way of
 * fingerprinting changed.
 */
export const isRowsFingerprint = (fingerprint: string): boolean =>
  /^[0-9a-f]{16}$/.test(fingerprint);

// ── refusal notes and the decision rules ───────────────────────────────────────────────────────

export interface RefusalNote {
  /** The outbound feed whose file was refused (e.g. `allocation-update-export`). */
  readonly feed: string;
  /** The file NetSuite refused rows of, or that failed whole. */
  readonly file: string;
  readonly key: string;
  /** `rows`: NetSuite refused the record's row(s); `file`: the whole file failed. */
  readonly kind: 'rows' | 'file';
  /** Lines (CSV) or records (JSON) NetSuite named; empty for a whole file. */
  readonly lines: readonly number[];
  readonly unit: 'line' | 'record';
  /** NetSuite's message(s), `; `-joined. */
  readonly message: string;
  /** NetSuite's error file, when one named the record or file. */
  readonly errorFile?: string;
  /** When NetSuite reported it (the error file's or failed file's time). */
  readonly at: string;
  /** Fingerprint of the refused rows: the export compares the rows it would build now. */
  readonly fingerprint: string;
  /** Files in which NetSuite refused the record (rows or whole file). */
  readonly attempts: number;
  /** Of those, wholly failed files. */
  readonly fileFailures: number;
  /** Re-send once regardless of the rows: after the first wholly failed file, or asked by an operator. */
  readonly resend?: 'auto' | 'operator';
  /** Set once the export wrote the record again after this refusal. */
  readonly resentAt?: string;
  readonly resentFile?: string;
  readonly resentWhy?: 'changed' | 'auto' | 'operator';
}

/** A refusal as read from NetSuite's files, before it is merged into the record's note. */
export type Refusal = Omit<
  RefusalNote,
  'attempts' | 'fileFailures' | 'resend' | 'resentAt' | 'resentFile' | 'resentWhy'
>;

const union = (a: readonly number[], b: readonly number[]) =>
  [...new Set([...a, ...b])].sort((x, y) => x - y);
const joinMessages = (a: string, b: string) =>
  !a ? b : !b || a.split('; ').includes(b) ? a : `${a}; ${b}`;

/**
 * The record's note after a refusal. The same file again (the error file read twice, or a second
 * error row of the same record) merges lines and messages and counts nothing twice; another file
 * is one more attempt. The first wholly failed file asks for one automatic re-send (a transient
 * cause); after that a failed file is treated like refused rows. Returns `changed: false` when
 * the note stays as it was.
 */
export function nextNote(
  prev: RefusalNote | undefined,
  r: Refusal,
): { note: RefusalNote; changed: boolean } {
  if (prev && prev.file === r.file && !prev.resentAt) {
    const lines = union(prev.lines, r.lines);
    const message = joinMessages(prev.message, r.message);
    const kind = prev.kind === 'file' || r.kind === 'file' ? 'file' : 'rows';
    const changed =
      lines.length !== prev.lines.length ||
      message !== prev.message ||
      kind !== prev.kind ||
      (!prev.errorFile && !!r.errorFile);
    if (!changed) return { note: prev, changed: false };
    const fileFailures = prev.fileFailures + (kind === 'file' && prev.kind !== 'file' ? 1 : 0);
    return {
      note: {
        ...prev,
        kind,
        lines,
        message,
        errorFile: prev.errorFile ?? r.errorFile,
        fileFailures,
        resend: prev.resend ?? (kind === 'file' && fileFailures === 1 ? 'auto' : undefined),
      },
      changed: true,
    };
  }
  if (prev && prev.file === r.file) return { note: prev, changed: false }; // already re-sent since
  const attempts = (prev?.attempts ?? 0) + 1;
  const fileFailures = (prev?.fileFailures ?? 0) + (r.kind === 'file' ? 1 : 0);
  return {
    note: {
      ...r,
      lines: union([], r.lines),
      attempts,
      fileFailures,
      resend: r.kind === 'file' && fileFailures === 1 ? 'auto' : undefined,
    },
    changed: true,
  };
}

export type RefusedDecision =
  | { readonly send: true; readonly why?: 'changed' | 'auto' | 'operator' }
  | { readonly send: false };

/**
 * Whether the export writes a record it would build `fingerprint` for: always without a note or
 * once re-sent since; with a note, only when asked (automatic or operator re-send) or when the
 * rows differ from the refused ones.
 */
export function decideRefused(note: RefusalNote | undefined, fingerprint: string): RefusedDecision {
  if (!note || note.resentAt) return { send: true };
  if (note.resend) return { send: true, why: note.resend };
  if (fingerprint !== note.fingerprint) return { send: true, why: 'changed' };
  return { send: false };
}

/** Waiting for a fix: refused, not re-sent since, no re-send asked. */
export const waitsForFix = (note: RefusalNote): boolean => !note.resentAt && !note.resend;
