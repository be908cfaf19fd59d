/**
 * The inventory snapshot importer: each valid row resets NetSuite's figure for one SKU at one
 * facility. Rows are written in batches; a key repeated within the file is reported, and the
 * first occurrence stands.
 */
import {
  parseSnapshotRow,
  snapshotKey,
  type SnapshotRecord,
} from '../domain/inventory-snapshot.ts';
import type { CsvImporter, CsvImportSession } from '../feeds/file-import.ts';
import { snapshotItem, type InventoryStore } from '../store/inventory-store.ts';

export function inventorySnapshotImporter(store: InventoryStore): CsvImporter {
  return {
    async open({ fileName }): Promise<CsvImportSession> {
      const writer = store.snapshotWriter();
      const importedAt = new Date().toISOString();
      const firstLine = new Map<string, number>();
      let applied = 0;
      return {
        async row(record, line) {
          const result = parseSnapshotRow(record as SnapshotRecord);
          if (!result.ok) return { field: result.field, reason: result.reason };
          const key = snapshotKey(result.row);
          const seen = firstLine.get(key);
          if (seen !== undefined) {
            return {
              field: 'Item',
              reason: `duplicate row for ${result.row.sku} at ${result.row.facilityId}; line ${seen} was applied`,
            };
          }
          firstLine.set(key, line);
          await writer.put(snapshotItem(result.row, { file: fileName, importedAt }));
          applied++;
          return undefined;
        },
        async finish() {
          await writer.flush();
          return { applied };
        },
      };
    },
  };
}
