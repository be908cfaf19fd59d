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
 * the row (the line cannot give the quantity), yet the units left NetSuite's shelf, and the
 * figure in force does not know it. So the row's units, up to the line's cancelled units (more
 * than that NetSuite's line never had: a bad row), become an **unpromised-shipment hold** at
 * the facility (an adjustment hold, id `nsship-<digest of the row's key>`, placed once per row:
 * its idempotency record is `DELTA#fulfillment#<id>`), with a reflect entry taken at the file's
 * upload time: the snapshot searched after it reflects the shipment and ends the hold. The row
 * still goes to the error file, saying so: the operator decides what the line becomes. When the
 * figure in force had already reflected NetSuite's commitment the hold undercounts until that
 * snapshot (never oversells).
 */
import { awaitingInvoiceItem } from '../store/invoice-store.ts';
import {
  FULFILLMENT_COLUMNS,
  fulfillmentKey,
  parseFulfillmentCsvRow,
  parseFulfillmentJson,
  type FulfillmentParseOptions,
  type FulfillmentRecord,
} from '../domain/fulfillment/index.ts';
import type { Facility } from '../domain/facility.ts';
import { CommandError, type ShipmentDetails } from '../domain/lifecycle/index.ts';
import { TERMINAL_STATUSES, type StatusCode } from '../domain/lifecycle/status.ts';
import type { CsvImporter, RowRejection } from '../feeds/file-import.ts';
import type { JsonImporter } from '../feeds/json-file-import.ts';
import { log } from '../log.ts';
import { nsFulfillmentEntry } from '../inventory/reflect-entries.ts';
import type { OrderService } from '../orders/order-service.ts';
import type { OrderStore } from '../store/order-store.ts';
import type { InventoryDeltaStore } from '../store/inventory-delta-store.ts';
import type { ReflectEntryInput, ReflectStore } from '../store/reflect-store.ts';

export interface FulfillmentImportDeps {
  readonly service: Pick<OrderService, 'fulfill'>;
  /** Every OMS facility with its NetSuite location id (read once per file). */
  readonly facilities: () => Promise<readonly Facility[]>;
  /** The NetSuite account's UTC offset for `shippedDate` (`±HH:MM` or `Z`). */
  readonly utcOffset: string;
  /** CSV rows of different lines applied at once (a line's rows always go in file order). */
  readonly concurrency?: number;
  /**
   * Where the evidence of NetSuite's shipments goes (reflect entries), and the lines read for it.
   * Without it no entry is written.
   */
  readonly evidence?: {
    readonly entries: Pick<ReflectStore, 'put'>;
    readonly lines: Pick<OrderStore, 'linesWithHeaders'>;
    /**
     * Where units NetSuite shipped but the OMS no longer promised are held (unpromised-shipment
     * holds). Without it such rows are only refused.
     */
    readonly holds?: Pick<InventoryDeltaStore, 'placeHold'>;
  };
}

/** The idempotency records of unpromised-shipment holds: `DELTA#fulfillment#<hold id>`. */
export const UNPROMISED_HOLD_FEED = 'fulfillment';

/** The hold id of a fulfillment row's unpromised units: `nsship-` and the digest of its key. */
export const unpromisedHoldId = (fulfillmentKey: string): string =>
  `nsship-${fulfillmentKey.slice(fulfillmentKey.lastIndexOf('-') + 1)}`;

type Column = (typeof FULFILLMENT_COLUMNS)[number];

/** Figures for the file's log line. */
interface Counts {
  /** Rows (items) shipped now. */
  fulfilled: number;
  /** Units shipped now. */
  units: number;
  /** Rows already applied before (same key): nothing changed. */
  repeated: number;
  /** Rows whose shipment was at a facility other than the one holding the reservation. */
  reservationsMoved: number;
  /** Reflect entries written (line × facility shipped by NetSuite, unpromised shipments). */
  reflectEntries: number;
  /** Refused rows whose units are held now as unpromised shipments, and those units. */
  unpromisedHolds: number;
  unpromisedUnits: number;
}

const ACTOR = 'netsuite';
const FREE_TEXT: ReadonlySet<string> = new Set<Column>(['carrier', 'shippingMethod']);

/** Where `fulfill`'s refusal points in the row. */
const FIELD_OF_CODE: Partial<Record<CommandError['code'], Column | '*'>> = {
  UNKNOWN_ORDER: 'orderId',
  UNKNOWN_LINE: 'orderItemSeqId',
  INSUFFICIENT_QUANTITY: 'quantity',
  OUT_OF_STOCK: 'externalFacilityId',
};

/** The row column a command field (`shipped.carrier`, `lineSeq`) comes from. */
function columnOfCommandField(field: unknown): Column | '*' {
  const f = typeof field === 'string' ? field : '';
  if (f === 'orderId') return 'orderId';
  if (f === 'lineSeq') return 'orderItemSeqId';
  if (f === 'facilityId') return 'externalFacilityId';
  if (f === 'quantity') return 'quantity';
  if (f.startsWith('shipped.trackingNumbers')) return 'trackingNumber';
  if (f === 'shipped.carrier') return 'carrier';
  if (f === 'shipped.shippingMethod') return 'shippingMethod';
  if (f === 'shipped.shippedAt') return 'shippedDate';
  return '*';
}

/** What a file's rows share: the facility map, the counts, and how one row is applied. */
class FulfillmentRun {
  readonly counts: Counts = {
    fulfilled: 0,
    units: 0,
    repeated: 0,
    reservationsMoved: 0,
    reflectEntries: 0,
    unpromisedHolds: 0,
    unpromisedUnits: 0,
  };
  /** Reflect entries of unpromised-shipment holds not written yet. */
  private readonly unpromised: ReflectEntryInput[] = [];
  /** Lines × facilities shipped since the evidence was last written. */
  private readonly shipped = new Map<
    string,
    { orderId: string; lineSeq: string; facilityId: string }
  >();

  constructor(
    private readonly deps: FulfillmentImportDeps,
    private readonly fileName: string,
    /** NetSuite location id → OMS facility id. */
    private readonly facilityOf: ReadonlyMap<string, string>,
    /** The file's S3 upload time (ISO): NetSuite's books held these shipments before it. */
    private readonly uploadedAt: string,
  ) {}

  static async open(
    deps: FulfillmentImportDeps,
    fileName: string,
    lastModified?: Date,
  ): Promise<FulfillmentRun> {
    const facilities = await deps.facilities();
    return new FulfillmentRun(
      deps,
      fileName,
      new Map(facilities.map((f) => [f.externalId, f.facilityId])),
      // Unknown: now, which is later than the upload (the entry settles later, never too early).
      (lastModified ?? new Date()).toISOString(),
    );
  }

  private noteShipped(orderId: string, lineSeq: string, facilityId: string): void {
    if (!this.deps.evidence) return;
    this.shipped.set(`${orderId}|${lineSeq}|${facilityId}`, { orderId, lineSeq, facilityId });
  }

  /** Writes the reflect entries of the lines shipped since the last call (one batch read). */
  async writeEvidence(): Promise<void> {
    const evidence = this.deps.evidence;
    if (!evidence || (this.shipped.size === 0 && this.unpromised.length === 0)) return;
    const shipped = [...this.shipped.values()];
    this.shipped.clear();
    const entries: ReflectEntryInput[] = this.unpromised.splice(0);
    const { lines } = shipped.length
      ? await evidence.lines.linesWithHeaders(shipped)
      : { lines: new Map<string, never>() };
    for (const s of shipped) {
      const line = lines.get(`${s.orderId}|${s.lineSeq}`);
      const e = line && nsFulfillmentEntry(line, s.facilityId, this.uploadedAt, this.fileName);
      if (e) entries.push(e);
    }
    this.counts.reflectEntries += await evidence.entries.put(entries);
  }

  /**
   * Holds the units of a refused row (the line cannot give them: the OMS no longer promises them)
   * at the facility they left, once per row; the reflect entry that ends the hold is written with
   * the evidence. Returns what the error file says about it, or undefined when nothing is held
   * (no hold store, or the line is gone).
   */
  private async holdUnpromised(
    f: FulfillmentRecord,
    facilityId: string,
    key: string,
    line: number,
  ): Promise<string | undefined> {
    const evidence = this.deps.evidence;
    if (!evidence?.holds) return undefined;
    const { lines } = await evidence.lines.linesWithHeaders([
      { orderId: f.orderId, lineSeq: f.lineSeq },
    ]);
    const state = lines.get(`${f.orderId}|${f.lineSeq}`);
    // NetSuite can only have shipped units its line still had: those the OMS cancelled since.
    // More than that is not a shipment of this line's units (a bad row): nothing is held for it.
    const units = Math.min(f.quantity, state?.buckets[9000] ?? 0);
    if (!state || units <= 0) return undefined;
    const adjustmentId = unpromisedHoldId(key);
    const outcome = await evidence.holds.placeHold(
      { sku: state.sku, facilityId, adjustmentId, qty: units, at: this.uploadedAt },
      { feedId: UNPROMISED_HOLD_FEED, file: this.fileName, line, at: this.uploadedAt },
    );
    // Replayed too: a run that stopped before writing the entry writes it now.
    this.unpromised.push({
      kind: 'nsunpromised',
      recordId: adjustmentId,
      adjustmentId,
      takenAt: this.uploadedAt,
      sku: state.sku,
      facilityId,
      covered: units,
      file: this.fileName,
    });
    if (outcome === 'held') {
      this.counts.unpromisedHolds++;
      this.counts.unpromisedUnits += units;
      log.warn('NetSuite shipped units the OMS no longer promised: held until a snapshot', {
        file: this.fileName,
        orderId: f.orderId,
        lineSeq: f.lineSeq,
        sku: state.sku,
        facilityId,
        units,
        hold: adjustmentId,
      });
    }
    const open = Object.entries(state.buckets)
      .filter(([s]) => !TERMINAL_STATUSES.has(Number(s) as StatusCode) && Number(s) !== 3700)
      .reduce((n, [, q]) => n + (q ?? 0), 0);
    return (
      `${units} cancelled unit(s) NetSuite shipped are held at ${facilityId} (hold ${adjustmentId}) ` +
      'until a NetSuite snapshot reflects the shipment' +
      (open > 0 ? `; the line's ${open} open unit(s) are for a person to ship or cancel` : '')
    );
  }

  /**
   * Ships one parsed row; a rejection names the column at fault, which `fieldOf` turns into the
   * error file's field (the column itself for the CSV, a path for the JSON).
   */
  async apply(
    f: FulfillmentRecord,
    fieldOf: (column: Column | '*') => string,
    line = 0,
  ): Promise<RowRejection | undefined> {
    const facilityId = this.facilityOf.get(f.facilityExternalId);
    if (!facilityId) {
      return {
        field: fieldOf('externalFacilityId'),
        reason: `NetSuite location "${f.facilityExternalId}" is not an OMS facility's location (oms facility load)`,
      };
    }
    const shipped: ShipmentDetails = {
      ...(f.trackingNumbers.length ? { trackingNumbers: [...f.trackingNumbers] } : {}),
      ...(f.carrier ? { carrier: f.carrier } : {}),
      ...(f.shippingMethod ? { shippingMethod: f.shippingMethod } : {}),
      shippedAt: f.shippedAt,
    };
    const idempotencyKey = fulfillmentKey(f);
    try {
      const result = await this.deps.service.fulfill({
        orderId: f.orderId,
        lineSeq: f.lineSeq,
        facilityId,
        quantity: f.quantity,
        shipped,
        idempotencyKey,
        actor: ACTOR,
        reason: `shipped by NetSuite from location ${f.facilityExternalId} (${this.fileName})`,
        // The order may now be fully shipped: `oms sync status` watches for its invoice.
        linked: [
          { label: 'linked:awaiting-invoice', item: awaitingInvoiceItem(f.orderId, f.shippedAt) },
        ],
      });
      // Replayed too: a run that stopped before writing the evidence writes it now.
      this.noteShipped(f.orderId, f.lineSeq, facilityId);
      if (result.replayed) {
        this.counts.repeated++;
        return undefined;
      }
      this.counts.fulfilled++;
      this.counts.units += f.quantity;
      if (result.steps.some((s) => s.to === 1100 && s.facilityId !== facilityId)) {
        this.counts.reservationsMoved++;
      }
      return undefined;
    } catch (err) {
      if (!(err instanceof CommandError) || err.code === 'CONFLICT') throw err;
      if (err.code === 'IDEMPOTENCY_KEY_REUSED') {
        log.warn('fulfillment already recorded with other details', {
          file: this.fileName,
          orderId: f.orderId,
          lineSeq: f.lineSeq,
          key: idempotencyKey,
        });
        return {
          field: fieldOf('*'),
          reason:
            `this shipment (order ${f.orderId} line ${f.lineSeq}, location ${f.facilityExternalId}, ` +
            `${f.shippedAt}, quantity ${f.quantity}) was already recorded with another carrier, ` +
            'shipping method or tracking-number order; it is kept as first recorded',
        };
      }
      const column =
        err.code === 'INVALID_COMMAND'
          ? columnOfCommandField(err.details.field)
          : (FIELD_OF_CODE[err.code] ?? '*');
      const held =
        err.code === 'INSUFFICIENT_QUANTITY'
          ? await this.holdUnpromised(f, facilityId, idempotencyKey, line)
          : undefined;
      return { field: fieldOf(column), reason: held ? `${err.message}; ${held}` : err.message };
    }
  }
}

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
