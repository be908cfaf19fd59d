/**
 * The unallocated pre-order queue: order lines flagged `preOrder` with quantity in 1100 (Created)
 * or 1300 (Backordered), read from the orders table with the header facts FIFO needs.
 *
 * The orders table has no secondary index, so this is a filtered parallel scan of line items
 * (`itemType = line`, the line's JSON containing `"preOrder":true`, optionally one SKU); the
 * filter keeps the transfer small, the read cost is the table's size. A sparse index (SKU ×
 * pre-order queue) is the step up when the table grows; every caller goes through this module.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { blockingHolds, bucketOf, type LineState } from '../domain/lifecycle/index.ts';
import type { OrderHeader } from '../domain/orders/order.ts';
import type { Demand } from '../domain/preorder/fifo.ts';
import { documentClient } from './document-client.ts';
import { HEADER_SK, orderPk } from './order-items.ts';
import { STATUS } from '../domain/lifecycle/status.ts';

/** A queued line with what the merchandiser sees about its order. */
export interface QueuedLine extends Demand {
  readonly quantity: number;
  /** The line's version as read (part of the automatic allocation's idempotency key). */
  readonly version: number;
  readonly orderName?: string;
  readonly customerName?: string;
}

export const customerNameOf = (h: Pick<OrderHeader, 'customer'> | undefined): string =>
  [h?.customer?.firstName, h?.customer?.lastName].filter(Boolean).join(' ') ||
  h?.customer?.email ||
  '';

export class PreorderQueueStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    readonly table: string,
    private readonly segments = 4,
  ) {
    this.doc = documentClient(client);
  }

  /** Pre-order lines with unallocated quantity (of one SKU, or all), with their order headers. */
  async unallocated(sku?: string): Promise<QueuedLine[]> {
    const lines = await this.preorderLines(sku);
    const queued = lines.filter(
      (l) => bucketOf(l.buckets, STATUS.CREATED) + bucketOf(l.buckets, STATUS.BACKORDERED) > 0,
    );
    const headers = await this.headers([...new Set(queued.map((l) => l.orderId))]);
    return queued.map((l) => {
      const h = headers.get(l.orderId);
      return {
        orderId: l.orderId,
        lineSeq: l.lineSeq,
        sku: l.sku,
        quantity: l.quantity,
        version: l.version,
        orderDate: h?.date ?? l.updatedAt,
        open: {
          [STATUS.CREATED]: bucketOf(l.buckets, STATUS.CREATED),
          [STATUS.BACKORDERED]: bucketOf(l.buckets, STATUS.BACKORDERED),
        },
        blockingHolds: [
          ...new Set(
            (bucketOf(l.buckets, STATUS.CREATED)
              ? blockingHolds(l, STATUS.CREATED, STATUS.PRE_ORDERED)
              : []
            )
              .concat(
                bucketOf(l.buckets, STATUS.BACKORDERED)
                  ? blockingHolds(l, STATUS.BACKORDERED, STATUS.PRE_ORDERED)
                  : [],
              )
              .map((x) => x.code),
          ),
        ],
        orderName: h?.name,
        customerName: customerNameOf(h),
      };
    });
  }

  /** Every pre-order line (any status), optionally of one SKU. */
  async preorderLines(sku?: string): Promise<LineState[]> {
    const scanSegment = async (segment: number): Promise<LineState[]> => {
      const out: LineState[] = [];
      const pages = paginateScan(
        { client: this.doc },
        {
          TableName: this.table,
          Segment: segment,
          TotalSegments: this.segments,
          ConsistentRead: true,
          FilterExpression:
            'itemType = :line AND contains(#state, :pre)' +
            (sku === undefined ? '' : ' AND sku = :sku'),
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':line': 'line',
            ':pre': '"preOrder":true',
            ...(sku === undefined ? {} : { ':sku': sku }),
          },
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          const line = JSON.parse(String(item.state)) as LineState;
          if (line.preOrder) out.push(line);
        }
      }
      return out;
    };
    const parts = await Promise.all(
      Array.from({ length: this.segments }, (_, i) => scanSegment(i)),
    );
    return parts.flat();
  }

  async headers(orderIds: readonly string[]): Promise<Map<string, OrderHeader>> {
    const out = new Map<string, OrderHeader>();
    for (let i = 0; i < orderIds.length; i += 100) {
      let pending = orderIds.slice(i, i + 100).map((id) => ({ pk: orderPk(id), sk: HEADER_SK }));
      while (pending.length) {
        const res = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending } } }),
        );
        for (const h of res.Responses?.[this.table] ?? []) {
          out.set(String(h.orderId), h as unknown as OrderHeader);
        }
        pending = (res.UnprocessedKeys?.[this.table]?.Keys ?? []) as typeof pending;
      }
    }
    return out;
  }
}
