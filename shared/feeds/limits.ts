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

export {
  MAX_REASON_CHARS,
  MAX_RAW_CHARS,
  count,
  boundedReason,
  boundedRaw,
} from '../domain/bounded-text.ts';
