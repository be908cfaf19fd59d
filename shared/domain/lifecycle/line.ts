/**
 * The order line as one aggregate: its status buckets, where its reserved quantity sits (per
 * facility), its holds, and its release and shipment records. The store keeps the aggregate in one
 * item guarded by `version`, so a command reads one item, decides here, and writes it back with
 * the version it read as the condition.
 */
import { promisedAt } from './promises.ts';
import {
  STATUS,
  RELEASED_STATUSES,
  RESERVED_STATUSES,
  STATUS_CODES,
  bucketOf,
  type Buckets,
  type StatusCode,
} from './status.ts';

export type HoldKind = 'order' | 'line' | 'gate';

export interface Hold {
  readonly code: string;
  /** `order`: placed on every line of the order; `gate`: placed by a failing release gate. */
  readonly kind: HoldKind;
  readonly reason: string;
  readonly at: string;
  readonly by: string;
}

/** One row of the release table: a facility and the quantity released to it under one key. */
export interface Release {
  readonly key: string;
  readonly facilityId: string;
  /** Quantity released under this key when it was created. */
  readonly releasedQty: number;
  /** Open quantity still under this release (3200 + 3350); 0 once closed (kept as history). */
  readonly statusQuantity: number;
  /** Part of statusQuantity already in a shipment (3350). */
  readonly inShipment: number;
  readonly createdAt: string;
  readonly closedAt?: string;
}

export type ShipmentStatus = 'picking' | 'shipped' | 'not-found' | 'partly-shipped';

/** What the carrier side of a shipment is: recorded on the shipment when quantity ships (→ 3700). */
export interface ShipmentDetails {
  /** Every tracking number of the parcel(s); NetSuite joins several with ` | `. */
  readonly trackingNumbers?: readonly string[];
  readonly carrier?: string;
  readonly shippingMethod?: string;
  /** When it shipped (ISO instant). */
  readonly shippedAt?: string;
}

/** What scheduling fixed for the quantity at a facility (1200 → 1500). */
export interface ScheduleDetails {
  /** The planned ship date, `YYYY-MM-DD`. */
  readonly shipDate: string;
  readonly carrier?: string;
  readonly shippingMethod?: string;
}

/** A shipment line: created at picking with quantity 0, set to the shipped quantity when shipped. */
export interface Shipment {
  readonly key: string;
  readonly releaseKey: string;
  readonly facilityId: string;
  /** Quantity picking started for. */
  readonly planned: number;
  /** Shipment-line quantity: 0 while picking, the shipped quantity once shipped. */
  readonly quantity: number;
  /** Quantity not found at picking (moved to 1400). */
  readonly short: number;
  readonly status: ShipmentStatus;
  readonly createdAt: string;
  readonly closedAt?: string;
  /** Set when quantity ships; tracking numbers of later parts are added. */
  readonly trackingNumbers?: readonly string[];
  readonly carrier?: string;
  readonly shippingMethod?: string;
  readonly shippedAt?: string;
  /** When the store packed it (a step of picking: the status stays 3350). */
  readonly packedAt?: string;
  /** Parcels packed, when the packer said. */
  readonly packages?: number;
}

/** Reserved quantity of a line at one facility, per reserved bucket. */
export type FacilityAllocation = Partial<
  Record<typeof STATUS.ALLOCATED | typeof STATUS.SCHEDULED, number>
>;

export interface LineState {
  readonly orderId: string;
  /** Zero-padded sequence within the order (`00001`), the OMS order line id. */
  readonly lineSeq: string;
  readonly sku: string;
  /** Ordered quantity: Σ buckets always equals it. */
  readonly quantity: number;
  readonly price: number;
  readonly shippingMethod?: string;
  readonly preOrder: boolean;
  readonly buckets: Buckets;
  /** facilityId → reserved quantity per reserved bucket (Σ over facilities = the bucket). */
  readonly alloc: Readonly<Record<string, FacilityAllocation>>;
  readonly holds: Readonly<Record<string, Hold>>;
  readonly releases: Readonly<Record<string, Release>>;
  readonly shipments: Readonly<Record<string, Shipment>>;
  /** facilityId → the schedule of the quantity scheduled there (1500), kept once set. */
  readonly schedules?: Readonly<Record<string, ScheduleDetails & { readonly at: string }>>;
  /** Facilities that rejected quantity of this line (to exclude when re-brokering). */
  readonly rejectedBy: readonly string[];
  readonly releaseSeq: number;
  readonly shipmentSeq: number;
  readonly netsuiteLineId?: string;
  /**
   * facilityId → units promised there that NetSuite's figure in force already reflects (see
   * shared/domain/lifecycle/promises.ts); never above what is promised there.
   */
  readonly reflected?: Readonly<Record<string, number>>;
  /** Incremented by every write; the write's condition. */
  readonly version: number;
  readonly updatedAt: string;
}

export const padLineSeq = (n: number): string => String(n).padStart(5, '0');

export const releaseKeyFor = (line: Pick<LineState, 'orderId' | 'lineSeq'>, n: number): string =>
  `${line.orderId}-${line.lineSeq}-R${n}`;

export const shipmentKeyFor = (line: Pick<LineState, 'orderId' | 'lineSeq'>, n: number): string =>
  `${line.orderId}-${line.lineSeq}-S${n}`;

export const isReleaseOpen = (r: Release): boolean => r.statusQuantity > 0;

/** Quantity of a shipment still being picked (neither shipped nor found short). */
export const shipmentOpenQty = (s: Shipment): number => s.planned - s.quantity - s.short;

export const facilityQty = (
  line: LineState,
  facilityId: string,
  status: typeof STATUS.ALLOCATED | typeof STATUS.SCHEDULED,
): number => line.alloc[facilityId]?.[status] ?? 0;

/** Reserved quantity of the line at a facility (1200 + 1500). */
export const reservedAt = (line: LineState, facilityId: string): number =>
  facilityQty(line, facilityId, STATUS.ALLOCATED) + facilityQty(line, facilityId, STATUS.SCHEDULED);

/**
 * Every rule the write path keeps for a line; an empty list means the line is sound. Used by the
 * property tests, the reconcile job and `oms order show`.
 */
export function lineInvariantViolations(line: LineState): string[] {
  const out: string[] = [];
  const where = `line ${line.orderId}/${line.lineSeq}`;
  let total = 0;
  for (const s of STATUS_CODES) {
    const q = bucketOf(line.buckets, s);
    if (!Number.isSafeInteger(q) || q < 0) out.push(`${where}: bucket ${s} is ${q}`);
    total += q;
  }
  if (total !== line.quantity) {
    out.push(`${where}: Σ buckets ${total} ≠ ordered quantity ${line.quantity}`);
  }
  for (const s of RESERVED_STATUSES as ReadonlySet<
    typeof STATUS.ALLOCATED | typeof STATUS.SCHEDULED
  >) {
    let sum = 0;
    for (const [facility, a] of Object.entries(line.alloc)) {
      const q = a[s] ?? 0;
      if (q < 0) out.push(`${where}: allocation ${s} at ${facility} is ${q}`);
      sum += q;
    }
    if (sum !== bucketOf(line.buckets, s)) {
      out.push(`${where}: Σ allocations in ${s} ${sum} ≠ bucket ${bucketOf(line.buckets, s)}`);
    }
  }
  for (const [facility, r] of Object.entries(line.reflected ?? {})) {
    const promised = promisedAt(line, facility);
    if (!Number.isSafeInteger(r) || r < 0 || r > promised) {
      out.push(`${where}: ${r} reflected at ${facility}, ${promised} promised there`);
    }
  }
  const released = [...RELEASED_STATUSES].reduce((n, s) => n + bucketOf(line.buckets, s), 0);
  let open = 0;
  let inShipment = 0;
  for (const r of Object.values(line.releases)) {
    if (r.statusQuantity < 0 || r.inShipment < 0 || r.inShipment > r.statusQuantity) {
      out.push(`${where}: release ${r.key} has quantity ${r.statusQuantity}/${r.inShipment}`);
    }
    open += r.statusQuantity;
    inShipment += r.inShipment;
  }
  if (open !== released) {
    out.push(`${where}: Σ open release quantity ${open} ≠ released quantity ${released}`);
  }
  let picking = 0;
  let shipped = 0;
  for (const s of Object.values(line.shipments)) {
    const openQty = shipmentOpenQty(s);
    if (openQty < 0 || s.quantity < 0 || s.short < 0) {
      out.push(`${where}: shipment ${s.key} has planned ${s.planned}, shipped ${s.quantity}`);
    }
    picking += openQty;
    shipped += s.quantity;
  }
  const inPicking = bucketOf(line.buckets, STATUS.INCLUDED_IN_SHIPMENT);
  if (picking !== inPicking || inShipment !== inPicking) {
    out.push(
      `${where}: quantity being picked ${picking} (releases say ${inShipment}) ≠ bucket 3350 ${inPicking}`,
    );
  }
  const done = bucketOf(line.buckets, STATUS.SHIPPED) + bucketOf(line.buckets, STATUS.DELIVERED);
  if (shipped !== done) out.push(`${where}: Σ shipped ${shipped} ≠ shipped buckets ${done}`);
  return out;
}

/** The statuses that hold quantity on the line, lowest first. */
export const occupiedStatuses = (line: LineState): StatusCode[] =>
  STATUS_CODES.filter((s) => bucketOf(line.buckets, s) > 0);
