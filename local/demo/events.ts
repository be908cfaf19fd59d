/**
 * An order's history as single moves, whatever event carried them: a `moved` event is one move;
 * a multi-step event (`moved-lines` of a brokering decision, `fulfilled`, `cancelled`,
 * `backordered`) carries its moves in `steps`. The demo's summaries count from these.
 */
import type { EventType, LifecycleEvent } from '../../shared/domain/lifecycle/events.ts';
import type { StatusCode } from '../../shared/domain/lifecycle/status.ts';

export interface DemoMove {
  readonly orderId: string;
  readonly lineSeq: string;
  readonly from: StatusCode;
  readonly to: StatusCode;
  readonly quantity: number;
  readonly facilityId?: string;
  readonly releaseKey?: string;
  readonly shipmentKey?: string;
  /** The event that carried the move. */
  readonly type: EventType;
  readonly actor: string;
  readonly reason?: string;
  readonly at: string;
  /** The command's idempotency key: moves of one command share it. */
  readonly key: string;
}

export function movesOf(events: readonly LifecycleEvent[]): DemoMove[] {
  const out: DemoMove[] = [];
  for (const e of events) {
    const common = {
      orderId: e.orderId,
      type: e.type,
      actor: e.actor,
      reason: e.reason,
      at: e.at,
      key: e.idempotencyKey,
    };
    if (e.type === 'moved' && e.lineSeq && e.from && e.to && e.quantity) {
      out.push({
        ...common,
        lineSeq: e.lineSeq,
        from: e.from,
        to: e.to,
        quantity: e.quantity,
        facilityId: e.facilityId,
        releaseKey: e.releaseKey,
        shipmentKey: e.shipmentKey,
      });
    }
    for (const s of e.steps ?? []) {
      const lineSeq = s.lineSeq ?? e.lineSeq;
      if (!lineSeq) continue;
      out.push({
        ...common,
        lineSeq,
        from: s.from,
        to: s.to,
        quantity: s.quantity,
        facilityId: s.facilityId,
        releaseKey: s.releaseKey,
        shipmentKey: s.shipmentKey,
      });
    }
  }
  return out;
}
