/**
 * Storefront orders: validation of the submitted JSON against the published schema, and the order
 * header and lines the OMS creates from it (every line in 1100 with the order-level hold
 * `AWAITING_NETSUITE_IDS`).
 */
import { HOLDS } from '../lifecycle/holds.ts';
import {
  checkOrderMoney,
  type AdjustmentInput,
  type OrderMoney,
  type ShippingChargeInput,
  type TaxInput,
} from '../money/order-money.ts';
import { minorToNumber } from '../money/currency.ts';
import { padLineSeq, type LineState } from '../lifecycle/line.ts';
import { ORDER_SCHEMA } from './order-schema.ts';
import { validateAgainst, type Schema } from './schema-validator.ts';
import { STATUS } from '../lifecycle/status.ts';

export interface Address {
  readonly name: string;
  readonly address1: string;
  readonly address2?: string;
  readonly city: string;
  readonly state?: string;
  readonly country?: string;
  readonly zip: string;
  readonly phone?: string;
  readonly latitude?: number;
  readonly longitude?: number;
}

export interface Customer {
  readonly shopCustomerId: string;
  readonly email: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly phone?: string;
  readonly shippingAddress: Address;
  readonly billingAddress: Address;
}

export interface Payment {
  readonly method: string;
  readonly amount: number;
  readonly reference: string;
}

export interface OrderLineInput {
  readonly sku: string;
  readonly quantity: number;
  readonly price: number;
  readonly shippingMethod: string;
  readonly preOrder?: boolean;
  readonly discounts?: readonly AdjustmentInput[];
  readonly taxes?: readonly TaxInput[];
}

/** A storefront order as submitted (see docs/order.schema.json). */
export interface OrderInput {
  readonly externalId: string;
  readonly name: string;
  readonly date: string;
  readonly salesChannel: string;
  readonly riskLevel?: 'low' | 'medium' | 'high';
  readonly customer: Customer;
  readonly payments: readonly Payment[];
  readonly lines: readonly OrderLineInput[];
  /** ISO 4217; absent = USD. Money fields absent = zero (orders from before they existed). */
  readonly currency?: string;
  readonly orderDiscounts?: readonly AdjustmentInput[];
  readonly shippingCharges?: readonly ShippingChargeInput[];
  readonly grandTotal?: number;
}

/** The order header the OMS keeps (lines live apart, one item each). */
export interface OrderHeader {
  readonly orderId: string;
  readonly externalId: string;
  readonly name: string;
  readonly date: string;
  readonly salesChannel: string;
  readonly riskLevel?: 'low' | 'medium' | 'high';
  readonly customer: Customer;
  readonly payments: readonly Payment[];
  /** Σ line price × quantity (the grand total when the order has `money`), in its currency. */
  readonly orderTotal: number;
  readonly lineCount: number;
  /** Where the order came from: `http` or `file:<object key>`. */
  readonly source: string;
  readonly createdAt: string;
  /** NetSuite's sales-order internal id, once it came back. */
  readonly netsuiteOrderId?: string;
  /** Set when a deposit or capture was confirmed (a later feed); the payment gate accepts it. */
  readonly paymentVerified?: boolean;
  /** Customer deposits NetSuite created: payment reference → deposit internal id. */
  readonly netsuiteDeposits?: Readonly<Record<string, string>>;
  /**
   * The order's money in minor units (discounts, shipping, taxes, grand total: docs/money.md).
   * Absent on orders created before it was kept: `headerMoney` derives it from prices and payments.
   */
  readonly money?: OrderMoney;
}

export interface OrderValidationError {
  /** The order's external id when it has a usable one, else its position (`#3`). */
  readonly order: string;
  readonly field: string;
  readonly message: string;
}

export type OrderValidation =
  | { readonly ok: true; readonly order: OrderInput }
  | { readonly ok: false; readonly order: string; readonly errors: OrderValidationError[] };

/** How an order is named in messages: its external id, or its position in the submission. */
export function orderLabel(value: unknown, position?: number): string {
  const id = (value as { externalId?: unknown } | null)?.externalId;
  if (typeof id === 'string' && id.trim() && id.length <= 128) return id;
  return position === undefined ? '(order without externalId)' : `#${position}`;
}

/**
 * A value a spreadsheet would run as a formula when a person opens a CSV holding it (customer
 * data reaches NetSuite's CSV imports and the error reports): starting with `=`, `+`, `-`, `@`, a
 * tab, a CR or a LF.
 */
export const FORMULA_START = /^[=+\-@\t\r\n]/;

/** A phone may start with `+` when only phone characters follow (`+44 20 7946 0000`). */
const INTERNATIONAL_PHONE = /^\+[0-9 ()./-]+$/;

const ADDRESS_TEXT = ['name', 'address1', 'address2', 'city', 'state', 'zip', 'phone'] as const;

/**
 * The text fields of a schema-valid order that start like a formula, each with its path: the
 * customer's (names, e-mail, phones, both addresses: pure data of a person, never a formula) and
 * the order's own free text that reaches CSVs people open (NetSuite's sales order and customer
 * imports, the error reports, spreadsheets of the order lines): the order name, the sales channel,
 * the storefront's customer id, each line's SKU and shipping method, each payment's method and
 * reference. (`externalId` cannot start like a formula: its pattern starts with a letter or digit.)
 */
export function formulaLikeFields(order: OrderInput): Array<{ field: string; value: string }> {
  const found: Array<{ field: string; value: string }> = [];
  const check = (field: string, value: unknown, phone = false) => {
    if (typeof value !== 'string' || !FORMULA_START.test(value)) return;
    if (phone && INTERNATIONAL_PHONE.test(value)) return;
    found.push({ field, value });
  };
  check('name', order.name);
  check('salesChannel', order.salesChannel);
  const c = order.customer as unknown as Record<string, unknown>;
  check('customer.shopCustomerId', c.shopCustomerId);
  check('customer.firstName', c.firstName);
  check('customer.lastName', c.lastName);
  check('customer.email', c.email);
  check('customer.phone', c.phone, true);
  for (const which of ['shippingAddress', 'billingAddress'] as const) {
    const a = (c[which] ?? {}) as Record<string, unknown>;
    for (const f of ADDRESS_TEXT) check(`customer.${which}.${f}`, a[f], f === 'phone');
  }
  order.lines.forEach((line, i) => {
    check(`lines[${i}].sku`, line.sku);
    check(`lines[${i}].shippingMethod`, line.shippingMethod);
  });
  order.payments.forEach((payment, i) => {
    check(`payments[${i}].method`, payment.method);
    check(`payments[${i}].reference`, payment.reference);
  });
  return found;
}

/** Checks one submitted order; each error names the order and the field. */
export function validateOrder(value: unknown, position?: number): OrderValidation {
  const order = orderLabel(value, position);
  const errors = validateAgainst(ORDER_SCHEMA as Schema, value).map((e) => ({
    order,
    field: e.field || '(order)',
    message: e.message,
  }));
  if (errors.length) return { ok: false, order, errors };
  const formulas = formulaLikeFields(value as OrderInput).map(({ field, value: v }) => ({
    order,
    field,
    message: `${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)} must not start with =, +, -, @, a tab or a line break (a spreadsheet would run it as a formula)`,
  }));
  if (formulas.length) return { ok: false, order, errors: formulas };
  const money = checkOrderMoney(value as OrderInput);
  if (!money.ok) return { ok: false, order, errors: money.errors.map((e) => ({ order, ...e })) };
  return { ok: true, order: value as OrderInput };
}

export const formatValidationError = (e: OrderValidationError): string =>
  `order ${e.order}: ${e.field} ${e.message}`;

const cents = (n: number): number => Math.round(n * 100) / 100;

export const orderTotalOf = (lines: readonly OrderLineInput[]): number =>
  cents(lines.reduce((sum, l) => sum + l.price * l.quantity, 0));

/** Whether the order sends any money field beyond prices and payments. */
export const hasMoneyFields = (input: OrderInput): boolean =>
  input.currency !== undefined ||
  input.grandTotal !== undefined ||
  !!input.orderDiscounts?.length ||
  !!input.shippingCharges?.length ||
  input.lines.some((l) => !!l.discounts?.length || !!l.taxes?.length);

export interface NewOrder {
  readonly header: OrderHeader;
  readonly lines: LineState[];
}

/** Builds the header and the lines of a new order: all quantity in 1100, on hold for NetSuite ids. */
export function newOrder(
  input: OrderInput,
  orderId: string,
  meta: { now: string; source: string; actor: string },
): NewOrder {
  const header: OrderHeader = {
    orderId,
    externalId: input.externalId,
    name: input.name,
    date: input.date,
    salesChannel: input.salesChannel,
    riskLevel: input.riskLevel,
    customer: input.customer,
    payments: input.payments,
    orderTotal: orderTotalOf(input.lines),
    lineCount: input.lines.length,
    source: meta.source,
    createdAt: meta.now,
  };
  const money = checkOrderMoney(input);
  if (money.ok && hasMoneyFields(input)) {
    // The grand total (shipping, taxes and discounts in) is what the payments must cover.
    Object.assign(header, {
      money: money.money,
      orderTotal: minorToNumber(money.money.grandTotal, money.money.digits),
    });
  }
  const lines = input.lines.map((l, i): LineState => ({
    orderId,
    lineSeq: padLineSeq(i + 1),
    sku: l.sku,
    quantity: l.quantity,
    price: l.price,
    shippingMethod: l.shippingMethod,
    preOrder: l.preOrder ?? false,
    buckets: { [STATUS.CREATED]: l.quantity },
    alloc: {},
    holds: {
      [HOLDS.AWAITING_NETSUITE_IDS]: {
        code: HOLDS.AWAITING_NETSUITE_IDS,
        kind: 'order',
        reason: 'NetSuite sales-order id and line ids not received yet',
        at: meta.now,
        by: meta.actor,
      },
    },
    releases: {},
    shipments: {},
    rejectedBy: [],
    releaseSeq: 0,
    shipmentSeq: 0,
    version: 1,
    updatedAt: meta.now,
  }));
  return { header, lines };
}
