/**
 * What a function declares it needs of the OMS's data: tables (read or read-write) and S3 key
 * prefixes (read, write or read-write). CDK derives each function's IAM policy from these and
 * nothing else (`infra/constructs/declared-access.ts`); a CDK assertion test compares every
 * synthesized policy with them. No AWS imports: the local cloud and the CLI read them too.
 */
import type { TableKey } from './tables.ts';

export type TableAccess = 'read' | 'read-write';

/** `read`: get/head/list; `write`: create (no read, no delete); `read-write`: all three + delete. */
export type PrefixAccess = 'read' | 'write' | 'read-write';

export type TableNeeds = Readonly<Partial<Record<TableKey, TableAccess>>>;

export interface PrefixNeed {
  /** An S3 key prefix ending in `/` (e.g. `home/netsuite/netsuite/customer/import/`). */
  readonly prefix: string;
  readonly access: PrefixAccess;
}

/** Every table, read and written (most jobs: the order core spans all three). */
export const ALL_TABLES: TableNeeds = {
  inventory: 'read-write',
  orders: 'read-write',
  control: 'read-write',
};

/** Every table, read only (lookups: an order, a store's queue). */
export const ALL_TABLES_READ: TableNeeds = {
  inventory: 'read',
  orders: 'read',
  control: 'read',
};
