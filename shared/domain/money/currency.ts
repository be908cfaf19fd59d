/**
 * Currencies and exact amounts. Every amount the OMS keeps or adds is an integer count of the
 * currency's minor unit (cents for USD): never a floating-point sum. A JSON number is turned into
 * minor units from its shortest decimal text (`19.99` → 1999), so the digits the storefront wrote
 * are the digits kept, and a value with more decimals than the currency has is refused, not
 * rounded.
 */

/** ISO 4217 codes the OMS accepts, with their number of decimals (minor-unit digits). */
export const CURRENCY_DIGITS: Readonly<Record<string, number>> = {
  USD: 2,
  CAD: 2,
  EUR: 2,
  GBP: 2,
  AUD: 2,
  NZD: 2,
  CHF: 2,
  SEK: 2,
  NOK: 2,
  DKK: 2,
  PLN: 2,
  CZK: 2,
  MXN: 2,
  BRL: 2,
  INR: 2,
  SGD: 2,
  HKD: 2,
  CNY: 2,
  ZAR: 2,
  AED: 2,
  JPY: 0,
  KRW: 0,
  ISK: 0,
  CLP: 0,
  KWD: 3,
  BHD: 3,
  OMR: 3,
  JOD: 3,
  TND: 3,
};

/** The currency of an order that does not name one (orders from before money was kept). */
export const DEFAULT_CURRENCY = 'USD';

export const currencyDigits = (currency: string): number | undefined =>
  Object.hasOwn(CURRENCY_DIGITS, currency) ? CURRENCY_DIGITS[currency] : undefined;

/**
 * `value` in minor units of a currency with `digits` decimals, or undefined when it has more
 * decimals than that (or is not a finite number).
 */
export function toMinor(value: number, digits: number): number | undefined {
  if (!Number.isFinite(value)) return undefined;
  const text = String(Math.abs(value));
  if (/e/i.test(text)) {
    // 1e-7 and the like: more decimals than any currency has; 1e21 and up: not an amount.
    return undefined;
  }
  const [whole = '0', fraction = ''] = text.split('.');
  if (fraction.length > digits) return undefined;
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  if (!Number.isSafeInteger(minor)) return undefined;
  return value < 0 ? -minor : minor;
}

/** Minor units back to a decimal text with the currency's decimals: 1999 → `19.99`, -5 → `-0.05`. */
export function formatMinor(minor: number, digits: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  if (digits === 0) return `${sign}${abs}`;
  const unit = 10 ** digits;
  const whole = Math.floor(abs / unit);
  return `${sign}${whole}.${String(abs % unit).padStart(digits, '0')}`;
}

/** Minor units as the JSON number the storefront would have written (1999 → 19.99). */
export const minorToNumber = (minor: number, digits: number): number =>
  Number(formatMinor(minor, digits));

/** A tax rate (`0.0825`) in millionths (82500); undefined beyond 6 decimals or outside 0..1. */
export function rateToMicros(rate: number): number | undefined {
  const micros = toMinor(rate, 6);
  return micros === undefined || micros < 0 || micros > 1_000_000 ? undefined : micros;
}

/**
 * `a × b / d` rounded half away from zero, for integers with d > 0, computed exactly (BigInt: the
 * product of an amount and a rate or a weight can pass 2^53).
 */
export function mulDivHalfUp(a: number, b: number, d: number): number {
  const n = BigInt(a) * BigInt(b);
  const den = BigInt(d);
  const abs = n < 0n ? -n : n;
  const q = abs / den;
  const rounded = (abs - q * den) * 2n >= den ? q + 1n : q;
  return Number(n < 0n ? -rounded : rounded);
}

/** Tax on `base` minor units at `micros` millionths, rounded half up per line (NetSuite's way). */
export const taxOf = (base: number, micros: number): number =>
  mulDivHalfUp(base, micros, 1_000_000);

/**
 * Shares `total` across `weights` pro rata, by largest remainder: every share is the floor of its
 * exact part, and the units left go one each to the largest remainders (the earlier weight first
 * on a tie), so the shares add up to `total` exactly. All weights 0: shared equally the same way.
 */
export function shareByLargestRemainder(total: number, weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  const sum = weights.reduce((a, b) => a + b, 0);
  const w = sum > 0 ? weights : weights.map(() => 1);
  const wsum = sum > 0 ? sum : weights.length;
  const exact = w.map((x) => BigInt(total) * BigInt(x));
  const shares = exact.map((p) => Number(p / BigInt(wsum)));
  let left = total - shares.reduce((a, b) => a + b, 0);
  const order = exact
    .map((p, i) => ({ i, rem: p % BigInt(wsum) }))
    .sort((a, b) => (b.rem > a.rem ? 1 : b.rem < a.rem ? -1 : a.i - b.i));
  for (const { i } of order) {
    if (left <= 0) break;
    shares[i]!++;
    left--;
  }
  return shares;
}

/** `x × part / whole` rounded half up: the part of an amount that goes with `part` of `whole` units. */
export const proRata = (x: number, part: number, whole: number): number =>
  whole <= 0 || part <= 0 ? 0 : part >= whole ? x : mulDivHalfUp(x, part, whole);
