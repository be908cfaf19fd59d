/**
 * NetSuite's arithmetic on a sales order, from the rows it received and its own records (the
 * simulator's copy of the contract: it never imports the OMS's money code). What NetSuite does:
 *
 * - an item line's amount is its rate × quantity, to the cent; a closed line counts for nothing;
 * - a discount item's line carries its (negative) amount; a discount item applied before tax
 *   (`preTax`) lowers the taxable amount of the item line right above it; one after tax (the
 *   order-level discount) lowers only the total;
 * - each item line's tax is its taxable amount × its tax code's rate, rounded half up to the cent
 *   (a line without a tax code, or with a code NetSuite does not know, has none);
 * - shipping is `shippingCost`, taxed at `shippingTaxCode`'s rate the same way;
 * - total = items + discounts + shipping + tax.
 *
 * Money is handled in integer cents, read from the rows' decimal text.
 */
import type { SimOrderLine, SimSalesOrder, SimState } from './state.ts';

export interface SimOrderTotals {
  readonly items: number;
  /** Σ the discount lines (negative or 0), in cents. */
  readonly discounts: number;
  readonly shipping: number;
  readonly tax: number;
  readonly total: number;
}

/** `"12.3"` → 1230, `"-4.05"` → -405; anything else (empty, more than 2 decimals) → 0. */
export function textToCents(text: string | undefined): number {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec((text ?? '').trim());
  if (!m) return 0;
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -cents : cents;
}

/** A rate as NetSuite shows it (`8.25%`) in ten-thousandths of a percent (82500); else 0. */
export function percentToMicros(rate: string | undefined): number {
  const m = /^(\d{1,3})(?:\.(\d{1,4}))?%?$/.exec((rate ?? '').trim());
  if (!m) return 0;
  return Number(m[1]) * 10_000 + Number((m[2] ?? '').padEnd(4, '0'));
}

/** NetSuite's rounding: half up (away from zero) to the cent. */
export function taxCents(taxable: number, micros: number): number {
  const product = BigInt(taxable) * BigInt(micros);
  const million = 1_000_000n;
  const abs = product < 0n ? -product : product;
  let q = abs / million;
  if ((abs % million) * 2n >= million) q += 1n;
  return Number(product < 0n ? -q : q);
}

const rateOf = (state: SimState, code: string | undefined): number =>
  code ? percentToMicros(state.taxCodes?.[code]?.rate) : 0;

const isDiscount = (state: SimState, line: SimOrderLine): boolean =>
  line.discount === true || state.items[line.itemId]?.type === 'discount';

function quantityOf(line: SimOrderLine): number {
  const q = Number(line.fields.quantity);
  return Number.isInteger(q) && q > 0 ? q : 0;
}

/** The order's totals as NetSuite computes them now (open lines only). */
export function salesOrderTotals(state: SimState, order: SimSalesOrder): SimOrderTotals {
  let items = 0;
  let discounts = 0;
  let tax = 0;
  // Item lines in the order they were created, each with the taxable amount its discounts leave.
  const taxed: Array<{ taxable: number; micros: number }> = [];
  let above: { taxable: number; micros: number } | undefined;
  for (const line of order.lines) {
    if (isDiscount(state, line)) {
      if (line.closed) continue;
      const amount = textToCents(line.fields.price);
      discounts += amount;
      if (state.items[line.itemId]?.preTax && above) above.taxable += amount;
      continue;
    }
    above = undefined;
    if (line.closed) continue;
    const amount = textToCents(line.fields.price) * quantityOf(line);
    items += amount;
    above = { taxable: amount, micros: rateOf(state, line.fields.taxCode) };
    taxed.push(above);
  }
  for (const t of taxed) tax += taxCents(t.taxable, t.micros);
  const shipping = textToCents(order.fields.shippingCost);
  tax += taxCents(shipping, rateOf(state, order.fields.shippingTaxCode));
  return { items, discounts, shipping, tax, total: items + discounts + shipping + tax };
}
