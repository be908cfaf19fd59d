/**
 * The NetSuite simulator against the real local SFTP server: files written where the OMS writes
 * them, one `cycle()` of the SuiteScripts, and the id files NetSuite writes back read over SFTP.
 */
import type SftpClient from 'ssh2-sftp-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedById, type FeedId } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { NetsuiteSimulator } from '../../local/netsuite/index.ts';
import { connectSftp, eventually, startTestCloud, TEST_PASSWORD } from '../support/local-cloud.ts';
import { feedFiles } from '../../shared/files/feed-file-store.ts';

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let oms: SftpClient;
let sim: NetsuiteSimulator;
let clock = new Date('2025-07-02T10:15:00.000Z');

/** The simulator's clock moves a minute per cycle; returns the cycle's time. */
const cycle = async (): Promise<Date> => {
  clock = new Date(clock.getTime() + 60_000);
  const at = clock;
  await sim.cycle();
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
/** The one file named `<at.toString()>-<suffix>` in a feed folder, as text. */
const idFile = async (feed: FeedId, at: Date, suffix: string) =>
  text(`${dir(feed)}${at.toString()}-${suffix}`);
const rejected = () => sim.log.filter((e) => e.kind === 'rejected').map((e) => [e.key, e.message]);

const CUSTOMERS = feedById('customer-export').columns;
const ORDERS = feedById('sales-order-export').columns;

const csv = (header: readonly string[], rows: string[][]) =>
  [header, ...rows].map((r) => `${r.join(',')}\n`).join('');

const customer = (hcId: string, externalId: string, over: Record<string, string> = {}) => {
  const values: Record<string, string> = {
    HCCustomerId: hcId,
    firstName: 'Ada',
    lastName: 'Lovelace',
    HCShopifyCustomerId: externalId,
    email: `${hcId.toLowerCase()}@example.com`,
    individual: 'T',
    status: 'CUSTOMER-Closed Won',
    taxable: 'TRUE',
    defaultOrderPriority: '5',
    externalId,
    phone: '555-0100',
    ...over,
  };
  return CUSTOMERS.map((c) => values[c] ?? '');
};

const orderLine = (hcOrderId: string, orderLineId: string, over: Record<string, string> = {}) => {
  const values: Record<string, string> = {
    orderId: `#${hcOrderId}`,
    HCOrderId: hcOrderId,
    externalId: `SHOP-${hcOrderId}`,
    HCShopifySalesOrderId: `SHOP-${hcOrderId}`,
    salesChannel: '2',
    customer: '1002',
    subsidiary: '1',
    date: '07/02/2025',
    email: 'ada@example.com',
    location: '',
    department: '',
    shippingMethod: '4',
    shippingCost: '5.00',
    shippingTaxCode: '',
    item: '501',
    orderLineId,
    closed: '',
    priceLevel: '-1',
    itemLocation: '',
    quantity: '1',
    price: '19.90',
    taxCode: '',
    addressee: 'Ada Lovelace',
    address1: '"12 Main St, Apt 4"', // quoted by the OMS's CSV writer
    address2: '',
    city: 'Boston',
    state: 'MA',
    country: 'US',
    zip: '02110',
    phone: '555-0100',
    billingAddressee: 'Ada Lovelace',
    billingAddress1: '12 Main St',
    billingAddress2: '',
    billingCity: 'Boston',
    billingState: 'MA',
    billingCountry: 'US',
    billingZip: '02110',
    billingPhone: '555-0100',
    ...over,
  };
  return ORDERS.map((c) => values[c] ?? '');
};

beforeAll(async () => {
  // No OMS handler consumes the id files here: the test reads them where NetSuite leaves them.
  cloud = await startTestCloud({ dispatch: false });
  oms = await connectSftp(cloud);
  sim = new NetsuiteSimulator({
    host: cloud.sftp.host,
    port: cloud.sftp.port,
    user: cloud.sftp.user,
    password: TEST_PASSWORD,
    now: () => clock,
  });
});

afterAll(async () => {
  await sim?.stop();
  await oms?.end();
  await cloud?.cleanup();
});

describe('NetSuite simulator over SFTP', () => {
  it('imports customers, keeps the id of one that already exists, and writes the customer ids', async () => {
    expect(sim.seedCustomers([{ externalId: 'SHOP-C2', email: 'grace@example.com' }])).toEqual([
      '1001',
    ]);
    await put(
      'customer-export',
      'customers-1.csv',
      csv(CUSTOMERS, [
        customer('HC-C1', 'SHOP-C1', { lastName: '"O,Neil"' }),
        customer('HC-C2', 'SHOP-C2'),
        customer('HC-C3', 'SHOP-C3', { email: 'not-an-email' }),
      ]),
    );
    const at = await cycle();

    expect(await files(dir('customer-export'))).toEqual([]);
    expect(await files(`${dir('customer-export')}archive`)).toEqual(['customers-1.csv']);
    expect(await files(dir('customer-id-import'))).toEqual([`${at.toString()}-CustomerExport.csv`]);
    expect(await idFile('customer-id-import', at, 'CustomerExport.csv')).toBe(
      'partyId,partyIdentificationTypeId,idValue\n' +
        'HC-C1,NETSUITE_CUSTOMER_ID,1002\n' +
        'HC-C2,NETSUITE_CUSTOMER_ID,1001\n',
    );
    expect(rejected()).toEqual([['SHOP-C3', 'invalid email not-an-email']]);
    expect(sim.received).toHaveLength(1);
    expect(sim.received[0]).toMatchObject({
      folder: 'customer/export',
      name: 'customers-1.csv',
      header: [...CUSTOMERS],
    });
    expect((sim.received[0]!.rows as string[][])[0]![2]).toBe('O,Neil');
  });

  it('gives a re-sent customer its id again, after the previous file’s last row', async () => {
    await put(
      'customer-export',
      'customers-2.csv',
      csv(CUSTOMERS, [customer('HC-C1', 'SHOP-C1'), customer('HC-C4', 'SHOP-C4')]),
    );
    const at = await cycle();
    expect(await idFile('customer-id-import', at, 'CustomerExport.csv')).toBe(
      'partyId,partyIdentificationTypeId,idValue\n' +
        'HC-C2,NETSUITE_CUSTOMER_ID,1001\n' + // the boundary row, repeated
        'HC-C1,NETSUITE_CUSTOMER_ID,1002\n' +
        'HC-C4,NETSUITE_CUSTOMER_ID,1003\n',
    );

    await cycle(); // nothing new: no file
    expect(await files(dir('customer-id-import'))).toHaveLength(2);
    expect(sim.snapshot().counts.customers).toBe(3);
  });

  it('creates sales orders with their lines, rejects the ones NetSuite refuses, and writes order and line ids', async () => {
    sim.seedItems([
      { itemId: '501', sku: 'SKU-1' },
      { itemId: '502', sku: 'SKU-2' },
    ]);
    await put(
      'sales-order-export',
      'orders-1.csv',
      csv(ORDERS, [
        orderLine('HC-O1', '00101'),
        orderLine('HC-O1', '00102', { item: '502', quantity: '2' }),
        orderLine('HC-O2', '00101', { customer: '1001' }),
        orderLine('HC-O3', '00101', { salesChannel: '' }),
        orderLine('HC-O4', '00101', { customer: '9999' }),
        orderLine('HC-O5', '00101'),
        orderLine('HC-O5', '00102', { item: '777' }),
        orderLine('HC-O6', '00101', { country: '' }),
      ]),
    );
    const at = await cycle();

    expect(await files(dir('sales-order-export'))).toEqual([]);
    expect(await files(`${dir('sales-order-export')}archive`)).toEqual(['orders-1.csv']);
    expect(await idFile('order-id-import', at, 'SalesOrderExport.csv')).toBe(
      'orderId,orderIdentificationTypeId,idValue\n' +
        'HC-O1,NETSUITE_ORDER_ID,50001\n' +
        'HC-O2,NETSUITE_ORDER_ID,50002\n',
    );
    expect(await idFile('order-line-id-import', at, 'SalesOrderItemExport.csv')).toBe(
      'orderId,orderItemSeqId,attrName,attrValue\n' +
        'HC-O1,00101,NetsuiteItemLineId,1\n' +
        'HC-O1,00102,NetsuiteItemLineId,2\n' +
        'HC-O2,00101,NetsuiteItemLineId,1\n',
    );
    expect(rejected().slice(1)).toEqual([
      ['HC-O3', 'salesChannel is empty'],
      ['HC-O4', 'customer 9999 does not exist'],
      ['HC-O5', 'item 777 does not exist (line 00102)'],
      ['HC-O6', 'required field country is empty'],
    ]);
    expect(await files(dir('customer-id-import'))).toHaveLength(2);
    const order = sim.snapshot().state.salesOrders['50001']!;
    expect(order.fields.address1).toBe('12 Main St, Apt 4');
    expect(order.lines.map((l) => [l.lineId, l.itemId, l.fields.quantity])).toEqual([
      ['1', '501', '1'],
      ['2', '502', '2'],
    ]);
  });

  it('keeps the ids of a re-sent order, exports them again after the boundary row, numbers a new line next', async () => {
    await put(
      'sales-order-export',
      'orders-2.csv',
      csv(ORDERS, [
        orderLine('HC-O1', '00101'),
        orderLine('HC-O1', '00102', { item: '502', quantity: '2' }),
        orderLine('HC-O1', '00103'),
      ]),
    );
    const at = await cycle();
    expect(await idFile('order-id-import', at, 'SalesOrderExport.csv')).toBe(
      'orderId,orderIdentificationTypeId,idValue\n' +
        'HC-O2,NETSUITE_ORDER_ID,50002\n' +
        'HC-O1,NETSUITE_ORDER_ID,50001\n',
    );
    expect(await idFile('order-line-id-import', at, 'SalesOrderItemExport.csv')).toBe(
      'orderId,orderItemSeqId,attrName,attrValue\n' +
        'HC-O2,00101,NetsuiteItemLineId,1\n' +
        'HC-O1,00101,NetsuiteItemLineId,1\n' +
        'HC-O1,00102,NetsuiteItemLineId,2\n' +
        'HC-O1,00103,NetsuiteItemLineId,3\n',
    );
    expect(sim.snapshot().counts).toMatchObject({ salesOrders: 2, salesOrderLines: 4 });
  });

  it('moves a file whose header does not match the import mapping to failed/ with an error file', async () => {
    const customerHeader = CUSTOMERS.map((c) => (c === 'HCCustomerId' ? 'hcCustomerId' : c));
    await put(
      'customer-export',
      'wrong-header.csv',
      csv(customerHeader, [customer('HC-C9', 'SHOP-C9')]),
    );
    const orderHeader = ORDERS.filter((c) => c !== 'salesChannel');
    await put(
      'sales-order-export',
      'missing-column.csv',
      csv(orderHeader, [
        orderLine('HC-O9', '00101').filter((_, i) => ORDERS[i] !== 'salesChannel'),
      ]),
    );
    const at = await cycle();

    expect(await files(`${dir('customer-export')}failed`)).toEqual(['wrong-header.csv']);
    expect(await text(`${dir('customer-export')}error/${at.toString()}-ErrorCustomer.csv`)).toBe(
      'fileName,errorMessage\n' +
        'wrong-header.csv,header does not match the import mapping: ' +
        'missing column(s) HCCustomerId; unknown column(s) hcCustomerId\n',
    );
    expect(await files(`${dir('sales-order-export')}failed`)).toEqual(['missing-column.csv']);
    expect(
      await text(`${dir('sales-order-export')}error/${at.toString()}-ErrorSalesOrder.csv`),
    ).toBe(
      'fileName,errorMessage\n' +
        'missing-column.csv,header does not match the import mapping: missing column(s) salesChannel\n',
    );
    expect(await files(dir('customer-export'))).toEqual([]);
    expect(sim.snapshot().counts).toMatchObject({ customers: 3, salesOrders: 2 });
    expect(await files(dir('customer-id-import'))).toHaveLength(2);
  });

  it('reads one deposit file per run, dedupes on externalId, and writes the deposit ids', async () => {
    const deposit = (externalId: string, orderId: string, totalAmount: number) => ({
      totalAmount,
      externalId,
      orderId,
      paymentMethod: '7',
      shopifyOrderNumber: '1001',
      shopifyOrderId: '5550001',
      shopifyOrderName: '#1001',
    });
    await put(
      'customer-deposit-export',
      'a-deposits.json',
      JSON.stringify([deposit('PAY-1', '50001', 45.7), deposit('PAY-2', '50002', 19.9)]),
    );
    await put(
      'customer-deposit-export',
      'b-deposits.json',
      JSON.stringify([
        deposit('PAY-1', '50001', 45.7),
        deposit('PAY-3', '50999', 12),
        deposit('PAY-4', '50002', 0),
        deposit('PAY-5', '50002', 10),
      ]),
    );
    const first = await cycle();
    expect(await files(dir('customer-deposit-export'))).toEqual(['b-deposits.json']);
    expect(await files(`${dir('customer-deposit-export')}archive`)).toEqual(['a-deposits.json']);
    expect(await idFile('deposit-id-import', first, 'CustomerDepositExport.csv')).toBe(
      'orderId,internalId,manualRefNumber\nHC-O1,90001,PAY-1\nHC-O2,90002,PAY-2\n',
    );

    const second = await cycle();
    expect(await files(dir('customer-deposit-export'))).toEqual([]);
    expect(await idFile('deposit-id-import', second, 'CustomerDepositExport.csv')).toBe(
      'orderId,internalId,manualRefNumber\n' +
        'HC-O2,90002,PAY-2\n' + // boundary row
        'HC-O1,90001,PAY-1\n' + // re-sent: same deposit, modified, exported again
        'HC-O2,90003,PAY-5\n',
    );
    expect(sim.snapshot().counts.deposits).toBe(3);
    expect(rejected().at(-1)).toEqual(['PAY-3', 'sales order 50999 does not exist']);
    expect(sim.log.find((e) => e.kind === 'skipped')?.key).toBe('PAY-4');
    expect(sim.received.at(-1)?.header).toEqual(feedById('customer-deposit-export').columns);
  });

  it('wrote every file atomically and saw no partial file so far', async () => {
    expect(sim.partialFilesSeen).toEqual([]);
    // Written straight into place (an upload is stored whole when closed): no staging folder.
    expect(await oms.exists(`/home/${cloud.sftp.user}/netsuite/.sim-tmp`)).toBe(false);
    const names = await files(dir('order-id-import'));
    expect(names).toHaveLength(2);
    expect(new Set(names).size).toBe(names.length);
  });

  it('notes incomplete files and fails a deposit file that is not JSON', async () => {
    const truncated =
      csv(CUSTOMERS, [customer('HC-C5', 'SHOP-C5')]) +
      customer('HC-C6', 'SHOP-C6').slice(0, 2).join(',');
    await put('customer-export', 'truncated.csv', truncated);
    await put('customer-deposit-export', 'c-empty.json', '');
    await put('customer-deposit-export', 'd-cut.json', '[{"totalAmount":1,');
    const at = await cycle();

    expect(sim.partialFilesSeen.map((p) => [p.folder, p.name])).toEqual([
      ['customer/export', 'truncated.csv'],
      ['salesorder/customerdeposit', 'c-empty.json'],
      ['salesorder/customerdeposit', 'd-cut.json'],
    ]);
    expect(sim.partialFilesSeen[0]!.reason).toMatch(/does not end with a line break/);
    // NetSuite imports what it got, the cut row too (empty cells for what is missing): the harm
    // a non-atomic writer does.
    expect(await idFile('customer-id-import', at, 'CustomerExport.csv')).toBe(
      'partyId,partyIdentificationTypeId,idValue\n' +
        'HC-C4,NETSUITE_CUSTOMER_ID,1003\n' +
        'HC-C5,NETSUITE_CUSTOMER_ID,1004\n' +
        'HC-C6,NETSUITE_CUSTOMER_ID,1005\n',
    );
    expect(sim.snapshot().state.customers['1005']!.fields).toEqual({
      HCCustomerId: 'HC-C6',
      firstName: 'Ada',
    });
    // The empty deposit file waits where it is; the cut one moves to failed/ with an error file.
    expect(await files(dir('customer-deposit-export'))).toEqual(['c-empty.json']);
    expect(await files(`${dir('customer-deposit-export')}failed`)).toEqual(['d-cut.json']);
    const error = await text(
      `${dir('customer-deposit-export')}error/${at.toString()}-ErrorCustomerDeposit.csv`,
    );
    expect(error).toMatch(/^fileName,errorMessage\nd-cut\.json,malformed JSON: /);
  });

  it('runs its cycles on an interval once started, until stopped', async () => {
    sim.start({ intervalMs: 50 });
    try {
      await put(
        'customer-export',
        'customers-3.csv',
        csv(CUSTOMERS, [customer('HC-C7', 'SHOP-C7')]),
      );
      await eventually(
        async () =>
          (await files(`${dir('customer-export')}archive`)).includes('customers-3.csv') ||
          undefined,
      );
    } finally {
      await sim.stop();
    }
    expect(sim.snapshot().state.customers['1006']?.hcCustomerId).toBe('HC-C7');
  });
});
