/**
 * Reads of many orders' items at once (consistent BatchGetItem, 100 keys a call, 8 calls in
 * flight): the headers and lines the exports, the scheduling job and the approval look at in
 * bulk, and the keys a command reads in one call (`OrderStore.readForCommand`). Absent items are
 * left out.
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { padLineSeq, type LineState } from '../domain/lifecycle/line.ts';
import type { OrderHeader } from '../domain/orders/order.ts';
import { HEADER_SK, lineKeysOf, lineSk, orderPk, strip, toLine, type Row } from './order-items.ts';

export class OrderBulkReads {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Headers and lines of several orders in bulk, without their events: one BatchGetItem of the
   * headers, then one of their lines (by each header's line count), 100 keys a call. Orders
   * without a header are absent.
   */
  async headersAndLines(
    orderIds: readonly string[],
  ): Promise<Map<string, { header: OrderHeader; lines: LineState[] }>> {
    const out = new Map<string, { header: OrderHeader; lines: LineState[] }>();
    const headers = await this.getMany(orderIds.map((id) => ({ pk: orderPk(id), sk: HEADER_SK })));
    const lineKeys: { pk: string; sk: string }[] = [];
    for (const item of headers) {
      const header = strip<OrderHeader>(item);
      out.set(header.orderId, { header, lines: [] });
      for (let n = 1; n <= header.lineCount; n++) {
        lineKeys.push({ pk: orderPk(header.orderId), sk: lineSk(padLineSeq(n)) });
      }
    }
    for (const item of await this.getMany(lineKeys)) {
      const line = toLine(item);
      out.get(line.orderId)?.lines.push(line);
    }
    for (const o of out.values()) o.lines.sort((a, b) => a.lineSeq.localeCompare(b.lineSeq));
    return out;
  }

  /**
   * Lines in bulk, without their headers (BatchGetItem of the line items' `state` only), for the
   * sales order export: half the keys of `linesWithHeaders`. Absent ones are left out.
   */
  async lines(
    refs: readonly { orderId: string; lineSeq: string }[],
  ): Promise<Map<string, LineState>> {
    const lines = new Map<string, LineState>();
    for (const item of await this.getMany(lineKeysOf(refs), ['state'])) {
      const l = toLine(item);
      lines.set(`${l.orderId}|${l.lineSeq}`, l);
    }
    return lines;
  }

  /**
   * The versions of lines in bulk (BatchGetItem of the line items' keys and `version` only), keyed
   * `<orderId>|<lineSeq>`: enough to tell whether a line changed since it was read. Absent ones
   * are left out.
   */
  async lineVersions(
    refs: readonly { orderId: string; lineSeq: string }[],
  ): Promise<Map<string, number>> {
    const versions = new Map<string, number>();
    for (const item of await this.getMany(lineKeysOf(refs), ['pk', 'sk', 'version'])) {
      const orderId = String(item.pk).slice(orderPk('').length);
      const lineSeq = String(item.sk).slice(lineSk('').length);
      versions.set(`${orderId}|${lineSeq}`, Number(item.version));
    }
    return versions;
  }

  /**
   * Lines and their order headers in bulk (BatchGetItem, 100 keys a call), for exports that
   * look at many lines at once. Absent ones are left out.
   */
  async linesWithHeaders(
    refs: readonly { orderId: string; lineSeq: string }[],
  ): Promise<{ lines: Map<string, LineState>; headers: Map<string, OrderHeader> }> {
    const keys = new Map<string, { pk: string; sk: string }>();
    for (const r of refs) {
      keys.set(`${r.orderId}|${r.lineSeq}`, { pk: orderPk(r.orderId), sk: lineSk(r.lineSeq) });
      keys.set(`${r.orderId}|H`, { pk: orderPk(r.orderId), sk: HEADER_SK });
    }
    const found = await this.getMany([...keys.values()]);
    const lines = new Map<string, LineState>();
    const headers = new Map<string, OrderHeader>();
    for (const item of found) {
      if (item.sk === HEADER_SK) {
        const h = strip<OrderHeader>(item);
        headers.set(h.orderId, h);
      } else {
        const l = toLine(item);
        lines.set(`${l.orderId}|${l.lineSeq}`, l);
      }
    }
    return { lines, headers };
  }

  /** Consistent BatchGetItem of any number of keys: 100 a call, up to 8 calls at once. */
  async getMany(
    keys: readonly { pk: string; sk: string }[],
    projection?: readonly string[],
  ): Promise<Row[]> {
    const found: Row[] = [];
    const chunk = async (first: number) => {
      let pending = keys.slice(first, first + 100);
      while (pending.length) {
        const out = await this.doc.send(
          new BatchGetCommand({
            RequestItems: {
              [this.table]: {
                Keys: pending,
                ConsistentRead: true,
                ...(projection
                  ? {
                      ProjectionExpression: projection.map((_, i) => `#p${i}`).join(', '),
                      ExpressionAttributeNames: Object.fromEntries(
                        projection.map((name, i) => [`#p${i}`, name]),
                      ),
                    }
                  : {}),
              },
            },
          }),
        );
        found.push(...(out.Responses?.[this.table] ?? []));
        pending = (out.UnprocessedKeys?.[this.table]?.Keys ?? []) as typeof pending;
      }
    };
    const starts: number[] = [];
    for (let i = 0; i < keys.length; i += 100) starts.push(i);
    const GETS_IN_FLIGHT = 8;
    for (let i = 0; i < starts.length; i += GETS_IN_FLIGHT) {
      await Promise.all(starts.slice(i, i + GETS_IN_FLIGHT).map(chunk));
    }
    return found;
  }
}
