/**
 * The approval job: looks at every order that received NetSuite ids since its last run (the settle
 * candidates the id imports leave), moves the ids onto the order through the order core, and
 * approves it — lifts the `AWAITING_NETSUITE_IDS` hold, which makes it eligible for brokering —
 * once its NetSuite order id and every line id are known. An approved order leaves the sales order
 * outbox and joins the customer deposit outbox. Deposit ids that came back confirm the payment
 * (the release gate reads it) and take the order out of the deposit outbox.
 *
 * Idempotent: the ids are applied with an idempotency key made of the ids themselves, so a rerun
 * (or two runs at once) changes nothing; a candidate is dropped only after its work is done.
 *
 * Every path that approves an order — this job, or ids recorded by hand (`oms order netsuite-ids`,
 * `recordNetsuiteIds` below) — ends in `afterApproval`: the same next steps, whichever it was.
 *
 * At volume (issue #21) the job reads the orders ahead of its workers in bulk (`readAhead`: their
 * headers, lines and ids; the order core decides its first attempt on that read and reads again
 * only after a lost race), commits the deposit entry with the approving transaction (a linked
 * write, conditional as `enqueue`), and writes the brokering entry and the outbox deletes of the
 * orders approved meanwhile together, before their candidates are settled (a worker takes its next
 * order while they go out). A replay, or an order
 * approved by another path, takes `afterApproval`'s steps as before.
 *
 * Over 400 lines: the job and the two other ways an order is approved (`recordNetsuiteIds`,
 * `afterApproval`) must take the same steps; the ids' rules are `domain/orders/netsuite-ids.ts`.
 */
import { createHash } from 'node:crypto';
import { depositPayments } from '../domain/sync/deposits.ts';
import { depositPayload } from '../domain/sync/payloads.ts';
import { HOLDS } from '../domain/lifecycle/index.ts';
import type { OrderHeader } from '../domain/orders/order.ts';
import {
  LinkedConditionFailed,
  type NetsuiteIdsCommand,
  type OrderCommandResult,
  type OrderService,
} from '../orders/order-service.ts';
import type { NetsuiteIdStore, OrderNetsuiteIds } from '../store/netsuite-id-store.ts';
import type { OrderRead, OrderStore } from '../store/order-store.ts';
import type { SettleItem, SettleKind, SyncStore } from '../store/sync-store.ts';
import type { LinkedWrite, TxItem } from '../store/transactions.ts';

export interface ApprovalDeps {
  readonly sync: SyncStore;
  readonly ids: NetsuiteIdStore;
  readonly orders: OrderStore;
  readonly service: OrderService;
  readonly concurrency?: number;
  readonly now?: () => Date;
  /** Called for every order whose ids are complete (approved now or before): e.g. queue it for brokering. Idempotent. */
  readonly onApproved?: (header: OrderHeader) => Promise<void>;
  /**
   * `onApproved` as a write that commits with the approval itself (see `approveOrders`). Without
   * it, an approval job given `onApproved` takes the next steps after the approval, one by one.
   */
  readonly approvedWrite?: (header: OrderHeader) => LinkedWrite;
  /**
   * Orders read in bulk ahead of the workers, this many at a time (`forOrdersWithHeaders`),
   * instead of one Query each. Default 0: each order read on its own (`forOrderWithHeader`).
   */
  readonly readAhead?: number;
}

/** DynamoDB's limit of items in one transaction. */
const MAX_TRANSACTION_ITEMS = 100;

export interface ApprovalReport {
  readonly candidates: number;
  /** Orders approved by this run. */
  readonly approved: string[];
  /** Orders with some ids, still waiting for others. */
  readonly incomplete: number;
  /** Orders whose deposits are all confirmed by this run. */
  readonly depositsConfirmed: string[];
  readonly unknownOrders: number;
  readonly failed: { orderId: string; error: string }[];
  readonly ms: number;
}

/**
 * What follows an order's approval (its NetSuite order id and every line id known), whichever path
 * approved it: it joins the brokering queue (`onApproved`), leaves the sales-order outbox, and its
 * deposit (payments > 0, not yet confirmed) joins the deposit outbox, keyed on the NetSuite order
 * id. Idempotent: running it again for an approved order writes the same items.
 */
export async function afterApproval(
  deps: Pick<ApprovalDeps, 'sync' | 'onApproved'>,
  header: OrderHeader,
  netsuiteOrderId: string,
  at: string,
): Promise<void> {
  // Independent and idempotent: all at once (a failure leaves the candidate for the next run).
  await Promise.all([
    deps.onApproved?.(header),
    deps.sync.complete('salesorder', [header.orderId]),
    depositPayments(header.payments).length && !header.paymentVerified
      ? deps.sync.enqueue('deposit', header.orderId, depositPayload(header, netsuiteOrderId), at)
      : undefined,
  ]);
}

/**
 * Records NetSuite ids by hand (`oms order netsuite-ids`), through the order core with the
 * caller's key, and — once the order's ids are complete (now or before; a replay too) — takes the
 * order on exactly as the approval job does (`afterApproval`).
 */
export async function recordNetsuiteIds(
  deps: Pick<ApprovalDeps, 'service' | 'orders' | 'sync' | 'onApproved' | 'now'>,
  cmd: NetsuiteIdsCommand,
): Promise<OrderCommandResult & { readonly afterApproval: boolean }> {
  const result = await deps.service.recordNetsuiteIds(cmd);
  const { header, lines } = await deps.orders.order(cmd.orderId);
  const complete =
    !!header?.netsuiteOrderId &&
    lines.length === header.lineCount &&
    lines.every((l) => !!l.netsuiteLineId && !l.holds[HOLDS.AWAITING_NETSUITE_IDS]);
  if (!header || !complete) return { ...result, afterApproval: false };
  const at = (deps.now?.() ?? new Date()).toISOString();
  await afterApproval(deps, header, header.netsuiteOrderId!, at);
  return { ...result, afterApproval: true };
}

/** An order with its NetSuite ids (of the order and its lines), as the approval reads it. */
interface OrderIdsRead {
  readonly ids: Pick<OrderNetsuiteIds, 'orderId' | 'lines'>;
  readonly header?: OrderHeader;
  readonly order?: OrderRead;
}
type BulkRead = Map<string, OrderIdsRead>;

/**
 * Group commit: `write(items)` resolves once a `flush` holding them succeeded. The first caller's
 * items go at once; those of callers meanwhile wait for it and go together in the next flush.
 */
function groupCommit<T>(flush: (items: T[]) => Promise<void>): (items: T[]) => Promise<void> {
  let waiting: { items: T[]; done: (err?: unknown) => void }[] = [];
  let running = false;
  const run = async () => {
    running = true;
    while (waiting.length) {
      const group = waiting;
      waiting = [];
      try {
        await flush(group.flatMap((g) => g.items));
        for (const g of group) g.done();
      } catch (err) {
        for (const g of group) g.done(err ?? new Error('write failed'));
      }
    }
    running = false;
  };
  return (items) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ items, done: (err) => (err === undefined ? resolve() : reject(err)) });
      if (!running) void run();
    });
}

const keyOf = (value: unknown) =>
  `nsids-${createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 24)}`;

export async function approveOrders(deps: ApprovalDeps): Promise<ApprovalReport> {
  const started = Date.now();
  const at = (deps.now?.() ?? new Date()).toISOString();
  const items = await deps.sync.settleItems();
  const approved: string[] = [];
  const depositsConfirmed: string[] = [];
  const failed: { orderId: string; error: string }[] = [];
  let incomplete = 0;
  let unknownOrders = 0;

  /**
   * `afterApproval`'s writes for an order this run approves: the deposit entry (conditional: the
   * first one stands) commits with the approval (a linked write); the brokering entry and the
   * sales order outbox deletes (unconditional) go right after it, many orders' in one
   * BatchWriteItem (`afterWrites`). Undefined when they cannot (an `onApproved` without its write
   * form, or too many items for one transaction): then `afterApproval` takes the steps.
   */
  const approvalWrites = (
    header: OrderHeader,
    netsuiteOrderId: string,
    deposit: boolean,
  ): { linked: LinkedWrite[]; after: TxItem[] } | undefined => {
    if (deps.onApproved && !deps.approvedWrite) return undefined;
    // The lines, the event, the header and the deposit.
    if (header.lineCount + 3 > MAX_TRANSACTION_ITEMS) return undefined;
    return {
      linked:
        deposit && depositPayments(header.payments).length && !header.paymentVerified
          ? [
              deps.sync.linkedEnqueue(
                'deposit',
                'deposit',
                header.orderId,
                depositPayload(header, netsuiteOrderId),
                at,
              ),
            ]
          : [],
      after: [
        ...(deps.approvedWrite ? [deps.approvedWrite(header).item] : []),
        ...deps.sync.linkedComplete('salesorder', 'salesorder', header.orderId).map((w) => w.item),
      ],
    };
  };
  /** Writes of several workers at once, in one BatchWriteItem while the previous is in flight. */
  const afterWrites = groupCommit((items: TxItem[]) => deps.sync.writeBatch(items));

  /** The orders of 'order' candidates, in the order the workers take them, read ahead in chunks. */
  const readAhead = deps.readAhead ?? 0;
  const chunkOf = new Map<string, number>();
  const chunks = new Map<number, Promise<BulkRead | undefined>>();
  let toRead: string[] = [];
  const chunk = (k: number) => {
    let c = chunks.get(k);
    if (!c && k * readAhead < toRead.length) {
      const orderIds = toRead.slice(k * readAhead, (k + 1) * readAhead);
      // On failure each order of the chunk is read on its own.
      c = (async () => deps.ids.forOrdersWithHeaders(orderIds))().catch(() => undefined);
      chunks.set(k, c);
    }
    return c;
  };
  const readOrder = async (orderId: string): Promise<OrderIdsRead> => {
    const k = chunkOf.get(orderId);
    if (k !== undefined) {
      void chunk(k + 1); // the next chunk is read while this one is worked on
      const read = await chunk(k);
      if (read) {
        const found = read.get(orderId);
        read.delete(orderId);
        return found ?? { ids: { lines: new Map() } };
      }
    }
    return deps.ids.forOrderWithHeader(orderId);
  };

  /**
   * Settles an order's candidate. Resolves once the order is decided and committed; when writes
   * after its approval are still going out (`afterWrites`), with them as `pending`: the candidate
   * may be settled only once they are in.
   */
  const settleOrder = async (orderId: string): Promise<{ pending?: Promise<void> } | void> => {
    const { ids, header, order } = await readOrder(orderId);
    if (!header) return void unknownOrders++;
    const lineIds = Object.fromEntries(
      [...ids.lines].filter(([seq]) => Number(seq) <= header.lineCount).sort(),
    );
    const complete = !!ids.orderId && Object.keys(lineIds).length === header.lineCount;
    /** `afterApproval`'s writes committed with this run's approval. */
    let linkedDone = false;
    if (ids.orderId || Object.keys(lineIds).length) {
      const request = { netsuiteOrderId: ids.orderId, lineIds };
      const cmd = {
        orderId,
        ...request,
        idempotencyKey: keyOf(request),
        actor: 'netsuite-sync',
        reason: 'NetSuite ids received',
      };
      // Once the ids are complete, the next steps commit with the approval (when it approves the
      // order); the order as read above decides the first attempt.
      const linking = complete && !!approvalWrites(header, ids.orderId!, true);
      const record = (deposit: boolean, first = order) =>
        deps.service.recordNetsuiteIds(cmd, {
          first,
          ...(linking
            ? {
                approval: (h: OrderHeader) =>
                  approvalWrites(h, ids.orderId!, deposit)?.linked ?? [],
              }
            : {}),
        });
      let result: OrderCommandResult;
      try {
        result = await record(true);
      } catch (err) {
        // The deposit waits in its outbox already: the first entry stands (as `enqueue`).
        if (!(err instanceof LinkedConditionFailed) || !err.labels.includes('linked:deposit')) {
          throw err;
        }
        result = await record(false, undefined);
      }
      if (result.approved && !result.replayed) {
        approved.push(orderId);
        linkedDone = linking;
      }
    }
    if (!complete) return void incomplete++;
    if (!linkedDone) return afterApproval(deps, header, ids.orderId!, at);
    // Before the candidate is settled (else the next run's replay takes the steps again).
    return { pending: afterWrites(approvalWrites(header, ids.orderId!, false)!.after) };
  };

  const settleDeposit = async (orderId: string) => {
    const [ids, header] = await Promise.all([
      deps.ids.forOrder(orderId),
      deps.orders.getHeader(orderId),
    ]);
    if (!header) return void unknownOrders++;
    const refs = depositPayments(header.payments).map((p) => p.reference);
    if (!refs.every((r) => ids.deposits.has(r))) return void incomplete++;
    const known = header.netsuiteDeposits ?? {};
    if (header.paymentVerified && refs.every((r) => known[r] === ids.deposits.get(r))) {
      // NetSuite repeated a deposit row: already recorded.
      await deps.sync.complete('deposit', [orderId]);
      return;
    }
    await deps.orders.recordDeposits(
      orderId,
      Object.fromEntries(refs.map((r) => [r, ids.deposits.get(r)!])),
    );
    await deps.sync.complete('deposit', [orderId]);
    depositsConfirmed.push(orderId);
  };

  // An order's candidates are settled by one worker, the order before its deposit: otherwise a
  // deposit confirmed meanwhile could be queued for sending again. A candidate item (one order or
  // a batch) is settled once each of its orders is: removed, or kept with the orders that failed.
  const byOrder = new Map<string, SettleKind[]>();
  /** Per order and kind, the items naming it. */
  const itemsOf = new Map<string, SettleItem[]>();
  const open = new Map<SettleItem, { todo: number; failed: string[] }>();
  for (const item of items) {
    open.set(item, { todo: item.orderIds.length, failed: [] });
    for (const orderId of item.orderIds) {
      const ref = `${item.kind}#${orderId}`;
      const named = itemsOf.get(ref);
      if (named) {
        named.push(item);
        continue;
      }
      itemsOf.set(ref, [item]);
      byOrder.set(orderId, [...(byOrder.get(orderId) ?? []), item.kind]);
    }
  }
  const candidates = itemsOf.size;
  const queue = [...byOrder].map(([orderId, kinds]) => ({
    orderId,
    kinds: kinds.sort((a, b) => (a === b ? 0 : a === 'order' ? -1 : 1)),
  }));
  if (readAhead > 0) {
    toRead = queue.filter((c) => c.kinds.includes('order')).map((c) => c.orderId);
    toRead.forEach((orderId, i) => chunkOf.set(orderId, Math.floor(i / readAhead)));
  }
  const settled = async (kind: SettleKind, orderId: string, ok: boolean) => {
    for (const item of itemsOf.get(`${kind}#${orderId}`) ?? []) {
      const state = open.get(item)!;
      if (!ok) state.failed.push(orderId);
      if (--state.todo === 0) await deps.sync.settleItemDone(item, state.failed, at);
    }
  };
  const fail = (orderId: string, err: unknown): void =>
    void failed.push({ orderId, error: err instanceof Error ? err.message : String(err) });
  /**
   * Candidates whose order is committed and whose writes after approval are still going out: a
   * worker takes its next order meanwhile (as many transactions in flight as workers), and the
   * candidate is settled once they are in. At most `MAX_PENDING`; all awaited before the report.
   */
  const pending = new Set<Promise<void>>();
  const MAX_PENDING = 256;
  const settleLater = (orderId: string, writes: Promise<void>) => {
    const done = writes
      .then(
        () => true,
        (err: unknown) => {
          fail(orderId, err); // the candidate stays for the next run
          return false;
        },
      )
      .then((ok) => settled('order', orderId, ok))
      .catch((err: unknown) => fail(orderId, err))
      .finally(() => pending.delete(done));
    pending.add(done);
  };
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      for (const [k, kind] of c.kinds.entries()) {
        let ok = false;
        try {
          if (kind === 'order') {
            const writes = (await settleOrder(c.orderId))?.pending;
            // The order's deposit candidate, if any, waits for them (the order before its deposit).
            if (writes && k === c.kinds.length - 1) {
              settleLater(c.orderId, writes);
              while (pending.size >= MAX_PENDING) await Promise.race(pending);
              continue;
            }
            await writes;
          } else await settleDeposit(c.orderId);
          ok = true;
        } catch (err) {
          fail(c.orderId, err); // the candidate stays for the next run
        }
        try {
          await settled(kind, c.orderId, ok);
        } catch (err) {
          // The item stays: its orders are looked at again (idempotently) by the next run.
          fail(c.orderId, err);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: deps.concurrency ?? 8 }, worker));
  while (pending.size) await Promise.all(pending);
  return {
    candidates,
    approved: approved.sort(),
    incomplete,
    depositsConfirmed: depositsConfirmed.sort(),
    unknownOrders,
    failed,
    ms: Date.now() - started,
  };
}
