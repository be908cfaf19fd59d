/**
 * Holds that outlive `OMS_HOLD_MAX_AGE_HOURS` (default 72; docs/inventory.md, "When a hold ends"):
 * rows counted in a position's reserved quantity — a line's reservation row
 * (`RES#<facility>#<order>#<line>`, its units promised there and not reflected by NetSuite's
 * figure) or an adjustment hold (`RES#<facility>#ADJ#<adjustmentId>`) — with units and not
 * written since. Every hold should end at a snapshot within a day or two; one that does not
 * (NetSuite never took the file, refused the row, the pair is in no snapshot) keeps the OMS
 * promising less than it could, and a person should look. The reconcile job lists them and logs
 * an error line (`alarm=StaleInventoryHolds`) that an alarm watches.
 *
 * One parallel Scan of the inventory table, filtered on the server (only old rows with units come
 * back), or one Query per SKU when SKUs are given.
 */
import { paginateQuery, paginateScan, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ADJUSTMENT_HOLD_TYPE, RES_PREFIX } from '../store/position-store.ts';

export interface StaleHold {
  readonly sku: string;
  readonly facilityId: string;
  readonly kind: 'line' | 'adjustment';
  readonly orderId?: string;
  readonly lineSeq?: string;
  readonly adjustmentId?: string;
  readonly units: number;
  /** When the row was last written (ISO). */
  readonly since: string;
  /** Hours since then (one decimal). */
  readonly ageHours: number;
}

const FILTER = 'begins_with(sk, :res) AND qty > :zero AND updatedAt < :before';

export class HoldAgeReader {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  /** Holds with units whose row was last written before `beforeIso`, oldest first. */
  async olderThan(
    beforeIso: string,
    opts: { skus?: readonly string[]; nowMs?: number; segments?: number } = {},
  ): Promise<StaleHold[]> {
    const nowMs = opts.nowMs ?? Date.now();
    const values = {
      ':res': { S: RES_PREFIX },
      ':zero': { N: '0' },
      ':before': { S: beforeIso },
    };
    const items: Record<string, unknown>[] = [];
    if (opts.skus) {
      await Promise.all(
        [...new Set(opts.skus)].map(async (sku) => {
          const pages = paginateQuery(
            { client: this.client },
            {
              TableName: this.table,
              KeyConditionExpression: 'pk = :sku AND begins_with(sk, :res)',
              FilterExpression: 'qty > :zero AND updatedAt < :before',
              ExpressionAttributeValues: { ...values, ':sku': { S: sku } },
            },
          );
          for await (const page of pages)
            for (const i of page.Items ?? []) items.push(unmarshall(i));
        }),
      );
    } else {
      const segments = opts.segments ?? 4;
      await Promise.all(
        Array.from({ length: segments }, async (_, segment) => {
          const pages = paginateScan(
            { client: this.client },
            {
              TableName: this.table,
              Segment: segment,
              TotalSegments: segments,
              FilterExpression: FILTER,
              ExpressionAttributeValues: values,
            },
          );
          for await (const page of pages)
            for (const i of page.Items ?? []) items.push(unmarshall(i));
        }),
      );
    }
    return items
      .map((i) => staleHoldOf(i, nowMs))
      .sort((a, b) =>
        a.since !== b.since
          ? a.since < b.since
            ? -1
            : 1
          : `${a.sku}|${a.facilityId}`.localeCompare(`${b.sku}|${b.facilityId}`),
      );
  }
}

function staleHoldOf(i: Record<string, unknown>, nowMs: number): StaleHold {
  const sk = String(i.sk);
  const rest = sk.slice(RES_PREFIX.length);
  const facilityId = typeof i.facilityId === 'string' ? i.facilityId : rest.split('#')[0]!;
  const since = String(i.updatedAt);
  const ageHours = Math.round((nowMs - Date.parse(since)) / 360_000) / 10;
  const base = { sku: String(i.pk), facilityId, units: Number(i.qty ?? 0), since, ageHours };
  if (i.itemType === ADJUSTMENT_HOLD_TYPE) {
    return { ...base, kind: 'adjustment', adjustmentId: String(i.adjustmentId) };
  }
  return { ...base, kind: 'line', orderId: String(i.orderId), lineSeq: String(i.lineSeq) };
}

/** One readable line for a hold (`oms` output, log lines). */
export const describeHold = (h: StaleHold): string =>
  h.kind === 'adjustment'
    ? `${h.sku} at ${h.facilityId}: adjustment ${h.adjustmentId}, ${h.units} unit(s), ${h.ageHours} h`
    : `${h.sku} at ${h.facilityId}: order ${h.orderId} line ${h.lineSeq}, ${h.units} unit(s), ${h.ageHours} h`;
