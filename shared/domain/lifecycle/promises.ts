/**
 * What a line promises at a facility, and how much of it still counts against availability.
 *
 * NetSuite's `availableQty` is on hand − committed: a unit the OMS promised stops counting only
 * when a NetSuite figure arrives that already reflects it (NetSuite committed the line there, or
 * recorded the item fulfillment the OMS asked for). So a unit is **promised** at a facility from
 * its reservation through release, picking and shipment — allocated or scheduled there (1200,
 * 1500), released there (3200), being picked there (3350), shipped from there (3700, 3800) — and it
 * **counts** until the figure in force reflects it:
 *
 *   counted(line, f) = promised(line, f) − reflected(line, f)
 *   availability(f)  = NetSuite's figure in force − Σ counted over the lines at f − safety
 *
 * `reflected` is kept on the line (per facility): how many of its promised units NetSuite's figure
 * in force already leaves out. It only grows when a snapshot arrives after NetSuite took the file
 * that told it (the settle step, `reflect`); it is never above what is promised. A move into the
 * promise statuses adds counted units; a move out of them (cancelled, backordered, handed back)
 * takes **unreflected units first** — when in doubt the OMS keeps counting: it may promise a little
 * less than it could for a while, never more than there is. Moves inside the promise statuses
 * change nothing.
 *
 * Pure: the order core and the settle step call these; the store keeps Σ counted per facility on
 * the position item (`reserved`) and one row per line × facility (its counted units).
 */
import type { LineState } from './line.ts';
import { STATUS, type StatusCode } from './status.ts';

/** Statuses in which a unit is promised at a facility. */
export const PROMISE_STATUSES: ReadonlySet<StatusCode> = new Set<StatusCode>([
  STATUS.ALLOCATED,
  STATUS.SCHEDULED,
  STATUS.RELEASED,
  STATUS.INCLUDED_IN_SHIPMENT,
  STATUS.SHIPPED,
  STATUS.DELIVERED,
]);

type Promising = Pick<LineState, 'alloc' | 'releases' | 'shipments'>;

/**
 * Units of the line promised at the facility: allocated or scheduled there, released there (open
 * releases: released and being picked) and shipped from there.
 */
export function promisedAt(line: Promising, facilityId: string): number {
  const a = line.alloc[facilityId];
  let n = (a?.[STATUS.ALLOCATED] ?? 0) + (a?.[STATUS.SCHEDULED] ?? 0);
  for (const r of Object.values(line.releases)) {
    if (r.facilityId === facilityId) n += r.statusQuantity;
  }
  for (const s of Object.values(line.shipments)) {
    if (s.facilityId === facilityId) n += s.quantity;
  }
  return n;
}

/** Units promised at the facility that NetSuite's figure in force already reflects. */
export const reflectedAt = (
  line: Promising & Pick<LineState, 'reflected'>,
  facilityId: string,
): number => Math.min(line.reflected?.[facilityId] ?? 0, promisedAt(line, facilityId));

/** Units promised at the facility that still count against its availability. */
export const countedAt = (
  line: Promising & Pick<LineState, 'reflected'>,
  facilityId: string,
): number => promisedAt(line, facilityId) - reflectedAt(line, facilityId);

/** Facilities where the line promises units or has reflected ones recorded. */
export function promiseFacilities(line: Promising & Pick<LineState, 'reflected'>): string[] {
  const out = new Set<string>(Object.keys(line.alloc));
  for (const r of Object.values(line.releases)) if (r.statusQuantity > 0) out.add(r.facilityId);
  for (const s of Object.values(line.shipments)) if (s.quantity > 0) out.add(s.facilityId);
  for (const f of Object.keys(line.reflected ?? {})) out.add(f);
  return [...out].sort();
}

/**
 * The change of the counted units at `facilityId` when `quantity` moves from `from` to `to` on the
 * line as it is before the move: + quantity entering the promise statuses there, − (unreflected
 * first) leaving them, 0 inside them.
 */
export function countedDelta(
  line: Promising & Pick<LineState, 'reflected'>,
  from: StatusCode,
  to: StatusCode,
  quantity: number,
  facilityId: string | undefined,
): number {
  const fromPromised = PROMISE_STATUSES.has(from);
  const toPromised = PROMISE_STATUSES.has(to);
  if (fromPromised === toPromised || !facilityId) return 0;
  if (toPromised) return quantity;
  return -Math.min(quantity, countedAt(line, facilityId));
}

/**
 * The line's `reflected` after a move: never above what is promised (the units that left took the
 * unreflected ones first, so reflected only drops when nothing unreflected was left), facilities
 * with nothing reflected dropped. Returns the same object when nothing changes.
 */
export function capReflected<L extends Promising & Pick<LineState, 'reflected'>>(line: L): L {
  if (!line.reflected) return line;
  let changed = false;
  const next: Record<string, number> = {};
  for (const [f, r] of Object.entries(line.reflected)) {
    const capped = Math.min(r, promisedAt(line, f));
    if (capped !== r) changed = true;
    if (capped > 0) next[f] = capped;
    else changed = true;
  }
  if (!changed) return line;
  const { reflected: _drop, ...rest } = line;
  return (Object.keys(next).length ? { ...rest, reflected: next } : rest) as L;
}

export interface Reflection<L> {
  /** The line with its new `reflected` (the same object when nothing changes). */
  readonly line: L;
  /** Counted units at the facility before and after. */
  readonly counted: number;
  readonly countedAfter: number;
  /** Units that stop counting (counted − countedAfter, ≥ 0). */
  readonly drop: number;
}

/**
 * A NetSuite figure in force now reflects up to `covered` units of the line at the facility (the
 * quantity NetSuite was told there by a file it took before the figure's search): the line's
 * reflected units become max(reflected, min(promised, covered)).
 */
export function reflect<L extends Promising & Pick<LineState, 'reflected'>>(
  line: L,
  facilityId: string,
  covered: number,
): Reflection<L> {
  const promised = promisedAt(line, facilityId);
  const before = reflectedAt(line, facilityId);
  const after = Math.max(before, Math.min(promised, Math.max(0, Math.floor(covered))));
  const counted = promised - before;
  const countedAfter = promised - after;
  if (after === before) return { line, counted, countedAfter, drop: 0 };
  return {
    line: { ...line, reflected: { ...line.reflected, [facilityId]: after } },
    counted,
    countedAfter,
    drop: counted - countedAfter,
  };
}
