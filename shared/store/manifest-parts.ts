/**
 * How a file's manifest records are kept in the control table: compact JSON arrays, gzipped, 5,000
 * records a part and always below DynamoDB's 400 kB item limit (a part still too big is halved).
 * Pure: the NetSuite file store (shared/store/netsuite-file-store.ts) writes and reads the parts.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ManifestRecord } from '../domain/sync/netsuite-error-file.ts';

/** Records per manifest part before compression (a part is split further if it is still big). */
const PART_RECORDS = 5_000;
/** Stay well below DynamoDB's 400 kB item limit. */
const MAX_PART_BYTES = 350_000;

/**
 * A record as the manifest keeps it: where it is, its rows' fingerprint, the send-once payload,
 * and — for allocation, OMS-fulfilled and inventory adjustment rows — `quantity`, the units its
 * rows told NetSuite (the `quantity` column, |`Adjust Qty By`|): once NetSuite took the file, what
 * its books hold for the record (a reflect entry's `covered`, shared/store/reflect-store.ts).
 */
export interface StoredManifestRecord extends ManifestRecord {
  readonly quantity?: number;
}

/** `[id, first, last, fingerprint, payload?, quantity?]` (payload `null` when only the quantity is). */
type Compact =
  | [string, number, number, string]
  | [string, number, number, string, unknown]
  | [string, number, number, string, unknown, number];

/** Gzipped parts of at most MAX_PART_BYTES each. */
export function manifestParts(records: readonly StoredManifestRecord[]): Buffer[] {
  const pack = (slice: readonly StoredManifestRecord[]): Buffer[] => {
    const compact: Compact[] = slice.map((r) =>
      r.quantity !== undefined
        ? [r.id, r.first, r.last, r.fingerprint, r.payload ?? null, r.quantity]
        : r.payload === undefined
          ? [r.id, r.first, r.last, r.fingerprint]
          : [r.id, r.first, r.last, r.fingerprint, r.payload],
    );
    const data = gzipSync(JSON.stringify(compact));
    if (data.length <= MAX_PART_BYTES || slice.length <= 1) return [data];
    const half = Math.ceil(slice.length / 2);
    return [...pack(slice.slice(0, half)), ...pack(slice.slice(half))];
  };
  const parts: Buffer[] = [];
  for (let i = 0; i < records.length; i += PART_RECORDS) {
    parts.push(...pack(records.slice(i, i + PART_RECORDS)));
  }
  return parts;
}

export function readManifestPart(data: Uint8Array): StoredManifestRecord[] {
  const compact = JSON.parse(gunzipSync(data).toString('utf8')) as Compact[];
  return compact.map(([id, first, last, fingerprint, payload, quantity]) => ({
    id,
    first,
    last,
    fingerprint,
    ...(payload === undefined || (payload === null && quantity !== undefined) ? {} : { payload }),
    ...(quantity !== undefined ? { quantity } : {}),
  }));
}
