/**
 * Purchase orders and their pre-order allocations, in the inventory table (they are supply):
 *
 *   pk=PURCHASE_ORDERS  sk=<poId>                              PO header: facility, status, last seen
 *   pk=PO#<poId>        sk=LINE#<lineId>                       PO line: sku, quantity, arrival date,
 *                                                              allocated, released, atp, status
 *   pk=PO#<poId>        sk=ALLOC#<lineId>#<orderId>#<lineSeq>  one allocation per PO line × order
 *                                                              line: qty, promised date, customer
 *   pk=<sku>            sk=POL#<poId>#<lineId>                 the PO lines of a SKU (for FIFO)
 *
 * A PO line's `atp` = quantity − committed (committed = allocated + released) is stored and kept
 * by every write, because
 * a condition cannot do arithmetic: an allocation of q commits only under `atp >= :q` (and status
 * open), in the same transaction as the order line's move (see `allocateItems`). Concurrent runs
 * therefore never take more than the line's quantity.
 *
 * Over 400 lines: headers, lines, allocations and the SKU index are written together under the
 * ATP condition above, so their item shapes and transactions stay in one module.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
  paginateQuery,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type {
  PoStatus,
  PurchaseOrderHeader,
  PurchaseOrderLine,
  PurchaseOrderRow,
} from '../domain/preorder/purchase-order.ts';
import type { Allocation } from '../domain/preorder/fifo.ts';
import { documentClient } from './document-client.ts';
import { LabelledTx, readCancellation, type LinkedWrite } from './transactions.ts';
import { TxCancelled } from './order-store.ts';

export const PO_LIST_PK = 'PURCHASE_ORDERS';
export const poPk = (poId: string): string => `PO#${poId}`;
export const poLineSk = (lineId: string): string => `LINE#${lineId}`;
export const allocationSk = (lineId: string, orderId: string, lineSeq: string): string =>
  `ALLOC#${lineId}#${orderId}#${lineSeq}`;
export const skuPointerSk = (poId: string, lineId: string): string => `POL#${poId}#${lineId}`;

/** An allocation as stored, with what the review shows about the order. */
export interface StoredAllocation extends Allocation {
  readonly orderName?: string;
  readonly customerName?: string;
  readonly allocatedAt: string;
}

export interface PurchaseOrder {
  readonly header: PurchaseOrderHeader;
  readonly lines: PurchaseOrderLine[];
  readonly allocations: StoredAllocation[];
}

type Row = Record<string, unknown>;

const toLine = (i: Row): PurchaseOrderLine => ({
  poId: String(i.poId),
  lineId: String(i.lineId),
  sku: String(i.sku),
  facilityId: String(i.facilityId),
  quantity: Number(i.quantity ?? 0),
  allocated: Number(i.allocated ?? 0),
  released: Number(i.released ?? 0),
  atp: Number(i.atp ?? 0),
  arrivalDate: String(i.arrivalDate),
  status: (i.status as PoStatus) ?? 'open',
  updatedAt: String(i.updatedAt ?? ''),
});

const toHeader = (i: Row): PurchaseOrderHeader => ({
  poId: String(i.poId),
  facilityId: String(i.facilityId),
  status: (i.status as PoStatus) ?? 'open',
  lastSeenAt: String(i.lastSeenAt ?? ''),
  lastFile: String(i.lastFile ?? ''),
  firstSeenAt: String(i.firstSeenAt ?? ''),
  closedAt: i.closedAt as string | undefined,
  closedReason: i.closedReason as string | undefined,
});

const toAllocation = (i: Row): StoredAllocation => ({
  poId: String(i.poId),
  lineId: String(i.lineId),
  sku: String(i.sku),
  orderId: String(i.orderId),
  lineSeq: String(i.lineSeq),
  orderDate: String(i.orderDate),
  quantity: Number(i.qty ?? 0),
  promisedDate: String(i.promisedDate),
  orderName: i.orderName as string | undefined,
  customerName: i.customerName as string | undefined,
  allocatedAt: String(i.allocatedAt ?? ''),
});

export type UpsertOutcome = 'new' | 'changed' | 'same' | 'closed' | 'cancelled';

export class PurchaseOrderStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    readonly table: string,
  ) {
    this.doc = documentClient(client);
  }

  // ── import ──────────────────────────────────────────────────────────────────────────────

  /**
   * Upserts one PO line from the open-PO file (quantity, arrival date; ATP follows the quantity)
   * and its SKU pointer. A PO cancelled in the OMS stays cancelled: its rows are refused.
   *
   * A row with quantity 0 is NetSuite's evidence that the line is done — received in full, closed
   * or cancelled (a re-exported line carries its open quantity): the line is **closed** (`closed`;
   * `same` when it already was), keeping its quantity, ATP and allocations as they are, so no
   * other job takes it for an over-allocation; the pre-order release job then settles its
   * allocations (released where the stock arrived, the rest re-queued).
   */
  async upsertLine(
    row: PurchaseOrderRow & { facilityId: string },
    meta: { file: string; at: string },
  ): Promise<UpsertOutcome> {
    if (row.quantity === 0) return this.closeLine(row, meta);
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: poPk(row.poId), sk: poLineSk(row.lineId) },
          UpdateExpression:
            'SET itemType = :t, poId = :po, lineId = :line, sku = :sku, facilityId = :f, ' +
            'quantity = :q, arrivalDate = :d, #status = :open, updatedAt = :at, lastFile = :file, ' +
            'allocated = if_not_exists(allocated, :zero), released = if_not_exists(released, :zero), ' +
            'committed = if_not_exists(committed, :zero), atp = :q - if_not_exists(committed, :zero) ' +
            'REMOVE closedAt, closedReason',
          ConditionExpression: 'attribute_not_exists(#status) OR #status <> :cancelled',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':t': 'po-line',
            ':po': row.poId,
            ':line': row.lineId,
            ':sku': row.sku,
            ':f': row.facilityId,
            ':q': row.quantity,
            ':d': row.arrivalDate,
            ':open': 'open',
            ':cancelled': 'cancelled',
            ':at': meta.at,
            ':file': meta.file,
            ':zero': 0,
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const old = out.Attributes;
      await this.putSkuPointer(row);
      if (!old) return 'new';
      return Number(old.quantity) === row.quantity &&
        old.arrivalDate === row.arrivalDate &&
        old.sku === row.sku &&
        old.facilityId === row.facilityId &&
        old.status === 'open'
        ? 'same'
        : 'changed';
    } catch (err) {
      if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return 'cancelled';
      throw err;
    }
  }

  private async putSkuPointer(row: Pick<PurchaseOrderRow, 'sku' | 'poId' | 'lineId'>) {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: row.sku, sk: skuPointerSk(row.poId, row.lineId) },
        UpdateExpression: 'SET itemType = :t, poId = :po, lineId = :line',
        ExpressionAttributeValues: { ':t': 'po-pointer', ':po': row.poId, ':line': row.lineId },
      }),
    );
  }

  /** A row with quantity 0: the line is closed (see `upsertLine`); created closed when new. */
  private async closeLine(
    row: PurchaseOrderRow & { facilityId: string },
    meta: { file: string; at: string },
  ): Promise<UpsertOutcome> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: poPk(row.poId), sk: poLineSk(row.lineId) },
          UpdateExpression:
            'SET itemType = :t, poId = :po, lineId = :line, sku = if_not_exists(sku, :sku), ' +
            'facilityId = if_not_exists(facilityId, :f), quantity = if_not_exists(quantity, :zero), ' +
            'arrivalDate = if_not_exists(arrivalDate, :d), #status = :closed, updatedAt = :at, ' +
            'lastFile = :file, closedAt = if_not_exists(closedAt, :at), closedReason = :why, ' +
            'allocated = if_not_exists(allocated, :zero), released = if_not_exists(released, :zero), ' +
            'committed = if_not_exists(committed, :zero), atp = if_not_exists(atp, :zero)',
          ConditionExpression: 'attribute_not_exists(#status) OR #status <> :cancelled',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':t': 'po-line',
            ':po': row.poId,
            ':line': row.lineId,
            ':sku': row.sku,
            ':f': row.facilityId,
            ':d': row.arrivalDate,
            ':closed': 'closed',
            ':cancelled': 'cancelled',
            ':at': meta.at,
            ':file': meta.file,
            ':why': `NetSuite's open quantity is 0 (received in full, closed or cancelled), ${meta.file}`,
            ':zero': 0,
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const old = out.Attributes;
      if (!old) await this.putSkuPointer(row);
      return old?.status === 'closed' ? 'same' : 'closed';
    } catch (err) {
      if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return 'cancelled';
      throw err;
    }
  }

  /**
   * Closes a PO's header once every one of its lines is closed (NetSuite's evidence, line by
   * line). True when it did.
   */
  async closeIfEveryLineClosed(poId: string, now: string): Promise<boolean> {
    const po = await this.get(poId);
    if (!po || po.header.status !== 'open' || po.lines.length === 0) return false;
    if (po.lines.some((l) => l.status !== 'closed')) return false;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: PO_LIST_PK, sk: poId },
          UpdateExpression: 'SET #status = :closed, closedAt = :now, closedReason = :why',
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':closed': 'closed',
            ':open': 'open',
            ':now': now,
            ':why': 'every line closed by NetSuite (open quantity 0)',
          },
        }),
      );
      return true;
    } catch (err) {
      if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  /** Marks a PO as listed by a file now (creating its header). False when it was cancelled. */
  async touchHeader(
    poId: string,
    facilityId: string,
    meta: { file: string; at: string },
  ): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: PO_LIST_PK, sk: poId },
          UpdateExpression:
            'SET itemType = :t, poId = :po, facilityId = :f, lastSeenAt = :at, lastFile = :file, ' +
            'firstSeenAt = if_not_exists(firstSeenAt, :at), #status = :open REMOVE closedAt, closedReason',
          ConditionExpression: 'attribute_not_exists(#status) OR #status <> :cancelled',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':t': 'po-header',
            ':po': poId,
            ':f': facilityId,
            ':at': meta.at,
            ':file': meta.file,
            ':open': 'open',
            ':cancelled': 'cancelled',
          },
        }),
      );
      return true;
    } catch (err) {
      if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  // ── reads ───────────────────────────────────────────────────────────────────────────────

  async list(): Promise<PurchaseOrderHeader[]> {
    return (await this.queryAll(PO_LIST_PK)).map(toHeader);
  }

  async header(poId: string): Promise<PurchaseOrderHeader | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: PO_LIST_PK, sk: poId },
        ConsistentRead: true,
      }),
    );
    return out.Item ? toHeader(out.Item) : undefined;
  }

  /** A PO with its lines and allocations (undefined when unknown). */
  async get(poId: string): Promise<PurchaseOrder | undefined> {
    const header = await this.header(poId);
    if (!header) return undefined;
    const items = await this.queryAll(poPk(poId));
    return {
      header,
      lines: items.filter((i) => String(i.sk).startsWith('LINE#')).map(toLine),
      allocations: items.filter((i) => String(i.sk).startsWith('ALLOC#')).map(toAllocation),
    };
  }

  async line(poId: string, lineId: string): Promise<PurchaseOrderLine | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: poPk(poId), sk: poLineSk(lineId) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? toLine(out.Item) : undefined;
  }

  async allocations(poId: string, lineId?: string): Promise<StoredAllocation[]> {
    return (
      await this.queryAll(poPk(poId), lineId === undefined ? 'ALLOC#' : `ALLOC#${lineId}#`)
    ).map(toAllocation);
  }

  /** Every PO line of a SKU (any status), read consistently. */
  async linesOfSku(sku: string): Promise<PurchaseOrderLine[]> {
    const pointers = await this.queryAll(sku, 'POL#');
    const keys = pointers.map((p) => ({
      pk: poPk(String(p.poId)),
      sk: poLineSk(String(p.lineId)),
    }));
    const out: PurchaseOrderLine[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      let pending = keys.slice(i, i + 100);
      while (pending.length) {
        const res = await this.doc.send(
          new BatchGetCommand({
            RequestItems: { [this.table]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        out.push(...(res.Responses?.[this.table] ?? []).map(toLine));
        pending = (res.UnprocessedKeys?.[this.table]?.Keys ?? []) as typeof pending;
      }
    }
    return out.filter((l) => l.sku === sku);
  }

  private async queryAll(pk: string, prefix?: string): Promise<Row[]> {
    const items: Row[] = [];
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.table,
        KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :p)' : 'pk = :pk',
        ExpressionAttributeValues: prefix ? { ':pk': pk, ':p': prefix } : { ':pk': pk },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }

  // ── transaction items (linked to an order-core move, or written on their own) ────────────

  private lineKey(poId: string, lineId: string) {
    return { pk: poPk(poId), sk: poLineSk(lineId) };
  }

  /** Takes q of the PO line's ATP (only while open and ATP ≥ q) and records the allocation. */
  allocateItems(
    poLine: Pick<PurchaseOrderLine, 'poId' | 'lineId' | 'arrivalDate'>,
    a: Omit<StoredAllocation, 'poId' | 'lineId' | 'promisedDate' | 'allocatedAt'>,
    now: string,
  ): LinkedWrite[] {
    return [
      {
        label: 'linked:po-line',
        item: {
          Update: {
            TableName: this.table,
            Key: this.lineKey(poLine.poId, poLine.lineId),
            UpdateExpression:
              'SET allocated = allocated + :q, committed = committed + :q, atp = atp - :q, updatedAt = :now',
            ConditionExpression: '#status = :open AND atp >= :q',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':q': a.quantity, ':open': 'open', ':now': now },
          },
        },
      },
      {
        label: 'linked:allocation',
        item: {
          Update: {
            TableName: this.table,
            Key: {
              pk: poPk(poLine.poId),
              sk: allocationSk(poLine.lineId, a.orderId, a.lineSeq),
            },
            UpdateExpression:
              'ADD qty :q SET itemType = :t, poId = :po, lineId = :line, sku = :sku, ' +
              'orderId = :o, lineSeq = :s, orderDate = :od, promisedDate = :pd, ' +
              'allocatedAt = if_not_exists(allocatedAt, :now), orderName = :on, customerName = :cn',
            ExpressionAttributeValues: {
              ':q': a.quantity,
              ':t': 'po-allocation',
              ':po': poLine.poId,
              ':line': poLine.lineId,
              ':sku': a.sku,
              ':o': a.orderId,
              ':s': a.lineSeq,
              ':od': a.orderDate,
              ':pd': poLine.arrivalDate,
              ':now': now,
              ':on': a.orderName ?? '',
              ':cn': a.customerName ?? '',
            },
          },
        },
      },
    ];
  }

  /**
   * Gives q of an allocation back: the PO line's ATP grows by q (`released` instead when the
   * quantity moves on after arrival) and the allocation shrinks, or goes when nothing is left.
   * Conditioned on the allocation holding exactly what was read. `labelSuffix` tells several
   * allocations released in one transaction apart (`linked:po-line<suffix>`).
   */
  releaseItems(
    a: Pick<StoredAllocation, 'poId' | 'lineId' | 'orderId' | 'lineSeq' | 'quantity'>,
    q: number,
    now: string,
    how: 'unallocate' | 'arrived',
    labelSuffix = '',
  ): LinkedWrite[] {
    const key = { pk: poPk(a.poId), sk: allocationSk(a.lineId, a.orderId, a.lineSeq) };
    return [
      {
        label: `linked:po-line${labelSuffix}`,
        item: {
          Update: {
            TableName: this.table,
            Key: this.lineKey(a.poId, a.lineId),
            UpdateExpression:
              how === 'unallocate'
                ? 'SET allocated = allocated - :q, committed = committed - :q, atp = atp + :q, updatedAt = :now'
                : 'SET allocated = allocated - :q, released = released + :q, updatedAt = :now',
            ConditionExpression: 'allocated >= :q',
            ExpressionAttributeValues: { ':q': q, ':now': now },
          },
        },
      },
      {
        label: `linked:allocation${labelSuffix}`,
        item:
          q >= a.quantity
            ? {
                Delete: {
                  TableName: this.table,
                  Key: key,
                  ConditionExpression: 'qty = :q',
                  ExpressionAttributeValues: { ':q': a.quantity },
                },
              }
            : {
                Update: {
                  TableName: this.table,
                  Key: key,
                  UpdateExpression: 'SET qty = qty - :take',
                  ConditionExpression: 'qty = :q',
                  ExpressionAttributeValues: { ':q': a.quantity, ':take': q },
                },
              },
      },
    ];
  }

  /**
   * Moves q of an allocation onto another PO line of the same SKU (re-promise): one transaction,
   * conditioned on the allocation as read and the target's ATP. False when either moved.
   */
  async transfer(
    a: StoredAllocation,
    q: number,
    to: Pick<PurchaseOrderLine, 'poId' | 'lineId' | 'arrivalDate'>,
    now: string,
  ): Promise<boolean> {
    const tx = new LabelledTx();
    for (const x of this.releaseItems(a, q, now, 'unallocate')) tx.add(`from-${x.label}`, x.item);
    for (const x of this.allocateItems(to, { ...a, quantity: q }, now))
      tx.add(`to-${x.label}`, x.item);
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: tx.items }));
      return true;
    } catch (err) {
      const c = readCancellation(err, tx.labels);
      if (c) return false;
      throw err;
    }
  }

  /** Sets the promised date of one allocation; false when it changed or went meanwhile. */
  async setPromisedDate(a: StoredAllocation, date: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: poPk(a.poId), sk: allocationSk(a.lineId, a.orderId, a.lineSeq) },
          UpdateExpression: 'SET promisedDate = :d',
          ConditionExpression: 'attribute_exists(pk) AND promisedDate = :was',
          ExpressionAttributeValues: { ':d': date, ':was': a.promisedDate },
        }),
      );
      return true;
    } catch (err) {
      if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  /** Sets a PO's status (header and every line): cancelled by hand, or closed after absence. */
  async setStatus(poId: string, status: PoStatus, reason: string, now: string): Promise<void> {
    const po = await this.get(poId);
    if (!po) return;
    const tx = new LabelledTx().add('header', {
      Update: {
        TableName: this.table,
        Key: { pk: PO_LIST_PK, sk: poId },
        UpdateExpression: 'SET #status = :s, closedAt = :now, closedReason = :r',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':s': status, ':now': now, ':r': reason },
      },
    });
    for (const l of po.lines) {
      tx.add(`line:${l.lineId}`, {
        Update: {
          TableName: this.table,
          Key: this.lineKey(poId, l.lineId),
          UpdateExpression: 'SET #status = :s, updatedAt = :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':s': status, ':now': now },
        },
      });
    }
    for (let i = 0; i < tx.items.length; i += 100) {
      try {
        await this.doc.send(
          new TransactWriteCommand({ TransactItems: tx.items.slice(i, i + 100) }),
        );
      } catch (err) {
        const c = readCancellation(err, tx.labels.slice(i, i + 100));
        if (c) throw new TxCancelled(c);
        throw err;
      }
    }
  }
}
