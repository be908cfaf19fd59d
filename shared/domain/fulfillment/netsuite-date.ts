/**
 * Dates as NetSuite writes them in its exports, in the account's date format (month first):
 *
 * - date and time (`shippedDate`): `1/4/2024 4:23 pm`, `01/04/2024 04:23 PM`, `01/04/2024 16:23`,
 *   `1/4/2024 4:23:09 am`, or a bare date `1/4/2024` (midnight). `am`/`pm` in any case, with or
 *   without a space before it; without it the hour is 0–23, with it 1–12.
 * - date only (invoice dates): `MM/DD/YYYY` (NetSuite also writes `M/D/YYYY`).
 *
 * NetSuite writes **local account time** with no zone, so the caller says which offset that is
 * (`utcOffset`, `±HH:MM` or `Z`; default `Z`, i.e. the text is taken as UTC). The offset is fixed:
 * an account in a zone with daylight saving needs the offset in force at the time, which this
 * module cannot know (pass the account's standard offset and accept the hour of drift, or look the
 * offset up per date before calling).
 *
 * Impossible dates and times (`2/30/2024`, `13/1/2024`, `24:61`) are refused, naming the field.
 */
import { accept, reject, type RowResult } from '../row-result.ts';

const DATE_TIME =
  /^(\d{1,2})\/(\d{1,2})\/([1-9]\d{3})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]m)?)?$/i;
const DATE_ONLY = /^(\d{1,2})\/(\d{1,2})\/([1-9]\d{3})$/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

const daysIn = (year: number, month: number): number =>
  new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * A fixed UTC offset (`Z`, `+05:30`, `-0700`) in minutes east of UTC. Throws a RangeError for
 * anything else: the offset is configuration, not file content.
 */
export function parseUtcOffset(offset: string): number {
  if (offset === 'Z' || offset === 'z') return 0;
  const m = OFFSET.exec(offset.trim());
  const hours = m ? Number(m[2]) : NaN;
  const minutes = m ? Number(m[3]) : NaN;
  if (!m || hours > 14 || minutes > 59) {
    throw new RangeError(`UTC offset "${offset}" must be Z or ±HH:MM (at most ±14:00)`);
  }
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/** Checks month and day; a reason when the calendar has no such day. */
function checkDay(month: number, day: number, year: number): string | undefined {
  if (month < 1 || month > 12) return `month ${month} is not 1–12`;
  const last = daysIn(year, month);
  if (day < 1 || day > last) return `day ${day} is not 1–${last} (month ${month} of ${year})`;
  return undefined;
}

/**
 * A NetSuite date and time (see the module comment) in local account time at `utcOffset` → the
 * instant as an ISO string in UTC (`2024-01-04T16:23:00.000Z`). `field` names the column in the
 * rejection.
 */
export function parseNetsuiteDateTime(
  text: string,
  field: string,
  utcOffset = 'Z',
): RowResult<string> {
  const offset = parseUtcOffset(utcOffset);
  const t = text.trim();
  if (!t) return reject(field, 'is empty');
  const m = DATE_TIME.exec(t);
  if (!m) return reject(field, `"${t}" is not a date like 1/4/2024 4:23 pm or 01/04/2024 16:23`);
  const [month, day, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const bad = checkDay(month, day, year);
  if (bad) return reject(field, `"${t}": ${bad}`);
  let hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const meridiem = m[7]?.toLowerCase();
  if (meridiem) {
    if (hour < 1 || hour > 12)
      return reject(field, `"${t}": hour ${hour} is not 1–12 with ${m[7]}`);
    hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
  } else if (hour > 23) {
    return reject(field, `"${t}": hour ${hour} is not 0–23`);
  }
  if (minute > 59) return reject(field, `"${t}": minute ${minute} is not 0–59`);
  if (second > 59) return reject(field, `"${t}": second ${second} is not 0–59`);
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  return accept(new Date(local - offset * 60_000).toISOString());
}

/** A NetSuite date `MM/DD/YYYY` (or `M/D/YYYY`) → `YYYY-MM-DD`; `field` names the column. */
export function parseNetsuiteDate(text: string, field: string): RowResult<string> {
  const t = text.trim();
  if (!t) return reject(field, 'is empty');
  const m = DATE_ONLY.exec(t);
  if (!m) return reject(field, `"${t}" is not a date like 01/04/2024 (MM/DD/YYYY)`);
  const [month, day, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const bad = checkDay(month, day, year);
  if (bad) return reject(field, `"${t}": ${bad}`);
  return accept(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
}
