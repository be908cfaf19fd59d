/**
 * The run record of a core job, written by the Lambda shell after every invocation of a job that
 * declares `runRecord` (succeeded or failed): the same run records the exports and the approval
 * job write (`SyncStore.recordRun`, pk `SYNCRUN#<job>`, 30 days), so that `oms sync status` and the
 * operator's console read every scheduled function's last runs in one place.
 *
 * Best effort: a run record that cannot be written is logged, never fails the job (its work is
 * done; the console then shows the job as late, which is what an operator should look at).
 */
import { randomUUID } from 'node:crypto';
import { dynamo, table } from '../store/dynamo-client.ts';
import { SyncStore } from '../store/sync-store.ts';
import { rootLogger } from '../platform/logger.ts';

/** What a job's run says beyond its time and duration. */
export interface JobRunOutcome {
  readonly rows?: number;
  readonly records?: number;
  readonly heldBack?: number;
  readonly errors?: readonly string[];
  /** The alarm the run raised (its log alarm's term, `shared/jobs/core-jobs.ts`), when it did. */
  readonly alarm?: string;
  /** Why the alarm is raised, in words. */
  readonly alarmReason?: string;
  readonly details?: Record<string, unknown>;
}

export async function recordJobRun(
  job: string,
  startedAtMs: number,
  outcome: () => JobRunOutcome,
): Promise<void> {
  try {
    const o = outcome();
    const ms = Math.max(0, Date.now() - startedAtMs);
    await new SyncStore(dynamo(), table('control')).recordRun({
      feed: job,
      runId: randomUUID().slice(0, 8),
      startedAt: new Date(startedAtMs).toISOString(),
      ms,
      files: [],
      rows: o.rows ?? 0,
      records: o.records ?? 0,
      heldBack: o.heldBack ?? 0,
      errors: (o.errors ?? []).slice(0, 20),
      details: {
        ...o.details,
        ...(o.alarm ? { alarm: o.alarm, alarmReason: o.alarmReason ?? o.alarm } : {}),
      },
    });
  } catch (err) {
    rootLogger.warn('job run record not written', {
      job,
      error: err instanceof Error ? err.message : String(err),
    });
  }
}
