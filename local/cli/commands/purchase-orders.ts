/**
 * `oms po …` and `oms preorder …`: purchase orders and pre-order allocation — the merchandiser's
 * four actions on a PO line (review, allocate, sync-dates, remove), cancellation, and the FIFO,
 * release and re-promise runs. Order lines are named `<orderId>:<line>[:<quantity>]`; commands
 * that change something carry an idempotency key (`--key`; generated and printed when omitted).
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { preorderRuntime, root } from '../../../shared/app/root.ts';
import { print, table } from '../output.ts';

interface Opts {
  json?: boolean;
  key?: string;
  actor?: string;
}

const actorOf = (opts: Opts) => opts.actor ?? `cli:${process.env.USER ?? 'operator'}`;
const keyOf = (opts: Opts) => opts.key ?? `cli-${randomUUID()}`;

/** `O123:00001` or `O123:1:2` → an order line choice. */
export function parseChoice(text: string): { orderId: string; lineSeq: string; quantity?: number } {
  const [orderId, line, qty] = text.split(':');
  if (!orderId || !line || !/^\d{1,5}$/.test(line) || (qty !== undefined && !/^\d+$/.test(qty))) {
    throw new Error(
      `"${text}" is not <orderId>:<line>[:<quantity>] (e.g. O1M8…:00001 or O1M8…:1:2)`,
    );
  }
  return { orderId, lineSeq: line.padStart(5, '0'), quantity: qty ? Number(qty) : undefined };
}

const withKey = (opts: Opts, key: string, human: string) =>
  opts.key ? human : `${human}\n(idempotency key ${key})`;

export function purchaseOrderCommands(program: Command): void {
  const po = program
    .command('po')
    .description('purchase orders and their pre-order allocations (docs/preorder.md)');

  po.command('list')
    .description('purchase orders: status, facility, lines, quantity, allocated, ATP')
    .option('--json', 'print JSON')
    .action(async (opts: Opts) => {
      const list = await preorderRuntime(root()).allocation.listPurchaseOrders();
      print(!!opts.json, list, () =>
        table(
          list.map((p) => ({
            po: p.poId,
            status: p.status,
            facility: p.facilityId,
            lines: p.lines,
            skus: p.skus.join(' '),
            qty: p.quantity,
            allocated: p.allocated,
            atp: p.atp,
            arrival: p.earliestArrival,
            lastSeen: p.lastSeenAt,
          })),
        ),
      );
    });

  po.command('show <poId>')
    .description('a purchase order with its lines')
    .option('--json', 'print JSON')
    .action(async (poId: string, opts: Opts) => {
      const p = await preorderRuntime(root()).allocation.purchaseOrder(poId);
      print(!!opts.json, p, () =>
        [
          `PO ${p.poId}  ${p.status}  facility ${p.facilityId}  last listed ${p.lastSeenAt} (${p.lastFile})`,
          table(
            p.lines.map((l) => ({
              line: l.lineId,
              sku: l.sku,
              qty: l.quantity,
              arrival: l.arrivalDate,
              allocated: l.allocated,
              released: l.released,
              atp: l.atp,
              orders: l.orders,
              outOfSync: l.outOfSync,
              status: l.status,
            })),
          ),
        ].join('\n'),
      );
    });

  po.command('review <poId> <lineId>')
    .description('sales order lines allocated to a PO line, total ordered and ATP consumed')
    .option('--json', 'print JSON')
    .action(async (poId: string, lineId: string, opts: Opts) => {
      const r = await preorderRuntime(root()).allocation.review(poId, lineId);
      print(!!opts.json, r, () =>
        [
          `PO ${poId} line ${lineId}  ${r.poLine.sku}  qty ${r.poLine.quantity}  arrival ${r.poLine.arrivalDate}`,
          `  total ordered ${r.totalOrdered}  ATP consumed ${r.atpConsumed}  ATP left ${Math.max(0, r.atp)}`,
          table(
            r.allocations.map((a) => ({
              order: a.orderId,
              line: a.lineSeq,
              name: a.orderName,
              customer: a.customer,
              date: a.orderDate,
              qty: a.quantity,
              promised: a.promisedDate,
              inSync: a.inSync ? 'yes' : 'no',
            })),
          ),
        ].join('\n'),
      );
    });

  po.command('candidates <poId> <lineId>')
    .description('unallocated pre-order lines of the PO line’s SKU, oldest order first')
    .option('--json', 'print JSON')
    .action(async (poId: string, lineId: string, opts: Opts) => {
      const r = await preorderRuntime(root()).allocation.candidates(poId, lineId);
      print(!!opts.json, r, () =>
        table(
          r.candidates.map((c) => ({
            order: c.orderId,
            line: c.lineSeq,
            name: c.orderName,
            customer: c.customer,
            date: c.orderDate,
            unallocated: c.unallocated,
            holds: c.holds.join(', '),
          })),
        ),
      );
    });

  // allocate and remove: the same arguments, output and exit code, opposite actions.
  const lineAction = (action: 'allocate' | 'remove', description: string) =>
    po
      .command(`${action} <poId> <lineId> <orderLines...>`)
      .description(description)
      .option('--key <idempotencyKey>', 'idempotency key (default: a new one, printed)')
      .option('--actor <actor>', 'who issues the command')
      .option('--json', 'print JSON')
      .action(async (poId: string, lineId: string, lines: string[], opts: Opts) => {
        const key = keyOf(opts);
        const r = await preorderRuntime(root()).allocation[action](
          poId,
          lineId,
          lines.map(parseChoice),
          { idempotencyKey: key, actor: actorOf(opts) },
        );
        print(!!opts.json, r, () =>
          withKey(
            opts,
            key,
            [
              table(r.results.map((x) => ({ ...x }))),
              `PO line ${poId}/${lineId}: allocated ${r.poLine.allocated}, ATP ${Math.max(0, r.poLine.atp)}`,
            ].join('\n'),
          ),
        );
        if (r.results.some((x) => x.outcome === 'refused')) process.exitCode = 1;
      });

  lineAction(
    'allocate',
    'allocate order lines (<orderId>:<line>[:<qty>]) to a PO line; refused beyond its ATP',
  );

  po.command('sync-dates <poId> <lineId>')
    .description('copy the PO line’s arrival date to the promised date of every allocated line')
    .option('--json', 'print JSON')
    .action(async (poId: string, lineId: string, opts: Opts) => {
      const r = await preorderRuntime(root()).allocation.syncDates(poId, lineId);
      print(
        !!opts.json,
        r,
        () => `promised date ${r.arrivalDate}: ${r.changed} changed, ${r.unchanged} already so`,
      );
    });

  lineAction(
    'remove',
    'release order lines (<orderId>:<line>[:<qty>]) from a PO line back to the queue',
  );

  po.command('cancel <poId>')
    .description(
      'cancel a PO: its orders go back to the queue and are re-allocated where ATP allows',
    )
    .option('--key <idempotencyKey>', 'idempotency key (default: a new one, printed)')
    .option('--actor <actor>', 'who issues the command')
    .option('--json', 'print JSON')
    .action(async (poId: string, opts: Opts) => {
      const key = keyOf(opts);
      const r = await preorderRuntime(root()).supply.cancel(poId, {
        idempotencyKey: key,
        actor: actorOf(opts),
      });
      print(!!opts.json, r, () =>
        withKey(
          opts,
          key,
          [
            `PO ${poId} cancelled: ${r.unallocated.length} order line(s) back in the queue, ` +
              `${r.reallocated.lines.length} re-allocated, ${r.stillUnallocated.length} waiting`,
            table(r.stillUnallocated.map((x) => ({ ...x }))),
          ].join('\n'),
        ),
      );
    });

  const pre = program.command('preorder').description('pre-order runs: FIFO, release, re-promise');

  pre
    .command('allocate')
    .description('run FIFO allocation now (all SKUs, or one)')
    .option('--sku <sku>', 'one SKU')
    .option('--json', 'print JSON')
    .action(async (opts: Opts & { sku?: string }) => {
      const r = await preorderRuntime(root()).allocation.runFifo({
        sku: opts.sku,
        actor: actorOf(opts),
      });
      print(!!opts.json, r, () =>
        [
          `allocated ${r.allocated} unit(s) on ${r.lines.length} line(s); ${r.held.length} held, ${r.unfilled.length} waiting for supply`,
          table(r.lines.map((x) => ({ ...x }))),
        ].join('\n'),
      );
    });

  pre
    .command('release')
    .description('release pre-ordered lines to fulfilment by hand (1250 → 1200 at the PO facility)')
    .option('--po <poId>', 'every line of a PO')
    .option('--sku <sku>', 'every PO line of a SKU')
    .option('--order <orderId>', 'one order')
    .option('--json', 'print JSON')
    .action(async (opts: Opts & { po?: string; sku?: string; order?: string }) => {
      if (!opts.po && !opts.sku && !opts.order) throw new Error('give --po, --sku or --order');
      const r = await preorderRuntime(root()).supply.release({
        poId: opts.po,
        sku: opts.sku,
        orderId: opts.order,
        actor: actorOf(opts),
      });
      print(!!opts.json, r, () =>
        [
          `released ${r.released.length} line(s); ${r.waiting.length} waiting`,
          table(r.released.map((x) => ({ ...x }))),
          ...(r.waiting.length ? ['waiting:', table(r.waiting.map((x) => ({ ...x })))] : []),
        ].join('\n'),
      );
    });

  pre
    .command('repromise')
    .description('move customers onto earlier POs; give back allocations above a lowered quantity')
    .option('--json', 'print JSON')
    .action(async (opts: Opts) => {
      const r = await preorderRuntime(root()).supply.repromise(actorOf(opts));
      print(!!opts.json, r, () =>
        [
          `${r.moved.length} moved to an earlier PO, ${r.givenBack.length} given back, ${r.reallocated} re-allocated`,
          table(r.moved.map((x) => ({ ...x }))),
        ].join('\n'),
      );
    });
}
