/**
 * What differs between an order the OMS already has and the same order (same external id)
 * submitted again. Intake answers an identical submission as a duplicate and a different one as a
 * conflict naming these differences: the stored order is never changed by a re-submission.
 *
 * Compared is what the OMS took from the first submission, which no later step changes: the header
 * fields (name, date, sales channel, risk level, customer, payments, the money's currency and
 * totals: discounts, shipping, taxes, grand total) and per line the SKU,
 * quantity, unit price, shipping method and pre-order flag. Not a difference: the order of lines
 * or payments, an optional text sent empty one time and left out the other, a date written
 * differently for the same instant.
 *
 * Lines are paired first when equal, then by SKU (a changed line), the rest are lines removed
 * (only in the stored order, named by their line number `lineSeq`) or added (only in the
 * submission, named by their position `line`, 1-based). Payments are paired by reference.
 */
import type { LineState } from '../lifecycle/line.ts';
import { formatMinor } from '../money/currency.ts';
import { checkOrderMoney, moneyTotals, type OrderMoney } from '../money/order-money.ts';
import { hasMoneyFields, type OrderHeader, type OrderInput, type OrderLineInput } from './order.ts';

/** The money of an order as compared: currency and the totals, as text. */
function moneyFacts(m: OrderMoney | undefined): Record<string, string> {
  if (!m) return {};
  const t = moneyTotals(m);
  const f = (n: number) => formatMinor(n, m.digits);
  return {
    currency: m.currency,
    grandTotal: f(m.grandTotal),
    discounts: f(t.discounts),
    shipping: f(t.shipping),
    taxes: f(t.taxes),
  };
}

/** Money that differs (`money.grandTotal`, …): discounts, shipping, taxes or the total. */
function moneyDiffs(h: OrderHeader, input: OrderInput, out: FieldDifference[]): void {
  const checked = hasMoneyFields(input) ? checkOrderMoney(input) : undefined;
  const a = moneyFacts(h.money);
  const b = moneyFacts(checked?.ok ? checked.money : undefined);
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (a[k] !== b[k]) out.push(difference(`money.${k}`, a[k], b[k]));
  }
}

export interface FieldDifference {
  /** `name`, `customer.shippingAddress.city`, `payments[pay-1].amount`, `quantity`, … */
  readonly field: string;
  /** The value the OMS holds (absent when it has none). */
  readonly stored?: unknown;
  /** The value submitted now (absent when none was sent). */
  readonly submitted?: unknown;
}

export interface LineSummary {
  readonly sku: string;
  readonly quantity: number;
  readonly price: number;
  readonly shippingMethod: string;
  readonly preOrder: boolean;
}

export interface OrderDifferences {
  readonly header: readonly FieldDifference[];
  readonly lines: {
    /** In the submission, not in the stored order: `line` is the position in the submission. */
    readonly added: ReadonlyArray<LineSummary & { readonly line: number }>;
    /** In the stored order, not in the submission. */
    readonly removed: ReadonlyArray<LineSummary & { readonly lineSeq: string }>;
    /** The same SKU with other values. */
    readonly changed: ReadonlyArray<{
      readonly lineSeq: string;
      readonly line: number;
      readonly sku: string;
      readonly fields: readonly FieldDifference[];
    }>;
  };
}

export interface StoredOrder {
  readonly header: OrderHeader;
  readonly lines: readonly LineState[];
}

const absent = (v: unknown): boolean => v === undefined || v === null || v === '';

const sameScalar = (a: unknown, b: unknown): boolean => (absent(a) && absent(b)) || a === b;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Leaf by leaf differences of two JSON values, under `path`. */
function deepDiff(path: string, stored: unknown, submitted: unknown, out: FieldDifference[]): void {
  if (isObject(stored) && isObject(submitted)) {
    const keys = [...new Set([...Object.keys(stored), ...Object.keys(submitted)])].sort();
    for (const k of keys) deepDiff(path ? `${path}.${k}` : k, stored[k], submitted[k], out);
    return;
  }
  if (Array.isArray(stored) && Array.isArray(submitted)) {
    for (let i = 0; i < Math.max(stored.length, submitted.length); i++)
      deepDiff(`${path}[${i}]`, stored[i], submitted[i], out);
    return;
  }
  if (
    isObject(stored) ||
    isObject(submitted) ||
    Array.isArray(stored) ||
    Array.isArray(submitted)
  ) {
    if (JSON.stringify(stored) !== JSON.stringify(submitted))
      out.push(difference(path, stored, submitted));
    return;
  }
  if (!sameScalar(stored, submitted)) out.push(difference(path, stored, submitted));
}

const difference = (field: string, stored: unknown, submitted: unknown): FieldDifference => ({
  field,
  ...(absent(stored) ? {} : { stored }),
  ...(absent(submitted) ? {} : { submitted }),
});

function sameInstant(a: string, b: string): boolean {
  if (a === b) return true;
  const ta = Date.parse(a);
  return !Number.isNaN(ta) && ta === Date.parse(b);
}

function paymentDiffs(
  stored: OrderHeader['payments'],
  submitted: OrderInput['payments'],
  out: FieldDifference[],
): void {
  const left = [...(stored ?? [])];
  const unmatched: Array<OrderInput['payments'][number]> = [];
  for (const p of submitted) {
    const i = left.findIndex((s) => s.reference === p.reference);
    if (i === -1) {
      unmatched.push(p);
      continue;
    }
    deepDiff(`payments[${p.reference}]`, left[i], p, out);
    left.splice(i, 1);
  }
  for (const p of left) out.push(difference(`payments[${p.reference}]`, p, undefined));
  for (const p of unmatched) out.push(difference(`payments[${p.reference}]`, undefined, p));
}

const summary = (l: OrderLineInput | LineState): LineSummary => ({
  sku: l.sku,
  quantity: l.quantity,
  price: l.price,
  shippingMethod: l.shippingMethod ?? '',
  preOrder: l.preOrder ?? false,
});

const LINE_FIELDS = ['quantity', 'price', 'shippingMethod', 'preOrder'] as const;

function lineFieldDiffs(stored: LineSummary, submitted: LineSummary): FieldDifference[] {
  return LINE_FIELDS.flatMap((f) =>
    stored[f] === submitted[f] ? [] : [{ field: f, stored: stored[f], submitted: submitted[f] }],
  );
}

/** Differences between a stored order and a submission of the same external id. */
export function orderDifferences(stored: StoredOrder, input: OrderInput): OrderDifferences {
  const h = stored.header;
  const header: FieldDifference[] = [];
  for (const f of ['name', 'salesChannel', 'riskLevel'] as const) {
    if (!sameScalar(h[f], input[f])) header.push(difference(f, h[f], input[f]));
  }
  if (!sameInstant(h.date, input.date)) header.push(difference('date', h.date, input.date));
  deepDiff('customer', h.customer, input.customer, header);
  paymentDiffs(h.payments, input.payments, header);
  moneyDiffs(h, input, header);

  // Lines: equal ones first (wherever they stand), then the same SKU, the rest added or removed.
  const storedLines = [...stored.lines]
    .sort((a, b) => a.lineSeq.localeCompare(b.lineSeq))
    .map((l) => ({ lineSeq: l.lineSeq, s: summary(l), taken: false }));
  const submitted = input.lines.map((l, i) => ({ line: i + 1, s: summary(l), taken: false }));
  const pair = (match: (a: LineSummary, b: LineSummary) => boolean) => {
    const pairs: Array<[(typeof storedLines)[number], (typeof submitted)[number]]> = [];
    for (const sub of submitted) {
      if (sub.taken) continue;
      const candidates = storedLines.filter((st) => !st.taken && match(st.s, sub.s));
      // The line at the same position first, else the first one.
      const st =
        candidates.find((c) => Number(c.lineSeq) === sub.line) ?? candidates[0] ?? undefined;
      if (!st) continue;
      st.taken = true;
      sub.taken = true;
      pairs.push([st, sub]);
    }
    return pairs;
  };
  pair((a, b) => lineFieldDiffs(a, b).length === 0 && a.sku === b.sku);
  const changed = pair((a, b) => a.sku === b.sku).map(([st, sub]) => ({
    lineSeq: st.lineSeq,
    line: sub.line,
    sku: sub.s.sku,
    fields: lineFieldDiffs(st.s, sub.s),
  }));
  return {
    header,
    lines: {
      added: submitted.filter((l) => !l.taken).map((l) => ({ line: l.line, ...l.s })),
      removed: storedLines.filter((l) => !l.taken).map((l) => ({ lineSeq: l.lineSeq, ...l.s })),
      changed,
    },
  };
}

export function hasDifferences(d: OrderDifferences): boolean {
  return (
    d.header.length > 0 ||
    d.lines.added.length > 0 ||
    d.lines.removed.length > 0 ||
    d.lines.changed.length > 0
  );
}

const show = (v: unknown): string => {
  if (v === undefined) return '(none)';
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
};

const lineText = (l: LineSummary): string =>
  `${l.sku} ×${l.quantity} at ${l.price} ${l.shippingMethod}${l.preOrder ? ' pre-order' : ''}`;

/**
 * The differences in words, one phrase each: `line 00001 SKU-1: quantity 1 → 3`, `line added:
 * SKU-9 ×2 at 5 STANDARD`, `line 00002 removed: …`, `customer.email a@x → b@x`.
 */
export function describeDifferences(d: OrderDifferences): string[] {
  return [
    ...d.lines.changed.map(
      (c) =>
        `line ${c.lineSeq} ${c.sku}: ${c.fields.map((f) => `${f.field} ${show(f.stored)} → ${show(f.submitted)}`).join(', ')}`,
    ),
    ...d.lines.added.map((l) => `line added (position ${l.line}): ${lineText(l)}`),
    ...d.lines.removed.map((l) => `line ${l.lineSeq} removed: ${lineText(l)}`),
    ...d.header.map((f) => `${f.field} ${show(f.stored)} → ${show(f.submitted)}`),
  ];
}

/** One sentence for an error file or a log line, at most `max` characters. */
export function conflictReason(
  externalId: string,
  orderId: string,
  d: OrderDifferences,
  max = 1_000,
): string {
  const text = `order ${externalId} was already received as ${orderId} with other content; this submission was not applied: ${describeDifferences(d).join('; ')}`;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
