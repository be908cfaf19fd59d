/**
 * Open purchase orders as NetSuite really sends them: each PO is exported once, when it is
 * created, so a PO missing from a later file is still open — closing for absence is off unless
 * `OMS_PO_ABSENT_HOURS` is set. A PO line closes on evidence: a re-exported row with quantity 0
 * (received in full, closed or cancelled in NetSuite), after which the pre-order release job
 * settles its allocations the way a closed PO is settled (released where the stock arrived, the
 * rest re-queued and re-allocated), or the merchandiser's cancellation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CsvImportSession } from '../../shared/feeds/file-import.ts';
import { purchaseOrderImporter } from '../../shared/jobs/purchase-order-importer.ts';
import { poAbsentHours } from '../../shared/preorder/services.ts';
import { FacilityStore } from '../../shared/store/facility-store.ts';
import { tableName } from '../../shared/store/tables.ts';
import { startPreorderCore, type PreorderCore } from '../support/preorder.ts';

let core: PreorderCore;
let n = 0;

beforeAll(async () => {
  core = await startPreorderCore();
  await new FacilityStore(core.client, tableName(core.prefix, 'control')).save([
    { facilityId: 'WH-EAST', externalId: '101', name: 'East', kind: 'warehouse', groups: [] },
  ]);
});
afterAll(async () => {
  await core?.stop();
});

/** One open-PO file through the feed's importer; the figures of its log line. */
async function poFile(rows: readonly string[]): Promise<Record<string, number>> {
  const fileName = `open-pos-${++n}.csv`;
  const session: CsvImportSession = await purchaseOrderImporter({
    purchaseOrders: core.purchaseOrders,
    facilities: new FacilityStore(core.client, tableName(core.prefix, 'control')),
  }).open({ key: fileName, fileName, eTag: `e${n}`, resumed: false });
  for (const [i, text] of rows.entries()) {
    const [poId, sku, quantity, facility, lineId, arrival] = text.split(',');
    const rejected = await session.row(
      {
        'external-id': poId!,
        'product-sku': sku!,
        quantity: quantity!,
        'external-facility-id': facility!,
        'item-external-id': lineId!,
        'arrival-date': arrival!,
      },
      i + 2,
    );
    expect(rejected).toBeUndefined();
  }
  return session.finish();
}

describe('a PO missing from later files', () => {
  it('stays open: closing for absence is off unless OMS_PO_ABSENT_HOURS is set', async () => {
    expect(poAbsentHours({})).toBeUndefined();
    expect(poAbsentHours({ OMS_PO_ABSENT_HOURS: '48' })).toBe(48);
    expect(() => poAbsentHours({ OMS_PO_ABSENT_HOURS: 'soon' })).toThrow(/OMS_PO_ABSENT_HOURS/);

    // Exported once, three days ago; the files since then list other POs only.
    const threeDaysAgo = new Date(Date.now() - 72 * 3_600_000).toISOString();
    await core.purchaseOrders.touchHeader('PO-ONCE', 'WH-EAST', {
      file: 'old.csv',
      at: threeDaysAgo,
    });
    await core.purchaseOrders.upsertLine(
      {
        poId: 'PO-ONCE',
        lineId: '1',
        sku: 'INC-A',
        quantity: 4,
        externalFacilityId: '101',
        arrivalDate: '2027-03-01',
        facilityId: 'WH-EAST',
      },
      { file: 'old.csv', at: threeDaysAgo },
    );
    const a = await core.preorder({
      date: '2025-07-01T00:00:00Z',
      lines: [{ sku: 'INC-A', quantity: 2 }],
    });
    await core.pre.allocation.runFifo({ sku: 'INC-A' });
    await poFile(['PO-OTHER,INC-Z,3,101,1,03/01/2027']);

    // What the daily job does with the setting unset: nothing is closed.
    expect(await core.pre.supply.closeAbsent(poAbsentHours({}))).toEqual([]);
    expect(await core.purchaseOrders.header('PO-ONCE')).toMatchObject({ status: 'open' });
    expect(await core.purchaseOrders.line('PO-ONCE', '1')).toMatchObject({
      status: 'open',
      allocated: 2,
    });
    expect((await core.line(a)).buckets).toMatchObject({ 1250: 2 });

    // Opted in, it closes as before.
    const closed = await core.pre.supply.closeAbsent(poAbsentHours({ OMS_PO_ABSENT_HOURS: '48' }));
    expect(closed.map((c) => c.poId)).toEqual(['PO-ONCE']);
  });
});

describe('a re-exported row with quantity 0', () => {
  it('closes the line (not an over-allocation); the release job releases what arrived and re-queues the rest', async () => {
    const sku = 'INC-B';
    await poFile([`PO-B1,${sku},3,101,1,01/10/2026`, `PO-B2,${sku},5,101,1,06/01/2027`]);
    const first = await core.preorder({
      date: '2025-07-01T00:00:00Z',
      lines: [{ sku, quantity: 2 }],
    });
    const second = await core.preorder({
      date: '2025-07-02T00:00:00Z',
      lines: [{ sku, quantity: 1 }],
    });
    await core.pre.allocation.runFifo({ sku });
    expect(await core.purchaseOrders.line('PO-B1', '1')).toMatchObject({ allocated: 3, atp: 0 });

    // NetSuite received the line in full: re-exported with its open quantity, 0.
    const stats = await poFile([`PO-B1,${sku},0,101,1,01/10/2026`]);
    expect(stats).toMatchObject({ closed: 1, closedPurchaseOrders: 1 });
    expect(await core.purchaseOrders.line('PO-B1', '1')).toMatchObject({
      status: 'closed',
      quantity: 3,
      allocated: 3,
      atp: 0,
    });
    expect(await core.purchaseOrders.header('PO-B1')).toMatchObject({ status: 'closed' });
    // The same row again changes nothing; the hourly re-promise does not take it for a lowered
    // quantity and gives nothing back.
    expect(await poFile([`PO-B1,${sku},0,101,1,01/10/2026`])).toMatchObject({ same: 1 });
    expect((await core.pre.supply.repromise()).givenBack).toEqual([]);
    expect((await core.line(first)).buckets).toMatchObject({ 1250: 2 });

    // Two of the three units are at the facility so far: the oldest order takes them; the other
    // goes back to the queue and FIFO promises it on the open PO line.
    await core.setNetsuiteQty(sku, 'WH-EAST', 2);
    const [settled] = await core.pre.supply.settleClosedLines();
    expect(settled).toMatchObject({ poId: 'PO-B1', lineId: '1' });
    expect(settled!.released.released.map((r) => [r.orderId, r.quantity])).toEqual([[first, 2]]);
    expect(settled!.unallocated.map((u) => u.orderId)).toEqual([second]);
    expect(settled!.reallocated.lines.map((l) => [l.orderId, l.poId])).toEqual([[second, 'PO-B2']]);
    expect((await core.line(first)).buckets).toMatchObject({ 1200: 2 });
    expect((await core.line(second)).buckets).toMatchObject({ 1250: 1 });
    expect(await core.purchaseOrders.line('PO-B1', '1')).toMatchObject({
      allocated: 0,
      released: 2,
    });
    // Nothing is left to settle.
    expect(await core.pre.supply.settleClosedLines()).toEqual([]);
  });
});
