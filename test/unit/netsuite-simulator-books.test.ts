/**
 * The NetSuite simulator's books (plan rule 1): on hand per location × item, committed from the
 * open lines in creation order, backordered, available; item fulfillments lower on hand; NetSuite's
 * own receipts, adjustments and transfers, each exported once by its delta search; the OMS's
 * adjustments in the adjustment delta only when the account's search includes them. Also the
 * inventory snapshot's rows. The whole simulator runs on an in-memory SFTP.
 */
import { describe, expect, it } from 'vitest';
import { CONTRACT } from '../../local/netsuite/contract.ts';
import { splitRows } from '../../local/netsuite/scripts/inventory-snapshot.ts';
import { account, type Account } from '../../local/netsuite/test-account.ts';

/** Orders A, B (created in that order): A line 1 is 501 ×2, B line 1 is 501 ×2, B line 2 502 ×1. */
async function withOrders(acc: Account) {
  acc.orders('o1.csv', { A: [['1', '501', '2']] });
  acc.orders('o2.csv', {
    B: [
      ['1', '501', '2'],
      ['2', '502', '1'],
    ],
  });
  await acc.cycle();
  return { a: acc.orderId('A'), b: acc.orderId('B') };
}

const DELTA_HEADER = 'externalFacilityId,idValue,idType,availableDelta,comments\n';

describe('books per location × item', () => {
  it('commit open lines in creation order up to on hand; the rest is backordered', async () => {
    const acc = account();
    acc.sim.seedInventory([{ location: '7', itemId: '501', onHand: 3 }]);
    const { a, b } = await withOrders(acc);
    // B is allocated first, but A was created first: A commits first.
    acc.allocate('b.csv', [{ internalId: b, lineId: '1', item: '501', location: '7' }]);
    await acc.cycle();
    acc.allocate('a.csv', [{ internalId: a, lineId: '1', item: '501', location: '7' }]);
    await acc.cycle();
    expect(acc.sim.books({ location: '7', itemId: '501' })).toEqual([
      {
        location: '7',
        itemId: '501',
        sku: 'SKU-1',
        onHand: 3,
        committed: 3,
        available: 0,
        backordered: 1,
      },
    ]);
    expect(
      [acc.line('A', '1'), acc.line('B', '1')].map((l) => [l.committed, l.backordered]),
    ).toEqual([
      [2, 0],
      [1, 1],
    ]);
    // A closes: B commits all of it, 1 left available.
    acc.close('c.csv', [{ internalId: a, lineId: '1' }]);
    await acc.cycle();
    expect(acc.sim.books({ location: '7', itemId: '501' })[0]).toMatchObject({
      committed: 2,
      available: 1,
      backordered: 0,
    });
    expect(acc.line('A', '1')).toMatchObject({ closed: true, committed: 0 });
  });

  it('list every location × item, 0s included; a line without a location commits nothing', async () => {
    const acc = account();
    acc.sim.seedInventory([{ location: '21', itemId: '502', onHand: 4 }]);
    await withOrders(acc);
    const rows = acc.sim.books();
    expect(rows).toHaveLength(4 * 3);
    expect(rows.map((r) => `${r.location}/${r.sku}`).slice(0, 3)).toEqual([
      '7/SKU-1',
      '7/SKU-2',
      '7/503',
    ]);
    expect(rows.filter((r) => r.onHand || r.committed || r.available)).toEqual([
      {
        location: '21',
        itemId: '502',
        sku: 'SKU-2',
        onHand: 4,
        committed: 0,
        available: 4,
        backordered: 0,
      },
    ]);
    expect(acc.sim.books({ sku: 'SKU-2', location: '21' })).toHaveLength(1);
  });

  it('item fulfillments lower on hand, and the commitment with it', async () => {
    const acc = account({ fulfilWhen: (l) => l.hcOrderId === 'A' });
    acc.sim.seedInventory([{ location: '7', itemId: '501', onHand: 3 }]);
    const { a, b } = await withOrders(acc);
    acc.allocate('a.csv', [
      { internalId: a, lineId: '1', item: '501', location: '7' },
      { internalId: b, lineId: '1', item: '501', location: '7' },
    ]);
    await acc.cycle(); // the warehouse ships A (2 committed)
    expect(acc.line('A', '1')).toMatchObject({
      fulfilled: 2,
      fulfilledAt: [{ location: '7', quantity: 2, source: 'netsuite' }],
      committed: 0,
    });
    expect(acc.sim.books({ location: '7', itemId: '501' })[0]).toMatchObject({
      onHand: 1,
      committed: 1,
      available: 0,
      backordered: 1,
    });
  });

  it('the Rejected Orders location commits nothing and is not in the books', async () => {
    const acc = account({ rejectingLocations: ['8'] });
    acc.sim.seedInventory([{ location: '8', itemId: '501', onHand: 5 }]);
    const { a } = await withOrders(acc);
    acc.allocate('a.csv', [{ internalId: a, lineId: '1', item: '501', location: '8' }]);
    await acc.cycle();
    expect(acc.line('A', '1')).toMatchObject({
      location: 'REJECTED',
      rejected: true,
      committed: 0,
    });
    expect(acc.sim.books({ location: '8', itemId: '501' })[0]).toMatchObject({
      committed: 0,
      available: 5,
    });
    expect(acc.sim.books({ location: 'REJECTED' })).toEqual([]);
  });

  it('takes the inventory options at the top level or grouped, the top level winning', () => {
    const figure = (acc: Account) => acc.sim.books({ location: '7', itemId: '501' })[0]!.onHand;
    expect(figure(account({ inventory: { defaultOnHand: 5 } }))).toBe(5);
    expect(figure(account({ inventory: { defaultOnHand: 5 }, defaultOnHand: 7 }))).toBe(7);
    expect(() => account({ inventory: { defaultOnHand: -1 } })).toThrow(/defaultOnHand -1/);
  });

  it('a location × item never seeded has defaultOnHand', async () => {
    const acc = account({ defaultOnHand: 10 });
    expect(acc.sim.books({ location: '7', itemId: '501' })[0]).toMatchObject({
      onHand: 10,
      available: 10,
    });
    acc.sim.adjust({ location: '7', itemId: '501', delta: -3 });
    expect(acc.sim.books({ location: '7', itemId: '501' })[0]).toMatchObject({ onHand: 7 });
  });
});

describe("NetSuite's own transactions and their delta exports", () => {
  it('receipts, adjustments and transfers change on hand; each is exported once, unescaped', async () => {
    const acc = account();
    acc.sim.seedInventory([{ location: '7', itemId: '501', onHand: 4 }]);
    const receipt = acc.sim.receive({ location: '7', itemId: '501', quantity: 5 });
    const adjustment = acc.sim.adjust({
      location: '8',
      itemId: '502',
      delta: -2,
      memo: 'Count, shelf 4',
    });
    const transfer = acc.sim.transfer({ itemId: '501', from: '7', to: '21', quantity: 3 });
    expect([receipt, adjustment, transfer]).toEqual(['60001', '60002', '60003']);
    expect(
      acc.sim
        .books()
        .filter((r) => r.onHand !== 0)
        .map((r) => [r.location, r.itemId, r.onHand]),
    ).toEqual([
      ['7', '501', 6],
      ['8', '502', -2],
      ['21', '501', 3],
    ]);
    const at = await acc.cycle();
    const file = (folder: string, suffix: string) =>
      acc.sftp.text(folder, `${at.toString()}-${suffix}`);
    expect(file('inventoryadjustment/import', 'ExportInventoryAdjustment.csv')).toBe(
      DELTA_HEADER +
        '8,502,NETSUITE_PRODUCT_ID,-2,Inventory Adjusted from Inventory Adjustment Transaction # 60002 in NetSuite \n',
    );
    expect(file('inventorytransfer/import', 'ExportInventoryTransfer.csv')).toBe(
      DELTA_HEADER +
        '7,501,NETSUITE_PRODUCT_ID,-3,Inventory Adjusted from Inventory Transfer # 60003 in NetSuite \n' +
        '21,501,NETSUITE_PRODUCT_ID,3,Inventory Adjusted from Inventory Transfer # 60003 in NetSuite \n',
    );
    expect(file('itemreceipt/csv', 'ItemReceipt.csv')).toBe(
      DELTA_HEADER +
        '7,501,NETSUITE_PRODUCT_ID,5,Inventory Adjusted from ItemReceipt # 60001 in NetSuite \n',
    );
    await acc.cycle(); // each transaction once: nothing new, no file
    for (const folder of [
      'inventoryadjustment/import',
      'inventorytransfer/import',
      'itemreceipt/csv',
    ])
      expect(acc.sftp.files(folder)).toHaveLength(1);
    expect(acc.sim.transactions().map((t) => [t.type, t.exportedIn?.split('-').at(-1)])).toEqual([
      ['receipt', 'ItemReceipt.csv'],
      ['adjustment', 'ExportInventoryAdjustment.csv'],
      ['transfer', 'ExportInventoryTransfer.csv'],
    ]);
  });

  it('refuses transactions NetSuite would not take', () => {
    const acc = account();
    expect(() => acc.sim.receive({ location: '7', itemId: '999', quantity: 1 })).toThrow(
      /item 999/,
    );
    expect(() => acc.sim.receive({ location: '99', itemId: '501', quantity: 1 })).toThrow(
      /location 99/,
    );
    expect(() => acc.sim.receive({ location: '7', itemId: '501', quantity: 0 })).toThrow(
      /quantity 0/,
    );
    expect(() => acc.sim.adjust({ location: '7', itemId: '501', delta: 1.5 })).toThrow(/delta 1.5/);
    expect(() => acc.sim.transfer({ itemId: '501', from: '7', to: '8', quantity: 1 })).toThrow(
      /location 7 has 0 of 501/,
    );
    expect(() => acc.sim.transfer({ itemId: '501', from: '7', to: '7', quantity: 1 })).toThrow(
      /itself/,
    );
    expect(acc.sim.transactions()).toEqual([]);
  });
});

describe('adjustments the OMS pushed (inventoryadjustment/csv) and the adjustment delta search', () => {
  const adjustmentRow = (ref: string, over: Record<string, string> = {}) => ({
    'Reference No': ref,
    'Adjustment Account': '58',
    Item: '501',
    'Adjust Qty By': '-1',
    Location: '21',
    Date: '07/02/2025',
    Memo: 'VAR_DAMAGED: box crushed',
    'HC Inventory Adj Id': `HC-${ref}`,
    'Adjustment Location': '21',
    Subsidiary: '2',
    ...over,
  });
  const header = [...CONTRACT.inventoryAdjustments.required, 'Subsidiary'];

  for (const includeOms of [false, true]) {
    it(`change on hand, and are ${includeOms ? '' : 'not '}in the delta with adjustmentSearchIncludesOms ${includeOms}`, async () => {
      const acc = account({ adjustmentSearchIncludesOms: includeOms });
      acc.sim.seedInventory([{ location: '21', itemId: '501', onHand: 5 }]);
      acc.sim.adjust({ location: '7', itemId: '502', delta: 4 }); // NetSuite's own: always exported
      acc.put('inventoryadjustment/csv', 'adj-1.csv', header, [adjustmentRow('R1')]);
      const at = await acc.cycle();
      expect(acc.sftp.files('inventoryadjustment/csv/archive')).toEqual(['adj-1.csv']);
      expect(acc.sim.books({ location: '21', itemId: '501' })[0]).toMatchObject({ onHand: 4 });
      const omsAdjustment = acc.sim.transactions().find((t) => t.source === 'oms')!;
      expect(omsAdjustment).toMatchObject({
        referenceNo: 'R1',
        hcAdjustmentId: 'HC-R1',
        file: 'adj-1.csv',
      });
      const text = acc.sftp.text(
        'inventoryadjustment/import',
        `${at.toString()}-ExportInventoryAdjustment.csv`,
      );
      const rows = text.split('\n').slice(1, -1);
      expect(rows.map((r) => r.split(',').slice(0, 4).join(','))).toEqual([
        '7,502,NETSUITE_PRODUCT_ID,4',
        ...(includeOms ? ['21,501,NETSUITE_PRODUCT_ID,-1'] : []),
      ]);
      await acc.cycle();
      expect(acc.sftp.files('inventoryadjustment/import')).toHaveLength(1);
    });
  }
});

describe('the inventory snapshot', () => {
  it('writes available for every location × item, SKU as Item, in the parts asked for', async () => {
    const acc = account();
    acc.sim.seedInventory([
      { location: '7', itemId: '501', onHand: 3 },
      { location: '21', itemId: '503', onHand: 2 },
    ]);
    const { a } = await withOrders(acc);
    acc.allocate('a.csv', [{ internalId: a, lineId: '1', item: '501', location: '7' }]);
    await acc.cycle();
    const at = new Date('2025-07-03T02:00:00Z');
    const names = await acc.sim.exportInventorySnapshot({ files: 2, at });
    expect(names).toEqual([
      `${at.toString()}-InventoryItemExport-1.csv`,
      `${at.toString()}-InventoryItemExport-2.csv`,
    ]);
    const texts = names.map((n) => acc.sftp.text('inventoryitem/csv', n));
    for (const text of texts)
      expect(text.startsWith('Item,externalFacilityId,availableQty,idValue\n')).toBe(true);
    const rows = texts.flatMap((t) => t.split('\n').slice(1, -1));
    expect(rows).toHaveLength(12);
    expect(rows.filter((r) => !r.includes(',0,'))).toEqual(['SKU-1,7,1,501', '503,21,2,503']);
    expect(rows).toContain('SKU-2,22,0,502');
    const [single] = await acc.sim.exportInventorySnapshot();
    expect(single).toBe(`${acc.now().toString()}-InventoryItemExport.csv`);
    await expect(acc.sim.exportInventorySnapshot({ files: 0 })).rejects.toThrow(/files 0/);
  });

  it('splits rows into near-equal consecutive parts', () => {
    expect(splitRows([1, 2, 3, 4, 5], 2)).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    expect(splitRows([1], 3)).toEqual([[], [], [1]]);
  });
});

describe('purchase orders', () => {
  it('are exported once; a re-export lists the open quantity; receipts go to the item receipt delta', async () => {
    const acc = account();
    const po = acc.sim.createPurchaseOrder({
      externalId: 'PO-77',
      lines: [
        { itemId: '501', quantity: 10, location: '7', arrivalDate: '07/20/2025' },
        { itemId: '503', quantity: 5, location: '8', arrivalDate: '08/01/2025' },
      ],
    });
    expect(po).toBe('40001');
    const first = await acc.cycle();
    const header =
      'external-id,product-sku,quantity,external-facility-id,item-external-id,arrival-date\n';
    expect(
      acc.sftp.text('purchaseorder/fulfillment', `${first.toString()}-PurchaseOrder.csv`),
    ).toBe(header + 'PO-77,SKU-1,10,7,40001-1,07/20/2025\n' + 'PO-77,503,5,8,40001-2,08/01/2025\n');
    acc.sim.receivePurchaseOrder(po, '1', 3);
    const second = await acc.cycle();
    expect(acc.sftp.files('purchaseorder/fulfillment')).toHaveLength(1); // not re-exported
    expect(acc.sftp.text('itemreceipt/csv', `${second.toString()}-ItemReceipt.csv`)).toContain(
      '7,501,NETSUITE_PRODUCT_ID,3,Inventory Adjusted from ItemReceipt # 60001 in NetSuite \n',
    );
    expect(acc.sim.books({ location: '7', itemId: '501' })[0]!.onHand).toBe(3);

    acc.sim.reexportPurchaseOrder(po);
    const third = await acc.cycle();
    expect(
      acc.sftp.text('purchaseorder/fulfillment', `${third.toString()}-PurchaseOrder.csv`),
    ).toBe(header + 'PO-77,SKU-1,7,7,40001-1,07/20/2025\n' + 'PO-77,503,5,8,40001-2,08/01/2025\n');
    acc.sim.receivePurchaseOrder(po, '40001-1', 7); // received in full
    acc.sim.closePurchaseOrder(po);
    await acc.cycle();
    expect(acc.sftp.files('purchaseorder/fulfillment')).toHaveLength(2);
    acc.sim.reexportPurchaseOrder(po);
    const fourth = await acc.cycle();
    expect(
      acc.sftp.text('purchaseorder/fulfillment', `${fourth.toString()}-PurchaseOrder.csv`),
    ).toBe(header + 'PO-77,SKU-1,0,7,40001-1,07/20/2025\n' + 'PO-77,503,0,8,40001-2,08/01/2025\n');
    expect(acc.sim.purchaseOrders()[0]).toMatchObject({
      closed: true,
      exportedIn: expect.stringContaining('PurchaseOrder'),
    });
  });

  it('refuse what NetSuite would not take', () => {
    const acc = account();
    const line = { itemId: '501', quantity: 1, location: '7', arrivalDate: '07/20/2025' };
    expect(() => acc.sim.createPurchaseOrder({ lines: [] })).toThrow(/needs a line/);
    expect(() =>
      acc.sim.createPurchaseOrder({ lines: [{ ...line, arrivalDate: '2025-07-20' }] }),
    ).toThrow(/MM\/DD\/YYYY/);
    expect(() =>
      acc.sim.createPurchaseOrder({ lines: [{ ...line, arrivalDate: '02/30/2025' }] }),
    ).toThrow(/MM\/DD\/YYYY/);
    const po = acc.sim.createPurchaseOrder({ lines: [line] });
    expect(acc.sim.purchaseOrders()[0]!.externalId).toBe(`PO${po}`);
    expect(() => acc.sim.receivePurchaseOrder(po, '1', 2)).toThrow(/1 left to receive/);
    expect(() => acc.sim.receivePurchaseOrder(po, '9', 1)).toThrow(/no line 9/);
    expect(() => acc.sim.receivePurchaseOrder('1', '1', 1)).toThrow(
      /purchase order 1 does not exist/,
    );
  });
});

describe('credit memos', () => {
  it('are reported once in alc-audit-data/Credit_Memo-<date>.csv beside the invoices', async () => {
    const acc = account({ accountUtcOffset: '-07:00' });
    const { a } = await withOrders(acc);
    const memo = acc.sim.creditMemo({
      salesOrderId: a,
      amount: 12.5,
      returnId: 'RET-1',
      loopReturnId: 'LOOP-9',
    });
    acc.sim.creditMemo({ salesOrderId: a, amount: 3 });
    expect(memo).toBe('85001');
    const at = await acc.cycle();
    const stamp = '2025-07-02-03-17-00'; // account time
    expect(at.toISOString()).toBe('2025-07-02T10:17:00.000Z');
    expect(acc.sftp.files('alc-audit-data')).toEqual([`Credit_Memo-${stamp}.csv`]);
    expect(acc.sftp.text('alc-audit-data', `Credit_Memo-${stamp}.csv`)).toBe(
      'CREDIT_MEMO_INTERNAL_ID,SHOPIFY_ORDER_NAME,SHOPIFY_ORDER_ID,HC_LOOP_RETURN_ID,HC_LOOP_RETURN_TOTAL,HC_RETURN_ID,CREDIT_MEMO_DATE\n' +
        '85001,#A,5550-A,LOOP-9,12.50,RET-1,07/02/2025\n' +
        '85002,#A,5550-A,,3.00,,07/02/2025\n',
    );
    await acc.cycle();
    expect(acc.sftp.files('alc-audit-data')).toHaveLength(1);
    expect(acc.sim.creditMemos().map((m) => m.reportedIn)).toEqual([
      `Credit_Memo-${stamp}.csv`,
      `Credit_Memo-${stamp}.csv`,
    ]);
    expect(() => acc.sim.creditMemo({ salesOrderId: '1', amount: 1 })).toThrow(/sales order 1/);
    expect(() => acc.sim.creditMemo({ salesOrderId: a, amount: 0 })).toThrow(/amount 0/);
  });
});
