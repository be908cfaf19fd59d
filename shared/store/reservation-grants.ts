/**
 * The group commit's reservation grants at one SKU × facility, in the inventory table beside the
 * positions they count in:
 *
 *   pk=<sku>  sk=RES#<facility>#GRANT#<grantId>   units reserved for one order's move that its own
 *                                                 transaction has not taken over yet (qty,
 *                                                 expiresAt), counted in the position's reserved
 *
 * An order reserving at several facilities takes grants (`reserve`): one transaction reserves for
 * several orders at once — the position's conditional increment by their sum (the bound of
 * `PositionStore.reserveItems`), the NetSuite check, and one grant row per order — and each order's
 * own transaction then turns its grant into its reservation row (`consumeItem`: the grant deleted
 * on condition it is still there and not expired) without writing the position. A grant whose
 * order did not commit is given back by `release` (grant row deleted on condition it exists,
 * reserved lowered, in one transaction: idempotent). The reconcile job releases expired ones.
 */
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FacilityFigures } from '../domain/reservations/facility-figures.ts';
import {
  GRANT_TYPE,
  grantSk,
  POS_PREFIX,
  type GrantOutcome,
  type ReservationGrant,
} from './position-items.ts';
import type { PositionStore } from './position-store.ts';
import { backoffMs, LabelledTx, readCancellation, sleep, type TxItem } from './transactions.ts';

export class ReservationGrants {
  constructor(
    private readonly positions: PositionStore,
    private readonly doc: DynamoDBDocumentClient,
  ) {}

  /**
   * Reserves for several orders in one transaction: the position raised by the sum of the grants
   * under the bound of a reservation (`reserveItems`: reserved <= N − S − sum and safety = S on
   * the position, NetSuite's figure still >= N), stamped `lastGrantAt`, and one grant row per
   * order (on condition there is none under its id). The bound is checked by DynamoDB, never by
   * what this process believes. `refused`: the figures no longer allow the sum (nothing written).
   */
  async reserve(
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
    const { position, nsCheck } = this.positions.reserveItems(seen, sum, now);
    const update = position.Update!;
    const tx = new LabelledTx()
      .add('position', {
        Update: { ...update, UpdateExpression: `${update.UpdateExpression}, lastGrantAt = :now` },
      })
      .add('ns', nsCheck!);
    for (const g of grants) {
      tx.add(`grant:${g.grantId}`, {
        Put: {
          TableName: this.positions.table,
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
  consumeItem(g: ReservationGrant, now: string): TxItem {
    return {
      Delete: {
        TableName: this.positions.table,
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
  async release(g: ReservationGrant, now: string, attempts = 20): Promise<'released' | 'none'> {
    const tx = new LabelledTx()
      .add('grant', {
        Delete: {
          TableName: this.positions.table,
          Key: { pk: g.sku, sk: grantSk(g.facilityId, g.grantId) },
          ConditionExpression: 'attribute_exists(pk) AND qty = :q',
          ExpressionAttributeValues: { ':q': g.qty },
        },
      })
      .add('position', {
        Update: {
          TableName: this.positions.table,
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
}
