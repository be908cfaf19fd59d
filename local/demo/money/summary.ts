/**
 * The day's money on both sides, to the cent: for every order NetSuite has, the OMS's expected
 * total (ordered, less what cancellations took off) against NetSuite's own total of the rows it
 * received (discount lines included, its own rounding); what NetSuite invoiced against what the
 * OMS says shipped; and the discounts, shipping and tax of the day's orders.
 */
import { moneyView } from '../../../shared/orders/money-view.ts';
import { orderRuntime, root } from '../../../shared/app/root.ts';
import type { OrderRecords } from '../../../shared/store/order-store.ts';
import type { DemoContext } from '../types.ts';

export interface MoneySummary {
  /** Σ the OMS's expected totals of the orders NetSuite has. */
  readonly omsTotalCents: number;
  /** Σ NetSuite's totals of those orders. */
  readonly netsuiteTotalCents: number;
  /** Σ NetSuite's invoices. */
  readonly invoicedCents: number;
  /** Σ what the OMS says shipped, for the orders NetSuite invoiced. */
  readonly shippedInvoicedCents: number;
  readonly discountCents: number;
  readonly shippingCents: number;
  readonly taxCents: number;
  readonly paidCents: number;
  readonly refundDueCents: number;
  readonly orders: number;
  /** Orders whose NetSuite total is not the OMS's (at most 10 listed). */
  readonly differences: ReadonlyArray<{
    readonly externalId: string;
    readonly oms: number;
    readonly netsuite: number;
  }>;
  readonly differencesTotal: number;
}

export async function moneySummary(ctx: DemoContext): Promise<MoneySummary> {
  const { orders } = orderRuntime(root());
  const invoices = ctx.sim.invoices();
  const invoicedBy = new Map<string, number>();
  for (const inv of invoices) {
    invoicedBy.set(
      inv.hcOrderId,
      (invoicedBy.get(inv.hcOrderId) ?? 0) + Math.round(inv.total * 100),
    );
  }
  let oms = 0;
  let netsuite = 0;
  let shippedInvoiced = 0;
  let discount = 0;
  let shipping = 0;
  let tax = 0;
  let paid = 0;
  let refundDue = 0;
  let count = 0;
  const differences: Array<{ externalId: string; oms: number; netsuite: number }> = [];
  const netsuiteTotals = ctx.sim.salesOrderTotalsByOmsId();
  const tally = (externalId: string, orderId: string, order: OrderRecords) => {
    if (!order.header) return;
    const view = moneyView(order.header, order.lines);
    discount += view.cents.discounts!;
    shipping += view.cents.shipping!;
    tax += view.cents.taxes!;
    paid += view.cents.paid!;
    refundDue += view.cents.refundDue!;
    const ns = netsuiteTotals.get(orderId);
    if (!ns) return;
    count++;
    oms += view.cents.expected!;
    netsuite += ns.total;
    if (ns.total !== view.cents.expected) {
      differences.push({ externalId, oms: view.cents.expected!, netsuite: ns.total });
    }
    if (invoicedBy.has(orderId)) shippedInvoiced += view.cents.shipped!;
  };
  // The day's orders in the day's order, read 16 at a time (one Query each), the next 16 while
  // these are tallied.
  const day = [...ctx.orders];
  const READ = 16;
  const read = (i: number) => Promise.all(day.slice(i, i + READ).map(([, id]) => orders.order(id)));
  let next = read(0);
  for (let i = 0; i < day.length; i += READ) {
    const page = await next;
    next = read(i + READ);
    for (const [j, order] of page.entries()) tally(day[i + j]![0], day[i + j]![1], order);
  }
  await next;
  return {
    omsTotalCents: oms,
    netsuiteTotalCents: netsuite,
    invoicedCents: [...invoicedBy.values()].reduce((a, b) => a + b, 0),
    shippedInvoicedCents: shippedInvoiced,
    discountCents: discount,
    shippingCents: shipping,
    taxCents: tax,
    paidCents: paid,
    refundDueCents: refundDue,
    orders: count,
    differences: differences.slice(0, 10),
    differencesTotal: differences.length,
  };
}

const usd = (cents: number) =>
  `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;

export function renderMoneySummary(m: MoneySummary): string[] {
  const agree = m.omsTotalCents === m.netsuiteTotalCents && m.differencesTotal === 0;
  return [
    `${m.orders} orders in NetSuite: OMS expects ${usd(m.omsTotalCents)}, NetSuite's orders total ${usd(m.netsuiteTotalCents)} — ${agree ? 'equal to the cent' : `DIFFER on ${m.differencesTotal} order(s)`}`,
    ...m.differences.map(
      (d) => `  ${d.externalId}: OMS ${usd(d.oms)}, NetSuite ${usd(d.netsuite)}`,
    ),
    `invoiced by NetSuite ${usd(m.invoicedCents)}; what shipped on those orders (OMS) ${usd(m.shippedInvoicedCents)} — ${m.invoicedCents === m.shippedInvoicedCents ? 'equal to the cent' : 'DIFFER'}`,
    `the day's orders: discounts ${usd(m.discountCents)}, shipping ${usd(m.shippingCents)}, tax ${usd(m.taxCents)}, paid ${usd(m.paidCents)}, refunds due ${usd(m.refundDueCents)}`,
  ];
}
