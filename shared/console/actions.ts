/**
 * The operator console's actions, each audited (who, when, what, outcome; `AuditStore`):
 *
 * - **re-drive** dead letters, one, several or all, through the dead-letter port (SQS on AWS, the
 *   local cloud's queue locally), exactly as `oms dlq redrive` does;
 * - **re-import** a corrected file: the operator's corrected content of a file in `failed/`, or of
 *   the rows an error report refused, is written into the feed's own folder under the name the
 *   partner sent it (a new version: the import takes it like any upload) and the failed file or
 *   report is marked resolved;
 * - **re-send** records NetSuite refused (`resendRefused`, as `oms sync resend`): they go with the
 *   next export run.
 */
import { BadRequest } from '../api/http.ts';
import type { FeedDefinition } from '../feeds/catalog.ts';
import { feedPrefix } from '../feeds/paths.ts';
import type { FeedFileStore } from '../files/feed-file-store.ts';
import type { DeadLetterQueue, RedriveResult } from '../queue/dead-letter-queue.ts';
import type { AuditEntry, AuditStore, ResolutionStore } from '../store/audit-store.ts';
import type { OutboxFeed, SyncStore } from '../store/sync-store.ts';
import { isOutboxFeed, OUTBOX_FEEDS, resendRefused } from '../sync/netsuite-exceptions.ts';
import { SNAPSHOT_FEEDS } from './failures.ts';
import { locateKept, originalName } from './files.ts';

export interface ActionDeps {
  readonly user: string;
  readonly feeds: readonly FeedDefinition[];
  readonly files: Pick<FeedFileStore, 'readText' | 'writeAtomically' | 'head'>;
  readonly deadLetters: Pick<DeadLetterQueue, 'redrive'>;
  readonly sync: SyncStore;
  readonly audit: Pick<AuditStore, 'record'>;
  readonly resolutions: Pick<ResolutionStore, 'save'>;
}

/** The largest corrected file the console takes (larger ones go over SFTP). */
export const MAX_REIMPORT_BYTES = 1024 * 1024;

export interface ActionResult<T> {
  readonly result: T;
  readonly audit: AuditEntry;
}

const asString = (v: unknown, field: string): string => {
  if (typeof v !== 'string' || !v.trim())
    throw new BadRequest(`${field} must be a non-empty string`);
  return v.trim();
};

/** Runs an action and audits it, whether it succeeded or was refused (then rethrown). */
async function audited<T>(
  deps: Pick<ActionDeps, 'audit'>,
  what: { actor: string; action: string; target: string },
  run: () => Promise<{ result: T; outcome: string; details?: Record<string, unknown> }>,
): Promise<ActionResult<T>> {
  try {
    const { result, outcome, details } = await run();
    const audit = await deps.audit.record({ ...what, outcome, details });
    return { result, audit };
  } catch (err) {
    await deps.audit.record({
      ...what,
      outcome: `refused: ${err instanceof Error ? err.message : String(err)}`,
    });
    throw err;
  }
}

export async function redriveDeadLetters(
  deps: ActionDeps,
  actor: string,
  body: Readonly<Record<string, unknown>>,
): Promise<ActionResult<RedriveResult>> {
  const all = body.all === true;
  const ids = Array.isArray(body.ids) ? body.ids.map((i) => asString(i, 'ids[]')) : [];
  if (all === ids.length > 0) throw new BadRequest('give {ids: [...]} or {all: true}');
  return audited(
    deps,
    { actor, action: 'dead-letter.redrive', target: all ? 'all' : ids.join(', ') },
    async () => {
      let result: RedriveResult;
      try {
        result = await deps.deadLetters.redrive(all ? 'all' : ids);
      } catch (err) {
        throw new BadRequest(err instanceof Error ? err.message : String(err));
      }
      const n = result.redriven.length;
      return {
        result,
        outcome: result.moveTasks
          ? `done: a move task started for ${result.moveTasks.length} queue(s)`
          : n
            ? `done: ${n} message(s) sent back to their queue`
            : 'nothing to do: no message waited',
        details: { keys: result.redriven.map((d) => d.key) },
      };
    },
  );
}

/**
 * Re-imports a corrected file. `key`: a file in `failed/` or an error report in `error/` of an
 * inbound feed; `content`: the corrected file (for a report, its header and the corrected rows).
 */
export async function reimportFile(
  deps: ActionDeps,
  actor: string,
  body: Readonly<Record<string, unknown>>,
): Promise<ActionResult<{ key: string; reimportedAs: string; since: string }>> {
  const key = asString(body.key, 'key');
  return audited(deps, { actor, action: 'file.reimport', target: key }, async () => {
    const kept = locateKept(key, deps.user, deps.feeds);
    if (!kept || kept.sub === 'archive')
      throw new BadRequest(`${key} is not a failed file or an error report of an inbound feed`);
    if (kept.sub === 'error' && SNAPSHOT_FEEDS.has(kept.feed.id))
      throw new BadRequest(
        `${kept.feed.title}: a snapshot replaces the whole picture; send a whole corrected snapshot over SFTP instead of the refused rows`,
      );
    if (typeof body.content !== 'string' || !body.content.trim())
      throw new BadRequest('content must be the corrected file');
    const content = body.content.endsWith('\n') ? body.content : `${body.content}\n`;
    const bytes = Buffer.byteLength(content);
    if (bytes > MAX_REIMPORT_BYTES)
      throw new BadRequest(
        `the corrected file has ${bytes} bytes; the console takes at most ${MAX_REIMPORT_BYTES}: upload larger files over SFTP`,
      );
    if (!(await deps.files.head(key))) throw new BadRequest(`${key} is gone`);
    if (kept.sub === 'failed' && (await deps.files.readText(key)) === content)
      throw new BadRequest('the content is the failed file unchanged: correct it first');
    const name = originalName(kept.name);
    const target = `${feedPrefix(deps.user, kept.feed)}${name}`;
    // Before the write: the import may finish before this action's audit entry is written.
    const since = new Date().toISOString();
    await deps.files.writeAtomically(
      target,
      content,
      kept.feed.format === 'json' ? 'application/json' : 'text/csv',
    );
    return {
      result: { key, reimportedAs: target, since },
      outcome: `done: the corrected file was written to ${target} and is imported now`,
      details: { reimportedAs: target, bytes },
    };
  }).then(async (done) => {
    await deps.resolutions.save({
      key,
      at: done.result.since,
      actor,
      reimportedAs: done.result.reimportedAs,
      auditId: done.audit.id,
    });
    return done;
  });
}

export async function resendRefusedRecords(
  deps: ActionDeps,
  actor: string,
  body: Readonly<Record<string, unknown>>,
): Promise<ActionResult<{ outbox: OutboxFeed; asked: string[]; notRefused: string[] }>> {
  const outbox = asString(body.outbox, 'outbox');
  const all = body.all === true;
  const id = body.id === undefined ? undefined : asString(body.id, 'id');
  return audited(
    deps,
    { actor, action: 'refusal.resend', target: `${outbox}/${all ? 'all' : (id ?? '')}` },
    async () => {
      if (!isOutboxFeed(outbox))
        throw new BadRequest(`outbox must be one of ${Object.keys(OUTBOX_FEEDS).join(', ')}`);
      if (all === (id !== undefined)) throw new BadRequest('give {id} or {all: true}');
      const r = await resendRefused(deps.sync, outbox, id ? { id } : { allRefused: true });
      if (id && r.asked.length === 0)
        throw new BadRequest(
          `${outbox} ${id}: no refusal waits (never refused, or re-sent already)`,
        );
      return {
        result: { outbox, ...r },
        outcome: r.asked.length
          ? `done: ${r.asked.length} record(s) go with the next ${OUTBOX_FEEDS[outbox]} run`
          : 'nothing to do: no refused record waited',
        details: { asked: r.asked },
      };
    },
  );
}
