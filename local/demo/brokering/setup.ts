/**
 * What brokering needs before the day starts, loaded the way an operator's day loads it:
 *
 * - NetSuite's figures: NetSuite's books are seeded with the morning's on hand, and NetSuite's own
 *   snapshot search writes `inventoryitem/csv`, imported by the OMS's snapshot import (S3 event →
 *   handler). Each SKU's stock is
 *   about its demand over the day, spread East 45 % / West 30 % / New York 15 % / San Francisco
 *   10 %, 60 % to 120 % of it depending on the SKU, so the warehouses run short as the day goes on, the
 *   stores take the rest and a few items wait backordered. One SKU in eight is sold only in the
 *   stores (New York 60 %, San Francisco 40 %): the stores ship every day, whatever the
 *   warehouses hold.
 * - The routing configuration (`ROUTING`), validated and stored as `oms broker routing load` does.
 */
import {
  BROKERING_QUEUE,
  formatConfigErrors,
  parseRoutingConfig,
} from '../../../shared/domain/brokering/index.ts';
import { feedById } from '../../../shared/feeds/catalog.ts';
import { BrokeringStore } from '../../../shared/store/brokering-store.ts';
import { dynamo, table } from '../../../shared/store/dynamo-client.ts';
import { ImportLedger } from '../../../shared/store/import-ledger.ts';
import { seededDraw } from '../../netsuite/scripts/rejections.ts';
import type { DemoContext } from '../types.ts';

/** The demo's product store: the storefront's sales channel. */
export const PRODUCT_STORE = 'web';

/** Share of a SKU's stock at each facility (the rest of the sample's facilities hold none). */
const SPREAD: Readonly<Record<string, number>> = {
  'WH-EAST': 0.45,
  'WH-WEST': 0.3,
  'STORE-NYC': 0.15,
  'STORE-SF': 0.1,
};

/** The spread of the SKUs only the stores hold. */
const STORE_ONLY_SPREAD: Readonly<Record<string, number>> = { 'STORE-NYC': 0.6, 'STORE-SF': 0.4 };
/** Share (0..1) of the SKUs only the stores hold. */
export const STORE_ONLY_SHARE = 1 / 8;

/** Stores keep one unit back (brokering safety stock). */
const STORE_SAFETY_STOCK = 1;

/**
 * Warehouses first, one warehouse for the whole order (East before West); what no warehouse can
 * take whole goes to the stores, split as their stock allows. No rule splits a line across the
 * two warehouses: NetSuite holds one location per sales order line, and the allocation update
 * would send it two rows for the same line (the last one wins).
 */
export const ROUTING = {
  runs: [
    {
      productStoreId: PRODUCT_STORE,
      name: 'Web orders',
      routings: [
        {
          name: 'Ship from warehouse, else store',
          orderFilters: { queue: [BROKERING_QUEUE] },
          orderSorts: ['orderDate'],
          inventoryRules: [
            {
              name: 'One warehouse, whole order',
              filters: { facilityGroup: { include: ['NETSUITE_FULFILLED'] } },
              sorts: ['customSequence', 'inventoryBalance'],
              partialAllocation: false,
            },
            {
              name: 'Stores, split',
              filters: {
                facilityGroup: { include: ['OMS_FULFILLED'] },
                safetyStock: STORE_SAFETY_STOCK,
              },
              sorts: ['inventoryBalance', 'customSequence'],
              partialAllocation: true,
            },
          ],
        },
      ],
    },
  ],
};

export interface InventoryLoaded {
  readonly file: string;
  readonly rows: number;
  readonly rejected: number;
  /** Units NetSuite holds per facility at the start of the day. */
  readonly units: Readonly<Record<string, number>>;
}

/** A number 0 ≤ x < 1 from a text (FNV-1a), the same for the same text. */
function draw(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 4294967296;
}

/** The snapshot rows: `Item,externalFacilityId,availableQty,idValue`, one per SKU × facility. */
export function inventoryRows(ctx: Pick<DemoContext, 'sample'>): string[][] {
  const { sample } = ctx;
  const demand = new Map<string, number>();
  for (const o of sample.orders) {
    for (const l of o.lines) demand.set(l.sku, (demand.get(l.sku) ?? 0) + l.quantity);
  }
  const rows: string[][] = [];
  for (const p of sample.products) {
    // 60 % to 120 % of the day's demand.
    const stock = Math.round((demand.get(p.sku) ?? 0) * (0.6 + 0.6 * draw(p.sku)));
    const spread = seededDraw('store-only', p.sku) < STORE_ONLY_SHARE ? STORE_ONLY_SPREAD : SPREAD;
    for (const f of sample.facilities) {
      const share = spread[f.facilityId] ?? 0;
      const safety = f.kind === 'store' ? STORE_SAFETY_STOCK : 0;
      rows.push([p.sku, f.externalId, String(Math.round(stock * share) + safety), p.itemId]);
    }
  }
  return rows;
}

/**
 * NetSuite's books before the day (on hand per location, nothing committed yet), then NetSuite's
 * own snapshot search exports them to `inventoryitem/csv` and the OMS imports the file (S3 event
 * → handler), as every night.
 */
export async function loadInventory(ctx: DemoContext): Promise<InventoryLoaded> {
  const feed = feedById('inventory-snapshot-import');
  const rows = inventoryRows(ctx);
  ctx.sim.seedInventory(
    rows.map(([, location, qty, itemId]) => ({
      location: location!,
      itemId: itemId!,
      onHand: Number(qty),
    })),
  );
  const [file] = await ctx.sim.exportInventorySnapshot();
  await ctx.cloud.dispatcher.idle();
  const [run] = await new ImportLedger(dynamo(), table('control')).recentFeedRuns(feed.id, 1);
  if (!run || run.result !== 'archived' || run.rejected) {
    throw new Error(
      `the demo's inventory snapshot did not import cleanly: ${JSON.stringify(run ?? 'no run')}`,
    );
  }
  const byLocation = new Map(ctx.sample.facilities.map((f) => [f.externalId, f.facilityId]));
  const units: Record<string, number> = {};
  for (const [, location, qty] of rows) {
    const facilityId = byLocation.get(location!)!;
    units[facilityId] = (units[facilityId] ?? 0) + Number(qty);
  }
  return { file: file ?? '', rows: run.rows, rejected: run.rejected, units };
}

export async function saveRouting(): Promise<void> {
  const parsed = parseRoutingConfig(ROUTING);
  if (!parsed.ok) throw new Error(`demo routing:\n${formatConfigErrors(parsed.errors)}`);
  await new BrokeringStore(dynamo(), table('control')).saveRouting(parsed.config);
}
