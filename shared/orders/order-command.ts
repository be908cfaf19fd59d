/**
 * The order-wide commands' pipeline (holds, NetSuite ids): read the header and every line, let a
 * pure decision (shared/domain/orders/order-plans.ts) change some lines, and commit them with one
 * event through the command runner — plus, when the change approves the order, the caller's
 * linked writes in the same transaction.
 */
import { CommandError } from '../domain/lifecycle/index.ts';
import type { OrderCommandResult } from '../domain/orders/command-results.ts';
import type { OrderHeader } from '../domain/orders/order.ts';
import { planOrderChange, type OrderDecision } from '../domain/orders/order-plans.ts';
import type { OrderRead, OrderStore } from '../store/order-store.ts';
import type { Checked } from './command-input.ts';
import type { CommandRunner } from './command-runner.ts';
import type { Linked } from './commands.ts';
import type { StateCache } from './state-cache.ts';

/** How an order-wide command may start, and what commits with it. */
export interface OrderCommandOptions {
  /** The order as the caller read it in one consistent read (the first attempt decides on it). */
  readonly first?: OrderRead;
  /** Writes that commit with the command when it approves the order (linked writes). */
  readonly approval?: (header: OrderHeader) => Linked;
}

export interface OrderCommandDeps {
  readonly runner: CommandRunner;
  readonly orders: OrderStore;
  readonly cache: StateCache;
  readonly now: () => string;
  readonly maxAttempts: number;
}

/**
 * Runs an order-wide command: read header and lines, change some lines, write with one event.
 * `first`: the order as the caller just read it (one consistent read), used by the first
 * attempt instead of reading again; a lost race reads afresh. `approval`: the caller's writes
 * that commit with the change when it approves the order (and only then).
 */
export function runOrderCommand(
  deps: OrderCommandDeps,
  input: Checked,
  decide: OrderDecision,
  opts: OrderCommandOptions = {},
): Promise<OrderCommandResult> {
  const { orderId, env } = input;
  let first = opts.first;
  return deps.runner.run<OrderCommandResult>({
    ...input,
    gaveUp: `order ${orderId}: gave up after ${deps.maxAttempts} attempts`,
    attempt: async () => {
      const { header, lines, event } = first
        ? { header: first.header, lines: first.lines, event: first.event(env.idempotencyKey) }
        : await deps.orders.readOrderForCommand(orderId, env.idempotencyKey);
      first = undefined;
      if (event) return { replay: event };
      if (!header) throw new CommandError('UNKNOWN_ORDER', `there is no order ${orderId}`);
      const now = deps.now();
      const change = decide(header, lines, env, now);
      const planned = planOrderChange({ ...input, read: lines, change, now });
      const linked = change.approved ? (opts.approval?.(header) ?? []) : [];
      const plan = linked.length ? { ...planned, writes: { ...planned.writes, linked } } : planned;
      return {
        plan,
        committed: () => {
          for (const { line } of plan.writes.lines) deps.cache.putLine(line);
        },
        retry: (f) => (f.raced || f.lines.length > 0 ? 'backoff' : 'fail'),
      };
    },
  });
}
