/**
 * NetSuite's item fulfillments: the CSV (`salesorder/import/fulfillment-nifi`) and the JSON variant
 * (`salesorder/import/fulfillment`); a deployment uses one of the two. Each row (CSV) or item (JSON)
 * says that a quantity of an order line shipped from a NetSuite location: the location is mapped to
 * its OMS facility and the order core's `fulfill` brings that quantity to 3700 (Shipped) in one
 * write — taking what sits at that facility first and moving a reservation from another facility
 * when NetSuite shipped from elsewhere — with the tracking numbers, carrier, shipping method and
 * ship time recorded on the shipment.
 *
 * Idempotent: the command's idempotency key is `fulfillmentKey(row)` (order, line, location,
 * shipped instant, quantity, tracking numbers), so the same file imported twice, NetSuite's
 * repeated boundary row and the same row in a later file change nothing. The same shipment
 * reported again with another carrier or shipping method keeps what was recorded first and is
 * reported in the error file.
 *
 * Rows that cannot apply go to the error file naming their field (CSV column, or JSON path such as
 * `[2].orderMap.items[0].quantity`): unknown orders, lines or locations, unparseable dates or
 * quantities, a quantity the line cannot give, a CSV row whose unescaped commas cannot be read
 * back one way only. The good rows still apply.
 *
 * NetSuite shipping units is in its books from then on: each shipment applied (or replayed) gives a
 * reflect entry (docs/inventory.md, "When a hold ends") for the line at that facility, covering
 * every unit the line has shipped from there, taken at the file's S3 upload time — the snapshot
 * searched after it reflects the item fulfillment, and the units stop counting. The entries are
 * written at each checkpoint and at the end (lines read once for them).
 *
 * NetSuite can ship units the OMS no longer promises: the OMS cancelled (part of) the line after
 * exporting its allocation, and NetSuite shipped before it imported the close. `fulfill` refuses
 * the whole row (the line cannot give the quantity), yet the units left NetSuite's shelf, and the
 * figure in force does not know it. So, when the row's quantity is what the line still has open
 * at that facility plus at most its cancelled units (more than that NetSuite's line never had: a
 * bad row, refused whole), the open part ships (idempotency key `<key>:open`) and the rest becomes
 * an **unpromised-shipment hold** at the facility (an adjustment hold, id `nsship-<digest of the
 * row's key>`, placed once per row: its idempotency record is `DELTA#fulfillment#<id>`), with a
 * reflect entry taken at the file's upload time: the snapshot searched after it reflects the
 * shipment and ends the hold. The row still goes to the error file, saying what was done. When
 * the figure in force had already reflected NetSuite's commitment the hold undercounts until that
 * snapshot (never oversells).
 */
import {
  FULFILLMENT_COLUMNS,
  parseFulfillmentCsvRow,
  parseFulfillmentJson,
  type FulfillmentParseOptions,
  type FulfillmentRecord,
} from '../domain/fulfillment/index.ts';
import type { CsvImporter, RowRejection } from '../feeds/file-import.ts';
import type { JsonImporter } from '../feeds/json-file-import.ts';
import {
  FulfillmentRun,
  type Column,
  type FulfillmentImportDeps,
} from './netsuite-fulfillment-run.ts';

export {
  UNPROMISED_HOLD_FEED,
  unpromisedHoldId,
  type FulfillmentImportDeps,
} from './netsuite-fulfillment-run.ts';

const FREE_TEXT: ReadonlySet<string> = new Set<Column>(['carrier', 'shippingMethod']);

/** Runs `work` over `items` with at most `limit` at once. */
async function pool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * The values of a recovered row in file order: each free-text column gets back as many of the
 * comma-split values as its recovered text has commas plus one (a recovered value never starts or
 * ends with a comma, and the other columns hold none), so the reading is the parser's own.
 */
function valuesOfReading(
  values: readonly string[],
  header: readonly string[],
  row: FulfillmentRecord,
): readonly string[] | RowRejection {
  const freeText: Record<string, string> = {
    carrier: row.carrier,
    shippingMethod: row.shippingMethod,
  };
  const out: string[] = [];
  let at = 0;
  for (const name of header.map((h) => h.trim())) {
    const width = FREE_TEXT.has(name) ? freeText[name]!.split(',').length : 1;
    out.push(values.slice(at, at + width).join(','));
    at += width;
  }
  if (at !== values.length) {
    return { field: '*', reason: `expected ${header.length} values, found ${values.length}` };
  }
  return out;
}

/** The CSV feed (`fulfillment-csv-import`). */
export function fulfillmentCsvImporter(deps: FulfillmentImportDeps): CsvImporter {
  const options: FulfillmentParseOptions = { utcOffset: deps.utcOffset };
  const concurrency = Math.max(1, deps.concurrency ?? 8);
  return {
    // NetSuite quotes nothing: a comma in a carrier or shipping method splits it. The row is read
    // back when exactly one reading fits (parseFulfillmentCsvRow), else refused with the reason.
    recover(values, header) {
      const parsed = parseFulfillmentCsvRow(values, header, options);
      if (!parsed.ok) return { field: parsed.field, reason: parsed.reason };
      return valuesOfReading(values, header, parsed.row);
    },
    async open({ fileName, lastModified }) {
      const run = await FulfillmentRun.open(deps, fileName, lastModified);
      const column = (c: Column | '*') => c;
      // Rows of different lines at once; each line's rows in file order (a later row of a line
      // may need what an earlier one left, and the same row twice must replay, not race).
      const rows = async (
        batch: readonly {
          readonly record: Readonly<Record<string, string>>;
          readonly line?: number;
        }[],
      ): Promise<(RowRejection | undefined)[]> => {
        const verdicts: (RowRejection | undefined)[] = new Array(batch.length);
        const byLine = new Map<
          string,
          { index: number; row: FulfillmentRecord; line: number | undefined }[]
        >();
        batch.forEach(({ record, line }, index) => {
          const parsed = parseFulfillmentCsvRow(
            FULFILLMENT_COLUMNS.map((c) => record[c] ?? ''),
            FULFILLMENT_COLUMNS,
            options,
          );
          if (!parsed.ok) {
            verdicts[index] = { field: parsed.field, reason: parsed.reason };
            return;
          }
          const key = `${parsed.row.orderId}|${parsed.row.lineSeq}`;
          const group = byLine.get(key) ?? [];
          group.push({ index, row: parsed.row, line });
          byLine.set(key, group);
        });
        await pool([...byLine.values()], concurrency, async (group) => {
          for (const { index, row, line } of group) {
            verdicts[index] = await run.apply(row, column, line);
          }
        });
        return verdicts;
      };
      return {
        row: async (record, line) => (await rows([{ record, line }]))[0],
        rows,
        async checkpoint() {
          // Every applied row is already durable (one transaction each); their evidence now.
          await run.writeEvidence();
        },
        async finish() {
          await run.writeEvidence();
          return { ...run.counts };
        },
      };
    },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const kindOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;

/** The JSON feed (`fulfillment-json-import`): one array entry (an `orderMap`) per record. */
export function fulfillmentJsonImporter(deps: FulfillmentImportDeps): JsonImporter {
  const options: FulfillmentParseOptions = { utcOffset: deps.utcOffset };
  return {
    async open({ fileName, lastModified }) {
      const run = await FulfillmentRun.open(deps, fileName, lastModified);
      return {
        async record(value, position) {
          const at = `[${position - 1}]`;
          if (!isObject(value)) {
            return [{ field: at, reason: `is ${kindOf(value)}, not an object` }];
          }
          if (!isObject(value.orderMap)) {
            const map = value.orderMap;
            return [
              {
                field: `${at}.orderMap`,
                reason: map === undefined ? 'is missing' : `is ${kindOf(map)}, not an object`,
              },
            ];
          }
          const parsed = parseFulfillmentJson([value], options);
          if (!parsed.ok) return [{ field: at, reason: parsed.reason }];
          // The parser numbers this entry [0]; the file's position is `at`.
          const moved = (path: string) => at + path.slice('[0]'.length);
          const problems: RowRejection[] = [];
          for (const item of parsed.items) {
            if (!item.result.ok) {
              problems.push({ field: moved(item.result.field), reason: item.result.reason });
              continue;
            }
            const path = moved(item.path);
            const fieldOf = (c: Column | '*') =>
              c === '*' ? path : c === 'orderId' ? `${at}.orderMap.orderId` : `${path}.${c}`;
            const rejection = await run.apply(item.result.row, fieldOf, position);
            if (rejection) problems.push(rejection);
          }
          return problems;
        },
        async finish() {
          await run.writeEvidence();
          return { ...run.counts };
        },
      };
    },
  };
}
