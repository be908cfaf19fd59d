/**
 * The one transaction runner of the order commands (shared/orders/command-runner.ts) and the
 * store's transaction of a plan (shared/store/order-transaction.ts), on a real DynamoDB Local:
 * commit with conditions, replay of an idempotent repeat (also behind a refusal on a straddled read), a key reused for another command, a
 * linked condition, the condition that failed reported by name, retry on a lost race and CONFLICT
 * once every attempt lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandError, type CommandEnvelope } from '../../shared/domain/lifecycle/index.ts';
import { addHold, planOrderChange } from '../../shared/domain/orders/order-plans.ts';
import type { CommandPlan } from '../../shared/domain/orders/order-writes.ts';
import type { OrderCommandResult } from '../../shared/domain/orders/command-results.ts';
import {
  AGAIN,
  CommandRunner,
  LinkedConditionFailed,
  type Attempt,
} from '../../shared/orders/command-runner.ts';
import { OrderTransactions, type CommitFailure } from '../../shared/store/order-transaction.ts';
import { tableName } from '../../shared/store/tables.ts';
import type { LinkedWrite } from '../../shared/store/transactions.ts';
import { sampleOrder, startOrderCore, type OrderCore } from '../support/order-core.ts';

let core: OrderCore;
let tx: OrderTransactions;
let n = 0;

beforeAll(async () => {
  core = await startOrderCore();
  tx = new OrderTransactions(core.orders, core.positions);
});

afterAll(async () => {
  await core?.stop();
});

async function newOrder(): Promise<string> {
  const created = await core.intake.submit(sampleOrder({ externalId: `ext-${++n}` }), {
    source: 'test',
    actor: 'test',
  });
  if (created.status !== 'created') throw new Error(created.status);
  return created.orderId;
}

const envelope = (): CommandEnvelope => ({ idempotencyKey: `run-${++n}`, actor: 'test' });

/** A hold on the order's lines, planned on what is read now. */
async function holdPlan(
  orderId: string,
  env: CommandEnvelope,
  request: string,
  linked: LinkedWrite[] = [],
): Promise<CommandPlan<OrderCommandResult, LinkedWrite>> {
  const { header, lines } = await core.orders.readOrderForCommand(orderId, env.idempotencyKey);
  const now = new Date().toISOString();
  const change = addHold({ orderId, code: 'CHECK', holdReason: 'runner test' })(
    header!,
    lines,
    env,
    now,
  );
  const plan = planOrderChange({ orderId, read: lines, change, env, now, request });
  return { ...plan, writes: { ...plan.writes, linked } };
}

/** Runs a hold command the way the service does: read, plan, commit, replay or retry. */
function runHold(
  runner: CommandRunner,
  orderId: string,
  env: CommandEnvelope,
  request: string,
  opts: {
    linked?: LinkedWrite[];
    stale?: () => Promise<CommandPlan<OrderCommandResult, LinkedWrite>>;
  } = {},
  seen: CommitFailure[] = [],
): Promise<OrderCommandResult> {
  return runner.run<OrderCommandResult>({
    orderId,
    env,
    request,
    gaveUp: `order ${orderId}: gave up`,
    attempt: async (): Promise<Attempt<OrderCommandResult>> => {
      const read = await core.orders.readForCommand(orderId, undefined, env.idempotencyKey, false);
      if (read.event) return { replay: read.event };
      const plan = opts.stale
        ? await opts.stale()
        : await holdPlan(orderId, env, request, opts.linked);
      return {
        plan,
        retry: (f) => {
          seen.push(f);
          return f.lines.length > 0 || f.raced ? 'backoff' : 'fail';
        },
      };
    },
  });
}

describe('command runner on DynamoDB Local', () => {
  it('commits the plan with its event; the same command again under its key is a replay that changes nothing', async () => {
    const orderId = await newOrder();
    const runner = new CommandRunner(core.orders, tx, 10);
    const env = envelope();
    const first = await runHold(runner, orderId, env, '{"hold":1}');
    expect(first.replayed).toBe(false);
    expect(first.lines[0]!.holds).toContain('CHECK');
    const before = await core.snapshot();
    const again = await runHold(runner, orderId, env, '{"hold":1}');
    expect(again).toEqual({ ...first, replayed: true });
    expect(await core.snapshot()).toEqual(before);
    const { events } = await core.orders.order(orderId);
    expect(events.filter((e) => e.idempotencyKey === env.idempotencyKey)).toHaveLength(1);
  });

  it('a key used for another command is refused (IDEMPOTENCY_KEY_REUSED)', async () => {
    const orderId = await newOrder();
    const runner = new CommandRunner(core.orders, tx, 10);
    const env = envelope();
    await runHold(runner, orderId, env, '{"hold":1}');
    const err = await runHold(runner, orderId, env, '{"hold":2}').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect((err as CommandError).code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('a replay found only at the write (the key taken between read and commit) returns the recorded result', async () => {
    const orderId = await newOrder();
    const runner = new CommandRunner(core.orders, tx, 10);
    const env = envelope();
    // Planned before the first command committed: its write finds the key taken.
    const stalePlan = await holdPlan(orderId, env, '{"hold":1}');
    const first = await runHold(runner, orderId, env, '{"hold":1}');
    const seen: CommitFailure[] = [];
    let served = false;
    const result = await runner.run<OrderCommandResult>({
      orderId,
      env,
      request: '{"hold":1}',
      gaveUp: 'gave up',
      attempt: async () => {
        if (served) throw new Error('read again after a replay');
        served = true;
        return { plan: stalePlan, retry: (f) => (seen.push(f), 'fail') };
      },
    });
    expect(result).toEqual({ ...first, replayed: true });
    expect(seen).toEqual([]);
  });

  it('a refusal decided on a read that straddled the key’s own commit (line after it, event before it) is a replay', async () => {
    const orderId = await newOrder();
    const runner = new CommandRunner(core.orders, tx, 10);
    const env = envelope();
    const first = await runHold(runner, orderId, env, '{"hold":1}');
    let attempts = 0;
    /** A command whose planner refuses, as it does on a line this very command already moved. */
    const refusing = (key: CommandEnvelope) =>
      runner.run<OrderCommandResult>({
        orderId,
        env: key,
        request: '{"hold":1}',
        gaveUp: 'gave up',
        attempt: async () => {
          attempts++;
          throw new CommandError('INSUFFICIENT_QUANTITY', 'the line already moved');
        },
      });
    expect(await refusing(env)).toEqual({ ...first, replayed: true });
    expect(attempts).toBe(1);
    // Without the key's event the refusal stands, as the planner worded it.
    const refused = await refusing(envelope()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CommandError);
    expect((refused as CommandError).message).toBe('the line already moved');
  });

  it('a linked write whose condition fails: LinkedConditionFailed names it, nothing is written', async () => {
    const orderId = await newOrder();
    const runner = new CommandRunner(core.orders, tx, 10);
    const before = await core.snapshot();
    const mustExist: LinkedWrite = {
      label: 'linked:must-exist',
      item: {
        ConditionCheck: {
          TableName: tableName(core.prefix, 'orders'),
          Key: { pk: 'NOTHING', sk: 'HERE' },
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
    };
    const err = await runHold(runner, orderId, envelope(), '{"hold":1}', {
      linked: [mustExist],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LinkedConditionFailed);
    expect((err as LinkedConditionFailed).labels).toEqual(['linked:must-exist']);
    expect(await core.snapshot()).toEqual(before);
  });

  it('a line that moved since it was read: the failure names the line, the runner backs off and wins on a fresh read', async () => {
    const orderId = await newOrder();
    const runner = new CommandRunner(core.orders, tx, 10);
    const env = envelope();
    const stale = await holdPlan(orderId, env, '{"hold":1}');
    // Another writer moves the line on.
    await core.service.addHold({
      orderId,
      code: 'OTHER',
      holdReason: 'another writer',
      idempotencyKey: `other-${++n}`,
      actor: 'test',
    });
    let reads = 0;
    const seen: CommitFailure[] = [];
    const result = await runHold(
      runner,
      orderId,
      env,
      '{"hold":1}',
      { stale: async () => (reads++ === 0 ? stale : holdPlan(orderId, env, '{"hold":1}')) },
      seen,
    );
    expect(seen).toHaveLength(1);
    expect([...seen[0]!.failed]).toEqual(['line:00001']);
    expect(seen[0]!.lines).toEqual(['00001']);
    expect(seen[0]!.keyTaken).toBe(false);
    expect(result.lines[0]!.holds).toEqual(expect.arrayContaining(['CHECK', 'OTHER']));
  });

  it('every attempt loses: CONFLICT with the command’s message after maxAttempts', async () => {
    const orderId = await newOrder();
    const runner = new CommandRunner(core.orders, tx, 3);
    const env = envelope();
    const stale = await holdPlan(orderId, env, '{"hold":1}');
    await core.service.addHold({
      orderId,
      code: 'OTHER',
      holdReason: 'another writer',
      idempotencyKey: `other-${++n}`,
      actor: 'test',
    });
    const seen: CommitFailure[] = [];
    const err = await runHold(
      runner,
      orderId,
      env,
      '{"hold":1}',
      { stale: async () => stale },
      seen,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect((err as CommandError).code).toBe('CONFLICT');
    expect((err as CommandError).message).toBe(`order ${orderId}: gave up`);
    expect(seen).toHaveLength(3);
  });

  it('decide-again attempts count, and a failure the command does not retry is rethrown as the store threw it', async () => {
    const orderId = await newOrder();
    const runner = new CommandRunner(core.orders, tx, 5);
    let attempts = 0;
    const err = await runner
      .run({
        orderId,
        env: envelope(),
        request: '{}',
        gaveUp: 'gave up',
        attempt: async () => (++attempts, AGAIN),
      })
      .catch((e: unknown) => e);
    expect((err as CommandError).code).toBe('CONFLICT');
    expect(attempts).toBe(5);

    const env = envelope();
    const stale = await holdPlan(orderId, env, '{"hold":1}');
    await core.service.addHold({
      orderId,
      code: 'OTHER',
      holdReason: 'another writer',
      idempotencyKey: `other-${++n}`,
      actor: 'test',
    });
    const thrown = await runner
      .run({
        orderId,
        env,
        request: '{"hold":1}',
        gaveUp: 'gave up',
        attempt: async () => ({ plan: stale, retry: () => 'fail' as const }),
      })
      .catch((e: unknown) => e);
    expect((thrown as Error).name).toBe('TxCancelled');
  });
});

describe('order transaction: inventory conditions by name', () => {
  it('a reservation on figures that no longer hold names the position and NetSuite check of the SKU × facility', async () => {
    const orderId = await newOrder();
    await core.setNetsuiteQty('SKU-1', 'WH9', 5);
    const seen = await core.positions.facility('SKU-1', 'WH9');
    // NetSuite's figure falls under the reservation after it was read.
    await core.setNetsuiteQty('SKU-1', 'WH9', 0);
    const { lines } = await core.orders.readOrderForCommand(orderId, 'x');
    const line = lines[0]!;
    const now = new Date().toISOString();
    const env = envelope();
    const failure = await tx.commit({
      lines: [
        {
          line: { ...line, version: line.version + 1, updatedAt: now },
          expectedVersion: line.version,
        },
      ],
      event: {
        type: 'moved',
        orderId,
        lineSeq: line.lineSeq,
        actor: env.actor,
        idempotencyKey: env.idempotencyKey,
        at: now,
        request: '{}',
        result: {},
      },
      inventory: [
        { kind: 'reserve', facility: seen, delta: 1 },
        {
          kind: 'reservation',
          sku: 'SKU-1',
          facilityId: 'WH9',
          orderId,
          lineSeq: line.lineSeq,
          qty: 1,
        },
      ],
    });
    expect(failure).toBeDefined();
    expect([...failure!.failed]).toEqual(['ns:SKU-1:WH9']);
    expect(failure!.inventory).toEqual([{ sku: 'SKU-1', facilityId: 'WH9' }]);
    expect(failure!.lines).toEqual([]);
    expect(failure!.error.name).toBe('TxCancelled');
  });
});
