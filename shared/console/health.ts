/**
 * The operator console's first view, "health at a glance": every feed of the catalog
 * (`shared/feeds/catalog.ts`) and every core job of the registry with its schedule, last run, last
 * file, rows applied and refused, duration and state against its cadence
 * (`shared/domain/console/health-state.ts`); the alarms in alarm; dead letters per queue; the
 * reservation drift and old holds the reconcile job found. Read only: run records (the import
 * ledger's file runs, the exports' and jobs' run records) and the dead-letter port.
 */
import { cadenceMinutes, healthState, type HealthState } from '../domain/console/health-state.ts';
import { implementedFeeds, type FeedDefinition } from '../feeds/catalog.ts';
import {
  CORE_JOBS,
  REFUSED_RECORDS_ALARM,
  STALE_HOLDS_ALARM,
  type CoreJob,
} from '../jobs/core-jobs.ts';
import type { DeadLetterQueue, DeadLetterView } from '../queue/dead-letter-queue.ts';
import type { FeedFileRun, ImportLedger } from '../store/import-ledger.ts';
import type { SyncRun, SyncStore } from '../store/sync-store.ts';

export interface HealthDeps {
  readonly ledger: Pick<ImportLedger, 'recentFeedRuns'>;
  readonly sync: Pick<SyncStore, 'runs'>;
  readonly deadLetters: Pick<DeadLetterQueue, 'list' | 'kind'>;
}

export interface FunctionHealth {
  readonly id: string;
  readonly title: string;
  readonly kind: 'import' | 'export' | 'core-job';
  /** The folder below the partner's root (feeds). */
  readonly folder?: string;
  /** The EventBridge expression, or `file uploaded`. */
  readonly schedule: string;
  /** The longest expected gap between runs, in minutes (none for file-triggered feeds). */
  readonly cadenceMinutes?: number;
  readonly state: HealthState;
  /** Why the state is what it is, in words. */
  readonly why: string;
  readonly lastRunAt?: string;
  readonly lastFile?: string;
  /** Imports: rows applied; exports: rows written; jobs: records acted on. */
  readonly applied?: number;
  /** Imports: rows refused; exports and jobs: records held back. */
  readonly refused?: number;
  readonly durationMs?: number;
  readonly lastError?: string;
}

export interface Alarm {
  readonly name: string;
  readonly reason: string;
  readonly since?: string;
}

export interface ConsoleHealth {
  readonly at: string;
  readonly summary: Readonly<Record<HealthState, number>>;
  readonly functions: readonly FunctionHealth[];
  readonly alarms: readonly Alarm[];
  readonly deadLetters: {
    readonly total: number;
    readonly queues: ReadonlyArray<{ queue: string; count: number; oldestAt: string }>;
  };
  /** The reconcile job's last run: drift repaired, old holds. */
  readonly reservations?: {
    readonly at: string;
    readonly checked: number;
    readonly driftRepaired: number;
    readonly driftUnits: number;
    readonly staleHolds: number;
    readonly staleHeldUnits: number;
  };
}

/**
 * Inbound feeds NetSuite sends on a schedule of its own: how often a file is expected (minutes).
 * The others come when something happens (an order's id, a fulfillment) and are never late.
 */
export const EXPECTED_INBOUND_CADENCE: Readonly<Record<string, number>> = {
  'inventory-snapshot-import': 24 * 60,
};

const baseName = (key?: string) => key?.split('/').pop();

function importHealth(
  feed: FeedDefinition,
  run: FeedFileRun | undefined,
  now: Date,
): FunctionHealth {
  const cadence = EXPECTED_INBOUND_CADENCE[feed.id];
  const state = healthState(
    run ? { at: run.finishedAt, failed: run.result === 'failed' } : undefined,
    cadence,
    now,
  );
  const why =
    state === 'failing'
      ? `the last file went to failed/: ${run?.reason ?? 'see its error report'}`
      : state === 'late'
        ? run
          ? `no file since ${run.finishedAt} (one expected every ${cadence} min)`
          : `no file yet (one expected every ${cadence} min)`
        : state === 'idle'
          ? 'no file received yet'
          : run && run.rejected > 0
            ? `last file: ${run.rejected} row(s) refused (error report in error/)`
            : 'last file imported';
  return {
    id: feed.id,
    title: feed.title,
    kind: 'import',
    folder: feed.folder,
    schedule: 'file uploaded',
    cadenceMinutes: cadence,
    state,
    why,
    lastRunAt: run?.finishedAt,
    lastFile: baseName(run?.key),
    applied: run?.applied,
    refused: run?.rejected,
    durationMs: run?.ms,
    lastError: run?.result === 'failed' ? run.reason : undefined,
  };
}

function scheduledHealth(
  base: Pick<FunctionHealth, 'id' | 'title' | 'kind' | 'folder'>,
  schedule: string,
  run: SyncRun | undefined,
  now: Date,
): FunctionHealth {
  const cadence = cadenceMinutes(schedule);
  const failed = !!run && run.errors.length > 0;
  const state = healthState(run ? { at: run.startedAt, failed } : undefined, cadence, now);
  const why =
    state === 'failing'
      ? `the last run failed: ${run!.errors[0]}`
      : state === 'late'
        ? run
          ? `no run since ${run.startedAt} (expected every ${cadence} min)`
          : 'never ran'
        : run && run.heldBack > 0
          ? `last run: ${run.heldBack} record(s) held back`
          : 'last run ok';
  return {
    ...base,
    schedule,
    cadenceMinutes: cadence,
    state,
    why,
    lastRunAt: run?.startedAt,
    lastFile: baseName(run?.files[run.files.length - 1]),
    applied: run ? (base.kind === 'export' ? run.rows : run.records) : undefined,
    refused: run?.heldBack,
    durationMs: run?.ms,
    lastError: failed ? run!.errors[0] : undefined,
  };
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function groupDeadLetters(letters: readonly DeadLetterView[]): ConsoleHealth['deadLetters'] {
  const queues = new Map<string, { queue: string; count: number; oldestAt: string }>();
  for (const d of letters) {
    const q = queues.get(d.queue) ?? { queue: d.queue, count: 0, oldestAt: d.at };
    q.count += 1;
    if (d.at < q.oldestAt) q.oldestAt = d.at;
    queues.set(d.queue, q);
  }
  return {
    total: letters.length,
    queues: [...queues.values()].sort(
      (a, b) => b.count - a.count || a.queue.localeCompare(b.queue),
    ),
  };
}

export async function consoleHealth(deps: HealthDeps, now = new Date()): Promise<ConsoleHealth> {
  const feeds = implementedFeeds();
  const [imports, exports, jobs, letters] = await Promise.all([
    Promise.all(
      feeds
        .filter((f) => f.trigger.kind === 'object-created')
        .map(async (f) => importHealth(f, (await deps.ledger.recentFeedRuns(f.id, 1))[0], now)),
    ),
    Promise.all(
      feeds
        .filter((f) => f.trigger.kind === 'schedule')
        .map(async (f) =>
          scheduledHealth(
            { id: f.id, title: f.title, kind: 'export', folder: f.folder },
            f.trigger.kind === 'schedule' ? f.trigger.expression : '',
            (await deps.sync.runs(f.id, 1))[0],
            now,
          ),
        ),
    ),
    Promise.all(
      (CORE_JOBS as readonly CoreJob[]).map(async (j) => ({
        job: j,
        run: (await deps.sync.runs(j.id, 1))[0],
      })),
    ),
    deps.deadLetters.list(),
  ]);
  const jobHealth = jobs.map(({ job, run }) =>
    scheduledHealth(
      { id: job.id, title: job.description, kind: 'core-job' },
      job.schedule,
      run,
      now,
    ),
  );
  const functions = [...imports, ...exports, ...jobHealth];
  const summary = { ok: 0, late: 0, failing: 0, idle: 0 };
  for (const f of functions) summary[f.state] += 1;

  const alarms: Alarm[] = [];
  const deadLetters = groupDeadLetters(letters);
  for (const q of deadLetters.queues) {
    alarms.push({
      name: `DeadLetters ${q.queue}`,
      reason: `${q.count} message(s) in the dead-letter queue`,
      since: q.oldestAt,
    });
  }
  for (const f of functions.filter((x) => x.state === 'failing')) {
    alarms.push({ name: `Errors ${f.id}`, reason: f.why, since: f.lastRunAt });
  }
  for (const { job, run } of jobs) {
    const d = run?.details ?? {};
    if (typeof d.alarm === 'string') {
      alarms.push({
        name: d.alarm,
        reason: String(d.alarmReason ?? d.alarm),
        since: run!.startedAt,
      });
    } else if (job.logAlarm?.term === REFUSED_RECORDS_ALARM && num(d.waitingForFix) > 0) {
      alarms.push({
        name: REFUSED_RECORDS_ALARM,
        reason: `${num(d.waitingForFix)} record(s) NetSuite refused wait for a fix`,
        since: run!.startedAt,
      });
    }
  }
  const reconcile = jobs.find((j) => j.job.logAlarm?.term === STALE_HOLDS_ALARM)?.run;
  return {
    at: now.toISOString(),
    summary,
    functions,
    alarms,
    deadLetters,
    reservations: reconcile
      ? {
          at: reconcile.startedAt,
          checked: num(reconcile.details?.checked),
          driftRepaired: num(reconcile.details?.driftRepaired),
          driftUnits: num(reconcile.details?.driftUnits),
          staleHolds: num(reconcile.details?.staleHolds),
          staleHeldUnits: num(reconcile.details?.staleHeldUnits),
        }
      : undefined,
  };
}
