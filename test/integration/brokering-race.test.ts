/**
 * The brokering race on the local cloud: 8 brokering runs (each with its own order service and
 * state cache, like 8 Lambda containers) work the same brokering queue at once, over a few hot SKUs
 * at several facilities with safety stock, while an inventory snapshot import rewrites NetSuite's
 * figures of those SKUs — lowering some, raising others — and NetSuite's fulfillment files ship
 * lines the runs just placed at the warehouses (each file through the real fulfillment import).
 *
 * What can honestly be asserted. A reservation of q commits only when nsQty ≥ reserved + q + safety
 * with nsQty the figure in force at that commit (ConditionCheck on NS#, bound on POS#). Each
 * SKU × facility here has exactly two figures in its history (N0 before the import, N1 after its
 * single write), and during the race reservations only grow (brokering never releases, and a
 * shipped unit stays counted until a NetSuite figure reflects it: NetSuite ships where it was
 * allocated), so the final `reserved` is the one of the last commit: reserved + safety ≤ max(N0, N1) always, which is
 * the final figure where the import raised it (no ATP below safety stock at the end). Where it
 * lowered it, NetSuite took stock away under existing reservations (that is NetSuite's oversell,
 * not ours), so the end state may legitimately sit above N1 − safety; what must hold is that it
 * never exceeded N0 − safety, and that a later run adds nothing there until the figure allows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerOrders, type BrokeringReport } from '../../shared/brokering/broker-orders.ts';
import {
  brokerDeps,
  fulfillmentImportDeps,
  orderRuntime,
  root,
  snapshotImporter,
} from '../../shared/app/root.ts';
import { BROKERING_QUEUE, parseRoutingConfig } from '../../shared/domain/brokering/index.ts';
import type { RoutingConfig } from '../../shared/domain/brokering/index.ts';
import type { Facility } from '../../shared/domain/facility.ts';
import { HOLDS } from '../../shared/domain/lifecycle/holds.ts';
import type { LineState } from '../../shared/domain/lifecycle/line.ts';
import { feedById } from '../../shared/feeds/catalog.ts';
import { importFeedFile, type FileImportResult } from '../../shared/feeds/file-import.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { FeedFileStore } from '../../shared/files/feed-file-store.ts';
import { createS3Client } from '../../shared/files/s3-client.ts';
import { fulfillmentCsvImporter } from '../../shared/fulfillment/netsuite-fulfillment-import.ts';
import { countedAt, promiseFacilities } from '../../shared/domain/lifecycle/promises.ts';
import { OrderService } from '../../shared/orders/order-service.ts';
import { StateCache } from '../../shared/orders/state-cache.ts';
import { BatchWriter } from '../../shared/store/batch-writer.ts';
import { BrokeringStore } from '../../shared/store/brokering-store.ts';
import { dynamo, table } from '../../shared/store/dynamo-client.ts';
import { FacilityStore } from '../../shared/store/facility-store.ts';
import { ImportLedger } from '../../shared/store/import-ledger.ts';
import { snapshotItem } from '../../shared/store/inventory-store.ts';
import { startTestCloud } from '../support/local-cloud.ts';
import { sampleOrder } from '../support/order-core.ts';

const WORKERS = 8;
const PER_RUN_CONCURRENCY = 4;
const ORDERS = 150;
const SKUS = ['HOT-1', 'HOT-2', 'HOT-3', 'HOT-4'];
const itemIdOf = (sku: string) => String(7000 + SKUS.indexOf(sku));

const FACILITIES: Facility[] = [
  ['WH-1', '301', 'warehouse', 'NETSUITE_FULFILLED', 1],
  ['WH-2', '302', 'warehouse', 'NETSUITE_FULFILLED', 2],
  ['WH-3', '303', 'warehouse', 'NETSUITE_FULFILLED', 3],
  ['ST-1', '401', 'store', 'OMS_FULFILLED', 4],
  ['ST-2', '402', 'store', 'OMS_FULFILLED', 5],
].map(([facilityId, externalId, kind, group, sequence]) => ({
  facilityId: String(facilityId),
  externalId: String(externalId),
  name: String(facilityId),
  kind: kind as Facility['kind'],
  groups: [String(group)],
  sequence: Number(sequence),
}));

const SAFETY: Record<string, number> = { 'WH-1': 2, 'WH-2': 3, 'WH-3': 1, 'ST-1': 1, 'ST-2': 2 };

/** Deterministic figures: before the import (N0) and what the snapshot file says (N1). */
const key = (sku: string, facilityId: string) => `${sku}|${facilityId}`;
const N0 = new Map<string, number>();
const N1 = new Map<string, number>();
SKUS.forEach((sku, s) =>
  FACILITIES.forEach((f, i) => {
    const lowered = (s + i) % 2 === 0;
    N0.set(key(sku, f.facilityId), lowered ? 12 : 5);
    N1.set(key(sku, f.facilityId), lowered ? 4 : 14);
  }),
);

const ROUTING = {
  runs: [
    {
      productStoreId: 'WEB',
      name: 'Race brokering',
      routings: [
        {
          name: 'Everything',
          orderFilters: { queue: [BROKERING_QUEUE] },
          orderSorts: ['orderDate'],
          inventoryRules: [
            {
              name: 'Warehouses, whole order',
              filters: { facilityGroup: { include: ['NETSUITE_FULFILLED'] } },
              sorts: ['inventoryBalance'],
              partialAllocation: false,
            },
            {
              name: 'Anywhere, split',
              filters: {},
              sorts: ['customSequence'],
              partialAllocation: true,
            },
          ],
        },
      ],
    },
  ],
};

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let config: RoutingConfig;
/** NetSuite fulfillment files imported during the race. */
const fulfillmentFiles: { rows: number; status: string }[] = [];
const orderIds: string[] = [];

const allLines = async (): Promise<LineState[]> =>
  (await Promise.all(orderIds.map((id) => orderRuntime(root()).orders.order(id)))).flatMap(
    (o) => o.lines,
  );

/** Reserved per SKU × facility (position and Σ rows) with the final NetSuite figure. */
async function positions() {
  const out = new Map<string, { reserved: number; rows: number; safety: number; nsQty: number }>();
  for (const sku of SKUS) {
    const { figures, positions: pos, reservations } = await orderRuntime(root()).positions.sku(sku);
    for (const f of FACILITIES) {
      out.set(key(sku, f.facilityId), {
        reserved: pos.get(f.facilityId)?.reserved ?? 0,
        safety: pos.get(f.facilityId)?.safety ?? 0,
        nsQty: figures.get(f.facilityId) ?? 0,
        rows: reservations
          .filter((r) => r.facilityId === f.facilityId)
          .reduce((n, r) => n + r.qty, 0),
      });
    }
  }
  return out;
}

/** A brokering worker: its own order service and state cache, like a separate container. */
async function worker(): Promise<BrokeringReport> {
  const { orders, positions: pos } = orderRuntime(root());
  const service = new OrderService({ orders, positions: pos, cache: new StateCache() });
  const deps = await brokerDeps(root(), { config, service, concurrency: PER_RUN_CONCURRENCY });
  return brokerOrders(deps!);
}

beforeAll(async () => {
  cloud = await startTestCloud({ dispatch: false });
  await new FacilityStore(dynamo(), table('control')).save(FACILITIES);
  const inventory = new BatchWriter({
    client: dynamo(),
    table: table('inventory'),
    keyAttributes: ['pk', 'sk'],
  });
  for (const sku of SKUS) {
    for (const f of FACILITIES) {
      await inventory.put(
        snapshotItem(
          {
            sku,
            facilityId: f.facilityId,
            availableQty: N0.get(key(sku, f.facilityId))!,
            itemId: itemIdOf(sku),
          },
          { file: 'seed', importedAt: 'seed' },
        ),
      );
    }
  }
  await inventory.flush();
  for (const sku of SKUS) {
    for (const f of FACILITIES) {
      await orderRuntime(root()).positions.setSafetyStock(sku, f.facilityId, SAFETY[f.facilityId]!);
    }
  }
  const parsed = parseRoutingConfig(ROUTING);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  config = parsed.config;

  // Approved orders (NetSuite ids recorded: no AWAITING_NETSUITE_IDS hold) in the brokering queue.
  const brokering = new BrokeringStore(dynamo(), table('control'));
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return Math.floor(seed / 65_536) % n;
  };
  const inputs = Array.from({ length: ORDERS }, (_, o) =>
    sampleOrder(
      { externalId: `race-${o}`, date: new Date(Date.UTC(2025, 6, 1, 0, o)).toISOString() },
      Array.from({ length: 1 + rand(2) }, (__, l) => ({
        sku: SKUS[(rand(SKUS.length) + l) % SKUS.length]!,
        quantity: 1 + rand(3),
        price: 20,
        shippingMethod: 'STANDARD',
      })),
    ),
  );
  for (let i = 0; i < inputs.length; i += 10) {
    await Promise.all(
      inputs.slice(i, i + 10).map(async (input, j) => {
        const o = i + j;
        const { intake, service } = orderRuntime(root());
        const created = await intake.submit(input, { source: 'test', actor: 'test' });
        if (created.status !== 'created') throw new Error(created.status);
        await service.recordNetsuiteIds({
          orderId: created.orderId,
          netsuiteOrderId: String(5000 + o),
          lineIds: Object.fromEntries(
            input.lines.map((_, l) => [String(l + 1).padStart(5, '0'), `${o}-${l + 1}`]),
          ),
          idempotencyKey: `ids-${o}`,
          actor: 'test',
        });
        await brokering.enqueue({
          queue: BROKERING_QUEUE,
          orderId: created.orderId,
          orderDate: input.date,
          enqueuedAt: new Date().toISOString(),
          reason: 'approved',
        });
        orderIds[o] = created.orderId;
      }),
    );
  }
}, 120_000);

afterAll(async () => {
  await cloud?.cleanup();
});

describe('8 brokering runs and a snapshot import at once over hot SKUs', () => {
  let reports: BrokeringReport[] = [];
  let before: Awaited<ReturnType<typeof positions>>;

  it('every order is approved and waits in the brokering queue', async () => {
    const lines = await allLines();
    expect(lines.every((l) => !l.holds[HOLDS.AWAITING_NETSUITE_IDS])).toBe(true);
    const queue = await new BrokeringStore(dynamo(), table('control')).queue(BROKERING_QUEUE);
    expect(queue.length).toBe(ORDERS);
  });

  it('never reserves past NetSuite’s figure in force less safety stock; the books balance', async () => {
    const cfg = cloud.config;
    const files = new FeedFileStore(createS3Client(cfg), cloud.bucket, cloud.sftp.user);
    const ledger = new ImportLedger(dynamo(), table('control'));
    const snapshotKey = `${feedPrefix(cloud.sftp.user, feedById('inventory-snapshot-import'))}race.csv`;
    const text = [
      'Item,externalFacilityId,availableQty,idValue',
      ...SKUS.flatMap((sku) =>
        FACILITIES.map(
          (f) => `${sku},${f.externalId},${N1.get(key(sku, f.facilityId))},${itemIdOf(sku)}`,
        ),
      ),
      '',
    ].join('\n');
    await files.writeAtomically(snapshotKey, text);
    const head = (await files.head(snapshotKey))!;

    const started = Date.now();
    let importWindow: [number, number] = [0, 0];
    const importing = (async (): Promise<FileImportResult> => {
      // Let the runs take some stock at the old figures first.
      await new Promise((r) => setTimeout(r, 400));
      const from = Date.now() - started;
      const result = await importFeedFile(
        { bucket: cloud.bucket, key: snapshotKey, size: head.size, eTag: head.eTag },
        {
          files,
          ledger,
          user: cloud.sftp.user,
          importerFor: () => snapshotImporter(root()),
          leaseMs: 60_000,
        },
      );
      importWindow = [from, Date.now() - started];
      return result;
    })();
    // NetSuite's warehouses ship what the runs place there, file after file, while they run.
    let runsDone = false;
    const shipping = (async () => {
      const fulfillmentFolder = feedPrefix(cloud.sftp.user, feedById('fulfillment-csv-import'));
      const locationOf = new Map(FACILITIES.map((f) => [f.facilityId, f.externalId]));
      let n = 0;
      for (;;) {
        const done = runsDone;
        const lines = await allLines();
        const rows = lines.flatMap((l) =>
          Object.entries(l.alloc)
            .filter(([f, a]) => f.startsWith('WH-') && (a[1200] ?? 0) > 0)
            .slice(0, 1)
            .map(
              ([f, a]) =>
                `${l.orderId},${l.lineSeq},${locationOf.get(f)},7/1/2025 10:00 am,${a[1200]},TRK-${++n},UPS,Ground,`,
            ),
        );
        if (rows.length) {
          const name = `2025-07-01-10-00-${String(n).padStart(6, '0')}-SalesOrderFulfillment.csv`;
          const k = `${fulfillmentFolder}${name}`;
          await files.writeAtomically(
            k,
            [feedById('fulfillment-csv-import').columns.join(','), ...rows.slice(0, 12), ''].join(
              '\n',
            ),
          );
          const h = (await files.head(k))!;
          const result = await importFeedFile(
            { bucket: cloud.bucket, key: k, size: h.size, eTag: h.eTag },
            {
              files,
              ledger,
              user: cloud.sftp.user,
              importerFor: () => fulfillmentCsvImporter(fulfillmentImportDeps(root())),
              leaseMs: 60_000,
            },
          );
          fulfillmentFiles.push({ rows: Math.min(12, rows.length), status: result.status });
        }
        if (done) return;
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    const runs = Array.from({ length: WORKERS }, () => worker());
    reports = await Promise.all(runs);
    runsDone = true;
    const runsMs = Date.now() - started;
    await shipping;
    const imported = await importing;
    expect(fulfillmentFiles.length).toBeGreaterThan(0);
    expect(fulfillmentFiles.every((f) => f.status === 'archived')).toBe(true);
    expect(imported.status).toBe('archived');
    // The import really ran while brokering did.
    expect(importWindow[1]).toBeLessThan(runsMs);
    console.log(
      `race: runs ${runsMs} ms, import ${importWindow[0]}–${importWindow[1]} ms; allocated`,
      reports.map((r) => r.allocatedUnits).join('/'),
      'raced',
      reports.map((r) => r.raced).join('/'),
      'failed',
      reports.map((r) => r.failed.length).join('/'),
      `; NetSuite fulfillment files ${fulfillmentFiles.length} (${fulfillmentFiles.reduce((n, f) => n + f.rows, 0)} rows)`,
    );
    const shipped = (await allLines()).reduce((n, l) => n + (l.buckets[3700] ?? 0), 0);
    expect(shipped).toBeGreaterThan(0);

    // Runs lose races on the same orders (another run moved the line first); nothing else fails.
    const failures = reports.flatMap((r) => r.failed.map((f) => f.error));
    for (const e of failures) expect(e).toMatch(LOST_LINE_RACE);
    expect(reports.reduce((n, r) => n + r.allocatedUnits, 0)).toBeGreaterThan(0);

    before = await positions();
    const lines = await allLines();
    expect(lines.length).toBeGreaterThan(ORDERS);
    checkLines(lines, before);
    for (const [k, p] of before) {
      // Σ reservation rows = position.reserved.
      expect(p.rows, k).toBe(p.reserved);
      expect(p.safety, k).toBe(SAFETY[k.split('|')[1]!]);
      expect(p.nsQty, k).toBe(N1.get(k));
      const n0 = N0.get(k)!;
      const n1 = N1.get(k)!;
      // Never above the larger figure ever in force, less safety stock.
      expect(p.reserved + p.safety, k).toBeLessThanOrEqual(Math.max(n0, n1));
      // Raised: no ATP below safety stock with the final figure.
      if (n1 >= n0) expect(p.reserved + p.safety, k).toBeLessThanOrEqual(n1);
    }
    // Stock was scarce: some demand is left unplaced and some facility has no ATP left; every
    // SKU was reserved somewhere.
    expect(lines.some((l) => (l.buckets[1100] ?? 0) + (l.buckets[1300] ?? 0) > 0)).toBe(true);
    expect([...before.values()].some((p) => p.reserved + p.safety >= p.nsQty)).toBe(true);
    for (const sku of SKUS) {
      const somewhere = FACILITIES.some((f) => before.get(key(sku, f.facilityId))!.reserved > 0);
      expect(somewhere, sku).toBe(true);
    }
  }, 90_000);

  it('a later run sees the figures now in force: nothing added where NetSuite lowered them', async () => {
    const later = await worker();
    for (const e of later.failed.map((f) => f.error)) expect(e).toMatch(LOST_LINE_RACE);
    const after = await positions();
    const total = (m: typeof after) => [...m.values()].reduce((n, p) => n + p.reserved, 0);
    console.log(`race: reserved ${total(before)} units; after a later run ${total(after)}`);
    for (const [k, p] of after) {
      const was = before.get(k)!;
      expect(p.rows, k).toBe(p.reserved);
      expect(p.reserved, k).toBeGreaterThanOrEqual(was.reserved);
      // Added reservations fit under the current figure (the final one: N1).
      if (p.reserved > was.reserved)
        expect(p.reserved + p.safety, k).toBeLessThanOrEqual(N1.get(k)!);
    }
  }, 60_000);
});

/** What a run reports when another run moved the same line first. */
const LOST_LINE_RACE = /^line \S+ has \d+ in \d{4} \([^)]*\), fewer than \d+$/;

function checkLines(
  lines: readonly LineState[],
  pos: Map<string, { reserved: number; rows: number }>,
): void {
  const allocated = new Map<string, number>();
  for (const l of lines) {
    const buckets = Object.values(l.buckets).reduce((n, q) => n + (q ?? 0), 0);
    expect(buckets, `${l.orderId}/${l.lineSeq}`).toBe(l.quantity);
    const alloc = Object.values(l.alloc).reduce((n, a) => n + (a[1200] ?? 0), 0);
    expect(alloc, `${l.orderId}/${l.lineSeq}`).toBe(l.buckets[1200] ?? 0);
    expect(alloc).toBeLessThanOrEqual(l.quantity);
    // What counts at a facility: the units promised there (allocated, and shipped by NetSuite).
    for (const f of promiseFacilities(l)) {
      const k = key(l.sku, f);
      allocated.set(k, (allocated.get(k) ?? 0) + countedAt(l, f));
    }
  }
  for (const [k, p] of pos) expect(allocated.get(k) ?? 0, k).toBe(p.reserved);
}
