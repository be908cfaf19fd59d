import type { Command } from 'commander';
import { dynamo, table as tableName } from '../../../shared/store/dynamo-client.ts';
import { InventoryStore } from '../../../shared/store/inventory-store.ts';
import { print, table } from '../output.ts';

export function inventoryCommands(program: Command): void {
  const inventory = program.command('inventory').description('inventory per SKU and facility');
  inventory
    .command('show <sku>')
    .description('NetSuite figures for a SKU across facilities')
    .option('--json', 'print JSON')
    .action(async (sku: string, opts: { json?: boolean }) => {
      const figures = await new InventoryStore(dynamo(), tableName('inventory')).figuresForSku(sku);
      print(!!opts.json, figures, () =>
        table(
          figures.map((f) => ({
            facility: f.facilityId,
            netsuiteQty: f.nsQty,
            itemId: f.nsItemId,
            asOf: f.nsAt,
            file: f.nsFile,
          })),
        ),
      );
    });
}
