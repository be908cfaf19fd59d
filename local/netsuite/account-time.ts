/**
 * Dates as the NetSuite account writes them: in its own time zone (a fixed UTC offset here), with
 * no zone in the text. `shippedDate` in the account's date-time format (`1/4/2024 4:23 pm`: month,
 * day, no leading zeros, 12-hour clock, lower-case am/pm), invoice dates `MM/dd/yyyy`, and the
 * newer file-name stamp `2025-07-02-10-15-00`.
 */

const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

/**
 * A fixed UTC offset (`Z`, `+05:30`, `-0700`) in minutes east of UTC; throws a RangeError for
 * anything else (the simulator's own copy: it shares no code with the OMS's date parser).
 */
export function parseUtcOffset(offset: string): number {
  if (offset === 'Z' || offset === 'z') return 0;
  const m = OFFSET.exec(offset.trim());
  const hours = m ? Number(m[2]) : NaN;
  const minutes = m ? Number(m[3]) : NaN;
  if (!m || hours > 14 || minutes > 59)
    throw new RangeError(`UTC offset "${offset}" must be Z or ±HH:MM (at most ±14:00)`);
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/** `at` moved to the account's wall clock: read it with the UTC getters. */
function wallClock(at: Date, utcOffset: string): Date {
  return new Date(at.getTime() + parseUtcOffset(utcOffset) * 60_000);
}

const two = (n: number) => String(n).padStart(2, '0');

/** `1/4/2024 4:23 pm` (M/D/YYYY h:mm am/pm) at the account's offset (`Z` or `±HH:MM`). */
export function accountDateTime(at: Date, utcOffset = 'Z'): string {
  const t = wallClock(at, utcOffset);
  const hour = t.getUTCHours();
  const date = `${t.getUTCMonth() + 1}/${t.getUTCDate()}/${t.getUTCFullYear()}`;
  return `${date} ${hour % 12 || 12}:${two(t.getUTCMinutes())} ${hour < 12 ? 'am' : 'pm'}`;
}

/** `01/04/2024` (MM/dd/yyyy) at the account's offset. */
export function accountDate(at: Date, utcOffset = 'Z'): string {
  const t = wallClock(at, utcOffset);
  return `${two(t.getUTCMonth() + 1)}/${two(t.getUTCDate())}/${t.getUTCFullYear()}`;
}

/** `2024-01-04-16-23-00` (file names of the newer exports) at the account's offset. */
export function accountStamp(at: Date, utcOffset = 'Z'): string {
  const t = wallClock(at, utcOffset);
  return [
    t.getUTCFullYear(),
    two(t.getUTCMonth() + 1),
    two(t.getUTCDate()),
    two(t.getUTCHours()),
    two(t.getUTCMinutes()),
    two(t.getUTCSeconds()),
  ].join('-');
}

/** Throws on an offset no account could have (configuration, checked at start). */
export function checkUtcOffset(utcOffset: string | undefined): void {
  if (utcOffset !== undefined) parseUtcOffset(utcOffset);
}

const DATE = /^(\d{1,2})\/(\d{1,2})\/([1-9]\d{3})$/;

/** Whether `text` is a calendar day written `MM/dd/yyyy` (NetSuite also takes `M/d/yyyy`). */
export function isAccountDate(text: string): boolean {
  const m = DATE.exec(text.trim());
  if (!m) return false;
  const [month, day, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}
