/**
 * The schedule-and-release job's rules, pure (no I/O):
 *
 * - **Ship date**: today in the OMS time zone (`OMS_TIME_ZONE`, an IANA zone, default `UTC`;
 *   facilities carry no zone of their own) plus the shipping method's lead days (calendar days)
 *   when `OMS_SHIPPING_METHODS` gives any, else today.
 * - **Carrier**: the shipping method's carrier from `OMS_SHIPPING_METHODS`, else the shipping
 *   method text itself (`UPS_GROUND` → carrier `UPS_GROUND`); none when the line has no method.
 *   `OMS_SHIPPING_METHODS` is JSON: `{"STANDARD": {"carrier": "UPS", "leadDays": 1}, …}`.
 * - **Retries**: an order with held quantity is looked at again on every run during its first
 *   `everyRunForHours` (24) held, then once every `slowEveryMinutes` (60); it is never dropped
 *   (it leaves the queue when nothing of it is allocated or scheduled any more). Anything else
 *   that keeps an order queued (allocation not yet sent to NetSuite, a blocking hold, an error)
 *   is looked at on the next run.
 */
import type { ScheduleDetails } from '../domain/lifecycle/line.ts';

export interface ShippingMethodRule {
  readonly carrier?: string;
  /** Calendar days between the scheduling day and the ship date (0–60). */
  readonly leadDays?: number;
}

export type ShippingRules = ReadonlyMap<string, ShippingMethodRule>;

export interface RetryPolicy {
  readonly everyRunForHours: number;
  readonly slowEveryMinutes: number;
}

export const DEFAULT_RETRY: RetryPolicy = { everyRunForHours: 24, slowEveryMinutes: 60 };

const MAX_LEAD_DAYS = 60;

/** `OMS_SHIPPING_METHODS` (see the module comment); throws an Error naming the bad entry. */
export function parseShippingRules(text: string | undefined): ShippingRules {
  const rules = new Map<string, ShippingMethodRule>();
  if (text === undefined || !text.trim()) return rules;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(
      `OMS_SHIPPING_METHODS is not JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error(
      'OMS_SHIPPING_METHODS must be an object: {"<shipping method>": {"carrier": "…", "leadDays": n}}',
    );
  }
  for (const [method, value] of Object.entries(json as Record<string, unknown>)) {
    const at = `OMS_SHIPPING_METHODS.${method}`;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`${at} must be an object with carrier and/or leadDays`);
    }
    const { carrier, leadDays, ...rest } = value as Record<string, unknown>;
    const unknown = Object.keys(rest);
    if (unknown.length) throw new Error(`${at} has unknown field(s) ${unknown.join(', ')}`);
    if (carrier !== undefined && (typeof carrier !== 'string' || !carrier.trim())) {
      throw new Error(`${at}.carrier must be a non-empty text`);
    }
    if (
      leadDays !== undefined &&
      (typeof leadDays !== 'number' ||
        !Number.isInteger(leadDays) ||
        leadDays < 0 ||
        leadDays > MAX_LEAD_DAYS)
    ) {
      throw new Error(`${at}.leadDays must be a whole number of days from 0 to ${MAX_LEAD_DAYS}`);
    }
    rules.set(method, {
      ...(carrier !== undefined ? { carrier: (carrier as string).trim() } : {}),
      ...(leadDays !== undefined ? { leadDays: leadDays as number } : {}),
    });
  }
  return rules;
}

/** Checks an IANA time zone name (`OMS_TIME_ZONE`); throws an Error saying what is wrong. */
export function checkTimeZone(zone: string): string {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: zone });
  } catch {
    throw new Error(
      `OMS_TIME_ZONE "${zone}" is not a time zone name (IANA, e.g. America/New_York, UTC)`,
    );
  }
  return zone;
}

/** The calendar date (`YYYY-MM-DD`) at `now` in `timeZone`. */
export function localDate(now: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** `YYYY-MM-DD` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** The schedule of a line's quantity scheduled now (see the module comment). */
export function scheduleFor(
  shippingMethod: string | undefined,
  rules: ShippingRules,
  now: Date,
  timeZone: string,
): ScheduleDetails {
  const rule = shippingMethod ? rules.get(shippingMethod) : undefined;
  const carrier = rule?.carrier ?? (shippingMethod || undefined);
  return {
    shipDate: addDays(localDate(now, timeZone), rule?.leadDays ?? 0),
    ...(carrier ? { carrier } : {}),
    ...(shippingMethod ? { shippingMethod } : {}),
  };
}

/** When a queued order is looked at again (see the module comment). */
export function nextAttemptAt(
  now: Date,
  heldSince: string | undefined,
  policy: RetryPolicy = DEFAULT_RETRY,
): string {
  if (heldSince === undefined) return now.toISOString();
  const heldMs = now.getTime() - Date.parse(heldSince);
  if (heldMs < policy.everyRunForHours * 3_600_000) return now.toISOString();
  return new Date(now.getTime() + policy.slowEveryMinutes * 60_000).toISOString();
}
