/**
 * NetSuite's item-fulfillment files, row by row: the CSV (`salesorder/import/fulfillment-nifi`) and
 * the JSON variant (`salesorder/import/fulfillment`). Each good row becomes a {@link
 * FulfillmentRecord}; each bad one names its field (CSV column, or JSON path) and why.
 *
 * ## Unescaped commas in the CSV
 *
 * NetSuite joins values with commas and quotes nothing, so a comma inside `carrier` (`FedEx, Inc.`)
 * or `shippingMethod` (`Ground, 3-5 days`) splits it in two. Only those two columns are free text:
 * ids, `orderItemSeqId`, `quantity` (a whole number), `shippedDate` (`1/4/2024 4:23 pm`),
 * `trackingNumber` (several joined with ` | `, never a comma) and `shippingMethodId` (digits) hold
 * none. A row with `9 + s` values is read every way the `s` surplus values can be given back to
 * carrier and shippingMethod, and a reading is **plausible** when
 *
 * 1. a piece that starts with white space continues the value before it (a comma in prose is
 *    followed by a space, `FedEx, Inc.`; NetSuite's own separator is a bare comma), so no column
 *    starts with white space;
 * 2. a value rebuilt from pieces neither starts nor ends with a comma (its first and last pieces
 *    are not blank);
 * 3. every column then parses (ids, seq id, date, quantity, numeric shippingMethodId).
 *
 * Exactly one plausible reading: the row is recovered. Several: the row is refused as ambiguous
 * (`cannot tell carrier from shipping method: 2 ways to read 10 values`), e.g. `FedEx,Inc.,Ground`.
 * None: the error every reading shares (a bad quantity is bad whichever way the commas go), else a
 * column-count error. Fewer than 9 values is always a column-count error.
 *
 * ## Idempotency
 *
 * The same fulfillment can arrive twice (two files, or the CSV and a re-export). The importer keys
 * it with {@link fulfillmentKey}: order, line, NetSuite location, shipped instant, quantity and the
 * sorted tracking numbers — never the file name, carrier text or shipping method (those may be
 * re-read differently). Two real shipments of the same quantity of the same line from the same
 * location in the same minute without tracking numbers collapse into one: an accepted risk.
 */
import { createHash } from 'node:crypto';
import { padLineSeq } from '../lifecycle/line.ts';
import { accept, parseQuantity, reject, type RowResult } from '../row-result.ts';
import { parseNetsuiteDateTime } from './netsuite-date.ts';

/** The CSV's columns (any order in the file, exact names). */
export const FULFILLMENT_COLUMNS = [
  'orderId',
  'orderItemSeqId',
  'externalFacilityId',
  'shippedDate',
  'quantity',
  'trackingNumber',
  'carrier',
  'shippingMethod',
  'shippingMethodId',
] as const;

type Column = (typeof FULFILLMENT_COLUMNS)[number];

/** The columns that may hold unescaped commas. */
const FREE_TEXT: ReadonlySet<string> = new Set<Column>(['carrier', 'shippingMethod']);

const OMS_ID = /^[A-Za-z0-9_-]{1,64}$/;
const NS_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SEQ = /^\d{1,5}$/;
const METHOD_ID = /^\d{1,20}$/;

/** One shipped quantity of one order line, as NetSuite reported it. */
export interface FulfillmentRecord {
  /** OMS order id. */
  readonly orderId: string;
  /** OMS line seq id, zero-padded to 5 (`00001`). */
  readonly lineSeq: string;
  /** NetSuite location id the item shipped from (map it to the OMS facility). */
  readonly facilityExternalId: string;
  /** When it shipped, ISO in UTC (the file's local account time moved by `utcOffset`). */
  readonly shippedAt: string;
  /** Whole, at least 1. */
  readonly quantity: number;
  /** Split on `|`, trimmed, blanks and repeats dropped, in file order; may be empty. */
  readonly trackingNumbers: readonly string[];
  /** Free text, trimmed; may be empty. */
  readonly carrier: string;
  /** Free text, trimmed; may be empty. */
  readonly shippingMethod: string;
  /** NetSuite shipping-method (ship item) id; absent when blank (and in the JSON variant). */
  readonly shippingMethodId?: string;
}

export interface FulfillmentParseOptions {
  /** The NetSuite account's UTC offset (`±HH:MM` or `Z`, the default); see netsuite-date.ts. */
  readonly utcOffset?: string;
}

type Rec = Readonly<Record<Column, string>>;

/** Checks one row whose values are already assigned to columns. */
function parseRecord(rec: Rec, opts: FulfillmentParseOptions): RowResult<FulfillmentRecord> {
  const orderId = rec.orderId.trim();
  if (!OMS_ID.test(orderId)) {
    return reject('orderId', orderId ? `"${orderId}" is not an OMS order id` : 'is empty');
  }
  const seqText = rec.orderItemSeqId.trim();
  const seq = SEQ.test(seqText) ? Number(seqText) : 0;
  if (seq < 1) {
    return reject(
      'orderItemSeqId',
      seqText ? `"${seqText}" is not an order line seq id` : 'is empty',
    );
  }
  const facility = rec.externalFacilityId.trim();
  if (!NS_ID.test(facility)) {
    return reject(
      'externalFacilityId',
      facility ? `"${facility}" is not a NetSuite location id` : 'is empty',
    );
  }
  const shippedAt = parseNetsuiteDateTime(rec.shippedDate, 'shippedDate', opts.utcOffset);
  if (!shippedAt.ok) return shippedAt;
  const qtyText = rec.quantity.trim();
  const quantity = parseQuantity(qtyText);
  if (quantity === undefined || quantity < 1) {
    return reject(
      'quantity',
      qtyText ? `"${qtyText}" is not a whole quantity of 1 or more` : 'is empty',
    );
  }
  const trackingNumbers = [
    ...new Set(
      rec.trackingNumber
        .split('|')
        .map((t) => t.trim())
        .filter((t) => t !== ''),
    ),
  ];
  const methodId = rec.shippingMethodId.trim();
  if (methodId && !METHOD_ID.test(methodId)) {
    return reject('shippingMethodId', `"${methodId}" is not a NetSuite id (digits)`);
  }
  return accept({
    orderId,
    lineSeq: padLineSeq(seq),
    facilityExternalId: facility,
    shippedAt: shippedAt.row,
    quantity,
    trackingNumbers,
    carrier: rec.carrier.trim(),
    shippingMethod: rec.shippingMethod.trim(),
    ...(methodId ? { shippingMethodId: methodId } : {}),
  });
}

/** The header's columns in file order, or why it is not the fulfillment header. */
function checkHeader(header: readonly string[]): RowResult<Column[]> {
  const names = header.map((h) => h.trim());
  const known = new Set<string>(FULFILLMENT_COLUMNS);
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) return reject('header', `unknown column(s) ${unknown.join(', ')}`);
  const dupes = names.filter((n, i) => names.indexOf(n) !== i);
  if (dupes.length) return reject('header', `column(s) ${dupes.join(', ')} appear twice`);
  const missing = FULFILLMENT_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length) return reject('header', `missing column(s) ${missing.join(', ')}`);
  return accept(names as Column[]);
}

/** Every way to give `surplus` extra values to the free-text columns, as per-column widths. */
function widthsFor(columns: readonly Column[], surplus: number): number[][] {
  const free = columns.flatMap((c, i) => (FREE_TEXT.has(c) ? [i] : []));
  const out: number[][] = [];
  const spread = (k: number, left: number, widths: number[]) => {
    if (k === free.length - 1) {
      const w = [...widths];
      w[free[k]!] = 1 + left;
      out.push(w);
      return;
    }
    for (let extra = 0; extra <= left; extra++) {
      const w = [...widths];
      w[free[k]!] = 1 + extra;
      spread(k + 1, left - extra, w);
    }
  };
  spread(
    0,
    surplus,
    columns.map(() => 1),
  );
  return out;
}

/** The record for one reading, or undefined when rules 1–2 of the module comment rule it out. */
function readingOf(
  values: readonly string[],
  columns: readonly Column[],
  widths: readonly number[],
): Rec | undefined {
  const rec = {} as Record<Column, string>;
  let at = 0;
  for (let i = 0; i < columns.length; i++) {
    const pieces = values.slice(at, at + widths[i]!);
    at += widths[i]!;
    if (/^\s/.test(pieces[0]!)) return undefined;
    if (pieces.length > 1) {
      if (!pieces[0]!.trim() || !pieces[pieces.length - 1]!.trim()) return undefined;
    }
    rec[columns[i]!] = pieces.join(',');
  }
  return rec;
}

const readingText = (r: Rec) => `carrier "${r.carrier}" + shippingMethod "${r.shippingMethod}"`;

/**
 * One row of the fulfillment CSV: `values` as split at every comma (NetSuite quotes nothing), under
 * the file's `header`. Recovers a row with unescaped commas in carrier or shippingMethod when only
 * one reading is plausible (module comment); otherwise the field at fault and why (`*` for the
 * column count, `header` for a wrong header).
 */
export function parseFulfillmentCsvRow(
  values: readonly string[],
  header: readonly string[],
  options: FulfillmentParseOptions = {},
): RowResult<FulfillmentRecord> {
  const head = checkHeader(header);
  if (!head.ok) return head;
  const columns = head.row;
  const n = values.length;
  if (n < columns.length) return reject('*', `expected ${columns.length} values, found ${n}`);

  if (n === columns.length) {
    const rec = {} as Record<Column, string>;
    columns.forEach((c, i) => (rec[c] = values[i]!));
    return parseRecord(rec, options);
  }
  const readings = widthsFor(columns, n - columns.length)
    .map((w) => readingOf(values, columns, w))
    .filter((r): r is Rec => r !== undefined)
    .map((rec) => ({ rec, result: parseRecord(rec, options) }));

  const plausible = readings.filter((r) => r.result.ok);
  if (plausible.length === 1) return plausible[0]!.result;
  if (plausible.length > 1) {
    const shown = plausible.slice(0, 3).map((r) => readingText(r.rec));
    return reject(
      '*',
      `cannot tell carrier from shipping method: ${plausible.length} ways to read ${n} values (${shown.join(
        ' or ',
      )}${plausible.length > 3 ? ' or …' : ''})`,
    );
  }
  const errors = readings.map((r) => r.result).filter((r) => !r.ok);
  const first = errors[0];
  if (first && errors.every((e) => e.field === first.field && e.reason === first.reason)) {
    return first;
  }
  return reject(
    '*',
    `expected ${columns.length} values, found ${n}, and no reading puts the extra commas in carrier or shippingMethod`,
  );
}

// ── JSON ─────────────────────────────────────────────────────────────────────────────────────

/** One item of the JSON file: where it is (`[3].orderMap.items[1]`) and what it gave. */
export interface FulfillmentJsonItem {
  readonly path: string;
  /** On failure `field` is the full path of the bad value, e.g. `[3].orderMap.items[1].quantity`. */
  readonly result: RowResult<FulfillmentRecord>;
}

/** The whole JSON file: its items, or why the file as a whole is not a fulfillment file. */
export type FulfillmentJsonFile =
  | { readonly ok: true; readonly items: readonly FulfillmentJsonItem[] }
  | { readonly ok: false; readonly reason: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const kindOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;

/** A scalar as text ('' for absent or null), or undefined when it is an object, array or boolean. */
function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/**
 * The JSON variant, already parsed: `[{orderMap:{orderId, items:[{orderItemSeqId,
 * externalFacilityId, shippedDate, quantity, trackingNumber, carrier, shippingMethod}]}}]`. Ids and
 * quantities may be numbers or strings; `trackingNumber` a ` | `-joined string or an array of
 * strings; carrier and shippingMethod may be absent or null. An entry or item that is not an
 * object gives one error at its path; the file fails as a whole only when the top level is not an
 * array or no entry has an `orderMap` object.
 */
export function parseFulfillmentJson(
  json: unknown,
  options: FulfillmentParseOptions = {},
): FulfillmentJsonFile {
  if (!Array.isArray(json)) {
    return { ok: false, reason: `expected a JSON array at the top level, found ${kindOf(json)}` };
  }
  if (json.length > 0 && !json.some((e) => isObject(e) && isObject(e.orderMap))) {
    return { ok: false, reason: 'not a fulfillment file: no entry has an orderMap object' };
  }
  const items: FulfillmentJsonItem[] = [];
  const fail = (path: string, field: string, reason: string) =>
    items.push({ path, result: reject(field, reason) });
  json.forEach((entry: unknown, e) => {
    const at = `[${e}]`;
    if (!isObject(entry)) return fail(at, at, `is ${kindOf(entry)}, not an object`);
    const map = entry.orderMap;
    if (!isObject(map))
      return fail(
        at,
        `${at}.orderMap`,
        map === undefined ? 'is missing' : `is ${kindOf(map)}, not an object`,
      );
    const orderId = text(map.orderId);
    if (orderId === undefined) {
      return fail(at, `${at}.orderMap.orderId`, `is ${kindOf(map.orderId)}, not an id`);
    }
    if (!Array.isArray(map.items)) {
      return fail(
        at,
        `${at}.orderMap.items`,
        map.items === undefined ? 'is missing' : `is ${kindOf(map.items)}, not an array`,
      );
    }
    map.items.forEach((item: unknown, i) => {
      const path = `${at}.orderMap.items[${i}]`;
      if (!isObject(item)) return fail(path, path, `is ${kindOf(item)}, not an object`);
      const rec = {} as Record<Column, string>;
      for (const c of FULFILLMENT_COLUMNS) {
        if (c === 'orderId') continue;
        const v = item[c];
        const t =
          c === 'trackingNumber' && Array.isArray(v) && v.every((x) => typeof x === 'string')
            ? v.join(' | ')
            : text(v);
        if (t === undefined)
          return fail(path, `${path}.${c}`, `is ${kindOf(v)}, not text or a number`);
        rec[c] = t;
      }
      rec.orderId = orderId;
      const result = parseRecord(rec, options);
      items.push({
        path,
        result: result.ok
          ? result
          : reject(
              result.field === 'orderId' ? `${at}.orderMap.orderId` : `${path}.${result.field}`,
              result.reason,
            ),
      });
    });
  });
  return { ok: true, items };
}

/**
 * The idempotency key of a fulfillment (`nsful-<order>-<line>-<24 hex>`, at most 101 characters):
 * the same shipment read twice — from two files, the CSV or the JSON, with its tracking numbers in
 * another order, its date in another spelling — gives the same key. See the module comment.
 */
export function fulfillmentKey(
  f: Pick<
    FulfillmentRecord,
    'orderId' | 'lineSeq' | 'facilityExternalId' | 'shippedAt' | 'quantity' | 'trackingNumbers'
  >,
): string {
  const tracking = [...new Set(f.trackingNumbers)].sort();
  const digest = createHash('sha256')
    .update(
      JSON.stringify([
        f.orderId,
        f.lineSeq,
        f.facilityExternalId,
        f.shippedAt,
        f.quantity,
        tracking,
      ]),
    )
    .digest('hex')
    .slice(0, 24);
  return `nsful-${f.orderId}-${f.lineSeq}-${digest}`;
}
