/**
 * Which allocations NetSuite's locations reject, and what a rejection says. A rejected line moves
 * to the "Rejected Orders" location (an undefined location, not a place) with a reason (often
 * empty) and comments, and the rejected-items export sends it to the OMS.
 *
 * The draw behind `rejectShare` is a seeded PRNG keyed by the line and its attempt, so the same
 * seed rejects the same allocations whatever the files' order or size.
 */
import type { AllocatedLine, RejectionOptions } from '../context.ts';

export const DEFAULT_REJECTED_LOCATION_ID = 'REJECTED';

/** Reasons and comments, in rotation: as in real accounts, the reason is often empty. */
export const REJECTION_ROTATION: ReadonlyArray<{
  readonly reason: string;
  readonly comments: (line: AllocatedLine) => string;
}> = [
  { reason: '', comments: (l) => `Not found in bin, location ${l.location}` },
  { reason: 'Out of stock', comments: () => 'Inventory count short' },
  { reason: '', comments: () => '' },
  { reason: 'Damaged', comments: (l) => `Box damaged, item ${l.itemId} not shippable` },
];

/** Throws on options no NetSuite account could mean. */
export function checkRejectionOptions(options: RejectionOptions): void {
  const share = options.rejectShare ?? 0;
  if (!(share >= 0 && share <= 1)) throw new Error(`rejectShare ${share} is not within 0..1`);
  if (options.rejectedLocationId === '') throw new Error('rejectedLocationId is empty');
}

export const rejectedLocationId = (options: RejectionOptions | undefined): string =>
  options?.rejectedLocationId ?? DEFAULT_REJECTED_LOCATION_ID;

/** 32-bit FNV-1a of a string. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The first number (0 ≤ x < 1) of a mulberry32 PRNG seeded with `seed` and `key`. */
export function seededDraw(seed: number | string, key: string): number {
  let t = (fnv1a(`${seed}|${key}`) + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Whether the location rejects the line just allocated to it: any rule that says so. */
export function rejects(options: RejectionOptions | undefined, line: AllocatedLine): boolean {
  if (!options) return false;
  if (line.location === rejectedLocationId(options)) return false;
  if (options.rejectWhen?.(line)) return true;
  if (options.rejectingLocations?.includes(line.location)) return true;
  const share = options.rejectShare ?? 0;
  if (share <= 0) return false;
  const key = `${line.internalId}/${line.lineId}/${line.attempt}`;
  return seededDraw(options.seed ?? 1, key) < share;
}

/** The reason and comments of the `index`-th rejection (0-based) of the account. */
export function rejectionText(index: number, line: AllocatedLine) {
  const entry = REJECTION_ROTATION[index % REJECTION_ROTATION.length]!;
  return { reason: entry.reason, comments: entry.comments(line) };
}
