/**
 * Inventory records in DynamoDB. One partition per SKU; NetSuite's snapshot figure for a facility
 * is the item `NS#<facilityId>`, kept apart from the OMS's own reservations so that a snapshot
 * reset never overwrites them. A snapshot writes its row's quantity plus the deltas it folds in
 * (`nsFolded`: applied before its import, after its search).
 */
import {
  paginateQuery,
  paginateScan,
  QueryCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { SnapshotRow } from '../domain/inventory-snapshot.ts';
import { BatchWriter, type Item } from './batch-writer.ts';

export const NS_PREFIX = 'NS#';

export interface SnapshotMeta {
  /** The file the figure came from. */
  readonly file: string;
  /** ISO time of the import. */
  readonly importedAt: string;
  /**
   * Deltas folded into the figure (the row's quantity + this is written): applied before the
   * import, after the snapshot's search (docs/inventory.md, "Deltas"). Kept as `nsFolded`.
   */
  readonly folded?: number;
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
  if (meta.folded) item.nsFolded = { N: String(meta.folded) };
  return item;
}

/**
 * Writes snapshot figures whose row has no item id (`idValue` blank): an update of the figure that
 * leaves a stored `nsItemId` as it is — a blank cell never erases a known id. Up to `concurrency`
 * updates in flight; `update` returns a promise only when that many are (the caller's backpressure).
 */
export class FigureUpdater {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;
  written = 0;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly concurrency = 16,
  ) {}

  update(row: SnapshotRow, meta: SnapshotMeta): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    const call = this.client
      .send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: { S: row.sku }, sk: { S: `${NS_PREFIX}${row.facilityId}` } },
          UpdateExpression: meta.folded
            ? 'SET facilityId = :f, nsQty = :q, nsFile = :file, nsAt = :at, nsFolded = :folded'
            : 'SET facilityId = :f, nsQty = :q, nsFile = :file, nsAt = :at REMOVE nsFolded',
          ExpressionAttributeValues: {
            ':f': { S: row.facilityId },
            ':q': { N: String(row.availableQty) },
            ':file': { S: meta.file },
            ':at': { S: meta.importedAt },
            ...(meta.folded ? { ':folded': { N: String(meta.folded) } } : {}),
          },
        }),
      )
      .then(() => {
        this.written++;
      })
      .catch((err: unknown) => {
        this.failure ??= err;
      });
    const tracked = call.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    return this.inFlight.size >= this.concurrency ? Promise.race(this.inFlight) : undefined;
  }

  /** Waits for every update in flight. */
  async flush(): Promise<void> {
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
  }
}

export interface FacilityFigure {
  readonly sku: string;
  readonly facilityId: string;
  readonly nsQty: number;
  readonly nsItemId?: string;
  readonly nsAt: string;
  readonly nsFile: string;
  /** Deltas the snapshot that wrote the figure folded into it, if any. */
  readonly nsFolded?: number;
}

export class InventoryStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  /** Figures of rows without an item id (they keep the stored one). */
  figureUpdater(concurrency = 16): FigureUpdater {
    return new FigureUpdater(this.client, this.table, concurrency);
  }

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
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :sku AND begins_with(sk, :ns)',
        ExpressionAttributeValues: { ':sku': { S: sku }, ':ns': { S: NS_PREFIX } },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) figures.push(...(page.Items ?? []).map(figureOf));
    return figures;
  }

  /**
   * NetSuite item ids the inventory snapshot named (`idValue`) for SKUs the product registry does
   * not know: one small query per SKU, so use it for the few that are missing.
   */
  async itemIdsFromSnapshot(skus: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    await Promise.all(
      skus.map(async (sku) => {
        const out = await this.client.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :sku AND begins_with(sk, :ns)',
            FilterExpression: 'attribute_exists(nsItemId)',
            ExpressionAttributeValues: { ':sku': { S: sku }, ':ns': { S: NS_PREFIX } },
            ProjectionExpression: 'nsItemId',
            Limit: 25,
          }),
        );
        const id = out.Items?.find((i) => i.nsItemId?.S)?.nsItemId?.S;
        if (id) found.set(sku, id);
      }),
    );
    return found;
  }

  /** Every NetSuite figure in the table, a page at a time (a full read: use sparingly). */
  async *scanFigures(): AsyncGenerator<FacilityFigure[]> {
    const pages = paginateScan(
      { client: this.client },
      {
        TableName: this.table,
        FilterExpression: 'begins_with(sk, :ns)',
        ExpressionAttributeValues: { ':ns': { S: NS_PREFIX } },
      },
    );
    for await (const page of pages) yield (page.Items ?? []).map(figureOf);
  }
}

const figureOf = (i: Item): FacilityFigure => ({
  sku: i.pk?.S ?? '',
  facilityId: i.facilityId?.S ?? '',
  nsQty: Number(i.nsQty?.N ?? 0),
  nsItemId: i.nsItemId?.S,
  nsAt: i.nsAt?.S ?? '',
  nsFile: i.nsFile?.S ?? '',
  ...(i.nsFolded?.N ? { nsFolded: Number(i.nsFolded.N) } : {}),
});
