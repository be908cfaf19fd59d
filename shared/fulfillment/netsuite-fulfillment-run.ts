/**
 * One NetSuite fulfillment file's run (the CSV and JSON importers of
 * netsuite-fulfillment-import.ts share it): the facility map, the counts for the log line, how one
 * row is applied through the order core's `fulfill`, a row that ships cancelled units (the open
 * part ships, the rest is held until a snapshot), and the evidence (reflect entries) of what
 * NetSuite shipped. The module comment of netsuite-fulfillment-import.ts says what a row does.
 */
import { linkedAwaitingInvoice } from '../store/invoice-store.ts';
import {
  FULFILLMENT_COLUMNS,
  fulfillmentKey,
  shippableAt,
  type FulfillmentRecord,
} from '../domain/fulfillment/index.ts';
import type { Facility } from '../domain/facility.ts';
import { CommandError, type ShipmentDetails } from '../domain/lifecycle/index.ts';
import type { RowRejection } from '../feeds/file-import.ts';
import { log } from '../platform/log.ts';
import { nsFulfillmentEntry } from '../inventory/reflect-entries.ts';
import type { OrderService } from '../orders/order-service.ts';
import type { OrderStore } from '../store/order-store.ts';
import type { InventoryDeltaStore } from '../store/inventory-delta-store.ts';
import type { ReflectEntryInput, ReflectStore } from '../store/reflect-store.ts';
import { STATUS } from '../domain/lifecycle/status.ts';

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
    readonly holds?: Pick<InventoryDeltaStore, 'placeHold' | 'adjustmentHold'>;
  };
}

/** The idempotency records of unpromised-shipment holds: `DELTA#fulfillment#<hold id>`. */
export const UNPROMISED_HOLD_FEED = 'fulfillment';

/** The hold id of a fulfillment row's unpromised units: `nsship-` and the digest of its key. */
export const unpromisedHoldId = (fulfillmentKey: string): string =>
  `nsship-${fulfillmentKey.slice(fulfillmentKey.lastIndexOf('-') + 1)}`;

export type Column = (typeof FULFILLMENT_COLUMNS)[number];

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
export class FulfillmentRun {
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

  /** `fulfill` for `quantity` units of the row under `key` (the whole row, or its open part). */
  private ship(
    f: FulfillmentRecord,
    facilityId: string,
    quantity: number,
    key: string,
  ): ReturnType<FulfillmentImportDeps['service']['fulfill']> {
    const shipped: ShipmentDetails = {
      ...(f.trackingNumbers.length ? { trackingNumbers: [...f.trackingNumbers] } : {}),
      ...(f.carrier ? { carrier: f.carrier } : {}),
      ...(f.shippingMethod ? { shippingMethod: f.shippingMethod } : {}),
      shippedAt: f.shippedAt,
    };
    return this.deps.service.fulfill({
      orderId: f.orderId,
      lineSeq: f.lineSeq,
      facilityId,
      quantity,
      shipped,
      idempotencyKey: key,
      actor: ACTOR,
      reason: `shipped by NetSuite from location ${f.facilityExternalId} (${this.fileName})`,
      // The order may now be fully shipped: `oms sync status` watches for its invoice.
      linked: [linkedAwaitingInvoice(f.orderId, f.shippedAt)],
    });
  }

  /**
   * A row the line cannot give whole, because the OMS cancelled units NetSuite still shipped: the
   * cancelled units NetSuite shipped are held at the facility (once per row) and what the line
   * still has open there ships, under `<key>:open`. Returns what the error file says, or undefined
   * when the row is not that (no hold store, the line gone, or more units than the line's open and
   * cancelled ones together: a bad row, refused whole).
   *
   * Replays: once placed, the hold decides the split (the open part = the row's quantity − the
   * held units), so a run that stopped in between ships the open part, or replays it, and places
   * nothing twice.
   */
  private async shipOpenHoldCancelled(
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
    if (!state) return undefined;
    const adjustmentId = unpromisedHoldId(key);
    const placed = await evidence.holds.adjustmentHold(state.sku, facilityId, adjustmentId);
    let held = placed?.qty ?? 0;
    if (!placed) {
      // NetSuite's line still had the units the OMS cancelled after exporting it: those it may
      // have shipped. More than open + cancelled is not this line's shipment.
      const open = shippableAt(state, facilityId);
      held = f.quantity - open;
      if (held <= 0 || held > (state.buckets[STATUS.CANCELLED] ?? 0)) return undefined;
      const outcome = await evidence.holds.placeHold(
        { sku: state.sku, facilityId, adjustmentId, qty: held, at: this.uploadedAt },
        { feedId: UNPROMISED_HOLD_FEED, file: this.fileName, line, at: this.uploadedAt },
      );
      if (outcome === 'duplicate') return undefined; // held and ended before: nothing is left to do
      this.counts.unpromisedHolds++;
      this.counts.unpromisedUnits += held;
      log.warn('NetSuite shipped units the OMS cancelled: held until a snapshot', {
        file: this.fileName,
        orderId: f.orderId,
        lineSeq: f.lineSeq,
        sku: state.sku,
        facilityId,
        units: held,
        hold: adjustmentId,
      });
    }
    // Written again on a replay: a run that stopped before writing the entry writes it now.
    this.unpromised.push({
      kind: 'nsunpromised',
      recordId: adjustmentId,
      adjustmentId,
      takenAt: this.uploadedAt,
      sku: state.sku,
      facilityId,
      covered: held,
      file: this.fileName,
    });
    const openPart = f.quantity - held;
    if (openPart > 0) {
      try {
        const result = await this.ship(f, facilityId, openPart, `${key}:open`);
        this.noteShipped(f.orderId, f.lineSeq, facilityId);
        if (!result.replayed) this.counts.units += openPart;
      } catch (err) {
        if (!(err instanceof CommandError) || err.code === 'CONFLICT') throw err;
        // The line changed since the hold was placed (a person cancelled the rest): say so.
        return (
          `${held} cancelled unit(s) NetSuite shipped are held at ${facilityId} (hold ` +
          `${adjustmentId}) until a NetSuite snapshot reflects the shipment; the other ${openPart} ` +
          `could not be shipped in the OMS: ${err.message}`
        );
      }
    }
    return (
      `line ${f.orderId}/${f.lineSeq} had ${openPart} unit(s) open at ${facilityId} of the ` +
      `${f.quantity} NetSuite shipped: ${openPart > 0 ? `those ${openPart} are shipped; ` : ''}` +
      `the other ${held}, cancelled in the OMS, are held at ${facilityId} (hold ${adjustmentId}) ` +
      'until a NetSuite snapshot reflects the shipment'
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
    const idempotencyKey = fulfillmentKey(f);
    try {
      const result = await this.ship(f, facilityId, f.quantity, idempotencyKey);
      // Replayed too: a run that stopped before writing the evidence writes it now.
      this.noteShipped(f.orderId, f.lineSeq, facilityId);
      if (result.replayed) {
        this.counts.repeated++;
        return undefined;
      }
      this.counts.fulfilled++;
      this.counts.units += f.quantity;
      if (result.steps.some((s) => s.to === STATUS.CREATED && s.facilityId !== facilityId)) {
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
      const split =
        err.code === 'INSUFFICIENT_QUANTITY'
          ? await this.shipOpenHoldCancelled(f, facilityId, idempotencyKey, line)
          : undefined;
      return { field: fieldOf(column), reason: split ?? err.message };
    }
  }
}
