/**
 * The one loop every order-changing command runs: read → decide → commit → replay or retry.
 *
 * A command supplies `attempt`: it reads (from its cache or the store), decides with a pure planner
 * and returns what to do — return a recorded result (the key was used: a replay), return without
 * a write, decide again at once (a refusal on cached state is never final), or commit a plan. The
 * runner commits the plan as one conditional transaction and reads a cancellation condition by
 * condition (CommitFailure): the key taken → the recorded result (a replay changes nothing, a key
 * reused for another command is refused); a linked write's condition → LinkedConditionFailed; else
 * the command's `retry` says whether to back off (a lost race: jittered exponential backoff), go
 * again at once (only figures moved) or fail (the cancellation is rethrown). A refusal is final
 * only when the key's event is still absent after it (a replay otherwise). After `maxAttempts`
 * attempts: CONFLICT.
 */
import { CommandError } from '../domain/lifecycle/errors.ts';
import type { CommandPlan, RecordedEvent } from '../domain/orders/order-writes.ts';
import type { OrderStore } from '../store/order-store.ts';
import type { CommitFailure, OrderTransactions } from '../store/order-transaction.ts';
import { backoffMs, sleep, type LinkedWrite } from '../store/transactions.ts';
import type { ReservationGroupCommit } from './group-commit.ts';

/** A linked write's condition failed: the command was not applied (the caller decides what next). */
export class LinkedConditionFailed extends Error {
  constructor(readonly labels: readonly string[]) {
    super(`linked condition failed: ${labels.join(', ')}`);
    this.name = 'LinkedConditionFailed';
  }
}

/** After a cancellation that is neither a replay nor a linked failure: what next. */
export type Retry = 'backoff' | 'now' | 'fail';

export type Attempt<R> =
  /** The key's event was read: return what it recorded. */
  | { readonly replay: RecordedEvent }
  /** Decided without a write. */
  | { readonly done: R }
  /** Decide again at once (and count an attempt). */
  | { readonly again: true }
  | {
      readonly plan: CommandPlan<R, LinkedWrite>;
      /** After the commit (e.g. what the cache learns). */
      readonly committed?: () => void;
      readonly retry: (f: CommitFailure) => Retry;
    };

export const AGAIN = { again: true } as const;

const finalRefusals = new WeakSet<CommandError>();

/**
 * Marks a refusal decided on state read together with the key's event in one snapshot (the event
 * absent): final as it stands, without the second look at the event other refusals get.
 */
export function finalRefusal(err: CommandError): CommandError {
  finalRefusals.add(err);
  return err;
}

export interface CommandRun<R> {
  readonly orderId: string;
  /** The command's envelope: its idempotency key names its event. */
  readonly env: { readonly idempotencyKey: string };
  /** Canonical JSON of the command: a replay must be of the same command. */
  readonly request: string;
  /** The CONFLICT message once every attempt lost. */
  readonly gaveUp: string;
  readonly attempt: () => Promise<Attempt<R>>;
  /**
   * Reserve through this group commit: a plan's reservations are taken as grants first (written
   * with other orders' at the same SKU × facility), its transaction takes them over, and grants
   * whose transaction did not commit are given back.
   */
  readonly groupCommit?: ReservationGroupCommit;
}

export class CommandRunner {
  constructor(
    private readonly orders: OrderStore,
    private readonly tx: OrderTransactions,
    private readonly maxAttempts: number,
  ) {}

  async run<R>(cmd: CommandRun<R>): Promise<R> {
    let lostRaces = 0;
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      if (lostRaces > 0) await sleep(backoffMs(lostRaces));
      const next = await this.attempt(cmd);
      if ('replay' in next) return replay<R>(next.replay, cmd.request);
      if ('done' in next) return next.done;
      if ('again' in next) continue;
      const failure = await this.commit(next.plan.writes, cmd.groupCommit);
      if (!failure) {
        next.committed?.();
        return next.plan.result;
      }
      if (failure.keyTaken) {
        const ev = await this.orders.getEvent(cmd.orderId, cmd.env.idempotencyKey);
        if (ev) return replay<R>(ev, cmd.request);
      }
      if (failure.linked.length) throw new LinkedConditionFailed(failure.linked);
      const retry = next.retry(failure);
      if (retry === 'fail') throw failure.error;
      if (retry === 'backoff') lostRaces++;
    }
    throw new CommandError('CONFLICT', cmd.gaveUp);
  }

  /**
   * One attempt. A refusal may rest on a read that straddled this key's own commit by another
   * caller: a command reads its line and its key's event in one BatchGetItem, which is not one
   * snapshot, so it can see the line after that commit and the key's event before it. The key's
   * event, read after the refusal, decides: present, it is a replay; absent, the refusal stands.
   * A refusal marked `finalRefusal` read the event with its figures in one snapshot: it stands.
   */
  private async attempt<R>(cmd: CommandRun<R>): Promise<Attempt<R>> {
    try {
      return await cmd.attempt();
    } catch (err) {
      if (!(err instanceof CommandError) || finalRefusals.has(err)) throw err;
      const ev = await this.orders.getEvent(cmd.orderId, cmd.env.idempotencyKey);
      if (ev) return { replay: ev };
      throw err;
    }
  }

  /**
   * Commits a plan's writes; with a group commit, its reservations the plain way when nothing is
   * in flight at their SKU × facility, else in a transaction shared with the others waiting there
   * (reserving at one facility), or as grants first (shared/orders/group-commit.ts): a facility
   * that refuses reads as the position's condition failing (nothing was written), and the grants
   * of a transaction that did not commit — cancelled, or an error whose outcome is unknown — are
   * given back (idempotent: a grant its transaction took over is gone, and stays so).
   */
  private async commit(
    writes: CommandPlan<unknown, LinkedWrite>['writes'],
    group: ReservationGroupCommit | undefined,
  ): Promise<CommitFailure | undefined> {
    if (!group) return this.tx.commit(writes);
    const taken = await group.take(writes);
    if ('refused' in taken) return this.tx.refused(taken.refused);
    if ('committed' in taken) return taken.committed;
    let failure: CommitFailure | undefined;
    try {
      failure = await this.tx.commit(taken.writes);
    } catch (err) {
      await group.giveBack(taken.grants);
      throw err;
    } finally {
      // The keys this order led (plain path) are free: what queued behind them is written.
      taken.release();
    }
    if (failure) await group.giveBack(taken.grants);
    return failure;
  }
}

/** The recorded result of the key's first command, if the key was used for this same command. */
function replay<R>(event: RecordedEvent, request: string): R {
  if (event.request !== request) {
    throw new CommandError(
      'IDEMPOTENCY_KEY_REUSED',
      `idempotency key ${event.idempotencyKey} was used for another command (${event.type} at ${event.at}); use a new key`,
    );
  }
  return { ...(event.result as R), replayed: true };
}

/**
 * A command whose linked writes (a PO line's ATP, a pre-order allocation) were planned from state
 * read beside the order line: when a linked condition fails, that state is read again and the
 * command planned again, at most `times` in all. `reread` answering undefined (the linked state is
 * gone) ends the tries. The runner's own loop covers the order line; this one covers what is linked.
 */
export async function retryOnLinkedChange<S, R>(
  first: S,
  times: number,
  run: (state: S) => Promise<R>,
  reread: (state: S) => Promise<S | undefined>,
): Promise<
  { readonly done: true; readonly result: R } | { readonly done: false; readonly last: S }
> {
  let state = first;
  for (let attempt = 0; attempt < times; attempt++) {
    try {
      return { done: true, result: await run(state) };
    } catch (err) {
      if (!(err instanceof LinkedConditionFailed)) throw err;
      const again = await reread(state);
      if (again === undefined) break;
      state = again;
    }
  }
  return { done: false, last: state };
}
