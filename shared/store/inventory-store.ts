/**
 * Inventory records in DynamoDB. One partition per SKU; NetSuite's snapshot figure for a facility
 * is the item `NS#<facilityId>`, kept apart from the OMS's own reservations so that a snapshot
 * reset never overwrites them.
 */
import { QueryCommand, ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SnapshotRow } from '../domain/inventory-snapshot.ts';
import { BatchWriter, type Item } from './batch-writer.ts';

export const NS_PREFIX = 'NS#';

export interface SnapshotMeta {
  /** The file the figure came from. */
  readonly file: string;
  /** ISO time of the import. */
  readonly importedAt: string;
}

export function snapshotItem(row: SnapshotRow, meta: SnapshotMeta): Item {
  const item: Item = {
    pk: { S: row.sku },
    sk: { S: `${NS_PREFIX}${row.facilityId}` },
    facilityId: { S: row.facilityId },
    nsQty: { N: String(row.availableQty) },
    nsFile: { S: meta.file },
    nsAt: { S: meta.importedAt },
  };
  if (row.itemId) item.nsItemId = { S: row.itemId };
  return item;
}

export interface FacilityFigure {
  readonly sku: string;
  readonly facilityId: string;
  readonly nsQty: number;
  readonly nsItemId?: string;
  readonly nsAt: string;
  readonly nsFile: string;
}

export class InventoryStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  snapshotWriter(concurrency = 16): BatchWriter {
    return new BatchWriter({
      client: this.client,
      table: this.table,
      keyAttributes: ['pk', 'sk'],
      concurrency,
    });
  }

  /** NetSuite's figures for one SKU across every facility. */
  async figuresForSku(sku: string): Promise<FacilityFigure[]> {
    const figures: FacilityFigure[] = [];
    let start: Item | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :sku AND begins_with(sk, :ns)',
          ExpressionAttributeValues: { ':sku': { S: sku }, ':ns': { S: NS_PREFIX } },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      for (const i of out.Items ?? []) {
        figures.push({
          sku,
          facilityId: i.facilityId?.S ?? '',
          nsQty: Number(i.nsQty?.N ?? 0),
          nsItemId: i.nsItemId?.S,
          nsAt: i.nsAt?.S ?? '',
          nsFile: i.nsFile?.S ?? '',
        });
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return figures;
  }

  /** Every NetSuite figure in the table, a page at a time (a full read: use sparingly). */
  async *scanFigures(): AsyncGenerator<FacilityFigure[]> {
    let start: Item | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: 'begins_with(sk, :ns)',
          ExpressionAttributeValues: { ':ns': { S: NS_PREFIX } },
          ExclusiveStartKey: start,
        }),
      );
      yield (page.Items ?? []).map((i) => ({
        sku: i.pk?.S ?? '',
        facilityId: i.facilityId?.S ?? '',
        nsQty: Number(i.nsQty?.N ?? 0),
        nsItemId: i.nsItemId?.S,
        nsAt: i.nsAt?.S ?? '',
        nsFile: i.nsFile?.S ?? '',
      }));
      start = page.LastEvaluatedKey;
    } while (start);
  }
}
