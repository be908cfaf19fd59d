/**
 * The money of an order at intake, pure: the storefront's discounts, shipping charges and taxes
 * checked and turned into integer minor units (`OrderMoney`, kept on the order header), and the
 * grand total checked against Σ(lines + shipping + taxes − discounts). Every refusal names the
 * field. See docs/money.md for the rules.
 */
import {
  currencyDigits,
  DEFAULT_CURRENCY,
  formatMinor,
  rateToMicros,
  shareByLargestRemainder,
  taxOf,
  toMinor,
} from './currency.ts';

export interface AdjustmentInput {
  readonly code: string;
  readonly description?: string;
  readonly amount: number;
}

export interface TaxInput {
  readonly code: string;
  readonly jurisdiction?: string;
  readonly rate: number;
  readonly amount: number;
}

export interface ShippingChargeInput {
  readonly shippingMethod: string;
  readonly amount: number;
  readonly description?: string;
  readonly taxes?: readonly TaxInput[];
}

/** What the money check reads of a submitted order (a subset of `OrderInput`). */
export interface MoneyInput {
  readonly currency?: string;
  readonly grandTotal?: number;
  readonly payments: readonly { readonly amount: number }[];
  readonly lines: readonly {
    readonly quantity: number;
    readonly price: number;
    readonly shippingMethod: string;
    readonly discounts?: readonly AdjustmentInput[];
    readonly taxes?: readonly TaxInput[];
  }[];
  readonly orderDiscounts?: readonly AdjustmentInput[];
  readonly shippingCharges?: readonly ShippingChargeInput[];
}

/** A discount in minor units. */
export interface Discount {
  readonly code: string;
  readonly description?: string;
  readonly amount: number;
}

/** A tax in minor units; `micros` is the rate in millionths (0.0825 → 82500). */
export interface Tax {
  readonly code: string;
  readonly jurisdiction?: string;
  readonly micros: number;
  readonly amount: number;
}

export interface LineMoney {
  readonly quantity: number;
  readonly unitPrice: number;
  /** unitPrice × quantity. */
  readonly gross: number;
  readonly discounts: readonly Discount[];
  readonly taxes: readonly Tax[];
  /** This line's part of the order-level discounts (largest remainder, docs/money.md). */
  readonly orderDiscountShare: number;
}

export interface ShippingCharge {
  readonly shippingMethod: string;
  readonly description?: string;
  readonly amount: number;
  readonly taxes: readonly Tax[];
}

/** The order's money, every amount in minor units of `currency`. */
export interface OrderMoney {
  readonly currency: string;
  readonly digits: number;
  /** Per line, in the order of the submitted lines (line seq 00001 first). */
  readonly lines: readonly LineMoney[];
  readonly orderDiscounts: readonly Discount[];
  readonly shipping: readonly ShippingCharge[];
  readonly grandTotal: number;
  readonly paid: number;
}

export interface MoneyError {
  readonly field: string;
  readonly message: string;
}

export type MoneyCheck =
  | { readonly ok: true; readonly money: OrderMoney }
  | { readonly ok: false; readonly errors: MoneyError[] };

const sum = (xs: readonly { amount: number }[]): number => xs.reduce((a, x) => a + x.amount, 0);

export const lineDiscountTotal = (l: LineMoney): number => sum(l.discounts);
export const lineTaxTotal = (l: LineMoney): number => sum(l.taxes);
/** What the line costs before order-level discounts: gross − its own discounts. */
export const lineNet = (l: LineMoney): number => l.gross - lineDiscountTotal(l);

export interface MoneyTotals {
  readonly lines: number;
  readonly discounts: number;
  readonly shipping: number;
  readonly taxes: number;
  readonly total: number;
}

/** Σ lines, discounts (line and order), shipping, taxes (line and shipping), and the total. */
export function moneyTotals(m: Pick<OrderMoney, 'lines' | 'orderDiscounts' | 'shipping'>) {
  const lines = m.lines.reduce((a, l) => a + l.gross, 0);
  const discounts = m.lines.reduce((a, l) => a + lineDiscountTotal(l), 0) + sum(m.orderDiscounts);
  const shipping = sum(m.shipping);
  const taxes =
    m.lines.reduce((a, l) => a + lineTaxTotal(l), 0) +
    m.shipping.reduce((a, s) => a + sum(s.taxes), 0);
  return { lines, discounts, shipping, taxes, total: lines + shipping + taxes - discounts };
}

/** Checks the money of an order that passed the schema; every error names its field. */
export function checkOrderMoney(input: MoneyInput): MoneyCheck {
  const errors: MoneyError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, message });
  const currency = input.currency ?? DEFAULT_CURRENCY;
  const digits = currencyDigits(currency);
  if (digits === undefined) {
    fail('currency', `"${currency}" is not a currency the OMS knows (ISO 4217, e.g. USD, EUR)`);
    return { ok: false, errors };
  }
  const fmt = (minor: number) => formatMinor(minor, digits);
  const amount = (field: string, value: number): number => {
    const minor = toMinor(value, digits);
    if (minor === undefined) {
      fail(
        field,
        `${value} has more than ${digits} decimal${digits === 1 ? '' : 's'} (${currency})`,
      );
      return 0;
    }
    if (minor < 0) fail(field, `${value} is negative`);
    return minor;
  };
  /** `base` undefined: the amount is checked elsewhere (shipping taxes, on the whole shipping). */
  const taxes = (field: string, list: readonly TaxInput[] | undefined, base?: number): Tax[] =>
    (list ?? []).map((t, i) => {
      const at = `${field}[${i}]`;
      const micros = rateToMicros(t.rate);
      if (micros === undefined)
        fail(`${at}.rate`, `${t.rate} is not a rate from 0 to 1 with at most 6 decimals`);
      const minor = amount(`${at}.amount`, t.amount);
      const expected = taxOf(base ?? 0, micros ?? 0);
      if (
        base !== undefined &&
        micros !== undefined &&
        minor !== expected &&
        !errors.some((e) => e.field === `${at}.amount`)
      ) {
        fail(
          `${at}.amount`,
          `${fmt(minor)} is not ${t.rate} × ${fmt(base)} = ${fmt(expected)} (rounded half up per line, as NetSuite computes it from the tax code)`,
        );
      }
      return {
        code: t.code,
        ...(t.jurisdiction ? { jurisdiction: t.jurisdiction } : {}),
        micros: micros ?? 0,
        amount: minor,
      };
    });
  const discounts = (field: string, list: readonly AdjustmentInput[] | undefined): Discount[] =>
    (list ?? []).map((d, i) => ({
      code: d.code,
      ...(d.description ? { description: d.description } : {}),
      amount: amount(`${field}[${i}].amount`, d.amount),
    }));

  const lines = input.lines.map((l, i) => {
    const unitPrice = amount(`lines[${i}].price`, l.price);
    const gross = unitPrice * l.quantity;
    const lineDiscounts = discounts(`lines[${i}].discounts`, l.discounts);
    const off = sum(lineDiscounts);
    if (off > gross) {
      fail(
        `lines[${i}].discounts`,
        `${fmt(off)} off is more than the line's ${fmt(gross)} (${l.quantity} × ${fmt(unitPrice)})`,
      );
    }
    return {
      quantity: l.quantity,
      unitPrice,
      gross,
      discounts: lineDiscounts,
      taxes: taxes(`lines[${i}].taxes`, l.taxes, Math.max(0, gross - off)),
    };
  });
  const orderDiscounts = discounts('orderDiscounts', input.orderDiscounts);
  const nets = lines.map((l) => Math.max(0, l.gross - sum(l.discounts)));
  const netTotal = nets.reduce((a, b) => a + b, 0);
  const orderOff = sum(orderDiscounts);
  if (orderOff > netTotal) {
    fail(
      'orderDiscounts',
      `${fmt(orderOff)} off is more than the lines' ${fmt(netTotal)} after their own discounts`,
    );
  }
  const shares = shareByLargestRemainder(Math.min(orderOff, netTotal), nets);

  const methods = new Set(input.lines.map((l) => l.shippingMethod));
  const shipping = (input.shippingCharges ?? []).map((s, i): ShippingCharge => {
    if (!methods.has(s.shippingMethod)) {
      fail(
        `shippingCharges[${i}].shippingMethod`,
        `"${s.shippingMethod}" is the shipping method of no line (a charge belongs to the ship group of the lines shipped that way)`,
      );
    }
    const charge = amount(`shippingCharges[${i}].amount`, s.amount);
    return {
      shippingMethod: s.shippingMethod,
      ...(s.description ? { description: s.description } : {}),
      amount: charge,
      // Checked below on the order's whole shipping: NetSuite taxes one shipping cost.
      taxes: taxes(`shippingCharges[${i}].taxes`, s.taxes, undefined),
    };
  });
  const shippingCodes = new Set(shipping.flatMap((s) => s.taxes.map((t) => t.code)));
  if (shippingCodes.size > 1) {
    fail(
      'shippingCharges',
      `taxes use ${shippingCodes.size} tax codes (${[...shippingCodes].join(', ')}): a NetSuite sales order has one shipping tax code`,
    );
  }
  const shippingTax = shipping.flatMap((s) => s.taxes)[0];
  if (shippingTax && shippingCodes.size === 1) {
    const base = sum(shipping);
    const taxed = shipping.reduce((a, s) => a + sum(s.taxes), 0);
    const expected = taxOf(base, shippingTax.micros);
    if (taxed !== expected && !errors.length) {
      fail(
        'shippingCharges',
        `taxes ${fmt(taxed)} are not ${shippingTax.micros / 1_000_000} × the shipping ${fmt(base)} = ${fmt(expected)} (NetSuite taxes the order's one shipping cost, rounded half up)`,
      );
    }
  }
  const paid = input.payments.reduce((a, p, i) => a + amount(`payments[${i}].amount`, p.amount), 0);

  const money: OrderMoney = {
    currency,
    digits,
    lines: lines.map((l, i) => ({ ...l, orderDiscountShare: shares[i] ?? 0 })),
    orderDiscounts,
    shipping,
    grandTotal: 0,
    paid,
  };
  const t = moneyTotals(money);
  if (input.grandTotal !== undefined) {
    const given = amount('grandTotal', input.grandTotal);
    if (!errors.length && given !== t.total) {
      fail(
        'grandTotal',
        `${fmt(given)} does not add up: lines ${fmt(t.lines)} + shipping ${fmt(t.shipping)} + taxes ${fmt(t.taxes)} − discounts ${fmt(t.discounts)} = ${fmt(t.total)} (difference ${fmt(given - t.total)})`,
      );
    }
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, money: { ...money, grandTotal: t.total } };
}
