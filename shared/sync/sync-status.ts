/**
 * The operator's view of the NetSuite sync (`oms sync status`): per feed its last runs (files
 * written or read, rows, errors), and per outbox the records still waiting for a NetSuite id —
 * with those waiting longer than a threshold listed, oldest first. NetSuite reports row-level
 * failures nowhere, so this is where a record that never came back shows up.
 */
import { padLineSeq, type LineState } from '../domain/lifecycle/line.ts';
import { hoursSince, orderFullyShipped } from '../domain/sync/invoices.ts';
import { FEEDS } from '../feeds/catalog.ts';
import type { FeedFileRun, ImportLedger } from '../store/import-ledger.ts';
import type { InvoiceStore } from '../store/invoice-store.ts';
import type { InvoiceDifference } from '../domain/order-money/invoice-check.ts';
import type { OrderStore } from '../store/order-store.ts';
import type { OutboxFeed, SyncRun, SyncStore } from '../store/sync-store.ts';
import { exceptionsStatus, type ExceptionsStatus } from './netsuite-exceptions.ts';

export const SYNC_FEEDS = {
  outbound: [
    'customer-export',
    'sales-order-export',
    'customer-deposit-export',
    'allocation-update-export',
    'inventory-adjustment-export',
    'oms-fulfilled-export',
    'line-close-export',
  ],
  inbound: [
    'customer-id-import',
    'order-id-import',
    'order-line-id-import',
    'deposit-id-import',
    'rejected-item-import',
    'fulfillment-csv-import',
    'fulfillment-json-import',
    'invoice-import',
  ],
} as const;

export interface WaitingRecord {
  readonly id: string;
  readonly since: string;
  readonly minutes: number;
  readonly sends: number;
  readonly lastSentAt?: string;
  readonly heldBack?: string;
  /** NetSuite refused it and its rows did not change since (`NetSuite: <message>`). */
  readonly refused?: string;
}

export interface SyncStatus {
  readonly at: string;
  readonly thresholdMinutes: number;
  readonly outbound: { feed: string; runs: SyncRun[] }[];
  readonly inbound: { feed: string; files: FeedFileRun[] }[];
  readonly approval: SyncRun[];
  readonly waiting: {
    readonly outbox: OutboxFeed;
    readonly total: number;
    readonly overThreshold: number;
    readonly heldBack: number;
    /** Those over the threshold, oldest first (at most `limit`). */
    readonly oldest: WaitingRecord[];
  }[];
  /** Orders fully shipped and not invoiced (when the status was asked with the invoice store). */
  readonly invoices?: InvoiceStatus;
  /** Credit memos NetSuite reported (when the status was asked with `creditMemos`). */
  readonly creditMemos?: CreditMemoStatus;
  /** What NetSuite did with the OMS's files: refused records, failed files, unexplained, taken. */
  readonly exceptions: ExceptionsStatus;
}

const OUTBOXES: readonly OutboxFeed[] = [
  'customer',
  'salesorder',
  'deposit',
  'allocation',
  'invadj',
  'fulfilled',
  'lineclose',
];

export async function syncStatus(
  deps: { sync: SyncStore; ledger: ImportLedger } & Partial<InvoiceStatusDeps> & {
      creditMemos?: CreditMemoStatusDeps['creditMemos'];
    },
  opts: {
    thresholdMinutes?: number;
    runs?: number;
    limit?: number;
    now?: Date;
    /** Hours after full shipment before an order not invoiced is listed (default 48). */
    invoiceOverdueHours?: number;
  } = {},
): Promise<SyncStatus> {
  const now = opts.now ?? new Date();
  const threshold = opts.thresholdMinutes ?? 60;
  const runs = opts.runs ?? 3;
  const { invoices, orders } = deps;
  const [outbound, inbound, approval, waiting, invoiceView, exceptions] = await Promise.all([
    Promise.all(
      SYNC_FEEDS.outbound.map(async (feed) => ({ feed, runs: await deps.sync.runs(feed, runs) })),
    ),
    Promise.all(
      SYNC_FEEDS.inbound.map(async (feed) => ({
        feed,
        files: await deps.ledger.recentFeedRuns(feed, runs),
      })),
    ),
    deps.sync.runs('approve-orders', runs),
    Promise.all(
      OUTBOXES.map(async (outbox) => {
        const records: WaitingRecord[] = [];
        for await (const page of deps.sync.entries(outbox)) {
          for (const e of page) {
            records.push({
              id: e.id,
              since: e.createdAt,
              minutes: Math.floor((now.getTime() - Date.parse(e.createdAt)) / 60_000),
              sends: e.state.sends,
              lastSentAt: e.state.lastSentAt,
              heldBack: e.state.heldBack,
              refused:
                e.refusal && !e.refusal.resentAt
                  ? `refused by NetSuite: ${e.refusal.message} (${e.refusal.file})`
                  : undefined,
            });
          }
        }
        const over = records
          .filter((r) => r.minutes >= threshold)
          .sort((a, b) => (a.since < b.since ? -1 : 1));
        return {
          outbox,
          total: records.length,
          overThreshold: over.length,
          heldBack: records.filter((r) => r.heldBack).length,
          oldest: over.slice(0, opts.limit ?? 20),
        };
      }),
    ),
    invoices && orders
      ? invoiceStatus(
          { invoices, orders },
          { thresholdHours: opts.invoiceOverdueHours ?? 48, now, limit: opts.limit },
        )
      : undefined,
    exceptionsStatus(deps.sync, { limit: opts.limit }),
  ]);
  return {
    at: now.toISOString(),
    thresholdMinutes: threshold,
    outbound,
    inbound,
    approval,
    waiting,
    invoices: invoiceView,
    exceptions,
    ...(deps.creditMemos
      ? {
          creditMemos: await creditMemoStatus(
            { creditMemos: deps.creditMemos, ledger: deps.ledger },
            { files: runs },
          ),
        }
      : {}),
  };
}

/** The feed's title, for people. */
export const feedTitle = (id: string): string => FEEDS.find((f) => f.id === id)?.title ?? id;

export interface InvoiceStatusDeps {
  readonly invoices: Pick<InvoiceStore, 'awaiting' | 'headers'> &
    Partial<Pick<InvoiceStore, 'differences'>>;
  readonly orders: Pick<OrderStore, 'linesWithHeaders'>;
}

export interface OverdueInvoice {
  readonly orderId: string;
  readonly name?: string;
  /** When the order became fully shipped. */
  readonly shippedAt: string;
  readonly hours: number;
}

export interface InvoiceStatus {
  readonly thresholdHours: number;
  /** Orders marked as shipped and awaiting NetSuite's invoice. */
  readonly awaiting: number;
  /** Fully shipped, not invoiced, past the threshold. */
  readonly overdueTotal: number;
  /** Those, oldest first (at most `limit`). */
  readonly overdue: OverdueInvoice[];
  /**
   * Orders whose NetSuite invoices differ from what the OMS says shipped (docs/money.md), largest
   * difference first (at most `limit`), and how many there are.
   */
  readonly differencesTotal?: number;
  readonly differences?: Array<InvoiceDifference & { file: string; at: string }>;
}

/**
 * Orders fully shipped (every unit shipped, cancelled or rejected) and still not invoiced more
 * than `thresholdHours` after: the awaiting-invoice marks older than that, each checked against
 * its order — no invoice recorded, every line still fully shipped — so that a mark the invoice
 * import has not removed yet (or written after the invoice came) is not listed.
 */
export async function invoiceStatus(
  deps: InvoiceStatusDeps,
  opts: { thresholdHours: number; now?: Date; limit?: number },
): Promise<InvoiceStatus> {
  const now = opts.now ?? new Date();
  const marks = await deps.invoices.awaiting();
  const old = marks.filter((m) => hoursSince(m.at, now) >= opts.thresholdHours);
  const headers = await deps.invoices.headers(old.map((m) => m.orderId));
  const open = old.filter((m) => {
    const h = headers.get(m.orderId);
    return h && Object.keys(h.invoices).length === 0;
  });
  const { lines } = await deps.orders.linesWithHeaders(
    open.flatMap((m) =>
      Array.from({ length: headers.get(m.orderId)!.lineCount }, (_, i) => ({
        orderId: m.orderId,
        lineSeq: padLineSeq(i + 1),
      })),
    ),
  );
  const overdue = open
    .filter((m) => {
      const of = Array.from({ length: headers.get(m.orderId)!.lineCount }, (_, i) =>
        lines.get(`${m.orderId}|${padLineSeq(i + 1)}`),
      );
      const found = of.filter((l): l is LineState => l !== undefined);
      return found.length === of.length && orderFullyShipped(found);
    })
    .map((m) => ({
      orderId: m.orderId,
      name: headers.get(m.orderId)!.name,
      shippedAt: m.at,
      hours: hoursSince(m.at, now),
    }))
    .sort((a, b) => (a.shippedAt < b.shippedAt ? -1 : a.shippedAt > b.shippedAt ? 1 : 0));
  const differences = deps.invoices.differences ? await deps.invoices.differences() : undefined;
  differences?.sort(
    (a, b) => Math.abs(b.difference) - Math.abs(a.difference) || a.orderId.localeCompare(b.orderId),
  );
  return {
    thresholdHours: opts.thresholdHours,
    awaiting: marks.length,
    overdueTotal: overdue.length,
    overdue: overdue.slice(0, opts.limit ?? 20),
    ...(differences
      ? {
          differencesTotal: differences.length,
          differences: differences.slice(0, opts.limit ?? 20),
        }
      : {}),
  };
}

// ── credit memos ──────────────────────────────────────────────────────────────────────────────

export interface CreditMemoStatusDeps {
  readonly creditMemos: Pick<InvoiceStore, 'creditMemoTotals'>;
  readonly ledger: Pick<ImportLedger, 'recentFeedRuns'>;
}

export interface CreditMemoStatus {
  /** Every credit memo recorded on an order, and the sum of their Loop return totals (cents). */
  readonly memos: number;
  readonly amountCents: number;
  /** The last credit-memo files of `alc-audit-data` (newest first), with their figures. */
  readonly files: FeedFileRun[];
}

/** A credit-memo report among the `invoice-import` files (its figures, or else its name). */
const isCreditMemoFile = (f: FeedFileRun): boolean =>
  f.stats?.creditMemos !== undefined || /^Credit_Memo/i.test(f.key.split('/').pop() ?? '');

/**
 * The credit memos NetSuite reported: running totals (kept exact by the import's transactions)
 * and the last `files` credit-memo reports, picked from the folder's recent files (invoice and
 * credit-memo reports share `alc-audit-data`).
 */
export async function creditMemoStatus(
  deps: CreditMemoStatusDeps,
  opts: { files: number },
): Promise<CreditMemoStatus> {
  const [totals, recent] = await Promise.all([
    deps.creditMemos.creditMemoTotals(),
    deps.ledger.recentFeedRuns('invoice-import', Math.max(20, opts.files * 10)),
  ]);
  return { ...totals, files: recent.filter(isCreditMemoFile).slice(0, opts.files) };
}
