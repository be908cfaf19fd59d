/**
 * Orders in DynamoDB (the `orders` table), one partition per order:
 *
 *   pk=ORDER#<id>  sk=HEADER               the order header
 *   pk=ORDER#<id>  sk=LINE#<seq>           the line aggregate (buckets, allocations, holds,
 *                                          releases, shipments) under `version`
 *   pk=ORDER#<id>  sk=REL#<releaseKey>     the release table: one row per (line, release key)
 *   pk=ORDER#<id>  sk=SHP#<shipmentKey>    shipment lines
 *   pk=ORDER#<id>  sk=EVT#<idempotencyKey> history event = the command's idempotency record
 *   pk=EXT#<externalId>  sk=EXT            the storefront id → order id (conditional put)
 *
 * Every change is one TransactWriteItems: the line rewritten under the version read, the event
 * put only if its key is new, the release/shipment rows, and — when quantity enters or leaves
 * 1200/1500 — the reservation row and position in the inventory table (see position-store.ts).
 *
 * The keys and how items read back are in order-items.ts, the reads of many orders at once in
 * order-bulk-reads.ts (this store hands them on), the order commands' transaction is built in
 * order-transaction.ts. Over 400 lines still: the shapes of the items listed above, as written,
 * and every single-order read stay together here, so that no other module writes them (the
 * NetSuite ids and invoices kept in an order's partition have stores of their own).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  QueryCommand,
  UpdateCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { LineWrite } from '../domain/orders/order-writes.ts';
import type { LineState, Release, Shipment } from '../domain/lifecycle/line.ts';
import { displayStatus } from '../domain/lifecycle/status.ts';
import type { OrderHeader } from '../domain/orders/order.ts';
import { documentClient } from './document-client.ts';
import { OrderBulkReads } from './order-bulk-reads.ts';
import {
  HEADER_SK,
  eventSk,
  externalPk,
  lineSk,
  orderPk,
  releaseSk,
  shipmentSk,
  strip,
  toEvent,
  toLine,
  type Row,
  type StoredEvent,
} from './order-items.ts';
import { LabelledTx, readCancellation, type Cancellation, type TxItem } from './transactions.ts';

export interface OrderRecords {
  readonly header?: OrderHeader;
  readonly lines: LineState[];
  readonly releases: Array<Release & { lineSeq: string }>;
  readonly shipments: Array<Shipment & { lineSeq: string }>;
  readonly events: StoredEvent[];
}

/**
 * An order as one consistent read of its partition found it: its header, its lines and the event
 * recorded under any idempotency key — what `readOrderForCommand` answers, for a key chosen after
 * the read (e.g. one made of what the read found).
 */
export interface OrderRead {
  readonly header?: OrderHeader;
  readonly lines: LineState[];
  event(idempotencyKey: string): StoredEvent | undefined;
}

/** The order in the (unmarshalled) items of its partition; other items are left aside. */
export function orderReadOf(items: readonly Row[]): OrderRead {
  const header = items.find((i) => i.sk === HEADER_SK);
  return {
    header: header ? strip<OrderHeader>(header) : undefined,
    lines: items.filter((i) => String(i.sk).startsWith('LINE#')).map(toLine),
    event: (idempotencyKey) => {
      const event = items.find((i) => i.sk === eventSk(idempotencyKey));
      return event ? toEvent(event) : undefined;
    },
  };
}

/** A transaction was cancelled; `cancellation` says why, item by item. */
export class TxCancelled extends Error {
  constructor(readonly cancellation: Cancellation) {
    super(`transaction cancelled: ${cancellation.codes.join(', ')}`);
    this.name = 'TxCancelled';
  }
}

export type { LineWrite };

export interface ChangeSet {
  readonly lines: readonly LineWrite[];
  readonly event: StoredEvent;
  readonly release?: Release & { lineSeq: string };
  readonly shipment?: Shipment & { lineSeq: string };
  /** Several release / shipment rows (a multi-step command); each key once. */
  readonly releases?: ReadonlyArray<Release & { lineSeq: string }>;
  readonly shipments?: ReadonlyArray<Shipment & { lineSeq: string }>;
  /** Items for other tables (reservation row, position, NetSuite check), with their labels. */
  readonly extra?: ReadonlyArray<{ readonly label: string; readonly item: TxItem }>;
  /** Header attributes to set (the header must exist). */
  readonly headerSet?: Readonly<Record<string, unknown>>;
}

export class OrderStore {
  private readonly doc: DynamoDBDocumentClient;
  /** Many orders' headers and lines at once (`order-bulk-reads.ts`). */
  private readonly bulk: OrderBulkReads;

  constructor(
    client: DynamoDBClient,
    readonly table: string,
  ) {
    this.doc = documentClient(client);
    this.bulk = new OrderBulkReads(this.doc, table);
  }

  /**
   * The line item: the aggregate as one JSON document (`state`), beside the few attributes
   * conditions and queries use (`version`, `sku`, `status`). One string writes much cheaper than
   * nested maps of buckets, allocations, holds, releases and shipments; the release and shipment
   * rows stay queryable as their own items.
   */
  lineItem(line: LineState): Row {
    return {
      pk: orderPk(line.orderId),
      sk: lineSk(line.lineSeq),
      itemType: 'line',
      orderId: line.orderId,
      lineSeq: line.lineSeq,
      sku: line.sku,
      status: displayStatus(line.buckets),
      version: line.version,
      updatedAt: line.updatedAt,
      state: JSON.stringify(line),
    };
  }

  private lineWrite({ line, expectedVersion }: LineWrite): TxItem {
    return {
      Put: {
        TableName: this.table,
        Item: this.lineItem(line),
        ...(expectedVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: 'version = :v',
              ExpressionAttributeValues: { ':v': expectedVersion },
            }),
      },
    };
  }

  private eventPut(event: StoredEvent): TxItem {
    return {
      Put: {
        TableName: this.table,
        Item: {
          pk: orderPk(event.orderId),
          sk: eventSk(event.idempotencyKey),
          itemType: 'event',
          ...event,
          result: JSON.stringify(event.result ?? null),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  /**
   * Writes a change set atomically. Throws TxCancelled with the labels of the failed
   * conditions: `event` (the idempotency key exists), `line:<seq>` (version moved), `position`,
   * `ns` (NetSuite's figure no longer covers the reservation), `external`, `header`.
   */
  async commit(change: ChangeSet): Promise<void> {
    await this.commitTx(this.changeTx(change));
  }

  /**
   * The labelled items `commit` sends for a change, appended to `tx` with their labels prefixed
   * by `prefix` (several orders' changes in one transaction tell theirs apart by it).
   */
  changeTx(change: ChangeSet, tx = new LabelledTx(), prefix = ''): LabelledTx {
    const add = (label: string, item: TxItem) => tx.add(`${prefix}${label}`, item);
    for (const l of change.lines) add(`line:${l.line.lineSeq}`, this.lineWrite(l));
    add('event', this.eventPut(change.event));
    const pk = orderPk(change.event.orderId);
    const releases = [...(change.release ? [change.release] : []), ...(change.releases ?? [])];
    const shipments = [...(change.shipment ? [change.shipment] : []), ...(change.shipments ?? [])];
    for (const r of releases) {
      add(releases.length === 1 ? 'release' : `release:${r.key}`, {
        Put: {
          TableName: this.table,
          Item: { pk, sk: releaseSk(r.key), itemType: 'release', ...r },
        },
      });
    }
    for (const sh of shipments) {
      add(shipments.length === 1 ? 'shipment' : `shipment:${sh.key}`, {
        Put: {
          TableName: this.table,
          Item: { pk, sk: shipmentSk(sh.key), itemType: 'shipment', ...sh },
        },
      });
    }
    if (change.headerSet && Object.keys(change.headerSet).length) {
      const entries = Object.entries(change.headerSet);
      add('header', {
        Update: {
          TableName: this.table,
          Key: { pk, sk: HEADER_SK },
          UpdateExpression: `SET ${entries.map((_, i) => `#h${i} = :h${i}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#h${i}`, k])),
          ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:h${i}`, v])),
        },
      });
    }
    for (const x of change.extra ?? []) add(x.label, x.item);
    return tx;
  }

  /** Creates an order: the external-id key, the header, every line and the `created` event. */
  async create(
    header: OrderHeader,
    lines: readonly LineState[],
    event: StoredEvent,
    /** Items created with the order in the same transaction (e.g. its sync outbox entry). */
    extra: readonly TxItem[] = [],
  ): Promise<void> {
    const pk = orderPk(header.orderId);
    const tx = new LabelledTx()
      .add('external', {
        Put: {
          TableName: this.table,
          Item: {
            pk: externalPk(header.externalId),
            sk: 'EXT',
            itemType: 'external-id',
            orderId: header.orderId,
            createdAt: header.createdAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      })
      .add('header', {
        Put: {
          TableName: this.table,
          Item: { pk, sk: HEADER_SK, itemType: 'header', ...header },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    for (const line of lines)
      tx.add(`line:${line.lineSeq}`, this.lineWrite({ line, expectedVersion: 0 }));
    tx.add('event', this.eventPut(event));
    extra.forEach((item, i) => tx.add(`extra:${i}`, item));
    await this.commitTx(tx);
  }

  /** Sends labelled items as one transaction; a cancellation is thrown as TxCancelled. */
  async commitTx(tx: LabelledTx): Promise<void> {
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: tx.items }));
    } catch (err) {
      const cancellation = readCancellation(err, tx.labels);
      if (cancellation) throw new TxCancelled(cancellation);
      throw err;
    }
  }

  async orderIdForExternal(externalId: string): Promise<string | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: externalPk(externalId), sk: 'EXT' },
        ConsistentRead: true,
      }),
    );
    return out.Item?.orderId as string | undefined;
  }

  /**
   * What a command on a line reads, in one call: the line, the event under the command's key (a
   * replay), and — when asked — the header.
   */
  async readForCommand(
    orderId: string,
    lineSeq: string | undefined,
    idempotencyKey: string,
    withHeader: boolean,
  ): Promise<{ line?: LineState; event?: StoredEvent; header?: OrderHeader }> {
    const pk = orderPk(orderId);
    const keys = [{ pk, sk: eventSk(idempotencyKey) }];
    if (lineSeq !== undefined) keys.push({ pk, sk: lineSk(lineSeq) });
    if (withHeader) keys.push({ pk, sk: HEADER_SK });
    const found = await this.bulk.getMany(keys);
    const bySk = new Map(found.map((i) => [String(i.sk), i]));
    const line = lineSeq !== undefined ? bySk.get(lineSk(lineSeq)) : undefined;
    const event = bySk.get(eventSk(idempotencyKey));
    const header = bySk.get(HEADER_SK);
    return {
      line: line ? toLine(line) : undefined,
      event: event ? toEvent(event) : undefined,
      header: header ? strip<OrderHeader>(header) : undefined,
    };
  }

  /** Several lines of one order and the event under a key, in one BatchGetItem. */
  async readLinesForCommand(
    orderId: string,
    lineSeqs: readonly string[],
    idempotencyKey: string,
  ): Promise<{ lines: Map<string, LineState>; event?: StoredEvent }> {
    const pk = orderPk(orderId);
    const found = await this.bulk.getMany([
      { pk, sk: eventSk(idempotencyKey) },
      ...lineSeqs.map((seq) => ({ pk, sk: lineSk(seq) })),
    ]);
    const lines = new Map<string, LineState>();
    let event: StoredEvent | undefined;
    for (const item of found) {
      if (item.sk === eventSk(idempotencyKey)) event = toEvent(item);
      else {
        const line = toLine(item);
        lines.set(line.lineSeq, line);
      }
    }
    return { lines, event };
  }

  async getEvent(orderId: string, idempotencyKey: string): Promise<StoredEvent | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: orderPk(orderId), sk: eventSk(idempotencyKey) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? toEvent(out.Item) : undefined;
  }

  /** Where the event under an order command's idempotency key is (to read it with other items). */
  eventRef(
    orderId: string,
    idempotencyKey: string,
  ): { readonly table: string; readonly key: Readonly<Record<string, string>> } {
    return { table: this.table, key: { pk: orderPk(orderId), sk: eventSk(idempotencyKey) } };
  }

  /** An event item read elsewhere (`eventRef`), as the store answers it. */
  eventOf(item: Record<string, unknown>): StoredEvent {
    return toEvent(item);
  }

  /** Headers and lines of several orders, without their events (`OrderBulkReads`). */
  headersAndLines(orderIds: readonly string[]): ReturnType<OrderBulkReads['headersAndLines']> {
    return this.bulk.headersAndLines(orderIds);
  }

  /** Lines in bulk, keyed `<orderId>|<lineSeq>`, without their headers (`OrderBulkReads`). */
  lines(refs: readonly { orderId: string; lineSeq: string }[]): Promise<Map<string, LineState>> {
    return this.bulk.lines(refs);
  }

  /** The versions of lines in bulk, keyed `<orderId>|<lineSeq>` (`OrderBulkReads`). */
  lineVersions(
    refs: readonly { orderId: string; lineSeq: string }[],
  ): Promise<Map<string, number>> {
    return this.bulk.lineVersions(refs);
  }

  /** Lines and their order headers in bulk (`OrderBulkReads`). */
  linesWithHeaders(
    refs: readonly { orderId: string; lineSeq: string }[],
  ): ReturnType<OrderBulkReads['linesWithHeaders']> {
    return this.bulk.linesWithHeaders(refs);
  }

  /** Records the order's customer deposits in NetSuite (payment reference → deposit id). */
  async recordDeposits(orderId: string, deposits: Readonly<Record<string, string>>): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: orderPk(orderId), sk: HEADER_SK },
        UpdateExpression: 'SET paymentVerified = :t, netsuiteDeposits = :d',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':t': true, ':d': deposits },
      }),
    );
  }

  async getHeader(orderId: string): Promise<OrderHeader | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: orderPk(orderId), sk: HEADER_SK },
        ConsistentRead: true,
      }),
    );
    return out.Item ? strip<OrderHeader>(out.Item) : undefined;
  }

  /**
   * The header and every line of an order in one query (sort keys `HEADER` … `LINE#\uffff`: no
   * other kind of an order's rows — `EVT#`, `NSID#`, `REL#`, `SHP#` — sorts between them), lines
   * in line order; none when there is no such order.
   */
  async headerAndLines(
    orderId: string,
  ): Promise<{ header: OrderHeader; lines: LineState[] } | undefined> {
    const items = await this.query(orderId, { from: HEADER_SK, to: lineSk('\uffff') });
    const headerItem = items.find((i) => i.sk === HEADER_SK);
    if (!headerItem) return undefined;
    return {
      header: strip<OrderHeader>(headerItem),
      lines: items.filter((i) => i.sk !== HEADER_SK).map(toLine),
    };
  }

  /**
   * What an order-wide command reads, in one query: the header, every line, and the event under
   * the command's idempotency key (a replay).
   */
  async readOrderForCommand(
    orderId: string,
    idempotencyKey: string,
  ): Promise<{ header?: OrderHeader; lines: LineState[]; event?: StoredEvent }> {
    const read = orderReadOf(await this.query(orderId));
    return { header: read.header, lines: read.lines, event: read.event(idempotencyKey) };
  }

  /** Everything stored for an order. */
  async order(orderId: string): Promise<OrderRecords> {
    const items = await this.query(orderId);
    const of = (prefix: string) => items.filter((i) => String(i.sk).startsWith(prefix));
    const header = items.find((i) => i.sk === HEADER_SK);
    return {
      header: header ? strip<OrderHeader>(header) : undefined,
      lines: of('LINE#').map(toLine),
      releases: of('REL#').map((i) => strip<Release & { lineSeq: string }>(i)),
      shipments: of('SHP#').map((i) => strip<Shipment & { lineSeq: string }>(i)),
      events: of('EVT#')
        .map(toEvent)
        .sort((a, b) =>
          a.at === b.at ? (a.lineVersion ?? 0) - (b.lineVersion ?? 0) : a.at < b.at ? -1 : 1,
        ),
    };
  }

  /** An order's partition, whole or the sort keys from `range.from` to `range.to`, consistent. */
  private async query(orderId: string, range?: { from: string; to: string }): Promise<Row[]> {
    const items: Row[] = [];
    let start: Row | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: range ? 'pk = :pk AND sk BETWEEN :from AND :to' : 'pk = :pk',
          ExpressionAttributeValues: range
            ? { ':pk': orderPk(orderId), ':from': range.from, ':to': range.to }
            : { ':pk': orderPk(orderId) },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
