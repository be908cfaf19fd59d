import type { Command } from 'commander';
import { skuFacilities } from '../../../shared/console/lookup.ts';
import { orderRuntime, root, skuLookupDeps } from '../../../shared/app/root.ts';
import { print, table } from '../output.ts';

export function inventoryCommands(program: Command): void {
  const inventory = program.command('inventory').description('inventory per SKU and facility');
  inventory
    .command('show <sku>')
    .description('NetSuite figures, reserved quantity, safety stock and ATP for a SKU per facility')
    .option('--json', 'print JSON')
    .action(async (sku: string, opts: { json?: boolean }) => {
      const rows = await skuFacilities(sku, skuLookupDeps(root()));
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
      const position = await orderRuntime(root()).positions.setSafetyStock(sku, facility, safety);
      print(
        !!opts.json,
        position,
        () =>
          `${sku} at ${facility}: safety stock ${position.safety}, reserved ${position.reserved}, ATP ${position.atp}`,
      );
    });
}
