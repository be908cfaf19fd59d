/**
 * The schedule-and-release job (core job `schedule-release`): for each order in the release queue
 * (`shared/store/release-queue-store.ts`), oldest first, for each line:
 *
 * 1. **schedule** the quantity allocated (1200) at each facility: 1200 → 1500 with the ship date and
 *    carrier of `schedule-release-rules.ts` recorded on the line (`line.schedules[facility]`); the
 *    reservation stays;
 * 2. **release** the quantity scheduled (1500) at each facility: 1500 → 3200 through the order core,
 *    which evaluates the release gates (`release-gates.ts`: inventory, deposit, fraud,
 *    completeness) and either creates the release key (the reservation is released: from now on
 *    the facility holds it) or answers `held` and puts a gate hold with its reason on the line.
 *
 * A NetSuite-fulfilled facility's quantity is released only once its allocation update has been
 * written for NetSuite (its outbox entry is gone): the allocation update sends what is allocated
 * or scheduled there, and NetSuite must learn the location before the OMS calls it released.
 *
 * The order stays queued while any of it is still allocated or scheduled (held, waiting for the
 * allocation update, on hold, or failed) and leaves the queue when nothing is; see
 * `schedule-release-rules.ts` for when a held order is looked at again. An order that waited for
 * nothing but allocation updates is not read again while every one of them is still unsent and
 * none of its lines changed (the entry keeps the awaited ids and the lines' versions; one batch
 * read of the outbox and one of the versions for all such orders): nothing of it can move until
 * then. A new allocation queues the order again, which clears them, and the order is read anyway
 * once its last look is `FULL_LOOK_MS` old. A held line whose gates
 * fail exactly as its gate holds already say is not written again (a retry writes nothing until
 * something changed).
 *
 * Idempotency: each move's key is made of the line, the facility and the line version the run
 * read (`sched-00001-WH1-v7`, `release-00001-WH1-v8`), so a run retried on the same state replays
 * instead of moving twice, and two runs at once (which the lease lock prevents anyway) move once.
 *
 * Over 400 lines: the run (lock, queue, skip), an order and a line share the run's counts and the
 * one decision of whether the order stays queued; the rules (`schedule-release-rules.ts`) and the
 * gates (`release-gates.ts`) are modules of their own.
 */
import { randomBytes } from 'node:crypto';
import type { Facility } from '../domain/facility.ts';
import { evaluateGates, type GateResult, type ReleaseGate } from '../domain/lifecycle/gates.ts';
import { blockingHolds } from '../domain/lifecycle/holds.ts';
import type { LineState } from '../domain/lifecycle/line.ts';
import type { OrderHeader } from '../domain/orders/order.ts';
import { allocationEntryId, isNetsuiteFulfilled } from '../domain/sync/allocation-rows.ts';
import type { OrderService } from '../orders/order-service.ts';
import type { StateCache } from '../orders/state-cache.ts';
import type { LeaseLock } from '../store/lease-lock.ts';
import { LockBusyError } from '../store/lease-lock.ts';
import type { OrderStore } from '../store/order-store.ts';
import type { PositionStore } from '../store/position-store.ts';
import type { ReleaseQueueEntry, ReleaseQueueStore } from '../store/release-queue-store.ts';
import type { SyncStore } from '../store/sync-store.ts';
import {
  DEFAULT_RETRY,
  nextAttemptAt,
  scheduleFor,
  type RetryPolicy,
  type ShippingRules,
} from './schedule-release-rules.ts';
import { STATUS } from '../domain/lifecycle/status.ts';

export const SCHEDULE_RELEASE_ACTOR = 'schedule-release';

export interface ScheduleReleaseDeps {
  readonly queue: Pick<ReleaseQueueStore, 'entries' | 'retryLater' | 'remove'>;
  readonly orders: Pick<OrderStore, 'headerAndLines' | 'lineVersions'>;
  readonly positions: Pick<PositionStore, 'facility'>;
  /** The order service, built with the same `gates` (its release evaluates them). */
  readonly service: Pick<OrderService, 'move'>;
  readonly gates: readonly ReleaseGate[];
  readonly sync: Pick<SyncStore, 'waiting'>;
  readonly facilities: () => Promise<Facility[]>;
  /** Keeps two runs from overlapping. */
  readonly lock: Pick<LeaseLock, 'acquire' | 'renew' | 'release'>;
  readonly shipping?: ShippingRules;
  /** IANA zone whose calendar day is "today" for ship dates (default UTC). */
  readonly timeZone?: string;
  readonly retry?: RetryPolicy;
  /** The order service's cache: the lines read are put there so scheduling does not read again. */
  readonly cache?: StateCache;
  readonly now?: () => Date;
  /** Orders worked on at once (each order's lines one after another). */
  readonly concurrency?: number;
  /** Lease of the run lock (default 10 minutes; renewed as the run goes). */
  readonly leaseMs?: number;
}

export interface ScheduleReleaseOptions {
  /** Only these orders. */
  readonly orderIds?: readonly string[];
  /** Look at every queued order now, even those whose next attempt is later. */
  readonly force?: boolean;
}

export interface ScheduleReleaseReport {
  readonly runId: string;
  /** Another run held the lock: this one did nothing. */
  readonly busy: boolean;
  /** Entries in the queue, and those looked at (the others are not due yet). */
  readonly queued: number;
  readonly orders: number;
  readonly notDue: number;
  readonly scheduledLines: number;
  readonly scheduledUnits: number;
  readonly releasedLines: number;
  readonly releasedUnits: number;
  /** Lines (× facility) held, per failing gate code (a line may fail several gates). */
  readonly held: Readonly<Record<string, number>>;
  readonly heldLines: number;
  /** Lines a hold other than a gate's keeps from moving forward (e.g. a hold placed by hand). */
  readonly onHold: number;
  /** Lines (× facility) waiting for their allocation update to be written for NetSuite. */
  readonly awaitingAllocationSync: number;
  /**
   * Orders not read again: at their last look they waited only for allocation updates, every one
   * of those is still unsent and no line changed (their lines are not in `awaitingAllocationSync`).
   */
  readonly stillAwaitingSync: number;
  /** Orders that left the queue (nothing of them allocated or scheduled any more). */
  readonly dequeued: number;
  readonly failed: ReadonlyArray<{ orderId: string; error: string }>;
  readonly ms: number;
}

const LEASE_MS = 10 * 60_000;
/** An order waiting only for allocation updates is read again at least this often. */
export const FULL_LOOK_MS = 60 * 60_000;

export async function scheduleAndRelease(
  deps: ScheduleReleaseDeps,
  opts: ScheduleReleaseOptions = {},
): Promise<ScheduleReleaseReport> {
  const started = Date.now();
  const runId = randomBytes(4).toString('hex');
  const report = {
    runId,
    busy: false,
    queued: 0,
    orders: 0,
    notDue: 0,
    scheduledLines: 0,
    scheduledUnits: 0,
    releasedLines: 0,
    releasedUnits: 0,
    held: {} as Record<string, number>,
    heldLines: 0,
    onHold: 0,
    awaitingAllocationSync: 0,
    stillAwaitingSync: 0,
    dequeued: 0,
    failed: [] as { orderId: string; error: string }[],
  };
  const leaseMs = deps.leaseMs ?? LEASE_MS;
  const owner = `schedule-release-${runId}`;
  try {
    await deps.lock.acquire(owner, leaseMs);
  } catch (err) {
    if (!(err instanceof LockBusyError)) throw err;
    return { ...report, busy: true, ms: Date.now() - started };
  }
  try {
    const now = deps.now?.() ?? new Date();
    const nowIso = now.toISOString();
    const wanted = opts.orderIds ? new Set(opts.orderIds) : undefined;
    const entries = (await deps.queue.entries()).filter((e) => !wanted || wanted.has(e.orderId));
    report.queued = entries.length;
    const ready = entries.filter(
      (e) => opts.force || !e.nextAttemptAt || e.nextAttemptAt <= nowIso,
    );
    report.notDue = entries.length - ready.length;
    const due = opts.force || wanted ? ready : await withoutStillAwaiting(deps, ready, now);
    report.stillAwaitingSync = ready.length - due.length;
    const facilities = new Map((await deps.facilities()).map((f) => [f.facilityId, f]));
    let renewedAt = Date.now();

    const work = [...due];
    await Promise.all(
      Array.from({ length: deps.concurrency ?? 8 }, async () => {
        for (let e = work.shift(); e; e = work.shift()) {
          if (Date.now() - renewedAt > leaseMs / 2) {
            renewedAt = Date.now();
            await deps.lock.renew(owner, leaseMs);
          }
          report.orders++;
          let outcome: OrderOutcome;
          try {
            outcome = await scheduleReleaseOrder(deps, e, facilities, now, runId, report);
          } catch (err) {
            report.failed.push({
              orderId: e.orderId,
              error: err instanceof Error ? err.message : String(err),
            });
            outcome = { pending: true, held: false, waitingFor: ['error'], awaiting: [] };
          }
          if (!outcome.pending) {
            if (await deps.queue.remove(e)) report.dequeued++;
            continue;
          }
          const heldSince = outcome.held ? (e.heldSince ?? nowIso) : undefined;
          await deps.queue.retryLater(e, {
            attempts: (e.attempts ?? 0) + 1,
            nextAttemptAt: nextAttemptAt(now, heldSince, deps.retry ?? DEFAULT_RETRY),
            heldSince,
            waitingFor: outcome.waitingFor.length ? outcome.waitingFor.join(', ') : undefined,
            lookedAt: nowIso,
            ...(onlyAwaitingSync(outcome)
              ? { awaiting: outcome.awaiting, lineVersions: outcome.lineVersions }
              : {}),
          });
        }
      }),
    );
  } finally {
    await deps.lock.release(owner, true);
  }
  return { ...report, ms: Date.now() - started };
}

/**
 * The due entries less those not worth reading: an entry that recorded the allocation updates its
 * order waited for (and nothing else) and its lines' versions, looked at less than `FULL_LOOK_MS`
 * ago, all of those updates still in the outbox and every line at the version recorded. One batch
 * read of the outbox and one of the lines' versions for all such entries.
 */
async function withoutStillAwaiting(
  deps: ScheduleReleaseDeps,
  entries: readonly ReleaseQueueEntry[],
  now: Date,
): Promise<ReleaseQueueEntry[]> {
  const candidates = entries.filter(
    (e) =>
      e.awaiting?.length &&
      e.lineVersions &&
      e.lookedAt &&
      now.getTime() - Date.parse(e.lookedAt) < FULL_LOOK_MS,
  );
  if (!candidates.length) return [...entries];
  const lines = (e: ReleaseQueueEntry) =>
    Object.entries(e.lineVersions!).map(([lineSeq, version]) => ({
      orderId: e.orderId,
      lineSeq,
      version,
    }));
  const [unsent, versions] = await Promise.all([
    deps.sync.waiting(
      'allocation',
      candidates.flatMap((e) => e.awaiting!),
    ),
    deps.orders.lineVersions(candidates.flatMap(lines)),
  ]);
  const unchanged = new Set(
    candidates.filter(
      (e) =>
        e.awaiting!.every((id) => unsent.has(id)) &&
        lines(e).every((l) => versions.get(`${l.orderId}|${l.lineSeq}`) === l.version),
    ),
  );
  return entries.filter((e) => !unchanged.has(e));
}

const ALLOCATION_SYNC = 'allocation sync';

interface OrderOutcome {
  /** Some of the order is still allocated or scheduled. */
  readonly pending: boolean;
  /** Some of it is held (a gate or another hold): the slower retry applies. */
  readonly held: boolean;
  readonly waitingFor: string[];
  /** The allocation outbox entries it waits for. */
  readonly awaiting: string[];
  /** Each line's version once this run's moves were made (`lineSeq` → version). */
  readonly lineVersions?: Record<string, number>;
}

interface LineOutcome extends OrderOutcome {
  /** The line's version once this run's moves were made. */
  readonly version: number;
}

const onlyAwaitingSync = (o: OrderOutcome) =>
  !o.held && o.waitingFor.length === 1 && o.waitingFor[0] === ALLOCATION_SYNC;

type Counts = {
  scheduledLines: number;
  scheduledUnits: number;
  releasedLines: number;
  releasedUnits: number;
  held: Record<string, number>;
  heldLines: number;
  onHold: number;
  awaitingAllocationSync: number;
};

async function scheduleReleaseOrder(
  deps: ScheduleReleaseDeps,
  entry: ReleaseQueueEntry,
  facilities: ReadonlyMap<string, Facility>,
  now: Date,
  runId: string,
  counts: Counts,
): Promise<OrderOutcome> {
  const { orderId } = entry;
  // The header and the lines in one query.
  const order = await deps.orders.headerAndLines(orderId);
  if (!order) return { pending: false, held: false, waitingFor: [], awaiting: [] };
  const { header } = order;
  const lines = [...order.lines].sort((a, b) => a.lineSeq.localeCompare(b.lineSeq));
  for (const l of lines) deps.cache?.putLine(l);

  // Which NetSuite allocations are still waiting to be written for NetSuite (one read per order).
  const netsuiteIds = lines.flatMap((l) =>
    Object.keys(l.alloc)
      .filter((f) => {
        const facility = facilities.get(f);
        return facility !== undefined && isNetsuiteFulfilled(facility);
      })
      .map((facilityId) => allocationEntryId({ orderId, lineSeq: l.lineSeq, facilityId })),
  );
  const unsent = netsuiteIds.length
    ? await deps.sync.waiting('allocation', netsuiteIds)
    : new Set<string>();

  let pending = false;
  let held = false;
  const waitingFor = new Set<string>();
  const awaiting: string[] = [];
  const lineVersions: Record<string, number> = {};
  for (const line of lines) {
    const r = await scheduleReleaseLine(deps, header, line, unsent, now, runId, counts);
    if (r.pending) pending = true;
    if (r.held) held = true;
    r.waitingFor.forEach((w) => waitingFor.add(w));
    awaiting.push(...r.awaiting);
    lineVersions[line.lineSeq] = r.version;
  }
  return { pending, held, waitingFor: [...waitingFor].sort(), awaiting, lineVersions };
}

async function scheduleReleaseLine(
  deps: ScheduleReleaseDeps,
  header: OrderHeader,
  line: LineState,
  unsent: ReadonlySet<string>,
  now: Date,
  runId: string,
  counts: Counts,
): Promise<LineOutcome> {
  const { orderId, lineSeq } = line;
  const facilitiesHere = Object.keys(line.alloc).sort();
  const unmoved = { awaiting: [], version: line.version };
  if (!facilitiesHere.length) return { pending: false, held: false, waitingFor: [], ...unmoved };
  // A hold other than a gate's (placed by hand, say) keeps the line from moving forward.
  const blocking = blockingHolds(line, STATUS.ALLOCATED, STATUS.SCHEDULED);
  if (blocking.length) {
    counts.onHold++;
    return { pending: true, held: true, waitingFor: blocking.map((h) => h.code), ...unmoved };
  }

  let version = line.version;
  const scheduled = new Map<string, number>();
  for (const facilityId of facilitiesHere) {
    const quantity = line.alloc[facilityId]?.[STATUS.ALLOCATED] ?? 0;
    if (quantity <= 0) continue;
    const schedule = scheduleFor(line.shippingMethod, deps.shipping ?? new Map(), now, tz(deps));
    const result = await deps.service.move({
      orderId,
      lineSeq,
      from: STATUS.ALLOCATED,
      to: STATUS.SCHEDULED,
      quantity,
      facilityId,
      schedule,
      idempotencyKey: `sched-${lineSeq}-${facilityId}-v${version}`,
      actor: SCHEDULE_RELEASE_ACTOR,
      reason: `scheduled to ship ${schedule.shipDate}${schedule.carrier ? ` with ${schedule.carrier}` : ''} (run ${runId})`,
    });
    version = result.lineVersion;
    scheduled.set(facilityId, quantity);
    counts.scheduledLines++;
    counts.scheduledUnits += quantity;
  }

  let pending = false;
  let held = false;
  const waitingFor = new Set<string>();
  const awaiting: string[] = [];
  for (const facilityId of facilitiesHere) {
    const quantity =
      (line.alloc[facilityId]?.[STATUS.SCHEDULED] ?? 0) + (scheduled.get(facilityId) ?? 0);
    if (quantity <= 0) continue;
    const entryId = allocationEntryId({ orderId, lineSeq, facilityId });
    if (unsent.has(entryId)) {
      counts.awaitingAllocationSync++;
      pending = true;
      waitingFor.add(ALLOCATION_SYNC);
      awaiting.push(entryId);
      continue;
    }
    const figures = await deps.positions.facility(line.sku, facilityId);
    // The release below decides on these figures instead of reading them again (it reads again
    // before it refuses or holds on cached figures, and its transaction checks what it assumes).
    deps.cache?.putFacility(figures);
    const gates = evaluateGates(deps.gates, {
      order: header,
      line,
      facilityId,
      quantity,
      inventory: {
        nsQty: figures.nsQty,
        reserved: figures.position.reserved,
        safety: figures.position.safety,
      },
    });
    let failures: ReadonlyArray<{ code: string; reason?: string }> = gates.filter((g) => !g.passed);
    if (!failures.length || !holdsSayAlready(line, deps.gates, gates)) {
      const result = await deps.service.move({
        orderId,
        lineSeq,
        from: STATUS.SCHEDULED,
        to: STATUS.RELEASED,
        quantity,
        facilityId,
        idempotencyKey: `release-${lineSeq}-${facilityId}-v${version}`,
        actor: SCHEDULE_RELEASE_ACTOR,
        reason: `release attempt (run ${runId})`,
      });
      version = result.lineVersion;
      failures = result.outcome === 'held' ? (result.failures ?? []) : [];
    }
    if (!failures.length) {
      counts.releasedLines++;
      counts.releasedUnits += quantity;
      continue;
    }
    counts.heldLines++;
    for (const f of failures) {
      counts.held[f.code] = (counts.held[f.code] ?? 0) + 1;
      waitingFor.add(f.code);
    }
    pending = true;
    held = true;
  }
  return { pending, held, waitingFor: [...waitingFor], awaiting, version };
}

const tz = (deps: ScheduleReleaseDeps) => deps.timeZone ?? 'UTC';

/**
 * True when the line's gate holds say exactly what these gate results would put there: the same
 * failing codes with the same reasons, and no gate hold a passing gate would lift.
 */
function holdsSayAlready(
  line: LineState,
  gates: readonly ReleaseGate[],
  results: readonly GateResult[],
): boolean {
  const codes = new Set(gates.map((g) => g.code));
  const current = Object.values(line.holds).filter((h) => h.kind === 'gate' && codes.has(h.code));
  const failing = results.filter((g) => !g.passed);
  if (current.length !== failing.length) return false;
  return failing.every(
    (f) => line.holds[f.code]?.kind === 'gate' && line.holds[f.code]?.reason === f.reason,
  );
}
