/**
 * What NetSuite's imports do with the OMS's files (plan rules 3, 7, 8), on the whole simulator over
 * an in-memory SFTP: the `salesorder/update` semantics (quantity overwrites the line, refused below
 * what is fulfilled, location commits, at most 25,000 records a file), the exception files for
 * refused rows (`<name>,line <n>: <message>`, JSON `record <n>`) beside the archived input, and the
 * inventory adjustment import's refusals.
 */
import { describe, expect, it } from 'vitest';
import { CONTRACT } from '../../local/netsuite/contract.ts';
import { account, csv, type Account } from '../../local/netsuite/test-account.ts';

const errorFiles = (acc: Account, folder: string) =>
  acc.sftp
    .files(`${folder}/error`)
    .map((name) => ({ name, text: acc.sftp.text(`${folder}/error`, name) }));

async function withOrder(acc: Account) {
  acc.orders('o.csv', {
    A: [
      ['1', '501', '3'],
      ['2', '502', '2'],
    ],
  });
  await acc.cycle();
  return acc.orderId('A');
}

describe('salesorder/update: quantity, location, close', () => {
  it('quantity overwrites the line quantity and location commits there', async () => {
    const acc = account();
    acc.sim.seedInventory([{ location: '7', itemId: '501', onHand: 10 }]);
    const so = await withOrder(acc);
    acc.allocate('a.csv', [
      { internalId: so, lineId: '1', item: '501', location: '7', quantity: '2' },
    ]);
    await acc.cycle();
    expect(acc.line('A', '1')).toMatchObject({ quantity: 2, location: '7', committed: 2 });
    expect(acc.sim.books({ location: '7', itemId: '501' })[0]).toMatchObject({
      committed: 2,
      available: 8,
    });
    // Re-sent with a lower quantity (a partial cancellation): the commitment follows.
    acc.allocate('b.csv', [
      { internalId: so, lineId: '1', item: '501', location: '7', quantity: '1' },
    ]);
    await acc.cycle();
    expect(acc.line('A', '1')).toMatchObject({ quantity: 1, committed: 1 });
    expect(acc.sftp.files('salesorder/update/archive')).toEqual(['a.csv', 'b.csv']);
    expect(acc.sftp.files('salesorder/update/error')).toEqual([]);
  });

  it('refuses a quantity below what is fulfilled, with the line number in the error file; the rest applies', async () => {
    const acc = account({ fulfilWhen: () => true });
    acc.sim.seedInventory([{ location: '7', itemId: '501', onHand: 10 }]);
    const so = await withOrder(acc);
    acc.allocate('a.csv', [{ internalId: so, lineId: '1', item: '501', location: '7' }]);
    await acc.cycle(); // the warehouse ships the 3 units of line 1
    expect(acc.line('A', '1').fulfilled).toBe(3);
    acc.allocate('b.csv', [
      { internalId: so, lineId: '2', item: '502', location: '8', quantity: '1' },
      { internalId: so, lineId: '1', item: '501', location: '7', quantity: '2' },
      { internalId: so, lineId: '2', item: '502', location: '99' },
      { internalId: so, lineId: '1', item: '501', location: '7', quantity: '3' },
    ]);
    const at = await acc.cycle();
    expect(acc.sftp.files('salesorder/update/archive')).toEqual(['a.csv', 'b.csv']);
    expect(errorFiles(acc, 'salesorder/update')).toEqual([
      {
        name: `${at.toString()}-ErrorSalesOrderUpdate.csv`,
        text:
          'fileName,errorMessage\n' +
          'b.csv,line 3: quantity 2 is below the 3 already fulfilled on line 1\n' +
          'b.csv,line 4: location 99 does not exist\n',
      },
    ]);
    expect(acc.line('A', '2')).toMatchObject({ quantity: 1, location: '8' });
    expect(acc.line('A', '1')).toMatchObject({ quantity: 3, fulfilled: 3 });
  });

  it('fails a file of 25,001 records as a whole; takes one of 25,000', async () => {
    const acc = account();
    const so = await withOrder(acc);
    const close = (n: number) =>
      csv(
        CONTRACT.lineCloseUpdate.required,
        Array.from({ length: n }, () => ({ internalId: so, lineId: '1', closed: 'true' })),
      );
    acc.sftp.put('salesorder/update', 'big.csv', close(25_001));
    const at = await acc.cycle();
    expect(acc.sftp.files('salesorder/update/failed')).toEqual(['big.csv']);
    expect(
      acc.sftp.text('salesorder/update/error', `${at.toString()}-ErrorSalesOrderUpdate.csv`),
    ).toBe(
      'fileName,errorMessage\nbig.csv,25001 records: a CSV import takes at most 25000 a file\n',
    );
    expect(acc.line('A', '1').closed).toBe(false);
    acc.sftp.put('salesorder/update', 'max.csv', close(25_000));
    await acc.cycle();
    expect(acc.sftp.files('salesorder/update/archive')).toEqual(['max.csv']);
    expect(acc.line('A', '1').closed).toBe(true); // then 24,999 repeats that change nothing
    expect(acc.sftp.files('salesorder/update/error')).toHaveLength(1);
  });

  it('a header matching none of the three layouts fails the file', async () => {
    const acc = account();
    acc.sftp.put('salesorder/update', 'odd.csv', 'internalId,lineId,Closed\n50001,1,true\n');
    const at = await acc.cycle();
    expect(acc.sftp.files('salesorder/update/failed')).toEqual(['odd.csv']);
    expect(
      acc.sftp.text('salesorder/update/error', `${at.toString()}-ErrorSalesOrderUpdate.csv`),
    ).toMatch(
      /^fileName,errorMessage\nodd\.csv,header does not match the import mapping: missing column\(s\) closed; unknown column\(s\) Closed\n$/,
    );
  });
});

describe('row-level exception files of the other imports', () => {
  it('customers: ErrorCustomer with the line numbers; sales orders: every row of a refused order', async () => {
    const acc = account();
    const customer = (hc: string, over: Record<string, string> = {}) => ({
      HCCustomerId: hc,
      firstName: 'Ada',
      lastName: 'L',
      individual: 'T',
      externalId: `SHOP-${hc}`,
      email: `${hc}@example.com`,
      ...over,
    });
    acc.put('customer/export', 'c.csv', CONTRACT.customers.required, [
      customer('C1'),
      customer('C2', { email: 'nope' }),
      customer('C3'),
    ]);
    acc.orders('o.csv', {
      A: [['1', '501', '1']],
      B: [
        ['1', '501', '1'],
        ['2', '777', '1'],
      ],
    });
    const at = await acc.cycle();
    expect(acc.sftp.text('customer/export/error', `${at.toString()}-ErrorCustomer.csv`)).toBe(
      'fileName,errorMessage\nc.csv,line 3: invalid email nope\n',
    );
    expect(acc.sftp.text('salesorder/export/error', `${at.toString()}-ErrorSalesOrder.csv`)).toBe(
      'fileName,errorMessage\n' +
        'o.csv,line 3: sales order B refused: item 777 does not exist (line 2)\n' +
        'o.csv,line 4: sales order B refused: item 777 does not exist (line 2)\n',
    );
    expect(acc.sftp.files('customer/export/archive')).toEqual(['c.csv']);
    expect(acc.sftp.files('salesorder/export/archive')).toEqual(['o.csv']);
    expect(acc.sim.snapshot().counts).toMatchObject({ customers: 3, salesOrders: 1 });
  });

  it('customer deposits (JSON): record numbers', async () => {
    const acc = account();
    const so = await withOrder(acc);
    acc.sftp.put(
      'salesorder/customerdeposit',
      'd.json',
      JSON.stringify([
        { totalAmount: 5, externalId: 'P1', orderId: so },
        { totalAmount: 5, externalId: 'P2', orderId: '999' },
        { totalAmount: 0, externalId: 'P3', orderId: so }, // skipped, not refused
        'x',
      ]),
    );
    const at = await acc.cycle();
    expect(
      acc.sftp.text(
        'salesorder/customerdeposit/error',
        `${at.toString()}-ErrorCustomerDeposit.csv`,
      ),
    ).toBe(
      'fileName,errorMessage\n' +
        'd.json,record 2: sales order 999 does not exist\n' +
        'd.json,record 4: element is not an object\n',
    );
    expect(acc.sftp.files('salesorder/customerdeposit/archive')).toEqual(['d.json']);
  });
});

describe('the inventory adjustment import', () => {
  const header = [...CONTRACT.inventoryAdjustments.required, 'Subsidiary'];
  const adj = (ref: string, over: Record<string, string> = {}) => ({
    'Reference No': ref,
    'Adjustment Account': '58',
    Item: '501',
    'Adjust Qty By': '-1',
    Location: '21',
    Date: '07/02/2025',
    Memo: 'VAR_STOLEN',
    'HC Inventory Adj Id': `HC-${ref}`,
    'Adjustment Location': '21',
    Subsidiary: '2',
    ...over,
  });

  it('refuses an unknown account, a missing or wrong subsidiary, a duplicate Reference No and bad values', async () => {
    const acc = account();
    acc.sim.seedInventory([{ location: '21', itemId: '501', onHand: 5 }]);
    acc.put('inventoryadjustment/csv', 'a.csv', header, [
      adj('R1'),
      adj('R1', { Item: '502', 'Adjust Qty By': '2' }), // same adjustment, second line
      adj('R2', { 'Adjustment Account': '999' }),
      adj('R3', { Subsidiary: '' }),
      adj('R4', { Subsidiary: '1' }),
      adj('R5', { Item: '777' }),
      adj('R6', { Location: '99', 'Adjustment Location': '99' }),
      adj('R7', { 'Adjust Qty By': '0' }),
      adj('R8', { Date: '2025-07-02' }),
      adj('R9'),
      adj('R9', { 'Adjust Qty By': 'x' }), // one bad row refuses its whole adjustment
      adj(''),
    ]);
    const first = await acc.cycle();
    acc.put('inventoryadjustment/csv', 'b.csv', header, [adj('R1'), adj('R10')]);
    const second = await acc.cycle();
    expect(acc.sftp.files('inventoryadjustment/csv/archive')).toEqual(['a.csv', 'b.csv']);
    expect(
      acc.sftp.text(
        'inventoryadjustment/csv/error',
        `${first.toString()}-ErrorInventoryAdjustment.csv`,
      ),
    ).toBe(
      'fileName,errorMessage\n' +
        'a.csv,line 4: Adjustment Account 999 is not an account internal id of this account\n' +
        'a.csv,line 5: Subsidiary is required in a OneWorld account\n' +
        "a.csv,line 6: Subsidiary 1 is not location 21's subsidiary 2\n" +
        'a.csv,line 7: item 777 does not exist\n' +
        'a.csv,line 8: location 99 does not exist\n' +
        'a.csv,line 9: Adjust Qty By 0 is not a whole non-zero number\n' +
        'a.csv,line 10: Date 2025-07-02 is not MM/dd/yyyy\n' +
        'a.csv,line 11: inventory adjustment R9 not created: another of its rows was refused\n' +
        'a.csv,line 12: Adjust Qty By x is not a whole non-zero number\n' +
        'a.csv,line 13: Reference No is empty\n',
    );
    expect(
      acc.sftp.text(
        'inventoryadjustment/csv/error',
        `${second.toString()}-ErrorInventoryAdjustment.csv`,
      ),
    ).toBe(
      'fileName,errorMessage\n' +
        'b.csv,line 2: Reference No R1 is already used by inventory adjustment 60001 (duplicate external id)\n',
    );
    const oms = acc.sim.transactions();
    expect(
      oms.map((t) => [t.referenceNo, t.lines.map((l) => `${l.itemId}@${l.location}${l.delta}`)]),
    ).toEqual([
      ['R1', ['501@21-1', '502@212']],
      ['R10', ['501@21-1']],
    ]);
    expect(acc.sim.books({ location: '21', itemId: '501' })[0]!.onHand).toBe(3);
    expect(acc.sim.books({ location: '21', itemId: '502' })[0]!.onHand).toBe(2);
  });

  it('takes other accounts when configured, and no Subsidiary outside OneWorld', async () => {
    const acc = account({ adjustmentAccounts: ['58', '61'], oneWorld: false });
    acc.put('inventoryadjustment/csv', 'a.csv', CONTRACT.inventoryAdjustments.required, [
      adj('R1', { 'Adjustment Account': '61' }),
    ]);
    await acc.cycle();
    expect(acc.sftp.files('inventoryadjustment/csv/error')).toEqual([]);
    expect(acc.sim.transactions()).toHaveLength(1);
    expect(() => account({ adjustmentAccounts: ['Inventory Adjustments'] })).toThrow(
      /adjustmentAccounts/,
    );
  });

  it('fails a file whose header is not the mapping', async () => {
    const acc = account();
    acc.put('inventoryadjustment/csv', 'a.csv', [...header, 'Department'], [adj('R1')]);
    const at = await acc.cycle();
    expect(acc.sftp.files('inventoryadjustment/csv/failed')).toEqual(['a.csv']);
    expect(
      acc.sftp.text(
        'inventoryadjustment/csv/error',
        `${at.toString()}-ErrorInventoryAdjustment.csv`,
      ),
    ).toBe(
      'fileName,errorMessage\na.csv,header does not match the import mapping: unknown column(s) Department\n',
    );
  });
});
