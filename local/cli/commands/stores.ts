/**
 * `oms store …`: a store's fulfilment queue, and what the store does with an item: pick (and
 * pack), ship, not found, reject. Every command that changes something carries an idempotency key
 * (`--key`; one is generated and printed when omitted, so re-running the printed command changes
 * nothing).
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { root, storeFulfillment, storeShipping } from '../../../shared/app/root.ts';
import { print, table } from '../output.ts';

interface RejectOpts {
  reason: string;
  qty?: string;
  comments?: string;
  key?: string;
  json?: boolean;
}

interface PickOpts {
  release?: string;
  qty?: string;
  key?: string;
  json?: boolean;
}

interface ShipOpts {
  shipment?: string;
  qty?: string;
  tracking?: string[];
  carrier?: string;
  method?: string;
  shippedAt?: string;
  key?: string;
  json?: boolean;
}

interface NotFoundOpts {
  qty?: string;
  reason?: string;
  comments?: string;
  key?: string;
  json?: boolean;
}

const actor = () => `cli:${process.env.USER ?? 'operator'}`;
const quantity = (qty: string | undefined) => (qty === undefined ? undefined : Number(qty));
const collect = (value: string, previous: string[] = []) => [...previous, value];

export function storeCommands(program: Command): void {
  const store = program
    .command('store')
    .description('store fulfilment: queue, pick, ship, not found, rejections');

  store
    .command('queue <facility>')
    .description('items at a store for it to fulfil, per stage: allocated, released, picking')
    .option('--json', 'print JSON')
    .action(async (facility: string, opts: { json?: boolean }) => {
      const items = await storeFulfillment(root()).storeQueue(facility);
      print(!!opts.json, items, () =>
        table(
          items.map((i) => ({
            order: i.orderId,
            name: i.orderName ?? '',
            line: i.lineSeq,
            sku: i.sku,
            qty: i.quantity,
            allocated: i.allocated + i.scheduled || '',
            released: i.released.map((r) => `${r.quantity}@${r.releaseKey}`).join(' '),
            picking: i.picking.map((p) => `${p.quantity}@${p.shipmentKey}`).join(' '),
            shipping: i.shippingMethod ?? '',
            shipDate: i.shipDate ?? '',
            since: i.allocatedAt,
          })),
        ),
      );
    });

  store
    .command('reject <facility> <order> <line>')
    .description(
      'the store hands back an allocated, scheduled or released item: re-brokered; VAR_STOLEN, VAR_DAMAGED, VAR_FOUND also adjust inventory',
    )
    .requiredOption('--reason <code>', 'reason code, e.g. VAR_DAMAGED, NOT_IN_STOCK')
    .option('--qty <n>', 'units handed back (default: all allocated, scheduled or released there)')
    .option('--comments <text>', "the store's comments (go to the adjustment's memo)")
    .option('--key <idempotencyKey>', 'idempotency key (default: a new one, printed)')
    .option('--json', 'print JSON')
    .action(async (facility: string, order: string, line: string, opts: RejectOpts) => {
      const key = opts.key ?? `cli-${randomUUID()}`;
      const result = await storeFulfillment(root()).rejectStoreItem({
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

  store
    .command('pick <facility> <order> <line>')
    .description('the store picks (and packs) released units: 3200 → 3350, a new shipment key')
    .option('--release <releaseKey>', "which release (default: the store's only open one)")
    .option('--qty <n>', 'units picked (default: all released and not picked)')
    .option('--key <idempotencyKey>', 'idempotency key (default: a new one, printed)')
    .option('--json', 'print JSON')
    .action(async (facility: string, order: string, line: string, opts: PickOpts) => {
      const key = opts.key ?? `cli-${randomUUID()}`;
      const result = await storeShipping(root()).pick({
        facilityId: facility,
        orderId: order,
        lineSeq: line,
        releaseKey: opts.release,
        quantity: quantity(opts.qty),
        idempotencyKey: key,
        actor: actor(),
      });
      print(!!opts.json, result, () =>
        [
          `${result.replayed ? 'already done (replay): ' : ''}${facility} picks ${result.quantity} of ${order}/${line} (${result.sku}) from release ${result.releaseKey}: shipment ${result.shipmentKey}`,
          `(idempotency key ${key})`,
        ].join('\n'),
      );
    });

  store
    .command('pack <facility> <order> <line>')
    .description('the store packs a shipment it is picking (recorded; ships later with `ship`)')
    .option('--shipment <shipmentKey>', "which shipment (default: the store's only open one)")
    .option('--packages <n>', 'parcels packed')
    .option('--key <idempotencyKey>', 'idempotency key (default: a new one, printed)')
    .option('--json', 'print JSON')
    .action(
      async (
        facility: string,
        order: string,
        line: string,
        opts: { shipment?: string; packages?: string; key?: string; json?: boolean },
      ) => {
        const key = opts.key ?? `cli-${randomUUID()}`;
        const result = await storeShipping(root()).pack({
          facilityId: facility,
          orderId: order,
          lineSeq: line,
          shipmentKey: opts.shipment,
          packages: quantity(opts.packages),
          idempotencyKey: key,
          actor: actor(),
        });
        print(!!opts.json, result, () =>
          [
            `${result.replayed ? 'already done (replay): ' : ''}${facility} packed shipment ${result.shipmentKey} of ${order}/${line}${result.packages ? ` in ${result.packages} parcel(s)` : ''} at ${result.packedAt}`,
            `(idempotency key ${key})`,
          ].join('\n'),
        );
      },
    );

  store
    .command('ship <facility> <order> <line>')
    .description('the store ships picked units: 3350 → 3700; NetSuite is told (OMS-fulfilled)')
    .option('--shipment <shipmentKey>', "which shipment (default: the store's only open one)")
    .option('--qty <n>', 'units shipped (default: all of the shipment being picked)')
    .option('--tracking <number>', 'a tracking number (repeat for several parcels)', collect)
    .option('--carrier <name>', 'carrier (default: the one scheduling fixed)')
    .option('--method <shippingMethod>', "shipping method (default: the schedule's or the line's)")
    .option('--shipped-at <iso>', 'when it shipped (default: now)')
    .option('--key <idempotencyKey>', 'idempotency key (default: a new one, printed)')
    .option('--json', 'print JSON')
    .action(async (facility: string, order: string, line: string, opts: ShipOpts) => {
      const key = opts.key ?? `cli-${randomUUID()}`;
      const result = await storeShipping(root()).ship({
        facilityId: facility,
        orderId: order,
        lineSeq: line,
        shipmentKey: opts.shipment,
        quantity: quantity(opts.qty),
        trackingNumbers: opts.tracking,
        carrier: opts.carrier,
        shippingMethod: opts.method,
        shippedAt: opts.shippedAt,
        idempotencyKey: key,
        actor: actor(),
      });
      print(!!opts.json, result, () =>
        [
          `${result.replayed ? 'already done (replay): ' : ''}${facility} shipped ${result.quantity} of ${order}/${line} (${result.sku}) in shipment ${result.shipmentKey}`,
          `  tracking ${result.shipped.trackingNumbers?.join(', ') || '(none)'}, carrier ${result.shipped.carrier ?? '(none)'}, at ${result.shipped.shippedAt ?? ''}`,
          `  NetSuite record ${result.exportId} (oms-fulfilled-export)${result.storeDone ? '; nothing of the line left at the store' : ''}`,
          `(idempotency key ${key})`,
        ].join('\n'),
      );
    });

  store
    .command('not-found <facility> <order> <line>')
    .description(
      'the store cannot find picked (or released) units: 1400, back to brokering, never to this store again',
    )
    .option('--qty <n>', 'units not found (default: all being picked and released there)')
    .option('--reason <code>', 'reason code (default NOT_FOUND; VAR_* also adjust inventory)')
    .option('--comments <text>', "the store's comments")
    .option('--key <idempotencyKey>', 'idempotency key (default: a new one, printed)')
    .option('--json', 'print JSON')
    .action(async (facility: string, order: string, line: string, opts: NotFoundOpts) => {
      const key = opts.key ?? `cli-${randomUUID()}`;
      const result = await storeShipping(root()).notFound({
        facilityId: facility,
        orderId: order,
        lineSeq: line,
        quantity: quantity(opts.qty),
        reason: opts.reason,
        comments: opts.comments,
        idempotencyKey: key,
        actor: actor(),
      });
      print(!!opts.json, result, () =>
        [
          `${result.replayed ? 'already done (replay): ' : ''}${facility} did not find ${result.quantity} of ${order}/${line} (${result.sku}), ${result.reason}: back in the brokering queue`,
          result.adjustment
            ? `  inventory adjustment ${result.adjustment.adjustmentId}: ${result.adjustment.delta > 0 ? '+' : ''}${result.adjustment.delta} (${result.adjustment.inventory})`
            : '  no inventory adjustment',
          `(idempotency key ${key})`,
        ].join('\n'),
      );
    });
}
