/**
 * `oms store …`: a store's fulfilment queue, and rejecting an item as the store would. The
 * rejection carries an idempotency key (`--key`; one is generated and printed when omitted, so
 * re-running the printed command changes nothing).
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { storeFulfillment } from '../../../shared/brokering/store-fulfillment-wiring.ts';
import { print, table } from '../output.ts';

interface RejectOpts {
  reason: string;
  qty?: string;
  comments?: string;
  key?: string;
  json?: boolean;
}

export function storeCommands(program: Command): void {
  const store = program.command('store').description('store fulfilment: queue, rejections');

  store
    .command('queue <facility>')
    .description('items allocated to a store for it to fulfil')
    .option('--json', 'print JSON')
    .action(async (facility: string, opts: { json?: boolean }) => {
      const items = await storeFulfillment().storeQueue(facility);
      print(!!opts.json, items, () =>
        table(
          items.map((i) => ({
            order: i.orderId,
            name: i.orderName ?? '',
            line: i.lineSeq,
            sku: i.sku,
            qty: i.quantity,
            shipping: i.shippingMethod ?? '',
            allocated: i.allocatedAt,
          })),
        ),
      );
    });

  store
    .command('reject <facility> <order> <line>')
    .description(
      'the store hands back an allocated item: re-brokered; VAR_STOLEN, VAR_DAMAGED, VAR_FOUND also adjust inventory',
    )
    .requiredOption('--reason <code>', 'reason code, e.g. VAR_DAMAGED, NOT_IN_STOCK')
    .option('--qty <n>', 'units handed back (default: all allocated there)')
    .option('--comments <text>', "the store's comments (go to the adjustment's memo)")
    .option('--key <idempotencyKey>', 'idempotency key (default: a new one, printed)')
    .option('--json', 'print JSON')
    .action(async (facility: string, order: string, line: string, opts: RejectOpts) => {
      const key = opts.key ?? `cli-${randomUUID()}`;
      const result = await storeFulfillment().rejectStoreItem({
        facilityId: facility,
        orderId: order,
        lineSeq: line,
        quantity: opts.qty === undefined ? undefined : Number(opts.qty),
        reason: opts.reason,
        comments: opts.comments,
        idempotencyKey: key,
        actor: `cli:${process.env.USER ?? 'operator'}`,
      });
      print(!!opts.json, result, () =>
        [
          `${result.replayed ? 'already done (replay): ' : ''}${facility} rejected ${result.quantity} of ${order}/${line} (${result.sku}) with ${result.reason}: back in the brokering queue`,
          result.adjustment
            ? `  inventory adjustment ${result.adjustment.adjustmentId}: ${result.adjustment.delta > 0 ? '+' : ''}${result.adjustment.delta} (${result.adjustment.inventory})`
            : '  no inventory adjustment',
          `(idempotency key ${key})`,
        ].join('\n'),
      );
    });
}
