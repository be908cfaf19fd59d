/**
 * `oms order …`: look at an order (lines, buckets, holds, releases, shipments, history), create
 * orders from a JSON file, and issue lifecycle commands by hand. Every command that changes
 * something carries an idempotency key (`--key`; one is generated and printed when omitted, so
 * re-running the printed command changes nothing).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  STATUS_NAMES,
  TERMINAL_STATUSES,
  isStatusCode,
  type StatusCode,
} from '../../../shared/domain/lifecycle/index.ts';
import { approvalDeps, cancellations, orderRuntime, root } from '../../../shared/app/root.ts';
import { findOrder } from '../../../shared/orders/find-order.ts';
import type { MoneyView } from '../../../shared/orders/money-view.ts';
import { statusLabel, type OrderView } from '../../../shared/orders/order-view.ts';
import { submitOrders } from '../../../shared/orders/submit.ts';
import {
  describeDifferences,
  type OrderDifferences,
} from '../../../shared/domain/orders/order-diff.ts';
import { recordNetsuiteIds } from '../../../shared/sync/approval.ts';
import { print, table } from '../output.ts';

const buckets = (b: Readonly<Record<string, number>>) =>
  Object.entries(b)
    .map(([s, q]) => `${s}:${q}`)
    .join(' ');

type Submitted = { status?: string; externalId?: string; orderId?: string; differences?: unknown };

const submittedResults = (body: unknown): Submitted[] => {
  const b = body as { results?: Submitted[] } & Submitted;
  return Array.isArray(b?.results) ? b.results : [b];
};

const hasConflict = (body: unknown): boolean =>
  submittedResults(body).some((r) => r?.status === 'conflict');

/**
 * `oms order create` without --json: the answer as JSON, then each conflict in words (what
 * differs from the order the OMS has; nothing was changed).
 */
export function renderSubmitted(body: unknown): string {
  const out = [JSON.stringify(body, null, 2)];
  for (const r of submittedResults(body)) {
    if (r?.status !== 'conflict') continue;
    out.push(
      '',
      `CONFLICT: order ${r.externalId} is already ${r.orderId} with other content; not applied:`,
      ...describeDifferences(r.differences as OrderDifferences).map((d) => `  - ${d}`),
    );
  }
  return out.join('\n');
}

/** The human-readable form of `oms order show`. */
export function renderOrder(v: OrderView): string {
  const out: string[] = [];
  out.push(
    `Order ${v.orderId}  external ${v.externalId ?? '?'}  ${v.name ?? ''}  ${v.salesChannel ?? ''}  placed ${v.date ?? '?'}`,
  );
  out.push(
    `  total ${v.orderTotal?.toFixed(2) ?? '?'}  NetSuite order ${v.netsuiteOrderId ?? '(not yet)'}  created ${v.createdAt ?? '?'}`,
  );
  out.push('', 'Lines');
  out.push(
    table(
      v.lines.map((l) => ({
        line: l.lineSeq,
        sku: l.sku,
        qty: l.quantity,
        status: l.status,
        buckets: buckets(l.buckets),
        reserved: Object.entries(l.allocations)
          .map(([f, a]) => `${f} ${buckets(a)}`)
          .join('; '),
        holds: l.holds.map((h) => h.code).join(', '),
        nsLine: l.netsuiteLineId ?? '',
        v: l.version,
      })),
    ),
  );
  const holds = v.lines.flatMap((l) => l.holds.map((h) => ({ line: l.lineSeq, ...h })));
  if (holds.length) {
    out.push('', 'Holds');
    out.push(table(holds, ['line', 'code', 'kind', 'reason', 'at']));
  }
  const schedules = v.lines.flatMap((l) =>
    Object.entries(l.schedules ?? {}).map(([facility, x]) => ({
      line: l.lineSeq,
      facility,
      ...(x as { shipDate: string; carrier?: string }),
    })),
  );
  if (schedules.length) {
    out.push('', 'Schedules');
    out.push(table(schedules, ['line', 'facility', 'shipDate', 'carrier']));
  }
  if (v.money) out.push('', ...renderMoney(v.money));
  const invoices = Object.values((v.invoices ?? {}) as Record<string, Record<string, unknown>>);
  if (invoices.length) {
    out.push('', 'Invoices');
    out.push(table(invoices));
  }
  if (v.creditMemos?.length) {
    out.push('', 'Credit memos');
    out.push(
      table(
        v.creditMemos.map((m) => ({
          creditMemo: m.creditMemoId,
          date: m.creditMemoDate,
          loopReturn: m.loopReturnId ?? '',
          loopReturnTotal: m.loopReturnTotal ?? '',
          posReturn: m.returnId ?? '',
          file: `${m.file}:${m.line}`,
        })),
      ),
    );
  }
  out.push('', 'Releases');
  out.push(
    table(
      v.releases.map((r) => ({
        line: r.lineSeq,
        release: r.releaseKey,
        facility: r.facilityId,
        released: r.releasedQty,
        open: r.statusQuantity,
        inShipment: r.inShipment,
        state: r.open ? 'open' : 'closed',
      })),
    ),
  );
  out.push('', 'Shipments');
  out.push(
    table(
      v.shipments.map((s) => ({
        line: s.lineSeq,
        shipment: s.shipmentKey,
        release: s.releaseKey,
        facility: s.facilityId,
        planned: s.planned,
        quantity: s.quantity,
        short: s.short,
        status: s.status,
        packed: s.packedAt ?? '',
        carrier: s.carrier ?? '',
        tracking: s.trackingNumbers?.join(' | ') ?? '',
        shipped: s.shippedAt ?? '',
      })),
    ),
  );
  out.push('', 'History');
  out.push(
    table(
      v.history.map((e) => ({
        at: e.at,
        event: e.type,
        line: e.lineSeq ?? '*',
        move:
          e.from && e.to
            ? `${e.from} → ${e.to}`
            : (e.steps ?? [])
                .map((x) => `${x.lineSeq ? `${x.lineSeq}:` : ''}${x.from}→${x.to}×${x.quantity}`)
                .join(' '),
        qty: e.quantity ?? '',
        facility: e.facilityId ?? '',
        release: e.releaseKey ?? '',
        shipment: e.shipmentKey ?? '',
        holds: e.holds?.join(', ') ?? '',
        actor: e.actor,
        key: e.idempotencyKey,
        reason: e.reason ?? '',
      })),
    ),
  );
  const problems = v.lines.flatMap((l) => l.problems);
  if (problems.length) out.push('', 'PROBLEMS', ...problems.map((p) => `  ${p}`));
  return out.join('\n');
}

function status(text: string, name: string): StatusCode {
  const n = Number(text);
  if (!isStatusCode(n)) {
    const known = Object.entries(STATUS_NAMES)
      .map(([c, s]) => `${c} ${s}`)
      .join(', ');
    throw new Error(`${name} "${text}" is not a status code (${known})`);
  }
  return n;
}

const keyOf = (given: string | undefined) => given ?? `cli-${randomUUID()}`;

interface ChangeOpts {
  key?: string;
  actor?: string;
  reason?: string;
  json?: boolean;
}

const actorOf = (opts: ChangeOpts) => opts.actor ?? `cli:${process.env.USER ?? 'operator'}`;

function printChange(opts: ChangeOpts, key: string, result: unknown, human: () => string): void {
  print(!!opts.json, result, () => `${human()}\n(idempotency key ${key})`);
}

export function orderCommands(program: Command): void {
  const order = program.command('order').description('orders: show, create, lifecycle commands');

  order
    .command('show <id>')
    .description(
      'an order (by OMS id or storefront external id): lines, buckets, holds, releases, shipments, history',
    )
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const view = await findOrder(orderRuntime(root()).orders, id);
      if (!view) throw new Error(`there is no order ${id}`);
      print(!!opts.json, view, () => renderOrder(view));
    });

  order
    .command('create <file>')
    .description('create orders from a JSON file (one order or an array), as POST /orders does')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const body = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      const out = await submitOrders(orderRuntime(root()).intake, body, {
        source: `cli:${file}`,
        actor: `cli:${process.env.USER ?? 'operator'}`,
      });
      print(!!opts.json, out.body, () => renderSubmitted(out.body));
      // A conflict (409) or an invalid order (400) fails the command; so does a conflict in a batch.
      if (out.statusCode >= 400 || hasConflict(out.body)) process.exitCode = 1;
    });

  order
    .command('move <orderId> <line> <from> <to> <quantity>')
    .description('move quantity of a line between status buckets (e.g. 1100 1200 1 --facility F1)')
    .option(
      '--facility <id>',
      'facility (required to allocate or schedule from an unreserved status)',
    )
    .option('--release <key>', 'release key (moves from 3200; default: the only open release)')
    .option('--shipment <key>', 'shipment key (moves from 3350; default: the only open shipment)')
    .option('--key <idempotencyKey>', 'idempotency key (default: a new one, printed)')
    .option('--actor <actor>', 'who issues the command')
    .option('--reason <text>', 'why')
    .option('--json', 'print JSON')
    .action(
      async (
        orderId: string,
        line: string,
        from: string,
        to: string,
        quantity: string,
        opts: ChangeOpts & { facility?: string; release?: string; shipment?: string },
      ) => {
        const key = keyOf(opts.key);
        const target = status(to, 'to');
        // Cancelling or rejecting quantity must also tell NetSuite (a line close, queued in the
        // same transaction): only the cancellation service does that, so a raw move may not.
        if (TERMINAL_STATUSES.has(target))
          throw new Error(
            `a move to ${target} (${STATUS_NAMES[target]}) would not tell NetSuite; use \`oms order cancel ${orderId} --line ${line} --quantity ${quantity} --reason …\``,
          );
        const result = await orderRuntime(root()).service.move({
          orderId,
          lineSeq: line,
          from: status(from, 'from'),
          to: target,
          quantity: Number(quantity),
          facilityId: opts.facility,
          releaseKey: opts.release,
          shipmentKey: opts.shipment,
          idempotencyKey: key,
          actor: actorOf(opts),
          reason: opts.reason,
        });
        printChange(opts, key, result, () =>
          [
            `${result.replayed ? 'already done (replay): ' : ''}${result.outcome} ${result.quantity} of ${orderId}/${line}: ${statusLabel(result.from)} → ${statusLabel(result.to)}`,
            `  buckets ${buckets(result.buckets as Record<string, number>)}` +
              (result.releaseKey ? `  release ${result.releaseKey}` : '') +
              (result.shipmentKey ? `  shipment ${result.shipmentKey}` : ''),
            ...(result.failures ?? []).map((f) => `  held: ${f.code} — ${f.reason ?? ''}`),
          ].join('\n'),
        );
      },
    );

  order
    .command('hold <orderId> <code>')
    .description('place a hold (on every line, or one with --line)')
    .requiredOption('--reason <text>', 'why the hold is placed')
    .option('--line <lineSeq>', 'one line (default: an order-level hold on every line)')
    .option('--key <idempotencyKey>', 'idempotency key (default: a new one, printed)')
    .option('--actor <actor>', 'who issues the command')
    .option('--json', 'print JSON')
    .action(async (orderId: string, code: string, opts: ChangeOpts & { line?: string }) => {
      const key = keyOf(opts.key);
      const result = await orderRuntime(root()).service.addHold({
        orderId,
        lineSeq: opts.line,
        code,
        holdReason: opts.reason,
        idempotencyKey: key,
        actor: actorOf(opts),
      });
      printChange(opts, key, result, () =>
        result.lines.map((l) => `line ${l.lineSeq}: holds ${l.holds.join(', ')}`).join('\n'),
      );
    });

  order
    .command('unhold <orderId> <code>')
    .description('lift a hold (from every line that has it, or one with --line)')
    .option('--line <lineSeq>', 'one line')
    .option('--key <idempotencyKey>', 'idempotency key (default: a new one, printed)')
    .option('--actor <actor>', 'who issues the command')
    .option('--reason <text>', 'why')
    .option('--json', 'print JSON')
    .action(async (orderId: string, code: string, opts: ChangeOpts & { line?: string }) => {
      const key = keyOf(opts.key);
      const result = await orderRuntime(root()).service.liftHold({
        orderId,
        lineSeq: opts.line,
        code,
        idempotencyKey: key,
        actor: actorOf(opts),
        reason: opts.reason,
      });
      printChange(opts, key, result, () =>
        result.lines
          .map((l) => `line ${l.lineSeq}: holds ${l.holds.join(', ') || '(none)'}`)
          .join('\n'),
      );
    });

  order
    .command('netsuite-ids <orderId>')
    .description(
      'record NetSuite ids by hand (what the id imports do); once complete: AWAITING_NETSUITE_IDS lifted, brokering queue and deposit outbox as approve-orders does',
    )
    .option('--order <netsuiteOrderId>', "NetSuite's sales-order internal id")
    .option('--line <seq=id...>', 'NetSuite line ids, e.g. --line 00001=7 00002=8')
    .option('--key <idempotencyKey>', 'idempotency key (default: a new one, printed)')
    .option('--actor <actor>', 'who issues the command')
    .option('--json', 'print JSON')
    .action(async (orderId: string, opts: ChangeOpts & { order?: string; line?: string[] }) => {
      const key = keyOf(opts.key);
      const lineIds: Record<string, string> = {};
      for (const pair of opts.line ?? []) {
        const [seq, id] = pair.split('=');
        if (!seq || !id) throw new Error(`--line "${pair}": write <lineSeq>=<NetSuite line id>`);
        lineIds[seq] = id;
      }
      // The same next steps as the approval job once the ids are complete: the brokering
      // queue, out of the sales-order outbox, the deposit into its outbox.
      const result = await recordNetsuiteIds(approvalDeps(root()), {
        orderId,
        netsuiteOrderId: opts.order,
        lineIds: Object.keys(lineIds).length ? lineIds : undefined,
        idempotencyKey: key,
        actor: actorOf(opts),
      });
      printChange(opts, key, result, () =>
        result.approved
          ? `order ${orderId}: NetSuite ids complete, AWAITING_NETSUITE_IDS lifted; queued for brokering`
          : result.afterApproval
            ? `order ${orderId}: NetSuite ids complete (approved before); queued for brokering`
            : `order ${orderId}: ids recorded (${result.lines.length} line(s) changed)`,
      );
    });

  order
    .command('cancel <orderId>')
    .description(
      'cancel a line (--line) or every line for the customer or the merchant: reservations released, NetSuite line closed',
    )
    .requiredOption('--reason <code>', 'CUSTOMER_… or MERCHANT_…, e.g. CUSTOMER_REQUEST')
    .option('--line <lineSeq>', 'one line (default: every line of the order)')
    .option('--quantity <n>', 'units of the line (default: all that can be cancelled)')
    .option('--note <text>', 'free text kept with the cancellation')
    .option('--key <idempotencyKey>', 'idempotency key (default: a new one, printed)')
    .option('--actor <actor>', 'who issues the command')
    .option('--json', 'print JSON')
    .action(
      async (
        orderId: string,
        opts: ChangeOpts & { line?: string; quantity?: string; note?: string },
      ) => {
        const key = keyOf(opts.key);
        const result = await cancellations(root()).cancel({
          orderId,
          lineSeq: opts.line,
          quantity: opts.quantity === undefined ? undefined : Number(opts.quantity),
          reason: opts.reason,
          note: opts.note,
          idempotencyKey: key,
          actor: actorOf(opts),
        });
        printChange(opts, key, result, () =>
          [
            `${result.replayed ? 'already done (replay): ' : ''}order ${orderId} cancelled by the ${result.by} (${result.reason})`,
            ...result.lines.map(
              (l) =>
                `  line ${l.lineSeq}: ${l.outcome} ${l.quantity}  buckets ${buckets(l.buckets as Record<string, number>)}` +
                (l.notes.length ? `  (${l.notes.join('; ')})` : ''),
            ),
          ].join('\n'),
        );
      },
    );
}

/** The money part of `oms order show`: per line, then the order's sums (docs/money.md). */
export function renderMoney(m: MoneyView): string[] {
  const out = [`Money (${m.currency})`];
  out.push(
    table(
      m.lines.map((l) => ({
        line: l.lineSeq,
        qty: l.quantity,
        price: l.price,
        amount: l.amount,
        discounts: l.discounts,
        orderDiscount: l.orderDiscountShare,
        tax: l.tax,
        cancelled: l.cancelled,
      })),
    ),
  );
  const codes = m.discountCodes.length ? ` (${m.discountCodes.join(', ')})` : '';
  out.push(
    `  lines ${m.lineAmounts}  discounts -${m.discounts}${codes}  shipping ${m.shipping}  taxes ${m.taxes}  total ${m.total}`,
    `  cancelled -${m.cancelled}  expected ${m.expected}  shipped ${m.shipped}  paid ${m.paid}  invoiced ${m.invoiced ?? '(not yet)'}  refund due ${m.refundDue}`,
  );
  if (m.invoiceDifference) {
    out.push(`  invoice differs from what shipped by ${m.invoiceDifference}`);
  }
  return out;
}
