/**
 * Text as it may be stored, logged or written into an error report: counts written for people and
 * reasons or raw lines cut to a bound, saying they were cut. Pure; used by the feeds, the import
 * ledger and the error reports alike.
 */
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
