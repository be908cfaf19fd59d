/**
 * The NetSuite simulator's books against the real local SFTP server: the inventory snapshot
 * (`inventoryitem/csv`, several files) and the delta exports (`inventoryadjustment/import`,
 * `inventorytransfer/import`, `itemreceipt/csv`) read over SFTP where the OMS reads them, the open
 * purchase orders and credit memos, and an inventory adjustment file from the OMS with a refused row.
 */
import type SftpClient from 'ssh2-sftp-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT, NetsuiteSimulator } from '../../local/netsuite/index.ts';
import { connectSftp, startTestCloud, TEST_PASSWORD } from '../support/local-cloud.ts';
import { feedFiles } from '../../shared/files/feed-file-store.ts';

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let oms: SftpClient;
let sim: NetsuiteSimulator;
let clock = new Date('2025-07-02T10:15:00.000Z');
/** Whether NetSuite's warehouse staff ship what is committed (off until the snapshot is taken). */
let ship = false;

const cycle = async (): Promise<Date> => {
  clock = new Date(clock.getTime() + 60_000);
  const at = clock;
  await sim.cycle();
  return at;
};

const root = () => `/home/${cloud.sftp.user}/netsuite`;
const files = async (folder: string) =>
  (await oms.list(`${root()}/${folder}`))
    .filter((e) => e.type === '-')
    .map((e) => e.name)
    .sort();
const text = async (folder: string, name: string) =>
  ((await oms.get(`${root()}/${folder}/${name}`)) as Buffer).toString('utf8');
/** The OMS writes what NetSuite imports through S3 (its SFTP user may not write there). */
const put = (folder: string, name: string, content: string) =>
  feedFiles().writeAtomically(`${root().slice(1)}/${folder}/${name}`, content);
const csv = (header: readonly string[], rows: ReadonlyArray<Record<string, string>>) =>
  [header, ...rows.map((r) => header.map((c) => r[c] ?? ''))]
    .map((r) => `${r.join(',')}\n`)
    .join('');

const DELTA_HEADER = 'externalFacilityId,idValue,idType,availableDelta,comments\n';

beforeAll(async () => {
  cloud = await startTestCloud({ dispatch: false });
  oms = await connectSftp(cloud);
  sim = new NetsuiteSimulator({
    host: cloud.sftp.host,
    port: cloud.sftp.port,
    user: cloud.sftp.user,
    password: TEST_PASSWORD,
    now: () => clock,
    fulfilWhen: () => ship,
  });
  sim.seedCustomers([{ externalId: 'SHOP-C1', internalId: '1001' }]);
  sim.seedItems([
    { itemId: '501', sku: 'SKU-1' },
    { itemId: '502', sku: 'SKU-2' },
  ]);
  sim.seedLocations([
    { id: '7', kind: 'warehouse', subsidiary: '1' },
    { id: '21', kind: 'store', subsidiary: '2' },
  ]);
  sim.seedInventory([
    { location: '7', itemId: '501', onHand: 10 },
    { location: '21', itemId: '502', onHand: 4 },
  ]);
  await put(
    CONTRACT.salesOrders.folder,
    'orders.csv',
    csv(CONTRACT.salesOrders.required, [
      {
        orderId: '#1',
        HCOrderId: 'HC-O1',
        externalId: 'SHOP-O1',
        HCShopifySalesOrderId: 'SO-1',
        salesChannel: '2',
        customer: '1001',
        date: '07/02/2025',
        country: 'US',
        item: '501',
        orderLineId: '00101',
        quantity: '3',
        price: '5.00',
      },
    ]),
  );
  await cycle();
});

afterAll(async () => {
  await sim?.stop();
  await oms?.end();
  await cloud?.cleanup();
});

describe('NetSuite books over SFTP', () => {
  it('a committed line lowers available in the snapshot, written in parts, atomically', async () => {
    await put(
      CONTRACT.allocationUpdate.folder,
      'allocation.csv',
      csv(CONTRACT.allocationUpdate.required, [
        { internalId: '50001', lineId: '1', item: '501', location: '7', quantity: '3' },
      ]),
    );
    await cycle(); // the line is at warehouse 7 and commits 3 of its 10
    expect(sim.books({ location: '7', itemId: '501' })[0]).toMatchObject({
      onHand: 10,
      committed: 3,
      available: 7,
    });
    const at = new Date('2025-07-03T02:00:00.000Z');
    const [snapshot] = await sim.exportInventorySnapshot({ at });
    expect(snapshot).toBe(`${at.toString()}-InventoryItemExport.csv`);
    expect(await text('inventoryitem/csv', snapshot!)).toBe(
      'Item,externalFacilityId,availableQty,idValue\n' +
        'SKU-1,7,7,501\n' +
        'SKU-2,7,0,502\n' +
        'SKU-1,21,0,501\n' +
        'SKU-2,21,4,502\n',
    );
    ship = true;
    await cycle(); // warehouse 7 ships the line: on hand and commitment fall together
    expect(sim.books({ location: '7', itemId: '501' })[0]).toMatchObject({
      onHand: 7,
      committed: 0,
      available: 7,
    });
    const parts = await sim.exportInventorySnapshot({ files: 2 });
    expect(parts).toEqual([
      `${clock.toString()}-InventoryItemExport-1.csv`,
      `${clock.toString()}-InventoryItemExport-2.csv`,
    ]);
    expect(await files('inventoryitem/csv')).toEqual([snapshot, ...parts].sort());
    const texts = await Promise.all(parts.map((p) => text('inventoryitem/csv', p)));
    expect(texts.map((t) => t.split('\n')[0])).toEqual([
      'Item,externalFacilityId,availableQty,idValue',
      'Item,externalFacilityId,availableQty,idValue',
    ]);
    expect(texts.flatMap((t) => t.split('\n').slice(1, -1))).toEqual([
      'SKU-1,7,7,501',
      'SKU-2,7,0,502',
      'SKU-1,21,0,501',
      'SKU-2,21,4,502',
    ]);
    expect(await oms.exists(`${root()}/.sim-tmp`)).toBe(false);
  });

  it('exports each receipt, adjustment and transfer once in its delta folder', async () => {
    sim.receive({ location: '7', itemId: '502', quantity: 6 });
    sim.adjust({ location: '21', itemId: '502', delta: -1, memo: 'cycle count' });
    sim.transfer({ itemId: '502', from: '7', to: '21', quantity: 2 });
    const at = await cycle();
    expect(await text('itemreceipt/csv', `${at.toString()}-ItemReceipt.csv`)).toBe(
      DELTA_HEADER +
        '7,502,NETSUITE_PRODUCT_ID,6,Inventory Adjusted from ItemReceipt # 60001 in NetSuite \n',
    );
    expect(
      await text('inventoryadjustment/import', `${at.toString()}-ExportInventoryAdjustment.csv`),
    ).toBe(
      DELTA_HEADER +
        '21,502,NETSUITE_PRODUCT_ID,-1,Inventory Adjusted from Inventory Adjustment Transaction # 60002 in NetSuite \n',
    );
    expect(
      await text('inventorytransfer/import', `${at.toString()}-ExportInventoryTransfer.csv`),
    ).toBe(
      DELTA_HEADER +
        '7,502,NETSUITE_PRODUCT_ID,-2,Inventory Adjusted from Inventory Transfer # 60003 in NetSuite \n' +
        '21,502,NETSUITE_PRODUCT_ID,2,Inventory Adjusted from Inventory Transfer # 60003 in NetSuite \n',
    );
    await cycle();
    for (const folder of [
      'itemreceipt/csv',
      'inventoryadjustment/import',
      'inventorytransfer/import',
    ])
      expect(await files(folder)).toHaveLength(1);
    expect(sim.books({ itemId: '502' }).map((r) => [r.location, r.onHand])).toEqual([
      ['7', 4],
      ['21', 5],
    ]);
  });

  it('imports the OMS adjustment file, reports the refused row by line, leaves it out of the delta', async () => {
    const row = (ref: string, over: Record<string, string> = {}) => ({
      'Reference No': ref,
      'Adjustment Account': '58',
      Item: '502',
      'Adjust Qty By': '-2',
      Location: '21',
      Date: '07/02/2025',
      Memo: 'VAR_STOLEN',
      'HC Inventory Adj Id': `HC-${ref}`,
      'Adjustment Location': '21',
      Subsidiary: '2',
      ...over,
    });
    await put(
      CONTRACT.inventoryAdjustments.folder,
      'adjustments.csv',
      csv(
        [...CONTRACT.inventoryAdjustments.required, 'Subsidiary'],
        [row('R1'), row('R2', { Subsidiary: '1' })],
      ),
    );
    const at = await cycle();
    expect(await files('inventoryadjustment/csv/archive')).toEqual(['adjustments.csv']);
    expect(
      await text('inventoryadjustment/csv/error', `${at.toString()}-ErrorInventoryAdjustment.csv`),
    ).toBe(
      "fileName,errorMessage\nadjustments.csv,line 3: Subsidiary 1 is not location 21's subsidiary 2\n",
    );
    expect(sim.books({ location: '21', itemId: '502' })[0]!.onHand).toBe(3);
    expect(await files('inventoryadjustment/import')).toHaveLength(1); // not in the delta
  });

  it('exports an open purchase order once, and its credit memos beside the invoices', async () => {
    const po = sim.createPurchaseOrder({
      lines: [{ itemId: '501', quantity: 12, location: '7', arrivalDate: '08/15/2025' }],
    });
    sim.creditMemo({ salesOrderId: '50001', amount: 5, returnId: 'R-9' });
    const at = await cycle();
    expect(await text('purchaseorder/fulfillment', `${at.toString()}-PurchaseOrder.csv`)).toBe(
      'external-id,product-sku,quantity,external-facility-id,item-external-id,arrival-date\n' +
        `PO${po},SKU-1,12,7,${po}-1,08/15/2025\n`,
    );
    const memos = (await files('alc-audit-data')).filter((n) => n.startsWith('Credit_Memo-'));
    expect(memos).toEqual(['Credit_Memo-2025-07-02-10-22-00.csv']);
    expect(await text('alc-audit-data', memos[0]!)).toBe(
      'CREDIT_MEMO_INTERNAL_ID,SHOPIFY_ORDER_NAME,SHOPIFY_ORDER_ID,HC_LOOP_RETURN_ID,HC_LOOP_RETURN_TOTAL,HC_RETURN_ID,CREDIT_MEMO_DATE\n' +
        '85001,#1,SO-1,,5.00,R-9,07/02/2025\n',
    );
    await cycle();
    expect(await files('purchaseorder/fulfillment')).toHaveLength(1);
    expect(sim.partialFilesSeen).toEqual([]);
  });
});
