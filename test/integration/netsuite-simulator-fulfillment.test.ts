/**
 * The NetSuite simulator's fulfillment and invoicing against the real local SFTP server: sales
 * orders, deposits and allocation updates put where the OMS puts them, the fulfillment and invoice
 * files NetSuite writes back read over SFTP (and parsed with the OMS's own row parsers), and the
 * OMS-fulfilled items and line closes it takes from `salesorder/update`. NetSuite ships what its
 * warehouses committed from their on hand; the OMS-fulfilled lines are fulfilled by the item
 * fulfillment script.
 */
import type SftpClient from 'ssh2-sftp-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseFulfillmentCsvRow,
  parseFulfillmentJson,
  parseInvoiceRow,
} from '../../shared/domain/fulfillment/index.ts';
import { feedById, type FeedId } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { NetsuiteSimulator, type FulfillableLine } from '../../local/netsuite/index.ts';
import { connectSftp, startTestCloud, TEST_PASSWORD } from '../support/local-cloud.ts';
import { feedFiles } from '../../shared/files/feed-file-store.ts';

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let oms: SftpClient;
let sim: NetsuiteSimulator;
let clock = new Date('2025-07-02T10:15:00.000Z');

const cycle = async (simulator = sim): Promise<Date> => {
  clock = new Date(clock.getTime() + 60_000);
  const at = clock;
  await simulator.cycle();
  return at;
};

const dir = (feed: FeedId) => `/${feedPrefix(cloud.sftp.user, feedById(feed))}`;
/** The OMS writes what NetSuite imports through S3 (its SFTP user may not write there). */
const put = (feed: FeedId, name: string, text: string) =>
  feedFiles().writeAtomically(`${dir(feed).slice(1)}${name}`, text);
const files = async (path: string) =>
  (await oms.list(path))
    .filter((e) => e.type === '-')
    .map((e) => e.name)
    .sort();
const text = async (path: string) => ((await oms.get(path)) as Buffer).toString('utf8');

const ORDERS = feedById('sales-order-export').columns;
const ALLOCATION = feedById('allocation-update-export').columns;
const FULFILLED = feedById('oms-fulfilled-export').columns;
const CLOSE = feedById('line-close-export').columns;
const FULFILLMENT = feedById('fulfillment-csv-import').columns;
const INVOICE = feedById('invoice-import').columns;
const FULFILLMENT_HEADER = `${FULFILLMENT.join(',')}\n`;
const INVOICE_HEADER = `${INVOICE.join(',')}\n`;
const OFFSET = '-07:00';

const csv = (header: readonly string[], rows: string[][]) =>
  [header, ...rows].map((r) => `${r.join(',')}\n`).join('');
const cells = (header: readonly string[], values: Record<string, string>) =>
  header.map((c) => values[c] ?? '');

const orderLine = (
  hcOrderId: string,
  orderLineId: string,
  item: string,
  quantity: string,
  price: string,
) =>
  cells(ORDERS, {
    orderId: `#${hcOrderId}`,
    HCOrderId: hcOrderId,
    externalId: `SHOP-${hcOrderId}`,
    HCShopifySalesOrderId: `SO-${hcOrderId}`,
    salesChannel: '2',
    customer: '1001',
    date: '07/02/2025',
    shippingMethod: '4',
    item,
    orderLineId,
    quantity,
    price,
    country: 'US',
  });

const allocation = (
  internalId: string,
  lineId: string,
  item: string,
  location: string,
  quantity = '1',
) =>
  cells(ALLOCATION, {
    lineId,
    internalId,
    item,
    closed: 'false',
    quantity,
    location,
    country: 'US',
    shippingMethod: '4',
  });

/** The shipment text of each line NetSuite ships: one carrier with commas, two tracking numbers. */
const shipmentFor = (l: FulfillableLine) =>
  l.hcOrderId === 'HC-O1' && l.orderLineId === '00101'
    ? {
        carrier: 'FedEx, Inc.',
        shippingMethod: 'Ground, 3-5 days',
        trackingNumbers: ['TN-A', 'TN-B'],
      }
    : {
        carrier: 'UPS',
        shippingMethod: 'UPS Ground',
        trackingNumbers: [`1Z-${l.orderLineId}-${l.run}`],
      };

/** Reads a fulfillment CSV as the OMS does: split at every comma, recovered by the OMS parser. */
const omsReads = (content: string) =>
  content
    .split('\n')
    .slice(1, -1)
    .map((line) => {
      const read = parseFulfillmentCsvRow(line.split(','), FULFILLMENT, { utcOffset: OFFSET });
      if (!read.ok) throw new Error(`${line}: ${read.field} ${read.reason}`);
      return read.row;
    });

const fulfillmentDir = () => dir('fulfillment-csv-import');
const invoiceDir = () => dir('invoice-import');

beforeAll(async () => {
  cloud = await startTestCloud({ dispatch: false });
  oms = await connectSftp(cloud);
  sim = new NetsuiteSimulator({
    host: cloud.sftp.host,
    port: cloud.sftp.port,
    user: cloud.sftp.user,
    password: TEST_PASSWORD,
    now: () => clock,
    rejectingLocations: ['13'],
    fulfilWhen: (l) => l.hcOrderId !== 'HC-O4',
    partialShare: 1,
    boundaryRepeatShare: 1,
    shipmentFor,
    accountUtcOffset: OFFSET,
  });
  sim.seedCustomers([{ externalId: 'SHOP-C1' }]);
  sim.seedItems([{ itemId: '501' }, { itemId: '502' }, { itemId: '503' }]);
  sim.seedInventory([
    { location: '7', itemId: '501', onHand: 4 },
    { location: '7', itemId: '502', onHand: 3 },
    { location: '8', itemId: '502', onHand: 3 },
    { location: '21', itemId: '503', onHand: 1 },
  ]);
  await put(
    'sales-order-export',
    'orders.csv',
    csv(ORDERS, [
      orderLine('HC-O1', '00101', '501', '1', '19.90'),
      orderLine('HC-O1', '00102', '502', '3', '5.00'),
      orderLine('HC-O2', '00101', '503', '1', '10.00'),
      orderLine('HC-O2', '00102', '501', '2', '7.50'),
      orderLine('HC-O3', '00101', '501', '1', '4.00'),
      orderLine('HC-O4', '00101', '502', '1', '4.00'),
    ]),
  );
  const deposit = (externalId: string, orderId: string, totalAmount: number) => ({
    totalAmount,
    externalId,
    orderId,
    paymentMethod: '7',
    shopifyOrderNumber: '1',
    shopifyOrderId: '1',
    shopifyOrderName: '#1',
  });
  await put(
    'customer-deposit-export',
    'deposits.json',
    JSON.stringify([
      deposit('PAY-1', '50001', 20),
      deposit('PAY-2', '50002', 100),
      deposit('PAY-4', '50004', 4),
    ]),
  );
  await cycle();
});

afterAll(async () => {
  await sim?.stop();
  await oms?.end();
  await cloud?.cleanup();
});

describe('NetSuite simulator: fulfillment, OMS item fulfillments, closes and invoicing', () => {
  it('starts with orders and deposits, nothing fulfilled or invoiced', async () => {
    expect(sim.snapshot().counts).toMatchObject({
      salesOrders: 4,
      salesOrderLines: 6,
      deposits: 3,
      itemFulfillments: 0,
      invoices: 0,
    });
    expect(await files(fulfillmentDir()).catch(() => [])).toEqual([]);
    expect(await files(invoiceDir()).catch(() => [])).toEqual([]);
  });

  it('fulfils allocated lines (not rejected ones) and writes the fulfillment file with NetSuite habits', async () => {
    await put(
      'allocation-update-export',
      'allocation-1.csv',
      csv(ALLOCATION, [
        allocation('50001', '1', '501', '7'),
        allocation('50001', '2', '502', '8', '3'),
        allocation('50003', '1', '501', '13'), // location 13 rejects it
        allocation('50004', '1', '502', '7'), // fulfilWhen says no
      ]),
    );
    const at = await cycle();
    const name = '2025-07-02-03-17-00-SalesOrderFulfillment.csv'; // account time, UTC-7
    expect(await files(fulfillmentDir())).toEqual([name]);
    const content = await text(`${fulfillmentDir()}${name}`);
    expect(content).toBe(
      FULFILLMENT_HEADER +
        'HC-O1,00101,7,7/2/2025 3:17 am,1,TN-A | TN-B,FedEx, Inc.,Ground, 3-5 days,4\n' +
        'HC-O1,00102,8,7/2/2025 3:17 am,1,1Z-00102-2,UPS,UPS Ground,4\n',
    );
    expect(omsReads(content)).toEqual([
      {
        orderId: 'HC-O1',
        lineSeq: '00101',
        facilityExternalId: '7',
        shippedAt: at.toISOString(),
        quantity: 1,
        trackingNumbers: ['TN-A', 'TN-B'],
        carrier: 'FedEx, Inc.',
        shippingMethod: 'Ground, 3-5 days',
        shippingMethodId: '4',
      },
      {
        orderId: 'HC-O1',
        lineSeq: '00102',
        facilityExternalId: '8',
        shippedAt: at.toISOString(),
        quantity: 1,
        trackingNumbers: ['1Z-00102-2'],
        carrier: 'UPS',
        shippingMethod: 'UPS Ground',
        shippingMethodId: '4',
      },
    ]);
    expect(
      sim.fulfillments().map((f) => [f.hcOrderId, f.orderLineId, f.quantity, f.exportedIn]),
    ).toEqual([
      ['HC-O1', '00101', 1, name],
      ['HC-O1', '00102', 1, name],
    ]);
    expect(sim.snapshot().counts).toMatchObject({
      itemFulfillments: 2,
      fulfilledLines: 1,
      rejectedLines: 1,
    });
    // On hand fell by what shipped; HC-O4's line is committed at 7 but not picked.
    expect(sim.books({ location: '7' }).map((r) => [r.itemId, r.onHand, r.committed])).toEqual([
      ['501', 3, 0],
      ['502', 3, 1],
      ['503', 0, 0],
    ]);
    expect(sim.books({ location: '8', itemId: '502' })[0]).toMatchObject({
      onHand: 2,
      committed: 2,
      available: 0,
    });
  });

  it('ships the rest of a partial line on the next cycle, repeating the boundary row', async () => {
    await cycle();
    const name = '2025-07-02-03-18-00-SalesOrderFulfillment.csv';
    expect(await files(fulfillmentDir())).toEqual([
      '2025-07-02-03-17-00-SalesOrderFulfillment.csv',
      name,
    ]);
    const content = await text(`${fulfillmentDir()}${name}`);
    expect(content).toBe(
      FULFILLMENT_HEADER +
        'HC-O1,00102,8,7/2/2025 3:17 am,1,1Z-00102-2,UPS,UPS Ground,4\n' + // repeated
        'HC-O1,00102,8,7/2/2025 3:18 am,2,1Z-00102-3,UPS,UPS Ground,4\n',
    );
    expect(omsReads(content).map((r) => r.quantity)).toEqual([1, 2]);
    // Billing ran before the shipment: HC-O1 is invoiced on the next cycle.
    expect(await files(invoiceDir()).catch(() => [])).toEqual([]);
  });

  it('invoices a fulfilled order with a deposit, once', async () => {
    await cycle();
    const name = 'Order_Invoice-2025-07-02-03-19-00.csv';
    expect(await files(invoiceDir())).toEqual([name]);
    const content = await text(`${invoiceDir()}${name}`);
    // 19.90 + 3 × 5.00 = 34.90, deposit 20 → 14.90 due.
    expect(content).toBe(
      INVOICE_HEADER + '80001,#HC-O1,SO-HC-O1,50001,HC-O1,INV000100,34.90,14.90,07/02/2025\n',
    );
    const [, row] = content.split('\n');
    const record = Object.fromEntries(INVOICE.map((c, i) => [c, row!.split(',')[i]!]));
    expect(parseInvoiceRow(record)).toEqual({
      ok: true,
      row: {
        invoiceId: '80001',
        orderId: 'HC-O1',
        netsuiteOrderId: '50001',
        invoiceNumber: 'INV000100',
        total: 34.9,
        amountDue: 14.9,
        invoiceDate: '2025-07-02',
      },
    });
    expect(await files(fulfillmentDir())).toHaveLength(2); // nothing new shipped: no file
  });

  it('fulfils an OMS-fulfilled line once (its script), closes a line, and invoices the order', async () => {
    await put(
      'oms-fulfilled-export',
      'a-fulfilled.csv',
      csv(FULFILLED, [['1', '50002', '503', '1', '21', 'hotwax-fulfilled']]),
    );
    await put(
      'line-close-export',
      'b-close.csv',
      csv(CLOSE, [cells(CLOSE, { internalId: '50002', lineId: '2', closed: 'true' })]),
    );
    await put(
      'oms-fulfilled-export',
      'c-fulfilled.csv',
      csv(FULFILLED, [['1', '50002', '503', '1', '21', 'hotwax-fulfilled']]),
    );
    await cycle();

    expect(await files(`${dir('allocation-update-export')}archive`)).toEqual([
      'a-fulfilled.csv',
      'allocation-1.csv',
      'b-close.csv',
      'c-fulfilled.csv',
    ]);
    const order = sim.snapshot().state.salesOrders['50002']!;
    expect(order.lines[0]!.itemFulfillments).toEqual([
      expect.objectContaining({
        internalId: '70004',
        source: 'oms',
        quantity: 1,
        location: '21',
        receivedIn: 'c-fulfilled.csv', // the last row that tagged the line before the script ran
      }),
    ]);
    expect(order.lines[1]).toMatchObject({ closed: true });
    expect(order.lines[1]!.itemFulfillments).toBeUndefined();
    // The repeated row only set the same quantity, location and tag again: nothing refused.
    expect(sim.log.filter((e) => e.kind === 'rejected' && e.file === 'c-fulfilled.csv')).toEqual(
      [],
    );
    expect(sim.books({ location: '21', itemId: '503' })[0]).toMatchObject({ onHand: 0 });

    // Closed line 2 bills nothing: 10.00, the deposit of 100 covers it.
    const name = 'Order_Invoice-2025-07-02-03-20-00.csv';
    expect(await files(invoiceDir())).toEqual(['Order_Invoice-2025-07-02-03-19-00.csv', name]);
    expect(await text(`${invoiceDir()}${name}`)).toBe(
      INVOICE_HEADER + '80002,#HC-O2,SO-HC-O2,50002,HC-O2,INV000101,10.00,0.00,07/02/2025\n',
    );
    expect(sim.snapshot().counts).toMatchObject({
      itemFulfillments: 3,
      omsItemFulfillments: 1,
      closedLines: 1,
      invoices: 2,
    });
  });

  it('invoices nothing twice and ships nothing new: no more files', async () => {
    await put(
      'oms-fulfilled-export',
      'd-fulfilled.csv',
      csv(FULFILLED, [['1', '50002', '503', '1', '21', 'hotwax-fulfilled']]),
    );
    await cycle();
    await cycle();
    // The line already has its fulfillment: the script never fulfils it again.
    expect(sim.notFulfilled().map((n) => [n.salesOrderId, n.lineId, n.code])).toEqual([
      ['50002', '1', 'already-fulfilled'],
    ]);
    expect(await files(invoiceDir())).toHaveLength(2);
    expect(await files(fulfillmentDir())).toHaveLength(2);
    expect(sim.invoices().map((i) => [i.hcOrderId, i.invoiceNumber, i.total, i.amountDue])).toEqual(
      [
        ['HC-O1', 'INV000100', 34.9, 14.9],
        ['HC-O2', 'INV000101', 10, 0],
      ],
    );
    // HC-O3 was rejected, HC-O4 not picked: neither shipped nor invoiced.
    expect(sim.fulfillments().map((f) => f.hcOrderId)).toEqual([
      'HC-O1',
      'HC-O1',
      'HC-O1',
      'HC-O2',
    ]);
  });

  it('noted every file it wrote, atomically, and saw no partial file', async () => {
    const written = sim.written.filter((f) =>
      [feedById('fulfillment-csv-import').folder, feedById('invoice-import').folder].includes(
        f.folder,
      ),
    );
    expect(written.map((f) => f.name)).toEqual([
      '2025-07-02-03-17-00-SalesOrderFulfillment.csv',
      '2025-07-02-03-18-00-SalesOrderFulfillment.csv',
      'Order_Invoice-2025-07-02-03-19-00.csv',
      'Order_Invoice-2025-07-02-03-20-00.csv',
    ]);
    for (const file of written)
      expect(await text(`/${feedPrefix(cloud.sftp.user, file)}${file.name}`)).toBe(file.text);
    expect(sim.partialFilesSeen).toEqual([]);
    expect(await oms.exists(`/home/${cloud.sftp.user}/netsuite/.sim-tmp`)).toBe(false);
  });

  it('writes the JSON variant with Date.toString() names when configured so', async () => {
    const json = new NetsuiteSimulator({
      host: cloud.sftp.host,
      port: cloud.sftp.port,
      user: cloud.sftp.user,
      password: TEST_PASSWORD,
      now: () => clock,
      fulfilShare: 1,
      defaultOnHand: 10,
      fulfillmentFormat: 'json',
      fulfillmentFileNames: 'date-string',
      invoicing: false,
    });
    try {
      json.seedCustomers([{ externalId: 'SHOP-C1' }]);
      json.seedItems([{ itemId: '501' }]);
      await put(
        'sales-order-export',
        'orders-j.csv',
        csv(ORDERS, [orderLine('HC-J1', '00101', '501', '2', '3.00')]),
      );
      await put(
        'allocation-update-export',
        'allocation-j.csv',
        csv(ALLOCATION, [allocation('50001', '1', '501', '9', '2')]),
      );
      const at = await cycle(json);
      const folder = dir('fulfillment-json-import');
      const name = `${at.toString()}-SalesOrderFulfillment.json`;
      expect(await files(folder)).toEqual([name]);
      const items = JSON.parse(await text(`${folder}${name}`)) as unknown;
      expect(items).toEqual([
        {
          orderMap: {
            orderId: 'HC-J1',
            items: [
              expect.objectContaining({
                orderItemSeqId: '00101',
                externalFacilityId: '9',
                shippedDate: '7/2/2025 10:23 am',
                quantity: 2,
              }),
            ],
          },
        },
      ]);
      const read = parseFulfillmentJson(items);
      expect(read.ok && read.items.map((i) => i.result.ok)).toEqual([true]);
      expect(json.invoices()).toEqual([]);
    } finally {
      await json.stop();
    }
  });
});
