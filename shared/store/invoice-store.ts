/**
 * Invoices in DynamoDB:
 *
 * - on the order header (orders table, `ORDER#<id>` / `HEADER`): `invoices`, a map keyed by the
 *   NetSuite invoice internal id (`invoices.<invoiceId>` = what `OrderInvoice` holds), and
 *   `invoicedAt`, when the first invoice was recorded. One UpdateItem per new or changed invoice:
 *   the same row again writes nothing (the importer compares first), and a later row of the same
 *   invoice replaces it.
 * - **awaiting an invoice** (control table, pk `INVWAIT#<shard 0–15>`, sk = order id, `at` = when
 *   the order became fully shipped): written by whoever ships the order's last unit, in the same
 *   transaction (`awaitingInvoiceItem`), removed by the invoice import; it expires after 90 days.
 *   `oms sync status` lists those older than `OMS_INVOICE_OVERDUE_HOURS`.
 * - **credit memos** on the order header: `creditMemos`, a map keyed by the NetSuite credit memo
 *   internal id (what `OrderCreditMemo` holds, the Loop return total in cents). A new or changed
 *   memo is one transaction with the running totals (control table, pk `CREDITMEMO#TOTALS`:
 *   `memos`, `amountCents`), conditioned on the memo as read, so the totals stay exact whatever
 *   repeats or races; the same memo again writes nothing (the importer compares first).
 * - the order of a Shopify order id: the external-id item the order core keeps
 *   (`EXT#<externalId>` / `EXT`), read in bulk.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { hash32 } from '../domain/hash64.ts';
import type { OrderCreditMemo } from '../domain/fulfillment/invoice-rows.ts';
import type { OrderInvoice } from '../domain/sync/invoices.ts';
import type { InvoiceDifference } from '../domain/order-money/invoice-check.ts';
import type { OrderHeader } from '../domain/orders/order.ts';
import { batchGetAll } from './batch-get.ts';
import { BatchWriter } from './batch-writer.ts';
import { documentClient } from './document-client.ts';
import { table } from './dynamo-client.ts';
import { externalPk, HEADER_SK, orderPk } from './order-items.ts';
import { queryPartition } from './query-all.ts';
import { readCancellation, type LinkedWrite, type TxItem } from './transactions.ts';

const SHARDS = 16;
const AWAITING_TTL_DAYS = 90;
const awaitingPk = (orderId: string) => `INVWAIT#${hash32(orderId) % SHARDS}`;
const CREDIT_TOTALS_KEY = { pk: 'CREDITMEMO#TOTALS', sk: 'TOTALS' };

/** Every credit memo recorded, and the sum of their Loop return totals. */
export interface CreditMemoTotals {
  readonly memos: number;
  readonly amountCents: number;
}

export type CreditMemoOutcome = 'recorded' | 'unknown-order' | 'changed-meanwhile';

/**
 * The Put that marks an order as shipped and awaiting NetSuite's invoice, for the transaction that
 * ships its last unit (`linked`). `at` is when it became fully shipped (ISO instant).
 */
export function awaitingInvoiceItem(
  orderId: string,
  at: string,
  controlTable: string = table('control'),
): TxItem {
  return {
    Put: {
      TableName: controlTable,
      Item: {
        pk: awaitingPk(orderId),
        sk: orderId,
        at,
        expiresAt: Math.floor(Date.parse(at) / 1000) + AWAITING_TTL_DAYS * 86_400,
      },
    },
  };
}

/** awaitingInvoiceItem as a write linked to the command that ships (`linked:awaiting-invoice`). */
export const linkedAwaitingInvoice = (orderId: string, at: string): LinkedWrite => ({
  label: 'linked:awaiting-invoice',
  item: awaitingInvoiceItem(orderId, at),
});

/** What the invoice import and the status need of an order header. */
export interface InvoicedHeader {
  readonly orderId: string;
  readonly name?: string;
  readonly lineCount: number;
  readonly netsuiteOrderId?: string;
  /** invoice internal id → invoice */
  readonly invoices: Readonly<Record<string, OrderInvoice>>;
  readonly invoicedAt?: string;
  /** The Shopify order id (the order's external id). */
  readonly externalId?: string;
  /** credit memo internal id → credit memo; undefined when the order has none yet. */
  readonly creditMemos?: Readonly<Record<string, OrderCreditMemo>>;
  /** The order's money and payments (the invoice check, docs/money.md). */
  readonly money?: OrderHeader['money'];
  readonly payments?: OrderHeader['payments'];
}

/** Orders whose invoices differ from what shipped (control table, one partition, sk = order). */
const INVOICE_DIFF_PK = 'INVDIFF';

export class InvoiceStore {
  private readonly doc;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly ordersTable: string,
    private readonly controlTable: string,
  ) {
    this.doc = documentClient(client);
  }

  /** The headers of the orders named (absent ones left out), with their invoices. */
  async headers(orderIds: Iterable<string>): Promise<Map<string, InvoicedHeader>> {
    const keys = [...new Set(orderIds)].map((o) => marshall({ pk: orderPk(o), sk: HEADER_SK }));
    const items = await batchGetAll(this.client, this.ordersTable, keys);
    const out = new Map<string, InvoicedHeader>();
    for (const raw of items) {
      const i = unmarshall(raw);
      const orderId = String(i.orderId ?? String(i.pk).slice('ORDER#'.length));
      out.set(orderId, {
        orderId,
        name: i.name as string | undefined,
        lineCount: Number(i.lineCount ?? 0),
        netsuiteOrderId: i.netsuiteOrderId as string | undefined,
        invoices: (i.invoices as Record<string, OrderInvoice> | undefined) ?? {},
        invoicedAt: i.invoicedAt as string | undefined,
        externalId: i.externalId as string | undefined,
        creditMemos: i.creditMemos as Record<string, OrderCreditMemo> | undefined,
        money: i.money as OrderHeader['money'],
        payments: i.payments as OrderHeader['payments'],
      });
    }
    return out;
  }

  /**
   * Records one invoice on the order's header (replacing the one kept under its id). False when
   * the order does not exist.
   */
  async record(orderId: string, invoice: OrderInvoice, at: string): Promise<boolean> {
    const Key = { pk: orderPk(orderId), sk: HEADER_SK };
    // The map is created by the first invoice; later ones add a key to it.
    for (let attempt = 0; attempt < 4; attempt++) {
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.ordersTable,
            Key,
            UpdateExpression:
              'SET invoices.#id = :inv, invoicedAt = if_not_exists(invoicedAt, :at)',
            ConditionExpression: 'attribute_exists(invoices)',
            ExpressionAttributeNames: { '#id': invoice.invoiceId },
            ExpressionAttributeValues: { ':inv': invoice, ':at': at },
          }),
        );
        return true;
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.ordersTable,
            Key,
            UpdateExpression: 'SET invoices = :map, invoicedAt = if_not_exists(invoicedAt, :at)',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(invoices)',
            ExpressionAttributeValues: { ':map': { [invoice.invoiceId]: invoice }, ':at': at },
          }),
        );
        return true;
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
        // Either no such order, or another writer created the map meanwhile: look again.
        if (!(await this.headers([orderId])).has(orderId)) return false;
      }
    }
    throw new Error(`order ${orderId}: could not record invoice ${invoice.invoiceId}`);
  }

  /** Shopify order id (the order's external id) → OMS order id, for those the OMS has. */
  async ordersByExternalId(externalIds: Iterable<string>): Promise<Map<string, string>> {
    const ids = [...new Set(externalIds)];
    const keys = ids.map((e) => marshall({ pk: externalPk(e), sk: 'EXT' }));
    const items = await batchGetAll(this.client, this.ordersTable, keys, {
      projection: 'pk, orderId',
    });
    const out = new Map<string, string>();
    for (const raw of items) {
      const i = unmarshall(raw);
      out.set(String(i.pk).slice('EXT#'.length), String(i.orderId));
    }
    return out;
  }

  /**
   * Records one credit memo on the order's header, replacing `kept` (the memo as read, undefined
   * when new), and moves the running totals by the difference — one transaction, conditioned on
   * the memo still being `kept`. `changed-meanwhile` when another writer got there first (read
   * again and retry); `unknown-order` when the order does not exist.
   */
  async recordCreditMemo(
    orderId: string,
    memo: OrderCreditMemo,
    kept: OrderCreditMemo | undefined,
    hasMap: boolean,
  ): Promise<CreditMemoOutcome> {
    const Key = { pk: orderPk(orderId), sk: HEADER_SK };
    if (!hasMap) {
      // The map is created once (a nested SET needs it), empty, by whoever comes first.
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.ordersTable,
            Key,
            UpdateExpression: 'SET creditMemos = if_not_exists(creditMemos, :empty)',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':empty': {} },
          }),
        );
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return 'unknown-order';
        throw err;
      }
    }
    const amount = (m: OrderCreditMemo | undefined) => m?.loopReturnTotalCents ?? 0;
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.ordersTable,
                Key,
                UpdateExpression: 'SET creditMemos.#id = :memo',
                ConditionExpression: kept
                  ? 'creditMemos.#id = :kept'
                  : 'attribute_exists(creditMemos) AND attribute_not_exists(creditMemos.#id)',
                ExpressionAttributeNames: { '#id': memo.creditMemoId },
                ExpressionAttributeValues: {
                  ':memo': memo,
                  ...(kept ? { ':kept': kept } : {}),
                },
              },
            },
            {
              Update: {
                TableName: this.controlTable,
                Key: CREDIT_TOTALS_KEY,
                UpdateExpression: 'ADD memos :n, amountCents :c',
                ExpressionAttributeValues: {
                  ':n': kept ? 0 : 1,
                  ':c': amount(memo) - amount(kept),
                },
              },
            },
          ],
        }),
      );
      return 'recorded';
    } catch (err) {
      const c = readCancellation(err, ['header', 'totals']);
      if (c && (c.failed.has('header') || c.conflict)) return 'changed-meanwhile';
      throw err;
    }
  }

  /** The running credit memo totals (zero before the first memo). */
  async creditMemoTotals(): Promise<CreditMemoTotals> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.controlTable,
        Key: CREDIT_TOTALS_KEY,
        ConsistentRead: true,
      }),
    );
    return {
      memos: Number(out.Item?.memos ?? 0),
      amountCents: Number(out.Item?.amountCents ?? 0),
    };
  }

  /** Marks orders as awaiting an invoice (what `awaitingInvoiceItem` does inside a transaction). */
  async markAwaiting(orders: readonly { orderId: string; at: string }[]): Promise<void> {
    const writer = this.writer();
    for (const o of orders) {
      const put = awaitingInvoiceItem(o.orderId, o.at, this.controlTable).Put!;
      await writer.put(marshall(put.Item!));
    }
    await writer.flush();
  }

  /** Removes the awaiting-invoice marks of orders (their invoice came). */
  async clearAwaiting(orderIds: Iterable<string>): Promise<void> {
    const writer = this.writer();
    for (const orderId of new Set(orderIds)) {
      await writer.delete(marshall({ pk: awaitingPk(orderId), sk: orderId }));
    }
    await writer.flush();
  }

  /** Every order awaiting an invoice, with when it became fully shipped (all shards at once). */
  async awaiting(): Promise<{ orderId: string; at: string }[]> {
    const shards = await Promise.all(
      Array.from({ length: SHARDS }, (_, s) =>
        queryPartition(this.client, this.controlTable, `INVWAIT#${s}`),
      ),
    );
    return shards.flat().map((i) => ({ orderId: String(i.sk), at: String(i.at) }));
  }

  /**
   * Keeps the invoice differences found (an order's mark replaced) and removes the marks of the
   * orders whose invoices now agree.
   */
  async saveDifferences(
    found: readonly (InvoiceDifference & { file: string; at: string })[],
    agreeing: Iterable<string>,
  ): Promise<void> {
    const writer = this.writer();
    for (const d of found) await writer.put(marshall({ pk: INVOICE_DIFF_PK, sk: d.orderId, ...d }));
    for (const orderId of new Set(agreeing)) {
      await writer.delete(marshall({ pk: INVOICE_DIFF_PK, sk: orderId }));
    }
    await writer.flush();
  }

  /** Every order whose invoices differ from what shipped. */
  async differences(): Promise<(InvoiceDifference & { file: string; at: string })[]> {
    const items = await queryPartition(this.client, this.controlTable, INVOICE_DIFF_PK);
    return items.map((i) => {
      const { pk: _pk, sk: _sk, ...rest } = i as Record<string, unknown>;
      return rest as unknown as InvoiceDifference & { file: string; at: string };
    });
  }

  private writer(): BatchWriter {
    return new BatchWriter({
      client: this.client,
      table: this.controlTable,
      keyAttributes: ['pk', 'sk'],
    });
  }
}
