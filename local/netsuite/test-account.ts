/**
 * A NetSuite account for the simulator's unit tests (test/unit/netsuite-simulator-*.test.ts): the whole simulator on an in-memory SFTP
 * (MemorySftp), its clock a minute further each cycle, with items, locations, a customer, and
 * helpers to put the OMS's files where the OMS writes them.
 */
import { CONTRACT } from './contract.ts';
import { MemorySftp } from './memory-sftp.ts';
import { NetsuiteSimulator, type NetsuiteSimulatorOptions } from './simulator.ts';

export const START = new Date('2025-07-02T10:15:00.000Z');

/** Warehouses 7 and 8 (subsidiary 1), stores 21 and 22 (subsidiary 2). */
export const LOCATIONS = [
  { id: '7', kind: 'warehouse', subsidiary: '1' },
  { id: '8', kind: 'warehouse', subsidiary: '1' },
  { id: '21', kind: 'store', subsidiary: '2' },
  { id: '22', kind: 'store', subsidiary: '2' },
] as const;

export const csv = (header: readonly string[], rows: ReadonlyArray<Record<string, string>>) =>
  [header, ...rows.map((r) => header.map((c) => r[c] ?? ''))]
    .map((row) => `${row.join(',')}\n`)
    .join('');

export type Account = ReturnType<typeof account>;

export function account(options: Partial<NetsuiteSimulatorOptions> = {}) {
  let clock = START;
  const sftp = new MemorySftp();
  const sim = new NetsuiteSimulator({
    host: 'unused',
    port: 1,
    user: 'netsuite',
    sftp,
    now: () => clock,
    ...options,
  });
  sim.seedItems([
    { itemId: '501', sku: 'SKU-1' },
    { itemId: '502', sku: 'SKU-2' },
    { itemId: '503' },
  ]);
  sim.seedLocations([...LOCATIONS]);
  sim.seedCustomers([{ externalId: 'S1', internalId: '1001' }]);
  const self = {
    sim,
    sftp,
    now: () => clock,
    /** Moves the clock a minute and runs every script once; returns the cycle's time. */
    async cycle(): Promise<Date> {
      clock = new Date(clock.getTime() + 60_000);
      await sim.cycle();
      return clock;
    },
    put(
      folder: string,
      name: string,
      header: readonly string[],
      rows: Array<Record<string, string>>,
    ) {
      sftp.put(folder, name, csv(header, rows));
    },
    /** Puts a sales order file: one order per entry, lines `[orderLineId, item, quantity]`. */
    orders(name: string, orders: Record<string, ReadonlyArray<readonly [string, string, string]>>) {
      const rows = Object.entries(orders).flatMap(([hcOrderId, lines]) =>
        lines.map(([orderLineId, item, quantity]) => ({
          orderId: `#${hcOrderId}`,
          HCOrderId: hcOrderId,
          externalId: `SHOP-${hcOrderId}`,
          HCShopifySalesOrderId: `5550-${hcOrderId}`,
          salesChannel: '2',
          customer: '1001',
          date: '07/02/2025',
          country: 'US',
          item,
          orderLineId,
          quantity,
          price: '10.00',
        })),
      );
      self.put(CONTRACT.salesOrders.folder, name, CONTRACT.salesOrders.required, rows);
    },
    /** Allocation rows (`salesorder/update`). */
    allocate(name: string, rows: ReadonlyArray<Record<string, string>>) {
      self.put(
        CONTRACT.allocationUpdate.folder,
        name,
        CONTRACT.allocationUpdate.required,
        rows.map((r) => ({ ...r })),
      );
    },
    /** OMS-fulfilled rows (`tags` defaults to hotwax-fulfilled). */
    shipped(name: string, rows: ReadonlyArray<Record<string, string>>) {
      self.put(
        CONTRACT.omsFulfilledUpdate.folder,
        name,
        CONTRACT.omsFulfilledUpdate.required,
        rows.map((r) => ({ tags: 'hotwax-fulfilled', ...r })),
      );
    },
    close(name: string, rows: ReadonlyArray<Record<string, string>>) {
      self.put(
        CONTRACT.lineCloseUpdate.folder,
        name,
        CONTRACT.lineCloseUpdate.required,
        rows.map((r) => ({ closed: 'true', ...r })),
      );
    },
    /** The sales order internal id of an OMS order. */
    orderId(hcOrderId: string): string {
      const line = sim.lines().find((l) => l.hcOrderId === hcOrderId);
      if (!line) throw new Error(`no order ${hcOrderId}`);
      return line.internalId;
    },
    line(hcOrderId: string, lineId: string) {
      const line = sim.lines().find((l) => l.hcOrderId === hcOrderId && l.lineId === lineId);
      if (!line) throw new Error(`no line ${hcOrderId}/${lineId}`);
      return line;
    },
    /** The refusals the scripts logged, as `key: message`. */
    refused(): string[] {
      return sim.log.filter((e) => e.kind === 'rejected').map((e) => `${e.key}: ${e.message}`);
    },
  };
  return self;
}
