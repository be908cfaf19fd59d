import type { Command } from 'commander';
import { dynamo, table as tableName } from '../../../shared/store/dynamo-client.ts';
import { InventoryStore } from '../../../shared/store/inventory-store.ts';
import { atpOf } from '../../../shared/domain/reservations/availability.ts';
import { orderRuntime } from '../../../shared/orders/runtime.ts';
import { print, table } from '../output.ts';

export function inventoryCommands(program: Command): void {
  const inventory = program.command('inventory').description('inventory per SKU and facility');
  inventory
    .command('show <sku>')
    .description('NetSuite figures, reserved quantity, safety stock and ATP for a SKU per facility')
    .option('--json', 'print JSON')
    .action(async (sku: string, opts: { json?: boolean }) => {
      const figures = await new InventoryStore(dynamo(), tableName('inventory')).figuresForSku(sku);
      const { positions, reservations, holds } = await orderRuntime().positions.sku(sku);
      const facilities = [
        ...new Set([...figures.map((f) => f.facilityId), ...positions.keys()]),
      ].sort();
      const rows = facilities.map((facilityId) => {
        const f = figures.find((x) => x.facilityId === facilityId);
        const p = positions.get(facilityId);
        const reserved = p?.reserved ?? 0;
        const safety = p?.safety ?? 0;
        return {
          ...f,
          sku,
          facilityId,
          nsQty: f?.nsQty ?? 0,
          reserved,
          safety,
          /** Live: NetSuite's figure now − reserved − safety stock (never below 0). */
          atp: atpOf({ nsQty: f?.nsQty ?? 0, reserved, safety }),
          /** As stored at the last reservation write (for queries); the reconcile job refreshes it. */
          storedAtp: p?.atp,
          reservations: reservations.filter((r) => r.facilityId === facilityId).length,
          /** Units of adjustment holds (stolen, damaged) NetSuite's figure does not reflect yet. */
          held: holds.filter((h) => h.facilityId === facilityId).reduce((n, h) => n + h.qty, 0),
        };
      });
      print(!!opts.json, rows, () =>
        table(
          rows.map((r) => ({
            facility: r.facilityId,
            netsuiteQty: r.nsQty,
            reserved: r.reserved,
            safety: r.safety,
            atp: r.atp,
            storedAtp: r.storedAtp ?? '',
            lines: r.reservations,
            held: r.held,
            itemId: r.nsItemId,
            asOf: r.nsAt,
            file: r.nsFile,
          })),
        ),
      );
    });
  inventory
    .command('safety <sku> <facility> <quantity>')
    .description('set the safety stock of a SKU at a facility (kept out of ATP)')
    .option('--json', 'print JSON')
    .action(async (sku: string, facility: string, quantity: string, opts: { json?: boolean }) => {
      const safety = Number(quantity);
      if (!Number.isSafeInteger(safety) || safety < 0) {
        throw new Error(`safety stock must be a whole number ≥ 0, got "${quantity}"`);
      }
      const position = await orderRuntime().positions.setSafetyStock(sku, facility, safety);
      print(
        !!opts.json,
        position,
        () =>
          `${sku} at ${facility}: safety stock ${position.safety}, reserved ${position.reserved}, ATP ${position.atp}`,
      );
    });
}
