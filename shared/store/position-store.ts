/**
 * The OMS's own inventory records, beside NetSuite's figure in the inventory table:
 *
 *   pk=<sku>  sk=NS#<facility>                      NetSuite's figure (nsQty), written by the
 *                                                   snapshot import with BatchWriteItem Put; the
 *                                                   OMS never writes it (a Put would wipe it)
 *   pk=<sku>  sk=POS#<facility>                     position: reserved, safety, atp, v (version)
 *   pk=<sku>  sk=RES#<facility>#<order>#<lineSeq>   one reservation row per line × facility (qty)
 *   pk=<sku>  sk=RES#<facility>#ADJ#<adjustmentId>  an adjustment hold (`holds`,
 *                                                   adjustment-holds.ts), counted in reserved
 *   pk=<sku>  sk=RES#<facility>#GRANT#<grantId>     a group-commit reservation grant (`grants`,
 *                                                   reservation-grants.ts), counted in reserved
 *
 * The item shapes and their decoding are in position-items.ts (pure); this store reads them and
 * writes positions and reservation rows.
 *
 * A reservation is race-free although nsQty lives on an item the import overwrites: the move's
 * transaction carries a ConditionCheck on the NS# item (`nsQty >= :seen`) and a conditional
 * increment of the POS# item (`reserved <= :seen − safety − q`), see `reserveItems`. The stored
 * `atp` = nsQty − reserved − safety as of that write is for display and queries; no condition
 * trusts it.
 *
 * Σ reservation rows + Σ adjustment holds + Σ grants = reserved (the reconcile job checks it).
 *
 * Group commit: commands that reserve at one SKU × facility share one transaction
 * (`OrderTransactions.commitShared`: `reserveItems` for their sum, then their own items); an order
 * reserving at several facilities takes grants instead (`grants.reserve`).
 *
 * Over 400 lines: the reads of a SKU's records (every kind, for reconcile and brokering) and the
 * position's conditional writes are one contract; holds and grants, which only add their rows and
 * their share of reserved, live in their own modules.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactGetCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { documentClient } from './document-client.ts';
import { NS_PREFIX } from './inventory-store.ts';
import { atpOf } from '../domain/reservations/availability.ts';
import type { FacilityFigures } from '../domain/reservations/facility-figures.ts';
import { AdjustmentHolds } from './adjustment-holds.ts';
import {
  addCounted,
  facilityState,
  POS_PREFIX,
  RES_PREFIX,
  reservationSk,
  toPosition,
  type CountedRows,
  type FacilityState,
  type Position,
  type Reservation,
  type Row,
} from './position-items.ts';
import { ReservationGrants } from './reservation-grants.ts';
import { backoffMs, sleep, type TxItem } from './transactions.ts';

export * from './position-items.ts';

/** DynamoDB's limit of items in one TransactGetItems. */
const TX_GET_ITEMS = 100;

export class PositionStore {
  private readonly doc: DynamoDBDocumentClient;
  /** The group commit's reservation grants at this table's positions. */
  readonly grants: ReservationGrants;
  /** The adjustment holds at this table's positions. */
  readonly holds: AdjustmentHolds;

  constructor(
    client: DynamoDBClient,
    readonly table: string,
  ) {
    this.doc = documentClient(client);
    this.grants = new ReservationGrants(this, this.doc);
    this.holds = new AdjustmentHolds(this, this.doc);
  }

  /** NetSuite's figure and the OMS's position at one facility, read consistently in one call. */
  async facility(sku: string, facilityId: string): Promise<FacilityState> {
    const out = await this.doc.send(
      new BatchGetCommand({
        RequestItems: {
          [this.table]: {
            Keys: [
              { pk: sku, sk: `${NS_PREFIX}${facilityId}` },
              { pk: sku, sk: `${POS_PREFIX}${facilityId}` },
            ],
            ConsistentRead: true,
          },
        },
      }),
    );
    const got = out.Responses?.[this.table] ?? [];
    const left = out.UnprocessedKeys?.[this.table]?.Keys?.length ?? 0;
    if (left > 0) return this.facility(sku, facilityId);
    const ns = got.find((i) => i.sk === `${NS_PREFIX}${facilityId}`);
    const pos = got.find((i) => i.sk === `${POS_PREFIX}${facilityId}`);
    return facilityState(sku, facilityId, ns, pos);
  }

  /**
   * NetSuite's figures and the positions at these facilities, and one more item (an order
   * command's event, `also`), read as **one snapshot** (TransactGetItems, across tables): a
   * decision on these figures knows whether that item existed at the same instant. Undefined when
   * DynamoDB cancelled the read (a transaction was writing one of the items), when a facility is
   * named twice or when there are too many items for one call: read them the ordinary way.
   */
  async facilitiesWith(
    at: ReadonlyArray<{ readonly sku: string; readonly facilityId: string }>,
    also: { readonly table: string; readonly key: Readonly<Record<string, string>> },
  ): Promise<{ facilities: FacilityState[]; also?: Row } | undefined> {
    const distinct = new Set(at.map((a) => `${a.sku}\u0000${a.facilityId}`)).size === at.length;
    // One item may be named once in a transaction.
    if (!distinct || 2 * at.length + 1 > TX_GET_ITEMS) return undefined;
    const keys = at.flatMap(({ sku, facilityId }) => [
      { TableName: this.table, Key: { pk: sku, sk: `${NS_PREFIX}${facilityId}` } },
      { TableName: this.table, Key: { pk: sku, sk: `${POS_PREFIX}${facilityId}` } },
    ]);
    let items: (Row | undefined)[];
    try {
      const out = await this.doc.send(
        new TransactGetCommand({
          TransactItems: [...keys, { TableName: also.table, Key: { ...also.key } }].map((Get) => ({
            Get,
          })),
        }),
      );
      items = (out.Responses ?? []).map((r) => r.Item as Row | undefined);
    } catch (err) {
      if ((err as { name?: string }).name === 'TransactionCanceledException') return undefined;
      throw err;
    }
    const facilities = at.map(({ sku, facilityId }, i) =>
      facilityState(sku, facilityId, items[2 * i], items[2 * i + 1]),
    );
    const other = items[keys.length];
    return other ? { facilities, also: other } : { facilities };
  }

  /**
   * The transaction items that change the reserved quantity at a facility by `delta`, given the
   * figures read (`seen`: NetSuite's nsQty N, the position's safety stock S).
   *
   * Reserving q (delta > 0) is a conditional increment, not a compare-and-swap on the version, so
   * concurrent reservations of a hot SKU do not fail each other:
   *
   *   ConditionCheck NS#f:  nsQty >= N
   *   Update POS#f:         reserved += q   if reserved <= N − S − q  and  safety = S
   *                         (or the position does not exist yet and N − S − q >= 0: that
   *                         branch is only in the condition when it holds)
   *
   * At commit: reserved_after = reserved_before + q <= N − S <= nsQty_now − S, so ATP =
   * nsQty − reserved − safety stays >= 0 whatever else committed in between. Releasing q
   * (delta < 0) decrements under `reserved >= q and safety = S`. Both set `atp = N − S −
   * reserved_after` in the same expression (update expressions can do the arithmetic that
   * conditions cannot) and bump the version `v` (which reconcile and safety-stock writes use).
   */
  reserveItems(
    seen: FacilityFigures,
    delta: number,
    now: string,
  ): { position: TxItem; nsCheck?: TxItem } {
    const p = seen.position;
    const nsQty = seen.nsQty ?? 0;
    const Key = { pk: seen.sku, sk: `${POS_PREFIX}${seen.facilityId}` };
    const common = {
      ':ns': nsQty,
      ':now': now,
      ':one': 1,
      ':zero': 0,
      ':safety': p.safety,
      ':f': seen.facilityId,
      ':type': 'position',
    };
    if (delta > 0) {
      const limit = nsQty - p.safety - delta;
      return {
        position: {
          Update: {
            TableName: this.table,
            Key,
            UpdateExpression:
              'SET reserved = if_not_exists(reserved, :zero) + :q, atp = :top - if_not_exists(reserved, :zero), ' +
              'safety = if_not_exists(safety, :zero), facilityId = :f, itemType = :type, nsQtySeen = :ns, ' +
              'v = if_not_exists(v, :zero) + :one, updatedAt = :now',
            // A position not written yet passes `attribute_not_exists`, whatever `delta`: only
            // when N − S covers `delta` (a batch's sum is checked by no command before it).
            ConditionExpression:
              limit >= 0
                ? 'attribute_not_exists(pk) OR (reserved <= :limit AND safety = :safety)'
                : 'reserved <= :limit AND safety = :safety',
            ExpressionAttributeValues: {
              ...common,
              ':q': delta,
              ':limit': limit,
              ':top': limit,
            },
          },
        },
        nsCheck: {
          ConditionCheck: {
            TableName: this.table,
            Key: { pk: seen.sku, sk: `${NS_PREFIX}${seen.facilityId}` },
            ConditionExpression: 'nsQty >= :ns',
            ExpressionAttributeValues: { ':ns': nsQty },
          },
        },
      };
    }
    const q = -delta;
    // Oversold (NetSuite's figure fell under what is reserved): ATP shows 0 until it recovers.
    const oversold = nsQty - p.safety - (p.reserved - q) < 0;
    return {
      position: {
        Update: {
          TableName: this.table,
          Key,
          UpdateExpression: `SET reserved = reserved - :q, atp = ${
            oversold ? ':zero' : ':top - reserved'
          }, nsQtySeen = :ns, v = v + :one, updatedAt = :now`,
          ConditionExpression: 'reserved >= :q AND safety = :safety',
          ExpressionAttributeValues: {
            ':q': q,
            ...(oversold ? { ':zero': 0 } : { ':top': nsQty - p.safety + q }),
            ':ns': nsQty,
            ':one': 1,
            ':now': now,
            ':safety': p.safety,
          },
        },
      },
    };
  }

  /** A check that NetSuite's figure is still the one read (or still absent). */
  netsuiteCheck(seen: FacilityFigures): TxItem {
    const Key = { pk: seen.sku, sk: `${NS_PREFIX}${seen.facilityId}` };
    return seen.nsQty === undefined
      ? {
          ConditionCheck: {
            TableName: this.table,
            Key,
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        }
      : {
          ConditionCheck: {
            TableName: this.table,
            Key,
            ConditionExpression: 'nsQty = :seen',
            ExpressionAttributeValues: { ':seen': seen.nsQty },
          },
        };
  }

  /** The line's reservation row after a change: a Put, or a Delete when nothing is left. */
  reservationItem(r: Reservation, now: string): TxItem {
    const key = { pk: r.sku, sk: reservationSk(r.facilityId, r.orderId, r.lineSeq) };
    if (r.qty <= 0) return { Delete: { TableName: this.table, Key: key } };
    return {
      Put: {
        TableName: this.table,
        Item: {
          ...key,
          itemType: 'reservation',
          facilityId: r.facilityId,
          orderId: r.orderId,
          lineSeq: r.lineSeq,
          qty: r.qty,
          updatedAt: now,
        },
      },
    };
  }

  /**
   * NetSuite's figures and the OMS positions of a SKU at every facility, without its reservation
   * rows (what brokering decides on): one Query over the SKU's `NS#` and `POS#` items only.
   */
  async stock(sku: string): Promise<{
    figures: Map<string, number>;
    positions: Map<string, Position>;
  }> {
    const { figures, positions } = await this.read(sku, [NS_PREFIX, `${POS_PREFIX}\uffff`]);
    return { figures, positions };
  }

  /**
   * Every record of a SKU: NetSuite figures, positions, and what the positions count (the lines'
   * reservation rows, the adjustment holds, the grants), per facility.
   */
  sku(
    sku: string,
  ): Promise<{ figures: Map<string, number>; positions: Map<string, Position> } & CountedRows> {
    return this.read(sku);
  }

  /** The SKU's items (all, or those with a sort key in `range`), collected by kind. */
  private async read(sku: string, range?: readonly [string, string]) {
    const figures = new Map<string, number>();
    const positions = new Map<string, Position>();
    const counted: CountedRows = { reservations: [], holds: [], grants: [] };
    let start: Row | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: range ? 'pk = :sku AND sk BETWEEN :from AND :to' : 'pk = :sku',
          ExpressionAttributeValues: range
            ? { ':sku': sku, ':from': range[0], ':to': range[1] }
            : { ':sku': sku },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const i of out.Items ?? []) {
        const sk = String(i.sk);
        if (sk.startsWith(NS_PREFIX)) {
          figures.set(sk.slice(NS_PREFIX.length), Number(i.nsQty ?? 0));
        } else if (sk.startsWith(POS_PREFIX)) {
          const f = sk.slice(POS_PREFIX.length);
          positions.set(f, toPosition(sku, f, i));
        } else if (sk.startsWith(RES_PREFIX)) addCounted(counted, sku, i);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return { figures, positions, ...counted };
  }

  /** The lines' reservation rows of one SKU × facility (adjustment holds left out). */
  async reservationsAt(sku: string, facilityId: string): Promise<Reservation[]> {
    return (await this.rowsAt(sku, facilityId)).reservations;
  }

  /**
   * Everything counted in a position's reserved quantity, read in one query: the lines'
   * reservation rows, the adjustment holds and the group-commit grants of one SKU × facility.
   */
  async rowsAt(sku: string, facilityId: string): Promise<CountedRows> {
    const counted: CountedRows = { reservations: [], holds: [], grants: [] };
    let start: Row | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :sku AND begins_with(sk, :res)',
          ExpressionAttributeValues: { ':sku': sku, ':res': `${RES_PREFIX}${facilityId}#` },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const i of out.Items ?? []) addCounted(counted, sku, i);
      start = out.LastEvaluatedKey;
    } while (start);
    return counted;
  }

  /**
   * Every SKU × facility that has a position or reservations (a parallel scan reading only the
   * OMS's own items back; NetSuite's NS# items are filtered out on the server side).
   */
  async scanPositionKeys(segments = 4): Promise<Array<{ sku: string; facilityId: string }>> {
    const keys = new Map<string, { sku: string; facilityId: string }>();
    await Promise.all(
      Array.from({ length: segments }, async (_, segment) => {
        let start: Row | undefined;
        do {
          const out = await this.doc.send(
            new ScanCommand({
              TableName: this.table,
              Segment: segment,
              TotalSegments: segments,
              FilterExpression: 'begins_with(sk, :pos) OR begins_with(sk, :res)',
              ExpressionAttributeValues: { ':pos': POS_PREFIX, ':res': RES_PREFIX },
              ProjectionExpression: 'pk, sk, facilityId',
              ExclusiveStartKey: start,
            }),
          );
          for (const i of out.Items ?? []) {
            const sk = String(i.sk);
            const facilityId = sk.startsWith(POS_PREFIX)
              ? sk.slice(POS_PREFIX.length)
              : String(i.facilityId);
            const sku = String(i.pk);
            keys.set(`${sku}\u0000${facilityId}`, { sku, facilityId });
          }
          start = out.LastEvaluatedKey;
        } while (start);
      }),
    );
    return [...keys.values()].sort((a, b) =>
      a.sku === b.sku ? a.facilityId.localeCompare(b.facilityId) : a.sku.localeCompare(b.sku),
    );
  }

  /**
   * Rewrites a position (reconcile, safety stock) under the version it was read at; false when
   * someone else wrote it in between.
   */
  async writePosition(
    seen: FacilityState,
    change: { reserved?: number; safety?: number },
    now: string,
  ): Promise<boolean> {
    const p = seen.position;
    const reserved = change.reserved ?? p.reserved;
    const safety = change.safety ?? p.safety;
    const nsQty = seen.nsQty ?? 0;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: p.sku,
            sk: `${POS_PREFIX}${p.facilityId}`,
            itemType: 'position',
            facilityId: p.facilityId,
            reserved,
            safety,
            atp: atpOf({ nsQty, reserved, safety }),
            nsQtySeen: nsQty,
            v: p.v + 1,
            updatedAt: now,
            ...(p.lastGrantAt ? { lastGrantAt: p.lastGrantAt } : {}),
          },
          ...(p.v === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'v = :v', ExpressionAttributeValues: { ':v': p.v } }),
        }),
      );
      return true;
    } catch (err) {
      if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  /** Sets the safety stock at a facility (retrying when a reservation got in between). */
  async setSafetyStock(sku: string, facilityId: string, safety: number): Promise<Position> {
    for (let attempt = 0; attempt < 20; attempt++) {
      if (attempt > 0) await sleep(backoffMs(attempt));
      const seen = await this.facility(sku, facilityId);
      const now = new Date().toISOString();
      if (await this.writePosition(seen, { safety }, now)) {
        const nsQty = seen.nsQty ?? 0;
        return {
          ...seen.position,
          safety,
          atp: atpOf({ nsQty, reserved: seen.position.reserved, safety }),
          nsQtySeen: nsQty,
          v: seen.position.v + 1,
          updatedAt: now,
        };
      }
    }
    throw new Error(
      `safety stock of ${sku} at ${facilityId}: the position kept changing; try again`,
    );
  }
}
