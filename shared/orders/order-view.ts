/**
 * An order as people and scripts read it (`oms order show`, `GET /orders/{orderId}`): header,
 * lines with their buckets, holds, releases, shipments, and the history in time order.
 */
import {
  STATUS_NAMES,
  displayStatus,
  lineInvariantViolations,
  type StatusCode,
} from '../domain/lifecycle/index.ts';
import { formatCents, type OrderCreditMemo } from '../domain/fulfillment/invoice-rows.ts';
import type { OrderRecords } from '../store/order-store.ts';
import type { StoredEvent } from '../store/order-items.ts';
import { moneyView, type MoneyView } from './money-view.ts';

/** The order's credit memos (header `creditMemos`), by date then id, with the amount as text. */
function creditMemosOf(header: unknown): OrderView['creditMemos'] {
  const map = (header as { creditMemos?: Record<string, OrderCreditMemo> } | undefined)
    ?.creditMemos;
  if (!map || Object.keys(map).length === 0) return undefined;
  return Object.values(map)
    .sort((a, b) =>
      a.creditMemoDate === b.creditMemoDate
        ? a.creditMemoId.localeCompare(b.creditMemoId)
        : a.creditMemoDate < b.creditMemoDate
          ? -1
          : 1,
    )
    .map((m) =>
      m.loopReturnTotalCents === undefined
        ? m
        : { ...m, loopReturnTotal: formatCents(m.loopReturnTotalCents) },
    );
}

export interface OrderView {
  readonly orderId: string;
  readonly externalId?: string;
  readonly name?: string;
  readonly date?: string;
  readonly salesChannel?: string;
  readonly createdAt?: string;
  readonly netsuiteOrderId?: string;
  readonly orderTotal?: number;
  readonly customer?: unknown;
  readonly payments?: unknown;
  /** The money: lines, discounts, shipping, taxes, total, paid, invoiced, refund due (money-view.ts). */
  readonly money?: MoneyView;
  /** Invoices NetSuite reported (invoice internal id → number, total, amount due, date). */
  readonly invoices?: unknown;
  /**
   * Credit memos NetSuite reported, oldest date first: internal id, Loop return id and total
   * (`loopReturnTotal` as `12.34`, exact from `loopReturnTotalCents`), POS return id, date, and
   * the file and line they came from.
   */
  readonly creditMemos?: ReadonlyArray<OrderCreditMemo & { readonly loopReturnTotal?: string }>;
  readonly lines: ReadonlyArray<{
    readonly lineSeq: string;
    readonly sku: string;
    readonly quantity: number;
    readonly status: string;
    readonly buckets: Readonly<Record<string, number>>;
    readonly allocations: Readonly<Record<string, Readonly<Record<string, number>>>>;
    readonly holds: ReadonlyArray<{ code: string; kind: string; reason: string; at: string }>;
    readonly netsuiteLineId?: string;
    readonly rejectedBy: readonly string[];
    /** Per facility: the ship date and carrier scheduling fixed. */
    readonly schedules?: Readonly<Record<string, unknown>>;
    readonly version: number;
    readonly problems: readonly string[];
  }>;
  readonly releases: ReadonlyArray<{
    readonly lineSeq: string;
    readonly releaseKey: string;
    readonly facilityId: string;
    readonly releasedQty: number;
    readonly statusQuantity: number;
    readonly inShipment: number;
    readonly open: boolean;
    readonly createdAt: string;
  }>;
  readonly shipments: ReadonlyArray<{
    readonly lineSeq: string;
    readonly shipmentKey: string;
    readonly releaseKey: string;
    readonly facilityId: string;
    readonly planned: number;
    readonly quantity: number;
    readonly short: number;
    readonly status: string;
    readonly createdAt: string;
    readonly trackingNumbers?: readonly string[];
    readonly carrier?: string;
    readonly shippingMethod?: string;
    readonly shippedAt?: string;
    readonly packedAt?: string;
    readonly packages?: number;
  }>;
  readonly history: ReadonlyArray<Omit<StoredEvent, 'request' | 'result' | 'orderId'>>;
}

export function orderView(orderId: string, r: OrderRecords): OrderView {
  const h = r.header;
  return {
    orderId,
    externalId: h?.externalId,
    name: h?.name,
    date: h?.date,
    salesChannel: h?.salesChannel,
    createdAt: h?.createdAt,
    netsuiteOrderId: h?.netsuiteOrderId,
    orderTotal: h?.orderTotal,
    customer: h?.customer,
    payments: h?.payments,
    ...(h ? { money: moneyView(h, r.lines) } : {}),
    invoices: (h as { invoices?: unknown } | undefined)?.invoices,
    ...(creditMemosOf(h) ? { creditMemos: creditMemosOf(h) } : {}),
    lines: r.lines.map((l) => ({
      lineSeq: l.lineSeq,
      sku: l.sku,
      quantity: l.quantity,
      status: displayStatus(l.buckets),
      buckets: Object.fromEntries(
        Object.entries(l.buckets).filter(([, q]) => (q ?? 0) > 0),
      ) as Record<string, number>,
      allocations: l.alloc as Record<string, Record<string, number>>,
      holds: Object.values(l.holds).map((x) => ({
        code: x.code,
        kind: x.kind,
        reason: x.reason,
        at: x.at,
      })),
      netsuiteLineId: l.netsuiteLineId,
      rejectedBy: l.rejectedBy,
      ...(l.schedules ? { schedules: l.schedules } : {}),
      version: l.version,
      problems: lineInvariantViolations(l),
    })),
    releases: r.releases.map((x) => ({
      lineSeq: x.lineSeq,
      releaseKey: x.key,
      facilityId: x.facilityId,
      releasedQty: x.releasedQty,
      statusQuantity: x.statusQuantity,
      inShipment: x.inShipment,
      open: x.statusQuantity > 0,
      createdAt: x.createdAt,
    })),
    shipments: r.shipments.map((x) => ({
      lineSeq: x.lineSeq,
      shipmentKey: x.key,
      releaseKey: x.releaseKey,
      facilityId: x.facilityId,
      planned: x.planned,
      quantity: x.quantity,
      short: x.short,
      status: x.status,
      createdAt: x.createdAt,
      ...(x.trackingNumbers ? { trackingNumbers: x.trackingNumbers } : {}),
      ...(x.carrier !== undefined ? { carrier: x.carrier } : {}),
      ...(x.shippingMethod !== undefined ? { shippingMethod: x.shippingMethod } : {}),
      ...(x.shippedAt !== undefined ? { shippedAt: x.shippedAt } : {}),
      ...(x.packedAt !== undefined ? { packedAt: x.packedAt } : {}),
      ...(x.packages !== undefined ? { packages: x.packages } : {}),
    })),
    history: r.events.map(({ request: _r, result: _x, orderId: _o, ...e }) => e),
  };
}

/** `1100 Created` */
export const statusLabel = (code: number): string =>
  `${code} ${STATUS_NAMES[code as StatusCode] ?? ''}`.trim();
