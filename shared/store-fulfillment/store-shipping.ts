/**
 * A store fulfils what brokering gave it: pick (and pack), ship, or report an item not found.
 * The store queue and rejections are in `shared/store-fulfillment/store-fulfillment.ts`; where a line
 * stands at a store is `store-shipping-stages.ts`.
 *
 * **Pick** (`3200 → 3350`): units released to the store under a release key go into a new
 * shipment (key `<order>-<line>-S<n>`, shipment quantity 0 while picking). The release key may be
 * named; without one the store's only open release of the line is taken. Units still allocated or
 * scheduled there (1200/1500) are not picked: the release job releases them once the release gates
 * (inventory, deposit, fraud, completeness) pass — a store never bypasses them.
 *
 * **Pack** is not a state of the order core: packing happens between pick and ship inside the
 * store, and the OMS records the shipment's facts when it ships (tracking numbers, carrier,
 * method, time). So a pick is "pick and pack", and nothing else is written for packing.
 *
 * **Ship** (`3350 → 3700`): units being picked ship, with `shipped` details recorded on the
 * shipment (its quantity becomes the shipped quantity). In the same transaction the line's
 * `fulfilled` outbox entry for the OMS-fulfilled export is put (id `<orderId>#<lineSeq>`, put again
 * by every ship of the line: idempotent), and the store queue item goes when nothing of the line
 * is left at the store. NetSuite fulfils a line once, so the export sends one row per line, once
 * nothing of it is open any more (see `oms-fulfilled-rows.ts`). A shipment may ship in parts (each
 * part its own command; the line's row carries every unit shipped).
 *
 * **Not found**: units being picked (then released ones) go to 1400 at the store through
 * `StoreFulfillment.reportNotFound`, exactly like a rejection (back to brokering, never to this
 * store again); the shipment keeps quantity 0, the release closes, and re-release elsewhere
 * creates a new release key and, at picking, a new shipment key.
 *
 * Only facilities the OMS fulfils are picked and shipped from: an unknown facility, or one in the
 * `NETSUITE_FULFILLED` group (it ships through NetSuite's fulfillment file), is refused.
 *
 * Idempotency: every command carries a key. A replay (same key, same request — fields left out
 * are not compared) changes nothing and returns the first result with `replayed: true`; the same
 * key for another request is refused with `IDEMPOTENCY_KEY_REUSED`.
 *
 * Over 400 lines: pick, pack, ship and not-found share the store check and the read-or-replay of
 * a line (their input checks are in `store-shipping-input.ts`); the seam if it grows is not-found
 * with its hand-back to brokering.
 */
import type { Facility } from '../domain/facility.ts';
import { checkEnvelope } from '../domain/lifecycle/commands.ts';
import { CommandError } from '../domain/lifecycle/errors.ts';
import type { LineState, ShipmentDetails } from '../domain/lifecycle/line.ts';
import { STATUS, type Buckets } from '../domain/lifecycle/status.ts';
import { isNetsuiteFulfilled } from '../domain/sync/allocation-rows.ts';
import {
  omsFulfilledEntryId,
  type OmsFulfilledPayload,
} from '../domain/sync/oms-fulfilled-rows.ts';
import type {
  StoreFulfillment,
  StoreRejectionInput,
  StoreRejectionResult,
} from './store-fulfillment.ts';
import type { MoveResult, OrderService, PackResult } from '../orders/order-service.ts';
import type { BrokeringStore } from '../store/brokering-store.ts';
import type { OrderStore } from '../store/order-store.ts';
import type { StoredEvent } from '../store/order-items.ts';
import { linkedAwaitingInvoice } from '../store/invoice-store.ts';
import type { SyncStore } from '../store/sync-store.ts';
import type { LinkedWrite } from '../store/transactions.ts';
import {
  checkRef,
  invalid,
  optionalKey,
  optionalQuantity,
  optionalText,
  shippedAtOf,
  trackingNumbers,
} from './store-shipping-input.ts';
import { openAtStore, stagesAt } from './store-shipping-stages.ts';

export interface StoreShippingDeps {
  readonly orders: Pick<OrderStore, 'readForCommand'>;
  readonly service: Pick<OrderService, 'move' | 'packShipment'>;
  readonly brokering: Pick<BrokeringStore, 'linkedStoreQueueDelete'>;
  readonly sync: Pick<SyncStore, 'linkedOutboxPut'>;
  /** Every facility (to refuse NetSuite-fulfilled ones). */
  readonly facilities: () => Promise<readonly Facility[]>;
  /** Rejections and "not found" (the same hand-back). */
  readonly handBack: Pick<StoreFulfillment, 'reportNotFound'>;
  readonly now?: () => Date;
}

export interface StorePickInput {
  readonly facilityId: unknown;
  readonly orderId: unknown;
  readonly lineSeq: unknown;
  /** Default: the store's only open release of the line. */
  readonly releaseKey?: unknown;
  /** Default: every unit of the release not picked yet. */
  readonly quantity?: unknown;
  readonly actor?: unknown;
  readonly idempotencyKey?: unknown;
}

export interface StorePickResult {
  readonly facilityId: string;
  readonly orderId: string;
  readonly lineSeq: string;
  readonly sku: string;
  readonly quantity: number;
  readonly releaseKey: string;
  /** The new shipment (quantity 0 until it ships). */
  readonly shipmentKey: string;
  readonly buckets: Buckets;
  readonly replayed: boolean;
}

export interface StorePackInput {
  readonly facilityId: unknown;
  readonly orderId: unknown;
  readonly lineSeq: unknown;
  /** Default: the store's only shipment of the line being picked. */
  readonly shipmentKey?: unknown;
  /** Parcels, when the packer says. */
  readonly packages?: unknown;
  readonly actor?: unknown;
  readonly idempotencyKey?: unknown;
}

export interface StoreShipInput {
  readonly facilityId: unknown;
  readonly orderId: unknown;
  readonly lineSeq: unknown;
  /** Default: the store's only shipment of the line being picked. */
  readonly shipmentKey?: unknown;
  /** Default: every unit of the shipment being picked. */
  readonly quantity?: unknown;
  /** One tracking number or a list (parcels). */
  readonly trackingNumbers?: unknown;
  /** Default: the carrier scheduling fixed at the store, if any. */
  readonly carrier?: unknown;
  /** Default: the method scheduling fixed at the store, else the line's. */
  readonly shippingMethod?: unknown;
  /** ISO date-time; default now. */
  readonly shippedAt?: unknown;
  readonly actor?: unknown;
  readonly idempotencyKey?: unknown;
}

export interface StoreShipResult {
  readonly facilityId: string;
  readonly orderId: string;
  readonly lineSeq: string;
  readonly sku: string;
  readonly quantity: number;
  readonly shipmentKey: string;
  readonly releaseKey: string;
  readonly shipped: ShipmentDetails;
  /** The line's `fulfilled` outbox record (OMS-fulfilled export: one row per line, once). */
  readonly exportId: string;
  /** True when nothing of the line is left at the store (its queue item is gone). */
  readonly storeDone: boolean;
  readonly buckets: Buckets;
  readonly replayed: boolean;
}

/**
 * The release (pick) or the shipment (ship) a store action is about: the one named — known, and at
 * this store —, else the store's only one; none → `none()`, several → say which.
 */
function chooseAtStore<T>(a: {
  field: 'releaseKey' | 'shipmentKey';
  key: string | undefined;
  ref: string;
  facilityId: string;
  named: (key: string) => { facilityId: string; value: T } | undefined;
  unknown: readonly ['UNKNOWN_RELEASE' | 'UNKNOWN_SHIPMENT', string];
  candidates: readonly T[];
  keyOf: (t: T) => string;
  many: string;
  none: () => CommandError;
}): T {
  const [code, noun] = a.unknown;
  if (a.key) {
    const found = a.named(a.key);
    if (!found) throw new CommandError(code, `${a.ref} has no ${noun} ${a.key}`);
    if (found.facilityId !== a.facilityId)
      invalid(a.field, `${noun} ${a.key} is at facility ${found.facilityId}, not ${a.facilityId}`);
    return found.value;
  }
  if (a.candidates.length === 1) return a.candidates[0]!;
  if (a.candidates.length === 0) throw a.none();
  return invalid(
    a.field,
    `${a.ref} has ${a.candidates.length} ${a.many} at ${a.facilityId} (${a.candidates
      .map(a.keyOf)
      .join(', ')}): say which (${a.field})`,
  );
}

const reused = (key: string, event: StoredEvent): never => {
  throw new CommandError(
    'IDEMPOTENCY_KEY_REUSED',
    `idempotency key ${key} was used for another command (${event.type} at ${event.at}); use a new key`,
  );
};

/** The request the core recorded with an event (canonical JSON of the move). */
const recordedRequest = (event: StoredEvent): Record<string, unknown> => {
  try {
    return JSON.parse(event.request) as Record<string, unknown>;
  } catch {
    return {};
  }
};

export class StoreShipping {
  constructor(private readonly deps: StoreShippingDeps) {}

  /**
   * Pack: a shipment the store is picking is packed (boxed, labelled). The quantity stays in 3350
   * until it ships; the shipment and the store queue show `packedAt`. Packing is optional before
   * shipping (a store app may ship straight from the pick).
   */
  async pack(input: StorePackInput): Promise<PackResult & { facilityId: string }> {
    const env = checkEnvelope({ idempotencyKey: input.idempotencyKey, actor: input.actor });
    const { facilityId, orderId, lineSeq } = checkRef(input);
    let shipmentKey = optionalKey(input.shipmentKey, 'shipmentKey');
    // Checked by the order core (a whole number 1–999).
    const packages = input.packages ?? undefined;
    await this.checkStore(facilityId);
    const { line, event } = await this.read(orderId, lineSeq, env.idempotencyKey);
    // A replay: the order core answers with the recorded result.
    if (event) shipmentKey ??= event.shipmentKey;
    else if (shipmentKey) {
      const s = line.shipments[shipmentKey];
      if (s && s.facilityId !== facilityId)
        invalid(
          'shipmentKey',
          `shipment ${shipmentKey} is at facility ${s.facilityId}, not ${facilityId}`,
        );
    } else {
      const picking = stagesAt(line, facilityId).picking;
      if (picking.length !== 1) {
        invalid(
          'shipmentKey',
          picking.length
            ? `${orderId}/${lineSeq} has ${picking.length} shipments being picked at ${facilityId} (${picking.map((p) => p.shipmentKey).join(', ')}): say which`
            : `${orderId}/${lineSeq} has nothing being picked at ${facilityId}`,
        );
      }
      shipmentKey = picking[0]!.shipmentKey;
    }
    const result = await this.deps.service.packShipment({
      orderId,
      lineSeq,
      shipmentKey: shipmentKey!,
      packages: packages as number | undefined,
      idempotencyKey: env.idempotencyKey,
      actor: env.actor,
    });
    return { ...result, facilityId };
  }

  /** Pick (and pack): released units at the store go into a new shipment (module comment). */
  async pick(input: StorePickInput): Promise<StorePickResult> {
    const env = checkEnvelope({ idempotencyKey: input.idempotencyKey, actor: input.actor });
    const { facilityId, orderId, lineSeq } = checkRef(input);
    const releaseKey = optionalKey(input.releaseKey, 'releaseKey');
    const quantity = optionalQuantity(input.quantity);
    const first = await this.read(orderId, lineSeq, env.idempotencyKey);
    if (first.event) return this.pickReplay(first.event, env.idempotencyKey, input, first.line);
    await this.checkStore(facilityId);
    const line = first.line;

    const release = chooseAtStore({
      field: 'releaseKey',
      key: releaseKey,
      ref: `${orderId}/${lineSeq}`,
      facilityId,
      named: (key) => {
        const r = line.releases[key];
        return (
          r && {
            facilityId: r.facilityId,
            value: { releaseKey: key, quantity: r.statusQuantity - r.inShipment },
          }
        );
      },
      unknown: ['UNKNOWN_RELEASE', 'release'],
      candidates: stagesAt(line, facilityId).released,
      keyOf: (r) => r.releaseKey,
      many: 'releases',
      none: () => {
        const s = stagesAt(line, facilityId);
        const waiting = s.allocated + s.scheduled;
        return new CommandError(
          'INSUFFICIENT_QUANTITY',
          `nothing of ${orderId}/${lineSeq} is released to ${facilityId} to pick${
            waiting ? ` (${waiting} allocated or scheduled there wait for the release job)` : ''
          }`,
          { facilityId, released: 0, waitingForRelease: waiting },
        );
      },
    });
    const q = quantity ?? release.quantity;
    if (q > release.quantity || release.quantity === 0) {
      throw new CommandError(
        'INSUFFICIENT_QUANTITY',
        `release ${release.releaseKey} has ${release.quantity} released and not picked at ${facilityId}, fewer than ${q}`,
        { facilityId, releaseKey: release.releaseKey, released: release.quantity, quantity: q },
      );
    }
    const move = await this.moveOrReplay(
      {
        orderId,
        lineSeq,
        from: STATUS.RELEASED,
        to: STATUS.INCLUDED_IN_SHIPMENT,
        quantity: q,
        facilityId,
        releaseKey: release.releaseKey,
        idempotencyKey: env.idempotencyKey,
        actor: env.actor,
        reason: `store ${facilityId} picking`,
      },
      (event, fresh) => this.pickReplay(event, env.idempotencyKey, input, fresh),
    );
    if ('sku' in move) return move;
    return {
      facilityId,
      orderId,
      lineSeq,
      sku: line.sku,
      quantity: move.quantity,
      releaseKey: move.releaseKey!,
      shipmentKey: move.shipmentKey!,
      buckets: move.buckets,
      replayed: move.replayed,
    };
  }

  /** Ship: units being picked at the store ship, and NetSuite is told (module comment). */
  async ship(input: StoreShipInput): Promise<StoreShipResult> {
    const env = checkEnvelope({ idempotencyKey: input.idempotencyKey, actor: input.actor });
    const { facilityId, orderId, lineSeq } = checkRef(input);
    const shipmentKey = optionalKey(input.shipmentKey, 'shipmentKey');
    const quantity = optionalQuantity(input.quantity);
    const tracking = trackingNumbers(input.trackingNumbers);
    const carrier = optionalText(input.carrier, 'carrier');
    const method = optionalText(input.shippingMethod, 'shippingMethod');
    const now = this.deps.now?.() ?? new Date();
    const shippedAt = shippedAtOf(input.shippedAt, now);
    const first = await this.read(orderId, lineSeq, env.idempotencyKey);
    if (first.event) return this.shipReplay(first.event, env.idempotencyKey, input, first.line);
    await this.checkStore(facilityId);
    const line = first.line;

    const picking = stagesAt(line, facilityId).picking;
    const shipment = chooseAtStore<{ shipmentKey: string; releaseKey: string; quantity: number }>({
      field: 'shipmentKey',
      key: shipmentKey,
      ref: `${orderId}/${lineSeq}`,
      facilityId,
      named: (key) => {
        const sh = line.shipments[key];
        return (
          sh && {
            facilityId: sh.facilityId,
            value: picking.find((p) => p.shipmentKey === key) ?? {
              shipmentKey: key,
              releaseKey: sh.releaseKey,
              quantity: 0,
            },
          }
        );
      },
      unknown: ['UNKNOWN_SHIPMENT', 'shipment'],
      candidates: picking,
      keyOf: (p) => p.shipmentKey,
      many: 'shipments being picked',
      none: () => {
        const released = stagesAt(line, facilityId).released.reduce((n, r) => n + r.quantity, 0);
        return new CommandError(
          'INSUFFICIENT_QUANTITY',
          `nothing of ${orderId}/${lineSeq} is being picked at ${facilityId}${
            released ? ` (${released} released there: pick it first)` : ''
          }`,
          { facilityId, picking: 0, released },
        );
      },
    });
    const q = quantity ?? shipment.quantity;
    if (q > shipment.quantity || shipment.quantity === 0) {
      throw new CommandError(
        'INSUFFICIENT_QUANTITY',
        `shipment ${shipment.shipmentKey} has ${shipment.quantity} being picked at ${facilityId}, fewer than ${q}`,
        { facilityId, shipmentKey: shipment.shipmentKey, picking: shipment.quantity, quantity: q },
      );
    }
    const schedule = line.schedules?.[facilityId];
    const shipped: ShipmentDetails = {
      ...(tracking ? { trackingNumbers: tracking } : {}),
      ...((carrier ?? schedule?.carrier) ? { carrier: carrier ?? schedule?.carrier } : {}),
      ...((method ?? schedule?.shippingMethod ?? line.shippingMethod)
        ? { shippingMethod: method ?? schedule?.shippingMethod ?? line.shippingMethod }
        : {}),
      shippedAt,
    };
    const exportId = omsFulfilledEntryId({ orderId, lineSeq });
    const payload: OmsFulfilledPayload = {
      orderId,
      lineSeq,
      facilityId,
      shipmentKey: shipment.shipmentKey,
      quantity: q,
      shippedAt,
    };
    const storeDone = q >= openAtStore(line, facilityId);
    const linked: LinkedWrite[] = [
      this.deps.sync.linkedOutboxPut(
        'oms-fulfilled',
        'fulfilled',
        exportId,
        payload,
        now.toISOString(),
      ),
      // The order may now be fully shipped: `oms sync status` watches for its invoice.
      linkedAwaitingInvoice(orderId, shippedAt),
    ];
    if (storeDone) {
      linked.push(this.deps.brokering.linkedStoreQueueDelete(facilityId, orderId, lineSeq));
    }
    const move = await this.moveOrReplay(
      {
        orderId,
        lineSeq,
        from: STATUS.INCLUDED_IN_SHIPMENT,
        to: STATUS.SHIPPED,
        quantity: q,
        facilityId,
        shipmentKey: shipment.shipmentKey,
        shipped,
        idempotencyKey: env.idempotencyKey,
        actor: env.actor,
        reason: `store ${facilityId} shipped`,
        linked,
      },
      (event, fresh) => this.shipReplay(event, env.idempotencyKey, input, fresh),
    );
    if ('sku' in move) return move;
    return {
      facilityId,
      orderId,
      lineSeq,
      sku: line.sku,
      quantity: move.quantity,
      shipmentKey: move.shipmentKey!,
      releaseKey: move.releaseKey!,
      shipped,
      exportId,
      storeDone,
      buckets: move.buckets,
      replayed: move.replayed,
    };
  }

  /** Not found: units being picked (then released ones) go back to brokering (module comment). */
  notFound(input: StoreRejectionInput): Promise<StoreRejectionResult> {
    return this.deps.handBack.reportNotFound(input);
  }

  /** The line and the event under the key; unknown order or line refused. */
  private async read(
    orderId: string,
    lineSeq: string,
    key: string,
  ): Promise<{ line: LineState; event?: StoredEvent }> {
    const read = await this.deps.orders.readForCommand(orderId, lineSeq, key, true);
    if (!read.header) throw new CommandError('UNKNOWN_ORDER', `there is no order ${orderId}`);
    if (!read.line) {
      const n = read.header.lineCount;
      throw new CommandError(
        'UNKNOWN_LINE',
        `order ${orderId} has no line ${lineSeq} (it has ${n} line${n === 1 ? '' : 's'})`,
      );
    }
    return { line: read.line, event: read.event };
  }

  /** Refuses facilities the OMS does not fulfil (unknown, or NetSuite-fulfilled). */
  private async checkStore(facilityId: string): Promise<void> {
    const facility = (await this.deps.facilities()).find((f) => f.facilityId === facilityId);
    if (!facility) invalid('facilityId', `facility ${facilityId} is not known`);
    if (isNetsuiteFulfilled(facility!))
      invalid(
        'facilityId',
        `facility ${facilityId} is fulfilled by NetSuite: its shipments come from NetSuite's fulfillment file`,
      );
  }

  /**
   * The move through the order core. Two calls with one key at once: the loser's request may
   * differ in a default (the ship time), so a key reported reused is looked at as a replay here.
   */
  private async moveOrReplay<R>(
    cmd: Parameters<OrderService['move']>[0],
    replay: (event: StoredEvent, line: LineState) => R,
  ): Promise<MoveResult | R> {
    try {
      return await this.deps.service.move(cmd);
    } catch (err) {
      if (!(err instanceof CommandError) || err.code !== 'IDEMPOTENCY_KEY_REUSED') throw err;
      const again = await this.read(cmd.orderId, cmd.lineSeq, cmd.idempotencyKey!);
      if (!again.event) throw err;
      return replay(again.event, again.line);
    }
  }

  private pickReplay(
    event: StoredEvent,
    key: string,
    input: StorePickInput,
    line: LineState,
  ): StorePickResult {
    const r = event.result as MoveResult;
    const same =
      event.type === 'moved' &&
      event.lineSeq === line.lineSeq &&
      event.from === STATUS.RELEASED &&
      event.to === STATUS.INCLUDED_IN_SHIPMENT &&
      event.facilityId === input.facilityId &&
      (input.releaseKey === undefined || input.releaseKey === event.releaseKey) &&
      (input.quantity === undefined || input.quantity === event.quantity);
    if (!same) reused(key, event);
    return {
      facilityId: event.facilityId!,
      orderId: event.orderId,
      lineSeq: line.lineSeq,
      sku: line.sku,
      quantity: r.quantity,
      releaseKey: r.releaseKey!,
      shipmentKey: r.shipmentKey!,
      buckets: r.buckets,
      replayed: true,
    };
  }

  private shipReplay(
    event: StoredEvent,
    key: string,
    input: StoreShipInput,
    line: LineState,
  ): StoreShipResult {
    const r = event.result as MoveResult;
    const request = recordedRequest(event);
    const shipped = (request.shipped ?? {}) as ShipmentDetails;
    const given = trackingNumbers(input.trackingNumbers);
    const same =
      event.type === 'moved' &&
      event.lineSeq === line.lineSeq &&
      event.from === STATUS.INCLUDED_IN_SHIPMENT &&
      event.to === STATUS.SHIPPED &&
      event.facilityId === input.facilityId &&
      (input.shipmentKey === undefined || input.shipmentKey === event.shipmentKey) &&
      (input.quantity === undefined || input.quantity === event.quantity) &&
      (given === undefined ||
        JSON.stringify(given) === JSON.stringify(shipped.trackingNumbers ?? [])) &&
      (input.carrier === undefined || optionalText(input.carrier, 'carrier') === shipped.carrier) &&
      (input.shippingMethod === undefined ||
        optionalText(input.shippingMethod, 'shippingMethod') === shipped.shippingMethod) &&
      (input.shippedAt === undefined ||
        input.shippedAt === null ||
        input.shippedAt === '' ||
        shippedAtOf(input.shippedAt, new Date()) === shipped.shippedAt);
    if (!same) reused(key, event);
    return {
      facilityId: event.facilityId!,
      orderId: event.orderId,
      lineSeq: line.lineSeq,
      sku: line.sku,
      quantity: r.quantity,
      shipmentKey: r.shipmentKey!,
      releaseKey: r.releaseKey!,
      shipped,
      exportId: omsFulfilledEntryId({ orderId: event.orderId, lineSeq: line.lineSeq }),
      storeDone: openAtStore(line, event.facilityId!) === 0,
      buckets: r.buckets,
      replayed: true,
    };
  }
}
