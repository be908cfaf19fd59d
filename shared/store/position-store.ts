/**
 * The OMS's own inventory records, beside NetSuite's figure in the inventory table:
 *
 *   pk=<sku>  sk=NS#<facility>                      NetSuite's figure (nsQty), written by the
 *                                                   snapshot import with BatchWriteItem Put; the
 *                                                   OMS never writes it (a Put would wipe it)
 *   pk=<sku>  sk=POS#<facility>                     position: reserved, safety, atp, v (version)
 *   pk=<sku>  sk=RES#<facility>#<order>#<lineSeq>   one reservation row per line × facility (qty)
 *   pk=<sku>  sk=RES#<facility>#ADJ#<adjustmentId>  an adjustment hold: units of a negative own
 *                                                   inventory adjustment (a store's VAR_STOLEN /
 *                                                   VAR_DAMAGED) NetSuite's figure does not
 *                                                   reflect yet, counted in reserved
 *   pk=<sku>  sk=RES#<facility>#GRANT#<grantId>     a reservation grant of the group commit: units
 *                                                   reserved for one order's move that its own
 *                                                   transaction has not taken over yet (qty,
 *                                                   expiresAt), counted in reserved
 *
 * A reservation is race-free although nsQty lives on an item the import overwrites: the move's
 * transaction carries a ConditionCheck on the NS# item (`nsQty >= :seen`) and a conditional
 * increment of the POS# item (`reserved <= :seen − safety − q`), see `reserveItems`. The stored
 * `atp` = nsQty − reserved − safety as of that write is for display and queries; no condition
 * trusts it.
 *
 * Σ reservation rows + Σ adjustment holds + Σ grants = reserved (the reconcile job checks it). A hold is placed
 * (`holdItems`, `placeAdjustmentHold`) when a store reports units stolen or damaged, and ended
 * (`endHoldItems`, `endAdjustmentHold`: row deleted and reserved lowered in one transaction) once
 * NetSuite's figure reflects the adjustment.
 *
 * Group commit: commands that reserve at one SKU × facility share one transaction
 * (`OrderTransactions.commitShared`: `reserveItems` for their sum, then their own items). An order
 * reserving at several facilities takes grants (`grantReservations`): one transaction reserves for several orders at once — the
 * position's conditional increment by their sum, the NetSuite check, and one grant row per order —
 * and each order's own transaction then turns its grant into its reservation row
 * (`consumeGrantItem`: the grant deleted on condition it is still there and not expired) without
 * writing the position. A grant whose order did not commit is given back by `releaseGrant` (grant
 * row deleted on condition it exists, reserved lowered, in one transaction: idempotent).
 *
 * Over 400 lines: positions, reservation rows and adjustment holds are conditioned on one another
 * (Σ rows + holds = reserved), so their item shapes and conditional writes stay together.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactGetCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { documentClient } from './document-client.ts';
import { NS_PREFIX } from './inventory-store.ts';
import { atpOf } from '../domain/reservations/availability.ts';
import type { FacilityFigures } from '../domain/reservations/facility-figures.ts';
import { backoffMs, LabelledTx, readCancellation, sleep, type TxItem } from './transactions.ts';

export const POS_PREFIX = 'POS#';
/** DynamoDB's limit of items in one TransactGetItems. */
const TX_GET_ITEMS = 100;
export const RES_PREFIX = 'RES#';

export interface Position {
  readonly sku: string;
  readonly facilityId: string;
  readonly reserved: number;
  readonly safety: number;
  /** nsQty − reserved − safety (floored at 0) with the nsQty seen at the last write. */
  readonly atp: number;
  readonly nsQtySeen: number;
  /** Version; every write of the position increments it. 0 = no item yet. */
  readonly v: number;
  readonly updatedAt?: string;
  /**
   * When the last group-commit grant was written here (ISO): until `GRANT_QUIET_MS` after it, a
   * grant may be turning into a reservation row without a position write, so the reconcile job
   * does not trust a count of the rows to repair reserved.
   */
  readonly lastGrantAt?: string;
}

/** What a writer reads before reserving or releasing at one facility. */
export interface FacilityState {
  readonly sku: string;
  readonly facilityId: string;
  /** NetSuite's figure; undefined when the NS# item does not exist. */
  readonly nsQty?: number;
  readonly position: Position;
}

export interface Reservation {
  readonly sku: string;
  readonly facilityId: string;
  readonly orderId: string;
  readonly lineSeq: string;
  readonly qty: number;
}

const emptyPosition = (sku: string, facilityId: string): Position => ({
  sku,
  facilityId,
  reserved: 0,
  safety: 0,
  atp: 0,
  nsQtySeen: 0,
  v: 0,
});

type Row = Record<string, unknown>;

const toPosition = (sku: string, facilityId: string, item: Row | undefined): Position =>
  item
    ? {
        sku,
        facilityId,
        reserved: Number(item.reserved ?? 0),
        safety: Number(item.safety ?? 0),
        atp: Number(item.atp ?? 0),
        nsQtySeen: Number(item.nsQtySeen ?? 0),
        v: Number(item.v ?? 0),
        updatedAt: item.updatedAt as string | undefined,
        ...(item.lastGrantAt ? { lastGrantAt: String(item.lastGrantAt) } : {}),
      }
    : emptyPosition(sku, facilityId);

/** NetSuite's figure (absent: never imported) and the position at a facility, from their items. */
const facilityState = (
  sku: string,
  facilityId: string,
  ns: Row | undefined,
  pos: Row | undefined,
): FacilityState => ({
  sku,
  facilityId,
  nsQty: ns ? Number(ns.nsQty ?? 0) : undefined,
  position: toPosition(sku, facilityId, pos),
});

export const reservationSk = (facilityId: string, orderId: string, lineSeq: string): string =>
  `${RES_PREFIX}${facilityId}#${orderId}#${lineSeq}`;

/** `itemType` of an adjustment hold row (a line's reservation row is `reservation`). */
export const ADJUSTMENT_HOLD_TYPE = 'adjustment-hold';

export const adjustmentHoldSk = (facilityId: string, adjustmentId: string): string =>
  `${RES_PREFIX}${facilityId}#ADJ#${adjustmentId}`;

/** Units of a negative own inventory adjustment NetSuite's figure does not reflect yet. */
export interface AdjustmentHold {
  readonly sku: string;
  readonly facilityId: string;
  readonly adjustmentId: string;
  /** Units (> 0). */
  readonly qty: number;
  /** When it was placed (ISO). */
  readonly at?: string;
}

const isHold = (i: Row): boolean => i.itemType === ADJUSTMENT_HOLD_TYPE;

const holdOf = (sku: string, i: Row): AdjustmentHold => ({
  sku,
  facilityId: String(i.facilityId),
  adjustmentId: String(i.adjustmentId),
  qty: Number(i.qty ?? 0),
  at: i.at as string | undefined,
});

/** `itemType` of a group-commit reservation grant row. */
export const GRANT_TYPE = 'reservation-grant';

export const grantSk = (facilityId: string, grantId: string): string =>
  `${RES_PREFIX}${facilityId}#GRANT#${grantId}`;

/** How long an order's transaction may take a grant over (after that only `releaseGrant` may). */
export const GRANT_TTL_MS = 5 * 60_000;

/**
 * How long after a position's last grant the reconcile job leaves its reserved quantity alone (a
 * grant turning into a row writes no position, so a count of the rows may be torn meanwhile).
 */
export const GRANT_QUIET_MS = 2 * GRANT_TTL_MS;

/** Units reserved by a group commit for one order's move, until its transaction takes them over. */
export interface ReservationGrant {
  readonly sku: string;
  readonly facilityId: string;
  readonly grantId: string;
  /** Units (> 0). */
  readonly qty: number;
  readonly orderId: string;
  readonly lineSeq: string;
  /** After this (ISO) the order's transaction can no longer take it over. */
  readonly expiresAt: string;
}

const isGrant = (i: Row): boolean => i.itemType === GRANT_TYPE;

const grantOf = (sku: string, i: Row): ReservationGrant => ({
  sku,
  facilityId: String(i.facilityId),
  grantId: String(i.grantId),
  qty: Number(i.qty ?? 0),
  orderId: String(i.orderId),
  lineSeq: String(i.lineSeq),
  expiresAt: String(i.expiresAt),
});

/** What a group-commit grant write came to. */
export type GrantOutcome =
  /** Every grant written, the position raised by their sum. */
  | 'granted'
  /** The position or NetSuite's figure no longer allows the sum: nothing written. */
  | 'refused'
  /** Another transaction held an item, or the table throttled: nothing written, try again. */
  | 'conflict';

export class PositionStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    readonly table: string,
  ) {
    this.doc = documentClient(client);
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

  // ── group commit: reservation grants ──────────────────────────────────────────────────────

  /**
   * Reserves for several orders in one transaction: the position raised by the sum of the grants
   * under the bound of a reservation (`reserveItems`: reserved <= N − S − sum and safety = S on
   * the position, NetSuite's figure still >= N), stamped `lastGrantAt`, and one grant row per
   * order (on condition there is none under its id). The bound is checked by DynamoDB, never by
   * what this process believes. `refused`: the figures no longer allow the sum (nothing written).
   */
  async grantReservations(
    seen: FacilityFigures,
    grants: readonly ReservationGrant[],
    now: string,
  ): Promise<GrantOutcome> {
    if (grants.length === 0 || grants.length > 98) {
      throw new Error(`a grant write takes 1–98 grants, not ${grants.length}`);
    }
    for (const g of grants) {
      if (!(Number.isInteger(g.qty) && g.qty > 0)) {
        throw new Error(`a grant needs a whole number of units above 0, not ${g.qty}`);
      }
      if (g.sku !== seen.sku || g.facilityId !== seen.facilityId) {
        throw new Error(`grant ${g.grantId} is not for ${seen.sku} at ${seen.facilityId}`);
      }
    }
    const sum = grants.reduce((n, g) => n + g.qty, 0);
    const { position, nsCheck } = this.reserveItems(seen, sum, now);
    const update = position.Update!;
    const tx = new LabelledTx()
      .add('position', {
        Update: { ...update, UpdateExpression: `${update.UpdateExpression}, lastGrantAt = :now` },
      })
      .add('ns', nsCheck!);
    for (const g of grants) {
      tx.add(`grant:${g.grantId}`, {
        Put: {
          TableName: this.table,
          Item: {
            pk: g.sku,
            sk: grantSk(g.facilityId, g.grantId),
            itemType: GRANT_TYPE,
            facilityId: g.facilityId,
            grantId: g.grantId,
            qty: g.qty,
            orderId: g.orderId,
            lineSeq: g.lineSeq,
            expiresAt: g.expiresAt,
            updatedAt: now,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: tx.items }));
      return 'granted';
    } catch (err) {
      const why = readCancellation(err, tx.labels);
      if (!why) throw err;
      if (why.failed.has('position') || why.failed.has('ns')) return 'refused';
      if (why.failed.size > 0) {
        throw new Error(`grant ids used before: ${[...why.failed].join(', ')}`);
      }
      return 'conflict';
    }
  }

  /**
   * The item of an order's transaction that takes its grant over (with the reservation row it
   * writes): the grant row deleted on condition that it is still there, with its units, and not
   * expired. The position is not written: the units were counted when granted.
   */
  consumeGrantItem(g: ReservationGrant, now: string): TxItem {
    return {
      Delete: {
        TableName: this.table,
        Key: { pk: g.sku, sk: grantSk(g.facilityId, g.grantId) },
        ConditionExpression: 'attribute_exists(pk) AND qty = :q AND expiresAt > :now',
        ExpressionAttributeValues: { ':q': g.qty, ':now': now },
      },
    };
  }

  /**
   * Gives a grant back: its row deleted (on condition it is still there) and reserved lowered by
   * its units, in one transaction. Idempotent: `none` when the row is gone (taken over by its
   * order's transaction, or given back before), and then nothing is written.
   */
  async releaseGrant(
    g: ReservationGrant,
    now: string,
    attempts = 20,
  ): Promise<'released' | 'none'> {
    const tx = new LabelledTx()
      .add('grant', {
        Delete: {
          TableName: this.table,
          Key: { pk: g.sku, sk: grantSk(g.facilityId, g.grantId) },
          ConditionExpression: 'attribute_exists(pk) AND qty = :q',
          ExpressionAttributeValues: { ':q': g.qty },
        },
      })
      .add('position', {
        Update: {
          TableName: this.table,
          Key: { pk: g.sku, sk: `${POS_PREFIX}${g.facilityId}` },
          UpdateExpression:
            'SET reserved = reserved - :q, atp = atp + :q, v = v + :one, updatedAt = :now',
          ConditionExpression: 'reserved >= :q',
          ExpressionAttributeValues: { ':q': g.qty, ':one': 1, ':now': now },
        },
      });
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await sleep(backoffMs(attempt, 10, 500));
      try {
        await this.doc.send(new TransactWriteCommand({ TransactItems: tx.items }));
        return 'released';
      } catch (err) {
        const why = readCancellation(err, tx.labels);
        if (!why) throw err;
        if (why.failed.has('grant')) return 'none';
        if (why.failed.size > 0) {
          throw new Error(
            `grant ${g.grantId} at ${g.sku}/${g.facilityId}: reserved is below its ${g.qty} units`,
          );
        }
      }
    }
    throw new Error(`grant ${g.grantId} at ${g.sku}/${g.facilityId}: kept conflicting; try again`);
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
   * Every record of a SKU: NetSuite figures, positions, the lines' reservation rows and the
   * adjustment holds, per facility.
   */
  sku(sku: string): Promise<{
    figures: Map<string, number>;
    positions: Map<string, Position>;
    reservations: Reservation[];
    holds: AdjustmentHold[];
    grants: ReservationGrant[];
  }> {
    return this.read(sku);
  }

  /** The SKU's items (all, or those with a sort key in `range`), collected by kind. */
  private async read(sku: string, range?: readonly [string, string]) {
    const figures = new Map<string, number>();
    const positions = new Map<string, Position>();
    const reservations: Reservation[] = [];
    const holds: AdjustmentHold[] = [];
    const grants: ReservationGrant[] = [];
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
      for (const i of out.Items ?? [])
        this.collect(i, figures, positions, reservations, holds, grants);
      start = out.LastEvaluatedKey;
    } while (start);
    return { figures, positions, reservations, holds, grants };
  }

  private collect(
    i: Row,
    figures: Map<string, number>,
    positions: Map<string, Position>,
    reservations: Reservation[],
    holds: AdjustmentHold[],
    grants: ReservationGrant[],
  ): void {
    const sk = String(i.sk);
    const sku = String(i.pk);
    if (sk.startsWith(NS_PREFIX)) figures.set(sk.slice(NS_PREFIX.length), Number(i.nsQty ?? 0));
    else if (sk.startsWith(POS_PREFIX)) {
      const f = sk.slice(POS_PREFIX.length);
      positions.set(f, toPosition(sku, f, i));
    } else if (sk.startsWith(RES_PREFIX) && isHold(i)) {
      holds.push(holdOf(sku, i));
    } else if (sk.startsWith(RES_PREFIX) && isGrant(i)) {
      grants.push(grantOf(sku, i));
    } else if (sk.startsWith(RES_PREFIX)) {
      reservations.push({
        sku,
        facilityId: String(i.facilityId),
        orderId: String(i.orderId),
        lineSeq: String(i.lineSeq),
        qty: Number(i.qty ?? 0),
      });
    }
  }

  /** The lines' reservation rows of one SKU × facility (adjustment holds left out). */
  async reservationsAt(sku: string, facilityId: string): Promise<Reservation[]> {
    return (await this.rowsAt(sku, facilityId)).reservations;
  }

  /**
   * Everything counted in a position's reserved quantity, read in one query: the lines'
   * reservation rows, the adjustment holds and the group-commit grants of one SKU × facility.
   */
  async rowsAt(
    sku: string,
    facilityId: string,
  ): Promise<{
    reservations: Reservation[];
    holds: AdjustmentHold[];
    grants: ReservationGrant[];
  }> {
    const rows: Reservation[] = [];
    const holds: AdjustmentHold[] = [];
    const grants: ReservationGrant[] = [];
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
      for (const i of out.Items ?? []) {
        if (isHold(i)) {
          holds.push(holdOf(sku, i));
          continue;
        }
        if (isGrant(i)) {
          grants.push(grantOf(sku, i));
          continue;
        }
        rows.push({
          sku,
          facilityId,
          orderId: String(i.orderId),
          lineSeq: String(i.lineSeq),
          qty: Number(i.qty ?? 0),
        });
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return { reservations: rows, holds, grants };
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

  // ── adjustment holds ──────────────────────────────────────────────────────────────────────

  /** One adjustment hold, or undefined when there is none (never placed, or ended). */
  async adjustmentHold(
    sku: string,
    facilityId: string,
    adjustmentId: string,
  ): Promise<AdjustmentHold | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: sku, sk: adjustmentHoldSk(facilityId, adjustmentId) },
        ConsistentRead: true,
      }),
    );
    return out.Item && isHold(out.Item) ? holdOf(sku, out.Item) : undefined;
  }

  /**
   * The position write that changes reserved by `change` under the version read (exact stored
   * ATP; a writer that got in between makes the transaction fail and the caller read again).
   * `nsDelta`: what the same transaction adds to NetSuite's figure, for the stored ATP.
   */
  private heldPosition(seen: FacilityState, change: number, now: string, nsDelta = 0): TxItem {
    const p = seen.position;
    const nsQty = (seen.nsQty ?? 0) + nsDelta;
    const reserved = Math.max(0, p.reserved + change);
    return {
      Update: {
        TableName: this.table,
        Key: { pk: p.sku, sk: `${POS_PREFIX}${p.facilityId}` },
        UpdateExpression:
          'SET reserved = :r, atp = :atp, safety = :s, facilityId = :f, itemType = :type, ' +
          'nsQtySeen = :ns, v = :v1, updatedAt = :now',
        ConditionExpression: p.v === 0 ? 'attribute_not_exists(pk)' : 'v = :v',
        ExpressionAttributeValues: {
          ':r': reserved,
          ':atp': atpOf({ nsQty, reserved, safety: p.safety }),
          ':s': p.safety,
          ':f': p.facilityId,
          ':type': 'position',
          ':ns': nsQty,
          ':v1': p.v + 1,
          ':now': now,
          ...(p.v === 0 ? {} : { ':v': p.v }),
        },
      },
    };
  }

  /**
   * The transaction items that place an adjustment hold: its row (only where there is none yet)
   * and reserved += qty on the position read (`seen`), whatever the figure: the units are gone, so
   * there is no availability condition. Labels for `readCancellation`: `hold`, `position`.
   */
  holdItems(
    seen: FacilityState,
    hold: AdjustmentHold,
    now: string,
  ): { row: TxItem; position: TxItem } {
    if (!(Number.isInteger(hold.qty) && hold.qty > 0)) {
      throw new Error(`an adjustment hold needs a whole number of units above 0, not ${hold.qty}`);
    }
    return {
      row: {
        Put: {
          TableName: this.table,
          Item: {
            pk: hold.sku,
            sk: adjustmentHoldSk(hold.facilityId, hold.adjustmentId),
            itemType: ADJUSTMENT_HOLD_TYPE,
            facilityId: hold.facilityId,
            adjustmentId: hold.adjustmentId,
            qty: hold.qty,
            at: hold.at ?? now,
            updatedAt: now,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      position: this.heldPosition(seen, hold.qty, now),
    };
  }

  /**
   * The transaction items that end an adjustment hold read before (`hold`): its row deleted (on
   * condition that it is still there with that quantity) and reserved −= qty on the position read
   * (`seen`). `nsDelta`: what the same transaction adds to NetSuite's figure (the delta row that
   * returns the adjustment), for the stored ATP. Labels: `hold`, `position`.
   */
  endHoldItems(
    seen: FacilityState,
    hold: AdjustmentHold,
    now: string,
    nsDelta = 0,
  ): { row: TxItem; position: TxItem } {
    return {
      row: {
        Delete: {
          TableName: this.table,
          Key: { pk: hold.sku, sk: adjustmentHoldSk(hold.facilityId, hold.adjustmentId) },
          ConditionExpression: 'qty = :q',
          ExpressionAttributeValues: { ':q': hold.qty },
        },
      },
      position: this.heldPosition(seen, -hold.qty, now, nsDelta),
    };
  }

  /**
   * Runs `build` (given the facility read afresh) as one transaction until it commits (`done`),
   * retrying when another writer got in between (a conflict, or the position's version moved);
   * when another condition failed, `failed` says the outcome (or undefined: build and try again).
   */
  private async holdTransaction<T>(
    sku: string,
    facilityId: string,
    build: (seen: FacilityState, now: string) => { labels: string[]; items: TxItem[] },
    done: T,
    failed: (labels: ReadonlySet<string>) => Promise<T | undefined>,
    attempts = 20,
  ): Promise<T> {
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await sleep(backoffMs(attempt, 10, 500));
      const seen = await this.facility(sku, facilityId);
      const { labels, items } = build(seen, new Date().toISOString());
      try {
        await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
        return done;
      } catch (err) {
        const why = readCancellation(err, labels);
        if (!why) throw err;
        const others = new Set([...why.failed].filter((l) => l !== 'position'));
        if (others.size > 0) {
          const out = await failed(others);
          if (out !== undefined) return out;
        }
      }
    }
    throw new Error(
      `adjustment hold at ${sku}/${facilityId}: the position kept changing; try again`,
    );
  }

  /**
   * Places an adjustment hold with the caller's `extra` items in one transaction (e.g. the
   * idempotency record of the adjustment): `duplicate` when the hold row exists or an extra item's
   * condition failed (placed before), `held` when placed now.
   */
  async placeAdjustmentHold(
    hold: AdjustmentHold,
    extra: readonly { label: string; item: TxItem }[] = [],
  ): Promise<'held' | 'duplicate'> {
    return this.holdTransaction<'held' | 'duplicate'>(
      hold.sku,
      hold.facilityId,
      (seen, now) => {
        const { row, position } = this.holdItems(seen, hold, now);
        return {
          labels: ['hold', 'position', ...extra.map((e) => e.label)],
          items: [row, position, ...extra.map((e) => e.item)],
        };
      },
      'held',
      async () => 'duplicate',
    );
  }

  /**
   * Ends an adjustment hold: deletes its row and lowers reserved by its quantity, in one
   * transaction, with the caller's `extra` items. Idempotent: `none` (nothing written) when the row
   * is gone (ended before, or never placed).
   */
  async endAdjustmentHold(
    sku: string,
    facilityId: string,
    adjustmentId: string,
    extra: readonly { label: string; item: TxItem }[] = [],
  ): Promise<'ended' | 'none'> {
    let hold = await this.adjustmentHold(sku, facilityId, adjustmentId);
    if (!hold) return 'none';
    return this.holdTransaction<'ended' | 'none'>(
      sku,
      facilityId,
      (seen, now) => {
        const { row, position } = this.endHoldItems(seen, hold!, now);
        return {
          labels: ['hold', 'position', ...extra.map((e) => e.label)],
          items: [row, position, ...extra.map((e) => e.item)],
        };
      },
      'ended',
      async (failed) => {
        if (!failed.has('hold')) {
          throw new Error(
            `ending adjustment hold ${adjustmentId} at ${sku}/${facilityId}: ${[...failed].join(', ')} failed`,
          );
        }
        hold = await this.adjustmentHold(sku, facilityId, adjustmentId);
        return hold ? undefined : 'none';
      },
    );
  }
}
