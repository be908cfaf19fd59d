/**
 * NetSuite's export file names: JavaScript `Date.toString()` text, a dash and a fixed suffix
 * (`Wed Jul 02 2025 03:15:00 GMT-0700 (PDT)-SalesOrderExport.csv`). The text depends on the
 * process time zone (TZ), as it depends on the NetSuite account's. Newer exports name files
 * `2025-07-02-10-15-00-SalesOrderFulfillment.csv` instead.
 */
import { accountStamp } from './account-time.ts';

/** `<Date.toString()>-<suffix>` */
export function netsuiteFileName(date: Date, suffix: string): string {
  return `${date.toString()}-${suffix}`;
}

/**
 * The time to name the next file with: `now` truncated to the second, bumped past the previous
 * file's time so two files of one folder never share a name (`Date.toString()` shows seconds).
 */
export function nextFileTime(now: Date, previousMs: number | undefined): Date {
  const second = Math.floor(now.getTime() / 1000) * 1000;
  return new Date(previousMs === undefined ? second : Math.max(second, previousMs + 1000));
}

/** The newer exports' names: `2025-07-02-10-15-00-<suffix>`, in account time. */
export function datedFileName(date: Date, suffix: string, utcOffset = 'Z'): string {
  return `${accountStamp(date, utcOffset)}-${suffix}`;
}

/** The time of a folder's next file (see `nextFileTime`), remembered in `cursor`. */
export function claimFileTime(cursor: { lastFileMs?: number }, now: Date): Date {
  const time = nextFileTime(now, cursor.lastFileMs);
  cursor.lastFileMs = time.getTime();
  return time;
}

/** Picks the name of a folder's next file and remembers its time in `cursor`. */
export function claimFileName(cursor: { lastFileMs?: number }, now: Date, suffix: string): string {
  const time = nextFileTime(now, cursor.lastFileMs);
  cursor.lastFileMs = time.getTime();
  return netsuiteFileName(time, suffix);
}
