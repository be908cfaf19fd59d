/**
 * Reflect entries: evidence that NetSuite's books hold a promise of the OMS from a known moment on
 * (docs/inventory.md, "When a hold ends"). Kept in the control table, readable by time:
 *
 *   pk=REFLECT#<shard>  sk=<takenAt ISO>#<kind>#<record id>
 *
 * - `allocation`, `fulfilled`, `invadj`: NetSuite took an OMS file (`takenAt` = the archived
 *   object's S3 LastModified) holding the record (an allocation `<order>#<line>#<facility>` or its
 *   re-quote `…#Q…`, an OMS-fulfilled line `<order>#<line>` or an older `SF-…` entry, an inventory
 *   adjustment id);
 * - `nsfulfillment`: NetSuite shipped units of a line itself (`<order>#<line>#<facility>`;
 *   `takenAt` = the fulfillment file's S3 upload time: its books held the item fulfillment before).
 *
 * Each says what it covers (`covered`: the quantity NetSuite was told, or the units shipped) at
 * which SKU × facility. The settle step (`shared/inventory/settle.ts`) reads the entries taken
 * before a snapshot's search (sk < uploadedAt − L), ends what they cover and deletes them. Entries
 * spread over 16 shards (by a hash of their key), queried in parallel. Writing the same entry twice
 * is one item (same key, same content): the watcher may see an archive twice. An entry no snapshot
 * settles expires after 30 days (its hold stays counted; the reconcile job reports old holds).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { paginateQuery } from '@aws-sdk/client-dynamodb';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { hash32 } from '../domain/hash64.ts';
import { BatchWriter } from './batch-writer.ts';
import { documentClient } from './document-client.ts';

export const REFLECT_SHARDS = 16;
export const REFLECT_TTL_DAYS = 30;
const DAY_S = 86_400;

/**
 * `nsunpromised`: units NetSuite shipped that the OMS no longer promised (an unpromised-shipment
 * hold, shared/fulfillment/netsuite-fulfillment-import.ts); it ends like an adjustment hold.
 */
export type ReflectKind = 'allocation' | 'fulfilled' | 'invadj' | 'nsfulfillment' | 'nsunpromised';

/** The kinds that end a line's counted units (the others end adjustment holds). */
export const LINE_KINDS: ReadonlySet<ReflectKind> = new Set<ReflectKind>([
  'allocation',
  'fulfilled',
  'nsfulfillment',
]);

export interface ReflectEntryInput {
  readonly kind: ReflectKind;
  /** The outbox record id (or `<order>#<line>#<facility>` for NetSuite's own fulfillments). */
  readonly recordId: string;
  /** When NetSuite's books held it (S3 time, ISO). */
  readonly takenAt: string;
  readonly sku: string;
  readonly facilityId: string;
  /** Units NetSuite's books hold for it (≥ 0). */
  readonly covered: number;
  /** The file that told NetSuite (or NetSuite's fulfillment file). */
  readonly file: string;
  /** Line entries. */
  readonly orderId?: string;
  readonly lineSeq?: string;
  /** Adjustment entries. */
  readonly adjustmentId?: string;
}

export interface ReflectEntry extends ReflectEntryInput {
  /** The entry's sort key: `<takenAt>#<kind>#<record id>`. */
  readonly key: string;
}

/** ISO with milliseconds, so that keys sort by time. */
const normIso = (t: string): string => new Date(t).toISOString();

export const reflectKey = (e: Pick<ReflectEntryInput, 'takenAt' | 'kind' | 'recordId'>): string =>
  `${normIso(e.takenAt)}#${e.kind}#${e.recordId}`;

export const reflectPk = (key: string): string => `REFLECT#${hash32(key) % REFLECT_SHARDS}`;

const entryOf = (i: Record<string, unknown>): ReflectEntry => ({
  key: i.sk as string,
  kind: i.kind as ReflectKind,
  recordId: i.recordId as string,
  takenAt: i.takenAt as string,
  sku: i.sku as string,
  facilityId: i.facilityId as string,
  covered: Number(i.covered ?? 0),
  file: i.file as string,
  ...(i.orderId !== undefined ? { orderId: i.orderId as string } : {}),
  ...(i.lineSeq !== undefined ? { lineSeq: i.lineSeq as string } : {}),
  ...(i.adjustmentId !== undefined ? { adjustmentId: i.adjustmentId as string } : {}),
});

export class ReflectStore {
  private readonly doc;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = documentClient(client);
  }

  /** Writes entries (one BatchWriteItem per 25); the same entry written again is the same item. */
  async put(entries: readonly ReflectEntryInput[], nowMs = Date.now()): Promise<number> {
    if (!entries.length) return 0;
    const writer = new BatchWriter({
      client: this.client,
      table: this.table,
      keyAttributes: ['pk', 'sk'],
      concurrency: 4,
    });
    const expiresAt = Math.floor(nowMs / 1000) + REFLECT_TTL_DAYS * DAY_S;
    for (const e of entries) {
      const key = reflectKey(e);
      await writer.put(
        marshall(
          {
            pk: reflectPk(key),
            sk: key,
            ...e,
            takenAt: normIso(e.takenAt),
            itemType: 'reflect',
            expiresAt,
          },
          { removeUndefinedValues: true },
        ),
      );
    }
    await writer.flush();
    return entries.length;
  }

  /** Entries taken strictly before `beforeIso` (every shard), oldest first. */
  async takenBefore(beforeIso: string): Promise<ReflectEntry[]> {
    const before = normIso(beforeIso);
    const nowS = Date.now() / 1000;
    const shards = await Promise.all(
      Array.from({ length: REFLECT_SHARDS }, async (_, s) => {
        const out: ReflectEntry[] = [];
        const pages = paginateQuery(
          { client: this.client },
          {
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk AND sk < :before',
            ExpressionAttributeValues: { ':pk': { S: `REFLECT#${s}` }, ':before': { S: before } },
            ConsistentRead: true,
          },
        );
        for await (const page of pages) {
          for (const raw of page.Items ?? []) {
            const i = unmarshall(raw);
            if (typeof i.expiresAt === 'number' && i.expiresAt < nowS) continue;
            out.push(entryOf(i));
          }
        }
        return out;
      }),
    );
    return shards.flat().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Every entry (every shard), oldest first: for status views and tests. */
  all(): Promise<ReflectEntry[]> {
    return this.takenBefore('9999-12-31T23:59:59.999Z');
  }

  /** Deletes one entry by its key (nothing when it is gone). */
  async delete(key: string): Promise<void> {
    await this.doc.send(
      new DeleteCommand({ TableName: this.table, Key: { pk: reflectPk(key), sk: key } }),
    );
  }

  /**
   * Deletes the entry of a record of a file taken at `takenAt` (NetSuite refused the record).
   * Returns whether there was one.
   */
  async remove(e: Pick<ReflectEntryInput, 'takenAt' | 'kind' | 'recordId'>): Promise<boolean> {
    const key = reflectKey(e);
    const out = await this.doc.send(
      new DeleteCommand({
        TableName: this.table,
        Key: { pk: reflectPk(key), sk: key },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return !!out.Attributes;
  }
}
