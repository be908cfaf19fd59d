/**
 * Closes a snapshot window: what to do with (SKU, facility) pairs that no snapshot file listed.
 *
 * NetSuite's search lists every item at every synced location, so a pair missing from a whole
 * snapshot means NetSuite no longer has it there. But a snapshot comes in several files with no
 * end marker, and a file that failed or was late looks exactly like an absent pair. Hence:
 *
 * - `keep` (the default): absent pairs keep their last figure. Nothing is ever zeroed by absence.
 * - `zero` (opt-in, OMS_SNAPSHOT_ABSENT=zero): at the scheduled close, pairs not listed by any
 *   snapshot file that finished within the window (OMS_SNAPSHOT_WINDOW_HOURS, default 12) are set
 *   to 0 — but only if at least one file finished in the window, and only if the absent pairs are
 *   at most OMS_SNAPSHOT_ABSENT_MAX_SHARE of all pairs (default 0.2), so a partial snapshot
 *   (files missing or failed) cannot wipe inventory; `force` overrides that share.
 */
import { HashMap64 } from '../domain/hash-map64.ts';
import type { StateObjects } from '../files/state-objects.ts';
import type { InventoryStore } from '../store/inventory-store.ts';
import { snapshotItem } from '../store/inventory-store.ts';
import type { LeaseLock } from '../store/lease-lock.ts';
import type { SnapshotListing } from '../store/snapshot-listing.ts';
import { DIGEST_OBJECT, figureHash, inventoryKey } from './inventory-snapshot-importer.ts';

export type AbsentRule = 'keep' | 'zero';

export interface SnapshotCloseOptions {
  readonly rule: AbsentRule;
  readonly windowHours: number;
  readonly maxShare: number;
  readonly force?: boolean;
  readonly now?: Date;
}

export interface SnapshotCloseDeps {
  readonly inventory: InventoryStore;
  readonly state: StateObjects;
  readonly lock: LeaseLock;
  readonly listing: SnapshotListing;
  readonly leaseMs: number;
}

export interface SnapshotCloseReport {
  readonly rule: AbsentRule;
  readonly files: number;
  readonly listedPairs: number;
  readonly pairs: number;
  readonly absent: number;
  readonly zeroed: number;
  readonly outcome: 'kept' | 'zeroed' | 'no-snapshot' | 'refused';
  readonly reason?: string;
}

export function closeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SnapshotCloseOptions {
  const rule = (env.OMS_SNAPSHOT_ABSENT ?? 'keep').trim();
  if (rule !== 'keep' && rule !== 'zero') {
    throw new Error(`OMS_SNAPSHOT_ABSENT="${rule}": use "keep" (default) or "zero"`);
  }
  return {
    rule,
    windowHours: Number(env.OMS_SNAPSHOT_WINDOW_HOURS) || 12,
    maxShare: Number(env.OMS_SNAPSHOT_ABSENT_MAX_SHARE) || 0.2,
  };
}

export async function closeSnapshot(
  deps: SnapshotCloseDeps,
  options: SnapshotCloseOptions,
): Promise<SnapshotCloseReport> {
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - options.windowHours * 3_600_000).toISOString();
  const files = await deps.listing.since(since);
  const base = { rule: options.rule, files: files.length };
  if (files.length === 0) {
    return {
      ...base,
      listedPairs: 0,
      pairs: 0,
      absent: 0,
      zeroed: 0,
      outcome: 'no-snapshot',
      reason: `no snapshot file finished since ${since}`,
    };
  }
  const listed = new HashMap64(1 << 16);
  for (const f of files) {
    const buf = await deps.state.get(f.object);
    if (!buf) throw new Error(`the listed keys of ${f.file} (${f.object}) are missing`);
    for (const [k] of HashMap64.fromBuffer(buf).entries()) listed.set(k, 1);
  }
  const owner = `snapshot-close#${now.toISOString()}`;
  const { dirtyBy } = await deps.lock.acquire(owner, deps.leaseMs, deps.leaseMs);
  try {
    const absent: Array<{ sku: string; facilityId: string; itemId?: string }> = [];
    let pairs = 0;
    for await (const page of deps.inventory.scanFigures()) {
      for (const f of page) {
        pairs++;
        if (!listed.has(inventoryKey(f.sku, f.facilityId)) && f.nsQty !== 0) {
          absent.push({ sku: f.sku, facilityId: f.facilityId, itemId: f.nsItemId });
        }
      }
    }
    const counts = { listedPairs: listed.size, pairs, absent: absent.length };
    if (options.rule === 'keep' || absent.length === 0) {
      await deps.lock.release(owner, false);
      return { ...base, ...counts, zeroed: 0, outcome: 'kept' };
    }
    if (!options.force && absent.length > options.maxShare * pairs) {
      await deps.lock.release(owner, false);
      return {
        ...base,
        ...counts,
        zeroed: 0,
        outcome: 'refused',
        reason: `${absent.length} of ${pairs} pairs are absent, more than the share ${options.maxShare}: a snapshot file is probably missing (run with force to zero them anyway)`,
      };
    }
    // A digest left dirty by an unfinished import stays so (the next import discards it); otherwise
    // it is kept right for the zeroed pairs.
    const trustDigest = !dirtyBy;
    if (trustDigest) await deps.lock.markDirty(owner, deps.leaseMs);
    const stored = trustDigest ? await deps.state.get(DIGEST_OBJECT) : undefined;
    const digest = stored ? HashMap64.fromBuffer(stored) : new HashMap64(1 << 16);
    const writer = deps.inventory.snapshotWriter();
    const meta = { file: `absent from the snapshot since ${since}`, importedAt: now.toISOString() };
    for (const a of absent) {
      await writer.put(
        snapshotItem(
          { sku: a.sku, facilityId: a.facilityId, availableQty: 0, itemId: a.itemId ?? '' },
          meta,
        ),
      );
      digest.set(inventoryKey(a.sku, a.facilityId), figureHash(0, a.itemId ?? ''));
    }
    await writer.flush();
    if (trustDigest) await deps.state.put(DIGEST_OBJECT, digest.toBuffer());
    await deps.lock.release(owner, trustDigest);
    return { ...base, ...counts, zeroed: absent.length, outcome: 'zeroed' };
  } catch (err) {
    await deps.lock.release(owner, false);
    throw err;
  }
}
