/** `inventory-snapshot-import` → `InventorySnapshotImport`: construct ids derived from catalog ids. */
export const pascalCase = (s: string): string =>
  s.replace(/(^|[-_ ]+)(\w)/g, (_m, _sep: string, c: string) => c.toUpperCase());
