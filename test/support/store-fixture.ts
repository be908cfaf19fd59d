/**
 * Stores with stock and orders at them, on a running local cloud, as brokering and
 * schedule-release leave them: facilities, a snapshot, products (NetSuite item ids), the
 * shipping method's NetSuite id, and orders allocated, scheduled and released at a store (with
 * the store queue item brokering writes). For the store page's and the authorization tests.
 */
import { parse } from 'csv-parse/sync';
import type { Facility } from '../../shared/domain/facility.ts';
import { brokeringStore, mappingStore, orderRuntime, root } from '../../shared/app/root.ts';
import { feedById } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { feedFiles } from '../../shared/files/feed-file-store.ts';
import { BatchWriter } from '../../shared/store/batch-writer.ts';
import { dynamo, table } from '../../shared/store/dynamo-client.ts';
import { FacilityStore } from '../../shared/store/facility-store.ts';
import { snapshotItem } from '../../shared/store/inventory-store.ts';
import { productItems, ProductStore } from '../../shared/store/product-store.ts';
import type { ExportReport } from '../../shared/sync/export-run.ts';
import type { LocalCloud } from '../../local/cloud.ts';
import { sampleOrder } from './order-core.ts';

export const SKUS = { 'SF-SKU-A': '601', 'SF-SKU-B': '602' } as const;
export type Sku = keyof typeof SKUS;

/** Stores (facility id → NetSuite location) and the facilities' records. */
export async function setUpStores(stores: Readonly<Record<string, string>>): Promise<void> {
  const facilities: Facility[] = Object.entries(stores).map(([facilityId, externalId]) => ({
    facilityId,
    externalId,
    name: `Store ${facilityId}`,
    kind: 'store',
    groups: ['STORES'],
  }));
  await new FacilityStore(dynamo(), table('control')).save(facilities);
  const inventory = new BatchWriter({
    client: dynamo(),
    table: table('inventory'),
    keyAttributes: ['pk', 'sk'],
  });
  const at = new Date().toISOString();
  for (const f of facilities)
    for (const [sku, itemId] of Object.entries(SKUS))
      await inventory.put(
        snapshotItem(
          { sku, facilityId: f.facilityId, availableQty: 1000, itemId },
          { file: 'snapshot.csv', importedAt: at },
        ),
      );
  await inventory.flush();
  const products = new ProductStore(dynamo(), table('control')).writer();
  for (const [sku, itemId] of Object.entries(SKUS))
    for (const item of productItems({ sku, itemId }, { file: 'test', importedAt: at }))
      await products.put(item);
  await products.flush();
  await mappingStore(root()).save([{ kind: 'shippingMethod', value: 'STANDARD', netsuiteId: '4' }]);
}

let nsOrderSeq = 900_000;

export interface StoreOrder {
  readonly orderId: string;
  readonly name: string;
  /** NetSuite's sales order id. */
  readonly ns: string;
  readonly sku: Sku;
}

/**
 * An approved one-line order (`quantity` of `sku`, placed at `date`) allocated at the store and,
 * by `stage`, scheduled and released there too.
 */
export async function orderAtStore(opts: {
  facilityId: string;
  sku: Sku;
  quantity?: number;
  date: string;
  stage: 'allocated' | 'released';
}): Promise<StoreOrder> {
  const quantity = opts.quantity ?? 1;
  const { intake, service } = orderRuntime(root());
  const input = sampleOrder({ date: opts.date }, [
    { sku: opts.sku, quantity, price: 10, shippingMethod: 'STANDARD' },
  ]);
  const created = await intake.submit(input, { source: 'test', actor: 'test' });
  if (created.status !== 'created') throw new Error(created.status);
  const orderId = created.orderId;
  const ns = String(nsOrderSeq++);
  await service.recordNetsuiteIds({
    orderId,
    netsuiteOrderId: ns,
    lineIds: { '00001': '1' },
    idempotencyKey: `ids-${orderId}`,
    actor: 'test',
  });
  const { facilityId } = opts;
  await service.move({
    orderId,
    lineSeq: '00001',
    from: 1100,
    to: 1200,
    quantity,
    facilityId,
    idempotencyKey: `alloc-${orderId}`,
    actor: 'brokering',
    linked: [
      {
        label: 'linked:store-queue',
        item: brokeringStore(root()).storeQueuePut({
          facilityId,
          orderId,
          lineSeq: '00001',
          sku: opts.sku,
          quantity,
          allocatedAt: new Date().toISOString(),
        }),
      },
    ],
  });
  if (opts.stage === 'released') {
    await service.move({
      orderId,
      lineSeq: '00001',
      from: 1200,
      to: 1500,
      quantity,
      facilityId,
      schedule: { shipDate: '2026-01-05', carrier: 'UPS', shippingMethod: 'GROUND' },
      idempotencyKey: `sched-${orderId}`,
      actor: 'schedule-release',
    });
    const released = await service.move({
      orderId,
      lineSeq: '00001',
      from: 1500,
      to: 3200,
      quantity,
      facilityId,
      idempotencyKey: `release-${orderId}`,
      actor: 'schedule-release',
    });
    if (released.outcome !== 'moved') throw new Error(JSON.stringify(released.failures));
  }
  return { orderId, name: input.name!, ns, sku: opts.sku };
}

/** Runs an export job now and returns the rows of the files it wrote. */
export async function exportRows(
  cloud: Pick<LocalCloud, 'scheduler' | 'sftp'>,
  job: 'oms-fulfilled-export' | 'inventory-adjustment-export',
): Promise<Record<string, string>[]> {
  const report = (await cloud.scheduler.runNow(job)) as ExportReport;
  const rows: Record<string, string>[] = [];
  for (const name of report.files) {
    const text = await feedFiles().readText(`${feedPrefix(cloud.sftp.user, feedById(job))}${name}`);
    rows.push(...(parse(text ?? '', { columns: true }) as Record<string, string>[]));
  }
  return rows;
}

/** The order's record as DynamoDB holds it (lines, buckets, history), for "nothing changed". */
export const orderRecord = async (orderId: string): Promise<string> =>
  JSON.stringify(await orderRuntime(root()).orders.order(orderId));
