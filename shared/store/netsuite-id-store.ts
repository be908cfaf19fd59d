/**
 * NetSuite ids as the id files bring them, in the orders table beside what they name:
 *
 * - pk `CUSTOMER#<partyId>`, sk `NSID`                → the NetSuite customer id
 * - pk `ORDER#<orderId>`,    sk `NSID#ORDER`          → the sales-order internal id
 * - pk `ORDER#<orderId>`,    sk `NSID#LINE#<seq>`     → a line id (`NSID#DISCOUNT#<seq>` for discounts)
 * - pk `ORDER#<orderId>`,    sk `NSID#DEPOSIT#<ref>`  → a customer deposit's internal id
 *
 * The imports write them blind with BatchWriteItem Put (an upsert: the same row twice, in two
 * files, writes the same item); the approval job reads an order's ids in one query and moves them
 * onto the order through the order core.
 */
import { paginateQuery, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { OrderHeader } from '../domain/orders/order.ts';
import { batchGetAll } from './batch-get.ts';
import { BatchWriter, type Item } from './batch-writer.ts';
import { keyItem } from './item-key.ts';
import { orderReadOf, type OrderRead } from './order-store.ts';
import { HEADER_SK, orderPk } from './order-items.ts';

export const customerPk = (partyId: string): string => `CUSTOMER#${partyId}`;
const NSID = 'NSID';

const idItem = (pk: string, sk: string, netsuiteId: string, file: string, at: string): Item => ({
  pk: { S: pk },
  sk: { S: sk },
  netsuiteId: { S: netsuiteId },
  file: { S: file },
  at: { S: at },
});

export type OrderIdKind = 'ORDER' | 'LINE' | 'DISCOUNT' | 'DEPOSIT';

export interface OrderNetsuiteIds {
  readonly orderId?: string;
  /** line seq → NetSuite line id */
  readonly lines: ReadonlyMap<string, string>;
  /** payment reference → deposit internal id */
  readonly deposits: ReadonlyMap<string, string>;
  /** line seq → NetSuite discount line id (the seq after the last line: the order's discount) */
  readonly discounts: ReadonlyMap<string, string>;
}

export interface OrderFacts {
  readonly lineCount: number;
  readonly netsuiteOrderId?: string;
}

export class NetsuiteIdStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  writer(concurrency = 16): BatchWriter {
    return new BatchWriter({
      client: this.client,
      table: this.table,
      keyAttributes: ['pk', 'sk'],
      concurrency,
    });
  }

  // The id items and keys below are written out, not marshalled: an id import writes one an id
  // row and reads one an order, and `marshall`'s generic walk was ≈ 0.3 s of a 150,000-row
  // import's CPU (issue #21). All their attributes are strings.
  customerIdItem(partyId: string, netsuiteId: string, file: string, at: string): Item {
    return idItem(customerPk(partyId), NSID, netsuiteId, file, at);
  }

  orderIdItem(
    orderId: string,
    kind: OrderIdKind,
    ref: string,
    netsuiteId: string,
    file: string,
    at: string,
  ): Item {
    const sk = kind === 'ORDER' ? `${NSID}#ORDER` : `${NSID}#${kind}#${ref}`;
    return idItem(orderPk(orderId), sk, netsuiteId, file, at);
  }

  /** partyId → NetSuite customer id, for those that have one. */
  async customerIds(partyIds: Iterable<string>): Promise<Map<string, string>> {
    const keys = [...new Set(partyIds)].map((p) => keyItem(customerPk(p), NSID));
    const items = await batchGetAll(this.client, this.table, keys, {
      projection: 'pk, netsuiteId',
    });
    return new Map(
      items.map((i) => [(i.pk?.S ?? '').slice('CUSTOMER#'.length), i.netsuiteId?.S ?? '']),
    );
  }

  /** What an id import needs to know of the orders it names: which exist, and their line count. */
  async orderFacts(orderIds: Iterable<string>): Promise<Map<string, OrderFacts>> {
    const keys = [...new Set(orderIds)].map((o) => keyItem(orderPk(o), HEADER_SK));
    const items = await batchGetAll(this.client, this.table, keys, {
      projection: 'pk, lineCount, netsuiteOrderId',
    });
    return new Map(
      items.map((i) => [
        (i.pk?.S ?? '').slice('ORDER#'.length),
        { lineCount: Number(i.lineCount?.N ?? 0), netsuiteOrderId: i.netsuiteOrderId?.S },
      ]),
    );
  }

  /** `orderId|lineSeq` → the NetSuite id of the discount line of that line, for those known. */
  async discountLineIds(
    refs: readonly { orderId: string; lineSeq: string }[],
  ): Promise<Map<string, string>> {
    const keys = refs.map((r) => keyItem(orderPk(r.orderId), `${NSID}#DISCOUNT#${r.lineSeq}`));
    const out = new Map<string, string>();
    if (!keys.length) return out;
    for (const i of await batchGetAll(this.client, this.table, keys)) {
      const orderId = String(i.pk?.S ?? '').slice('ORDER#'.length);
      const seq = String(i.sk?.S ?? '').split('#')[2] ?? '';
      if (i.netsuiteId?.S) out.set(`${orderId}|${seq}`, i.netsuiteId.S);
    }
    return out;
  }

  /** Every NetSuite id received for one order. */
  async forOrder(orderId: string): Promise<OrderNetsuiteIds> {
    return (await this.read(orderId, false)).ids;
  }

  /**
   * Every NetSuite id received for one order, with the order itself — its header, lines and
   * events (`order`: what the order core reads for a command) — in one consistent Query of the
   * order's partition: what the approval job reads, once per order.
   */
  forOrderWithHeader(
    orderId: string,
  ): Promise<{ ids: OrderNetsuiteIds; header?: OrderHeader; order?: OrderRead }> {
    return this.read(orderId, true);
  }

  /**
   * `forOrderWithHeader` of many orders in bulk (what the approval job reads ahead of its
   * workers): one consistent BatchGetItem of the headers, then one of every line, the NetSuite
   * order id and every line id by each header's line count, 100 keys a call. Only the order's and
   * its lines' ids are read (not deposit or discount ids), and no event: `order.event` answers
   * undefined for every key (an order command finds a used key by its event's condition).
   * Orders without a header are absent.
   */
  async forOrdersWithHeaders(
    orderIds: readonly string[],
  ): Promise<
    Map<
      string,
      { ids: Pick<OrderNetsuiteIds, 'orderId' | 'lines'>; header: OrderHeader; order: OrderRead }
    >
  > {
    const headers = await batchGetAll(
      this.client,
      this.table,
      [...new Set(orderIds)].map((o) => keyItem(orderPk(o), HEADER_SK)),
    );
    const keys: Item[] = [];
    for (const h of headers) {
      const pk = h.pk!;
      keys.push({ pk, sk: { S: `${NSID}#ORDER` } });
      for (let n = 1; n <= Number(h.lineCount?.N ?? 0); n++) {
        const seq = String(n).padStart(5, '0');
        keys.push({ pk, sk: { S: `LINE#${seq}` } }, { pk, sk: { S: `${NSID}#LINE#${seq}` } });
      }
    }
    const byOrder = new Map<
      string,
      { rows: Record<string, unknown>[]; order?: string; lines: Map<string, string> }
    >();
    const of = (pk: string | undefined) => {
      const orderId = (pk ?? '').slice('ORDER#'.length);
      let o = byOrder.get(orderId);
      if (!o) byOrder.set(orderId, (o = { rows: [], lines: new Map() }));
      return o;
    };
    for (const h of headers) of(h.pk?.S).rows.push(unmarshall(h));
    for (const i of await batchGetAll(this.client, this.table, keys)) {
      const o = of(i.pk?.S);
      const sk = i.sk?.S ?? '';
      if (sk === `${NSID}#ORDER`) o.order = i.netsuiteId?.S ?? '';
      else if (sk.startsWith(`${NSID}#LINE#`))
        o.lines.set(sk.slice(`${NSID}#LINE#`.length), i.netsuiteId?.S ?? '');
      else o.rows.push(unmarshall(i));
    }
    const out = new Map<
      string,
      { ids: Pick<OrderNetsuiteIds, 'orderId' | 'lines'>; header: OrderHeader; order: OrderRead }
    >();
    for (const [orderId, o] of byOrder) {
      const read = orderReadOf(o.rows);
      const order: OrderRead = {
        header: read.header,
        lines: read.lines.sort((a, b) => a.lineSeq.localeCompare(b.lineSeq)),
        event: () => undefined,
      };
      if (read.header)
        out.set(orderId, { ids: { orderId: o.order, lines: o.lines }, header: read.header, order });
    }
    return out;
  }

  private async read(
    orderId: string,
    withOrder: boolean,
  ): Promise<{ ids: OrderNetsuiteIds; header?: OrderHeader; order?: OrderRead }> {
    let order: string | undefined;
    const lines = new Map<string, string>();
    const deposits = new Map<string, string>();
    const discounts = new Map<string, string>();
    /** The order's own items (header, lines, events, …), unmarshalled. */
    const rows: Record<string, unknown>[] = [];
    const pages = paginateQuery(
      { client: this.client },
      withOrder
        ? {
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: orderPk(orderId) } },
            ConsistentRead: true,
          }
        : {
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
            ExpressionAttributeValues: { ':pk': { S: orderPk(orderId) }, ':p': { S: `${NSID}#` } },
            ConsistentRead: true,
          },
    );
    for await (const page of pages) {
      for (const i of page.Items ?? []) {
        if (!(i.sk?.S ?? '').startsWith(`${NSID}#`)) {
          rows.push(unmarshall(i));
          continue;
        }
        const [, kind, ref = ''] = (i.sk?.S ?? '').split('#');
        const id = i.netsuiteId?.S ?? '';
        if (kind === 'ORDER') order = id;
        else if (kind === 'LINE') lines.set(ref, id);
        else if (kind === 'DEPOSIT') deposits.set(ref, id);
        else if (kind === 'DISCOUNT') discounts.set(ref, id);
      }
    }
    const ids = { orderId: order, lines, deposits, discounts };
    if (!withOrder) return { ids };
    const read = orderReadOf(rows);
    return { ids, header: read.header, order: read };
  }
}
