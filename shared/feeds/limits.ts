/**
 * The bounds every inbound feed file is read within, so that no input — however long a line, a
 * value or a header — can make an import use unbounded memory, write an oversized record, or fail
 * a whole file because of one row (docs/inventory.md, "Limits").
 */

/** Longest line a CSV feed reads (bytes, line end excluded): `OMS_MAX_LINE_BYTES`, default 64 KiB. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

/** The line limit in force: `OMS_MAX_LINE_BYTES` (at least 1,024), else the default. */
export const maxLineBytesSetting = (): number => {
  const set = Number(process.env.OMS_MAX_LINE_BYTES);
  return Number.isSafeInteger(set) && set >= 1024 ? set : DEFAULT_MAX_LINE_BYTES;
};

/** Longest refusal reason stored or logged (characters): error files, the ledger, log lines. */
export const MAX_REASON_CHARS = 500;

/** Longest raw line (or record) kept in an error file (characters). */
export const MAX_RAW_CHARS = 2_000;

/** `1,234` (bytes and counts in messages). */
export const count = (n: number): string => n.toLocaleString('en-US');

const cut = (text: string, keep: number): string =>
  `${text.slice(0, keep)}… (cut: ${count(text.length)} characters)`;

/** A reason as it may be stored or logged: at most `MAX_REASON_CHARS` characters, saying it was cut. */
export const boundedReason = (reason: string): string =>
  reason.length <= MAX_REASON_CHARS ? reason : cut(reason, MAX_REASON_CHARS - 40);

/** A raw line as it may be kept in an error file: at most `MAX_RAW_CHARS` (+ a note), saying it was cut. */
export const boundedRaw = (raw: string): string =>
  raw.length <= MAX_RAW_CHARS ? raw : cut(raw, MAX_RAW_CHARS);
