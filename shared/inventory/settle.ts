/**
 * The settle step (docs/inventory.md, "When a hold ends"): after a snapshot file's import, the
 * promises its figures reflect stop counting.
 *
 * A snapshot file uploaded at S' (S3 LastModified) reflects a reflect entry taken at t when
 * t + L < S' (L = `OMS_NETSUITE_REFLECT_LAG_MINUTES`: NetSuite archives a CSV import when it
 * queues it, and the import and the snapshot search take time), and only for the SKU × facility
 * pairs the file listed (a nightly snapshot comes in parts: another part's pairs wait for it).
 * For each such entry:
 *
 * - a line entry (allocation, OMS-fulfilled, NetSuite fulfillment) → `OrderService.reflect`: the
 *   line's reflected units at the facility become max(reflected, min(promised, covered)); its
 *   reservation row and the position's counted units drop by the same amount, in one transaction;
 * - an adjustment entry → the adjustment hold ends (`AdjustmentHolds.end`: its row
 *   deleted and the position's counted units lowered, in one transaction);
 *
 * then the entry is deleted. Entries not reflected yet stay for a later file. Idempotent: the
 * reflection's key is the entry's (a second run replays it), an ended hold ends once; an entry
 * whose order or line is gone is dropped with a warning. A failure leaves the entry for the next
 * file (the counted units keep counting: the OMS undercounts a while, never oversells).
 */
import { hash64 } from '../domain/hash64.ts';
import { CommandError } from '../domain/lifecycle/index.ts';
import { log } from '../platform/log.ts';
import type { OrderService } from '../orders/order-service.ts';
import type { AdjustmentHolds } from '../store/adjustment-holds.ts';
import { LINE_KINDS, type ReflectEntry, type ReflectStore } from '../store/reflect-store.ts';

export const SETTLE_ACTOR = 'job:inventory-snapshot';

/** A snapshot file whose import finished (the importer's `onFileImported`). */
export interface SettledFile {
  /** S': the snapshot file's S3 upload time (LastModified), ISO. */
  readonly uploadedAt: string;
  /** Whether the file listed the SKU at the OMS facility. */
  readonly seen: (sku: string, facilityId: string) => boolean;
  /** The file's key (for the log line). */
  readonly key?: string;
}

export interface SettleDeps {
  readonly entries: Pick<ReflectStore, 'takenBefore' | 'delete'>;
  readonly service: Pick<OrderService, 'reflect'>;
  readonly holds: Pick<AdjustmentHolds, 'end'>;
  /** L in ms. */
  readonly lagMs: number;
  /** Lines (and holds) settled at once. */
  readonly concurrency?: number;
}

export interface SettleReport {
  readonly uploadedAt: string;
  /** Entries taken before uploadedAt − L. */
  readonly read: number;
  /** Line entries reflected (whether or not units dropped), and the lines whose units dropped. */
  readonly lineEntries: number;
  readonly linesReflected: number;
  /** Units that stopped counting (lines). */
  readonly unitsDropped: number;
  /** Adjustment holds ended, and their entries whose hold was gone already. */
  readonly adjustmentsEnded: number;
  readonly adjustmentsGone: number;
  /** Entries left for a later file: their pair is not in this file. */
  readonly left: number;
  /** Entries dropped: their order or line is gone (or the entry cannot be settled). */
  readonly dropped: number;
  /** Entries kept after a failure (tried again with the next file). */
  readonly failed: number;
  readonly ms: number;
}

/** `reflect:<entry key>#<covered>`, hashed when it would not be a valid idempotency key. */
export function reflectIdempotencyKey(e: Pick<ReflectEntry, 'key' | 'covered'>): string {
  const raw = `reflect:${e.key}#${e.covered}`;
  if (/^[\x21-\x7e]{1,200}$/.test(raw)) return raw;
  const h = hash64(raw);
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return `reflect:${e.key.slice(0, 24)}#${hex(h.hi)}${hex(h.lo)}`;
}

const GONE: ReadonlySet<string> = new Set(['UNKNOWN_ORDER', 'UNKNOWN_LINE', 'INVALID_COMMAND']);

export async function settleReflected(file: SettledFile, deps: SettleDeps): Promise<SettleReport> {
  const started = Date.now();
  const uploadedMs = Date.parse(file.uploadedAt);
  if (!Number.isFinite(uploadedMs)) throw new Error(`uploadedAt is not a time: ${file.uploadedAt}`);
  const before = new Date(uploadedMs - deps.lagMs).toISOString();
  const read = await deps.entries.takenBefore(before);
  const counts = {
    lineEntries: 0,
    linesReflected: 0,
    unitsDropped: 0,
    adjustmentsEnded: 0,
    adjustmentsGone: 0,
    left: 0,
    dropped: 0,
    failed: 0,
  };

  // Entries of one line (or one hold) go one after the other; groups at once.
  const groups = new Map<string, ReflectEntry[]>();
  for (const e of read) {
    if (!file.seen(e.sku, e.facilityId)) {
      counts.left++;
      continue;
    }
    const g = LINE_KINDS.has(e.kind)
      ? `L|${e.orderId}|${e.lineSeq}`
      : `A|${e.sku}|${e.facilityId}|${e.adjustmentId ?? e.recordId}`;
    const list = groups.get(g) ?? [];
    list.push(e);
    groups.set(g, list);
  }

  const settleOne = async (e: ReflectEntry): Promise<void> => {
    try {
      if (LINE_KINDS.has(e.kind)) {
        if (!e.orderId || !e.lineSeq) {
          log.warn('reflect entry without its line dropped', { entry: e.key });
          counts.dropped++;
          await deps.entries.delete(e.key);
          return;
        }
        const r = await deps.service.reflect({
          orderId: e.orderId,
          lineSeq: e.lineSeq,
          facilityId: e.facilityId,
          covered: e.covered,
          idempotencyKey: reflectIdempotencyKey(e),
          actor: SETTLE_ACTOR,
          reason: `NetSuite's figure reflects ${e.kind} ${e.recordId} (${e.file}, taken ${e.takenAt})`,
        });
        counts.lineEntries++;
        if (r.drop > 0 && !r.replayed) {
          counts.linesReflected++;
          counts.unitsDropped += r.drop;
        }
      } else {
        const outcome = await deps.holds.end(e.sku, e.facilityId, e.adjustmentId ?? e.recordId);
        if (outcome === 'ended') counts.adjustmentsEnded++;
        else counts.adjustmentsGone++;
      }
      await deps.entries.delete(e.key);
    } catch (err) {
      if (err instanceof CommandError && GONE.has(err.code)) {
        log.warn('reflect entry dropped: its order or line is gone, or it cannot apply', {
          entry: e.key,
          code: err.code,
          message: err.message,
        });
        counts.dropped++;
        await deps.entries.delete(e.key);
        return;
      }
      counts.failed++;
      log.warn('reflect entry kept: settling failed, tried again with the next snapshot file', {
        entry: e.key,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  };

  const work = [...groups.values()];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(Math.max(1, deps.concurrency ?? 8), work.length) }, async () => {
      for (let i = next++; i < work.length; i = next++) {
        for (const e of work[i]!) await settleOne(e);
      }
    }),
  );

  const report: SettleReport = {
    uploadedAt: file.uploadedAt,
    read: read.length,
    ...counts,
    ms: Date.now() - started,
  };
  log.info('reflected holds settled', {
    file: file.key,
    uploadedAt: file.uploadedAt,
    takenBefore: before,
    read: report.read,
    linesReflected: report.linesReflected,
    unitsDropped: report.unitsDropped,
    adjustmentsEnded: report.adjustmentsEnded,
    left: report.left,
    dropped: report.dropped,
    failed: report.failed,
    ms: report.ms,
  });
  return report;
}
