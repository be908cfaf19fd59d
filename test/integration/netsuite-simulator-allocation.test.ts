/**
 * The NetSuite simulator's allocation update and rejections against the real local SFTP server:
 * sales orders created through the sales order import, allocation update files the OMS writes to
 * `salesorder/update`, and the rejected-items files NetSuite writes back, read over SFTP.
 */
import type SftpClient from 'ssh2-sftp-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedById, type FeedId } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { NetsuiteSimulator } from '../../local/netsuite/index.ts';
import { connectSftp, startTestCloud, TEST_PASSWORD } from '../support/local-cloud.ts';
import { feedFiles } from '../../shared/files/feed-file-store.ts';

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let oms: SftpClient;
let sim: NetsuiteSimulator;
let clock = new Date('2025-07-02T10:15:00.000Z');

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
const rejectionFile = (at: Date) =>
  text(`${dir('rejected-item-import')}${at.toString()}-RejectedOrderItemExport.csv`);
const line = (internalId: string, lineId: string) =>
  sim.snapshot().state.salesOrders[internalId]!.lines.find((l) => l.lineId === lineId)!;
const refusedSince = (n: number) =>
  sim.log
    .filter((e) => e.kind === 'rejected')
    .slice(n)
    .map((e) => [e.key, e.message]);

const ORDERS = feedById('sales-order-export').columns;
const ALLOCATION = feedById('allocation-update-export').columns;
const FULFILLED = feedById('oms-fulfilled-export').columns;
const CLOSE = feedById('line-close-export').columns;
const HEADER = 'orderId,orderItemSeqId,rejectionComments,rejectionReason\n';

const csv = (header: readonly string[], rows: string[][]) =>
  [header, ...rows].map((r) => `${r.join(',')}\n`).join('');
const cells = (header: readonly string[], values: Record<string, string>) =>
  header.map((c) => values[c] ?? '');

const orderLine = (hcOrderId: string, orderLineId: string, item: string, quantity = '1') =>
  cells(ORDERS, {
    orderId: `#${hcOrderId}`,
    HCOrderId: hcOrderId,
    externalId: `SHOP-${hcOrderId}`,
    salesChannel: '2',
    customer: '1001',
    date: '07/02/2025',
    shippingMethod: '4',
    item,
    orderLineId,
    quantity,
    price: '19.90',
    addressee: 'Ada Lovelace',
    address1: '12 Main St',
    city: 'Boston',
    state: 'MA',
    country: 'US',
    zip: '02110',
  });

const allocation = (
  internalId: string,
  lineId: string,
  item: string,
  location: string,
  over: Record<string, string> = {},
) =>
  cells(ALLOCATION, {
    lineId,
    internalId,
    item,
    closed: 'false',
    quantity: '1',
    location,
    addressee: 'Ada Lovelace',
    address1: '12 Main St',
    city: 'Boston',
    state: 'MA',
    country: 'US',
    zip: '02110',
    shippingMethod: '4',
    ...over,
  });

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
    rejectWhen: (l) => l.hcOrderId === 'HC-O3' && l.attempt === 1,
  });
  sim.seedCustomers([{ externalId: 'SHOP-C1' }]);
  sim.seedItems([{ itemId: '501' }, { itemId: '502' }, { itemId: '503' }]);
  await put(
    'sales-order-export',
    'orders.csv',
    csv(ORDERS, [
      orderLine('HC-O1', '00101', '501'),
      orderLine('HC-O1', '00102', '502', '2'),
      orderLine('HC-O2', '00101', '503'),
      orderLine('HC-O3', '00101', '501'),
    ]),
  );
  await cycle();
});

afterAll(async () => {
  await sim?.stop();
  await oms?.end();
  await cloud?.cleanup();
});

describe('NetSuite simulator: allocation update and rejections', () => {
  it('starts from sales orders created by the sales order import', () => {
    expect(sim.snapshot().counts).toMatchObject({
      salesOrders: 3,
      salesOrderLines: 4,
      allocatedLines: {},
      rejectedLines: 0,
    });
  });

  it('allocates lines, rejects the ones a rejecting location gets, and exports the rejections', async () => {
    const before = refusedSince(0).length;
    await put(
      'allocation-update-export',
      'allocation-1.csv',
      csv(ALLOCATION, [
        allocation('50001', '1', '501', '7', { address2: 'Apt 4' }),
        allocation('50001', '2', '502', '13', { quantity: '2' }),
        allocation('50002', '1', '503', '13'),
        allocation('50003', '1', '501', '8'),
        allocation('50001', '9', '501', '7'),
        allocation('50002', '1', '999', '7'),
        allocation('50999', '1', '501', '7'),
      ]),
    );
    const at = await cycle();

    expect(await files(dir('allocation-update-export'))).toEqual([]);
    expect(await files(`${dir('allocation-update-export')}archive`)).toEqual(['allocation-1.csv']);
    expect(await files(dir('rejected-item-import'))).toEqual([
      `${at.toString()}-RejectedOrderItemExport.csv`,
    ]);
    // Unescaped: the first comment's comma shifts its columns, as NetSuite's exports do.
    expect(await rejectionFile(at)).toBe(
      HEADER +
        'HC-O1,00102,Not found in bin, location 13,\n' +
        'HC-O2,00101,Inventory count short,Out of stock\n' +
        'HC-O3,00101,,\n',
    );
    expect(refusedSince(before)).toEqual([
      ['50001/9', 'line 9 does not exist on sales order 50001'],
      ['50002/1', "item 999 is not the line's item 503"],
      ['50999/1', 'sales order 50999 does not exist'],
    ]);
    // The refused rows come back in an error file, by line; the rest of the file was applied.
    const errorFile = `${at.toString()}-ErrorSalesOrderUpdate.csv`;
    expect(await files(`${dir('allocation-update-export')}error`)).toEqual([errorFile]);
    expect(await text(`${dir('allocation-update-export')}error/${errorFile}`)).toBe(
      'fileName,errorMessage\n' +
        'allocation-1.csv,line 6: line 9 does not exist on sales order 50001\n' +
        "allocation-1.csv,line 7: item 999 is not the line's item 503\n" +
        'allocation-1.csv,line 8: sales order 50999 does not exist\n',
    );

    const first = line('50001', '1');
    expect(first).toMatchObject({ location: '7', fields: { quantity: '1', address2: 'Apt 4' } });
    expect(first.rejected).toBeUndefined();
    expect(line('50001', '2')).toMatchObject({
      location: 'REJECTED',
      rejected: true,
      rejection: { fromLocation: '13', reason: '', comments: 'Not found in bin, location 13' },
      fields: { quantity: '2' },
    });
    expect(line('50001', '2').history!.map((e) => [e.kind, e.location])).toEqual([
      ['allocated', '13'],
      ['rejected', '13'],
    ]);
    expect(line('50003', '1')).toMatchObject({ location: 'REJECTED', rejected: true });
    expect(sim.snapshot().counts).toMatchObject({
      allocatedLines: { '7': 1 },
      rejectedLines: 3,
      lineRejections: 3,
    });
    expect(sim.log.filter((e) => e.kind === 'line-rejected').map((e) => e.key)).toEqual([
      '50001/2',
      '50002/1',
      '50003/1',
    ]);
  });

  it('re-allocated with rejected=false, a line leaves Rejected Orders; a rejecting location rejects it again', async () => {
    await put(
      'allocation-update-export',
      'allocation-2.csv',
      csv(ALLOCATION, [
        allocation('50001', '2', '502', '7', { quantity: '2', rejected: 'false' }),
        allocation('50002', '1', '503', '13', { rejected: 'false' }),
      ]),
    );
    const at = await cycle();

    expect(await rejectionFile(at)).toBe(
      HEADER +
        'HC-O3,00101,,\n' + // the previous file's last row, repeated
        'HC-O2,00101,Box damaged, item 503 not shippable,Damaged\n',
    );
    const moved = line('50001', '2');
    expect(moved).toMatchObject({ location: '7', rejected: false });
    expect(moved.history!.map((e) => e.kind)).toEqual([
      'allocated',
      'rejected',
      'unflagged',
      'allocated',
    ]);
    expect(line('50002', '1')).toMatchObject({ location: 'REJECTED', rejected: true });
    expect(line('50002', '1').history!.filter((e) => e.kind === 'rejected')).toHaveLength(2);
    expect(sim.snapshot().counts).toMatchObject({
      allocatedLines: { '7': 2 },
      rejectedLines: 2,
      lineRejections: 4,
    });
  });

  it('exports a rejection again when the line is re-allocated without clearing the flag, and writes nothing when nothing is new', async () => {
    const header = ALLOCATION.filter((c) => c !== 'rejected');
    await put(
      'allocation-update-export',
      'allocation-3.csv',
      csv(header, [allocation('50003', '1', '501', '9').slice(0, header.length)]),
    );
    const at = await cycle();
    expect(await rejectionFile(at)).toBe(
      HEADER + 'HC-O2,00101,Box damaged, item 503 not shippable,Damaged\n' + 'HC-O3,00101,,\n',
    );
    expect(line('50003', '1')).toMatchObject({ location: '9', rejected: true });
    expect(sim.log.findLast((e) => e.key === '50003/1' && e.kind === 'updated')?.message).toBe(
      'line 1 allocated to location 9; still checked rejected: its rejection is exported again',
    );

    await cycle();
    expect(await files(dir('rejected-item-import'))).toHaveLength(3);
  });

  it('takes OMS-fulfilled rows (quantity, location, tag) and line closes sent to the same folder', async () => {
    const before = refusedSince(0).length;
    await put(
      'line-close-export',
      'a-close.csv',
      csv(CLOSE, [cells(CLOSE, { internalId: '50002', lineId: '1', closed: 'true' })]),
    );
    await put(
      'oms-fulfilled-export',
      'b-fulfilled.csv',
      csv(FULFILLED, [
        ['1', '50001', '501', '1', '21', 'hotwax-fulfilled'],
        ['2', '50001', '502', '2', '21', 'something-else'],
      ]),
    );
    await cycle();

    expect(await files(`${dir('allocation-update-export')}archive`)).toEqual([
      'a-close.csv',
      'allocation-1.csv',
      'allocation-2.csv',
      'allocation-3.csv',
      'b-fulfilled.csv',
    ]);
    expect(line('50002', '1').closed).toBe(true);
    expect(line('50001', '1')).toMatchObject({
      fulfilledByOms: { quantity: '1', location: '21' },
      location: '21',
      tags: 'hotwax-fulfilled',
    });
    // Another tag is a tag like any other: set, and the line is never fulfilled by the script.
    expect(line('50001', '2')).toMatchObject({ location: '21', tags: 'something-else' });
    expect(refusedSince(before)).toEqual([]);
    // NetSuite has nothing of item 501 at location 21: the tagged line waits, nothing committed.
    expect(sim.notFulfilled().map((n) => [n.salesOrderId, n.lineId, n.code])).toEqual([
      ['50001', '1', 'not-committed'],
    ]);
    expect(sim.fulfillments()).toEqual([]);
    expect(sim.snapshot().counts).toMatchObject({
      allocatedLines: { '21': 2, '9': 1 },
      rejectedLines: 0,
    });
  });

  it('moves a file whose header matches none of the three layouts to failed/ with an error file', async () => {
    const header = ALLOCATION.map((c) => (c === 'lineId' ? 'LineId' : c));
    await put(
      'allocation-update-export',
      'wrong-header.csv',
      csv(header, [allocation('50001', '1', '501', '7')]),
    );
    await put(
      'allocation-update-export',
      'mixed-header.csv',
      csv([...CLOSE, 'tags'], [['50001', '1', 'true', 'hotwax-fulfilled']]),
    );
    const earlier = await files(`${dir('allocation-update-export')}error`);
    const at = await cycle();

    expect(await files(`${dir('allocation-update-export')}failed`)).toEqual([
      'mixed-header.csv',
      'wrong-header.csv',
    ]);
    const errors = (await files(`${dir('allocation-update-export')}error`)).filter(
      (e) => !earlier.includes(e),
    );
    expect(errors).toHaveLength(2);
    const contents = await Promise.all(
      errors.map((e) => text(`${dir('allocation-update-export')}error/${e}`)),
    );
    expect(contents.sort()).toEqual([
      'fileName,errorMessage\nmixed-header.csv,header does not match the import mapping: unknown column(s) tags\n',
      'fileName,errorMessage\nwrong-header.csv,header does not match the import mapping: ' +
        'missing column(s) lineId; unknown column(s) LineId\n',
    ]);
    expect(errors).toContain(`${at.toString()}-ErrorSalesOrderUpdate.csv`);
    expect(line('50001', '1').location).toBe('21');
  });

  it('wrote every file atomically and saw no partial file', async () => {
    expect(sim.partialFilesSeen).toEqual([]);
    expect(await oms.exists(`/home/${cloud.sftp.user}/netsuite/.sim-tmp`)).toBe(false);
  });
});
