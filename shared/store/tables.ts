/**
 * DynamoDB table definitions, read by CDK (infra/) and by the local cloud bootstrap, so that the
 * key schema exists in one place.
 */

export interface TableDefinition {
  /** Logical name; the physical name is `<prefix>-<name>`. */
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly purpose: string;
  /** Attribute that holds an epoch-seconds expiry, when items expire. */
  readonly timeToLive?: string;
}

export const TABLES = {
  inventory: {
    name: 'inventory',
    partitionKey: 'pk',
    sortKey: 'sk',
    purpose: 'inventory per SKU × facility: NetSuite figure, reservations, ATP',
  },
  orders: {
    name: 'orders',
    partitionKey: 'pk',
    sortKey: 'sk',
    purpose: 'orders, lines, buckets, releases, shipments, history',
  },
  control: {
    name: 'control',
    partitionKey: 'pk',
    sortKey: 'sk',
    purpose: 'import ledger, checkpoints, reference mappings, sync state',
    timeToLive: 'expiresAt',
  },
} as const satisfies Record<string, TableDefinition>;

export type TableKey = keyof typeof TABLES;

export const tableName = (prefix: string, table: TableKey): string =>
  `${prefix}-${TABLES[table].name}`;
