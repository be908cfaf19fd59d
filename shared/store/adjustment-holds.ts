/**
 * Adjustment holds: units of a negative own inventory adjustment (a store's VAR_STOLEN /
 * VAR_DAMAGED) that NetSuite's figure does not reflect yet, held in the inventory table beside the
 * position whose reserved quantity counts them:
 *
 *   pk=<sku>  sk=RES#<facility>#ADJ#<adjustmentId>   qty, at
 *
 * A hold is placed (`placeItems`, `place`: its row written where there is none, reserved raised
 * under the position's version) when a store reports units stolen or damaged, and ended
 * (`endItems`, `end`: row deleted and reserved lowered in one transaction) once NetSuite's figure
 * reflects the adjustment. The units are gone, so placing a hold has no availability condition.
 */
import {
  GetCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { atpOf } from '../domain/reservations/availability.ts';
import {
  ADJUSTMENT_HOLD_TYPE,
  adjustmentHoldSk,
  holdOf,
  isHold,
  POS_PREFIX,
  type AdjustmentHold,
  type FacilityState,
} from './position-items.ts';
import type { PositionStore } from './position-store.ts';
import { backoffMs, readCancellation, sleep, type TxItem } from './transactions.ts';

export class AdjustmentHolds {
  constructor(
    private readonly positions: PositionStore,
    private readonly doc: DynamoDBDocumentClient,
  ) {}

  /** One adjustment hold, or undefined when there is none (never placed, or ended). */
  async get(
    sku: string,
    facilityId: string,
    adjustmentId: string,
  ): Promise<AdjustmentHold | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.positions.table,
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
        TableName: this.positions.table,
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
  placeItems(
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
          TableName: this.positions.table,
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
  endItems(
    seen: FacilityState,
    hold: AdjustmentHold,
    now: string,
    nsDelta = 0,
  ): { row: TxItem; position: TxItem } {
    return {
      row: {
        Delete: {
          TableName: this.positions.table,
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
  private async transaction<T>(
    sku: string,
    facilityId: string,
    build: (seen: FacilityState, now: string) => { labels: string[]; items: TxItem[] },
    done: T,
    failed: (labels: ReadonlySet<string>) => Promise<T | undefined>,
    attempts = 20,
  ): Promise<T> {
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await sleep(backoffMs(attempt, 10, 500));
      const seen = await this.positions.facility(sku, facilityId);
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
  async place(
    hold: AdjustmentHold,
    extra: readonly { label: string; item: TxItem }[] = [],
  ): Promise<'held' | 'duplicate'> {
    return this.transaction<'held' | 'duplicate'>(
      hold.sku,
      hold.facilityId,
      (seen, now) => {
        const { row, position } = this.placeItems(seen, hold, now);
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
  async end(
    sku: string,
    facilityId: string,
    adjustmentId: string,
    extra: readonly { label: string; item: TxItem }[] = [],
  ): Promise<'ended' | 'none'> {
    let hold = await this.get(sku, facilityId, adjustmentId);
    if (!hold) return 'none';
    return this.transaction<'ended' | 'none'>(
      sku,
      facilityId,
      (seen, now) => {
        const { row, position } = this.endItems(seen, hold!, now);
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
        hold = await this.get(sku, facilityId, adjustmentId);
        return hold ? undefined : 'none';
      },
    );
  }
}
