import type { Command } from 'commander';
import { dynamo, table as tableName } from '../../../shared/store/dynamo-client.ts';
import { ProductStore } from '../../../shared/store/product-store.ts';
import { print, table } from '../output.ts';

export function productCommands(program: Command): void {
  const product = program
    .command('product')
    .description('product registry: SKU ↔ NetSuite item id (from product/csv)');
  product
    .command('show <sku>')
    .description("a SKU's NetSuite item id, the file it came from, and whether it is confirmed")
    .option('--json', 'print JSON')
    .action(async (sku: string, opts: { json?: boolean }) => {
      const found = await new ProductStore(dynamo(), tableName('control')).show(sku);
      if (!found) {
        if (opts.json) console.log('null');
        else console.log(`no NetSuite item id known for SKU "${sku}"`);
        process.exitCode = 1;
        return;
      }
      print(!!opts.json, found, () =>
        table([
          {
            sku: found.sku,
            itemId: found.itemId,
            // not confirmed: the item id was since given to another SKU in a later product file
            confirmed: found.confirmed ? 'yes' : 'no (item id re-mapped)',
            updated: found.updatedAt,
            file: found.file,
          },
        ]),
      );
    });
}
