/**
 * The item fulfillment of OMS-fulfilled lines (`HC_SC_CreateItemFulfillment`, plan rule 4) on the
 * whole simulator over an in-memory SFTP: an OMS-fulfilled row only sets quantity, location and
 * tag; the script then fulfils a tagged line with a location, committed quantity, nothing shipped
 * yet and not closed — for its committed quantity, at most 150 a run, oldest tagged first — and
 * records why it leaves any other tagged line.
 */
import { describe, expect, it } from 'vitest';
import { account, type Account } from '../../local/netsuite/test-account.ts';

/** Order A: line 1 is 501 ×3, line 2 is 502 ×2, line 3 is 503 ×1. */
async function withOrder(acc: Account) {
  acc.orders('o.csv', {
    A: [
      ['1', '501', '3'],
      ['2', '502', '2'],
      ['3', '503', '1'],
    ],
  });
  await acc.cycle();
  return acc.orderId('A');
}

const reasons = (acc: Account) => acc.sim.notFulfilled().map((n) => [n.lineId, n.code, n.reason]);

describe('the OMS-fulfilled item fulfillment script', () => {
  it('fulfils a tagged line for its committed quantity at its location, in the same cycle', async () => {
    const acc = account();
    acc.sim.seedInventory([{ location: '21', itemId: '501', onHand: 5 }]);
    const so = await withOrder(acc);
    acc.shipped('f.csv', [
      { internalId: so, lineId: '1', item: '501', quantity: '2', location: '21' },
    ]);
    await acc.cycle();
    expect(acc.line('A', '1')).toMatchObject({
      quantity: 2,
      location: '21',
      tags: 'hotwax-fulfilled',
      fulfilled: 2,
      fulfilledAt: [{ location: '21', quantity: 2, source: 'oms' }],
      committed: 0,
    });
    expect(acc.sim.books({ location: '21', itemId: '501' })[0]).toMatchObject({
      onHand: 3,
      available: 3,
    });
    expect(acc.sim.fulfillments().map((f) => [f.source, f.receivedIn, f.internalId])).toEqual([
      ['oms', 'f.csv', '70001'],
    ]);
    expect(acc.sim.notFulfilled()).toEqual([]);
    await acc.cycle();
    expect(acc.sim.fulfillments()).toHaveLength(1); // once
    // The OMS-fulfilled item fulfillment is not in NetSuite's fulfillment export.
    expect(acc.sftp.files('salesorder/import/fulfillment-nifi')).toEqual([]);
  });

  it('records every reason a tagged line does not qualify, once per reason', async () => {
    const acc = account({ fulfilWhen: (l) => l.lineId === '2', partialShare: 1 });
    acc.sim.seedInventory([
      { location: '7', itemId: '502', onHand: 5 },
      { location: '21', itemId: '502', onHand: 5 },
      { location: '21', itemId: '503', onHand: 5 },
    ]);
    const so = await withOrder(acc);
    acc.allocate('a.csv', [{ internalId: so, lineId: '2', item: '502', location: '7' }]);
    await acc.cycle(); // the warehouse ships 1 of line 2 (first part)
    acc.shipped('f.csv', [
      // line 1: no stock of 501 at store 22 → nothing committed
      { internalId: so, lineId: '1', item: '501', quantity: '3', location: '22' },
      // line 2: NetSuite already shipped part of it
      { internalId: so, lineId: '2', item: '502', quantity: '2', location: '21' },
      // line 3: tagged without a location (a row with an empty location cell leaves none)
      { internalId: so, lineId: '3', item: '503', quantity: '1', location: '' },
    ]);
    const at = await acc.cycle();
    expect(reasons(acc)).toEqual([
      ['1', 'not-committed', 'nothing committed at location 22 (3 backordered)'],
      ['2', 'already-fulfilled', 'the line already has 1 fulfilled (quantityshiprecv > 0)'],
      ['3', 'no-location', 'the line has no location'],
    ]);
    expect(acc.sim.notFulfilled()[0]).toMatchObject({
      hcOrderId: 'A',
      orderLineId: '1',
      at: at.toISOString(),
    });
    await acc.cycle();
    expect(acc.sim.log.filter((e) => e.kind === 'not-fulfilled')).toHaveLength(3); // once each
    expect(acc.sim.notFulfilled()[0]!.at).toBe(at.toISOString());
    // Stock arrives at store 22: line 1 now qualifies and leaves the list.
    acc.sim.receive({ location: '22', itemId: '501', quantity: 2 });
    await acc.cycle();
    expect(acc.line('A', '1')).toMatchObject({ fulfilled: 2, committed: 0, backordered: 1 });
    expect(reasons(acc).map((r) => r[0])).toEqual(['2', '3']);
    // And then never again (it has a fulfillment), whatever arrives.
    acc.sim.receive({ location: '22', itemId: '501', quantity: 5 });
    await acc.cycle();
    expect(acc.line('A', '1').fulfilled).toBe(2);
  });

  it('never fulfils a second partial row, nor a line closed before the script ran', async () => {
    const acc = account({ defaultOnHand: 10 });
    const so = await withOrder(acc);
    acc.shipped('f1.csv', [
      { internalId: so, lineId: '1', item: '501', quantity: '1', location: '21' },
    ]);
    await acc.cycle();
    expect(acc.line('A', '1')).toMatchObject({ fulfilled: 1 });
    acc.shipped('f2.csv', [
      { internalId: so, lineId: '1', item: '501', quantity: '3', location: '21' },
    ]);
    // Line 2 is tagged and closed in the same cycle: the close is imported before the script runs.
    acc.shipped('f3.csv', [
      { internalId: so, lineId: '2', item: '502', quantity: '2', location: '21' },
    ]);
    acc.close('c.csv', [{ internalId: so, lineId: '2' }]);
    await acc.cycle();
    await acc.cycle();
    expect(acc.line('A', '1')).toMatchObject({ quantity: 3, fulfilled: 1 });
    expect(acc.line('A', '2')).toMatchObject({ closed: true, fulfilled: 0 });
    expect(reasons(acc)).toEqual([
      ['1', 'already-fulfilled', 'the line already has 1 fulfilled (quantityshiprecv > 0)'],
      ['2', 'closed', 'the line is closed'],
    ]);
    // Not invoiced either: line 1 holds 3 of which 1 is fulfilled.
    expect(acc.sim.invoices()).toEqual([]);
  });

  it('fulfils at most 150 lines a run, the oldest tagged first', async () => {
    const acc = account({ defaultOnHand: 1000 });
    const lines = Array.from({ length: 152 }, (_, i) => [String(i + 1), '501', '1'] as const);
    acc.orders('o.csv', { BIG: lines });
    await acc.cycle();
    const so = acc.orderId('BIG');
    const row = (lineId: string) => ({
      internalId: so,
      lineId,
      item: '501',
      quantity: '1',
      location: '21',
    });
    // Tagged newest-last: lines 152 and 151 in a later file than the rest.
    acc.shipped(
      'f1.csv',
      lines
        .slice(0, 150)
        .map(([id]) => row(id))
        .reverse(),
    );
    acc.shipped('f2.csv', [row('152'), row('151')]);
    await acc.cycle();
    const fulfilled = () =>
      acc.sim
        .lines()
        .filter((l) => l.fulfilled > 0)
        .map((l) => Number(l.lineId));
    expect(fulfilled()).toHaveLength(150);
    expect(fulfilled().includes(151) || fulfilled().includes(152)).toBe(false);
    await acc.cycle();
    expect(fulfilled()).toHaveLength(152);
    expect(acc.sim.notFulfilled()).toEqual([]);
  });

  it('takes the batch size as an option, ordering by when the line was tagged', async () => {
    const acc = account({ defaultOnHand: 10, itemFulfillmentBatch: 1 });
    const so = await withOrder(acc);
    acc.shipped('f1.csv', [
      { internalId: so, lineId: '3', item: '503', quantity: '1', location: '21' },
    ]);
    acc.shipped('f2.csv', [
      { internalId: so, lineId: '1', item: '501', quantity: '3', location: '21' },
    ]);
    await acc.cycle();
    expect(acc.sim.lines().map((l) => l.fulfilled)).toEqual([0, 0, 1]);
    await acc.cycle();
    expect(acc.sim.lines().map((l) => l.fulfilled)).toEqual([3, 0, 1]);
    expect(() => account({ itemFulfillmentBatch: 0 })).toThrow(/itemFulfillmentBatch/);
  });

  it('is invoiced once every line is fulfilled and the order has its deposit', async () => {
    const acc = account({ defaultOnHand: 10 });
    const so = await withOrder(acc);
    acc.sftp.put(
      'salesorder/customerdeposit',
      'd.json',
      JSON.stringify([{ totalAmount: 60, externalId: 'P1', orderId: so }]),
    );
    acc.shipped('f.csv', [
      { internalId: so, lineId: '1', item: '501', quantity: '3', location: '21' },
      { internalId: so, lineId: '2', item: '502', quantity: '1', location: '21' }, // 1 cancelled
      { internalId: so, lineId: '3', item: '503', quantity: '1', location: '22' },
    ]);
    await acc.cycle();
    expect(acc.sim.invoices()).toMatchObject([{ salesOrderId: so, total: 50 }]);
    expect(acc.sim.lines().map((l) => [l.quantity, l.fulfilled, l.invoiced])).toEqual([
      [3, 3, 3],
      [1, 1, 1],
      [1, 1, 1],
    ]);
  });
});
