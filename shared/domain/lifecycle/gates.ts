/**
 * Release gates: pluggable rules evaluated before quantity moves to 3200 (Released). A failing
 * gate puts a hold (kind `gate`, the gate's code) on the line that blocks the release and says
 * why; at the next release attempt the gate is evaluated again and its hold lifted if it passes.
 */
import type { LineState } from './line.ts';

/**
 * What the gates read of an order. The order header (`shared/domain/orders/order.ts`) has these
 * fields; naming only them keeps the lifecycle below the orders domain (no folder cycle).
 */
export interface GateOrder {
  readonly orderTotal: number;
  readonly payments: readonly {
    readonly amount: number;
    readonly method?: string;
    readonly reference?: string;
  }[];
  readonly paymentVerified?: boolean;
  readonly riskLevel?: 'low' | 'medium' | 'high';
  readonly netsuiteOrderId?: string;
  readonly customer?: {
    readonly shippingAddress?: {
      readonly address1?: string;
      readonly city?: string;
      readonly country?: string;
      readonly zip?: string;
    };
  };
}

/** `O`: the order type a gate reads (a gate that needs more than `GateOrder` names its own). */
export interface GateContext<O extends GateOrder = GateOrder> {
  readonly order: O;
  readonly line: LineState;
  /** The facility the quantity is released to. */
  readonly facilityId: string;
  readonly quantity: number;
  /** NetSuite's figure at the facility (undefined when NetSuite reported none) and the OMS's. */
  readonly inventory: {
    readonly nsQty?: number;
    readonly reserved: number;
    readonly safety: number;
  };
}

export interface ReleaseGate<O extends GateOrder = GateOrder> {
  /** The hold code placed when the gate fails, e.g. `PAYMENT_NOT_VERIFIED`. */
  readonly code: string;
  readonly description: string;
  /** undefined when the gate passes, else why it fails. */
  check(ctx: GateContext<O>): string | undefined;
}

export interface GateResult {
  readonly code: string;
  readonly passed: boolean;
  readonly reason?: string;
}

/**
 * Inventory availability: the facility is not oversold. The quantity released is already promised
 * there (its units count in `reserved` until NetSuite's figure reflects them, and once reflected
 * NetSuite has committed them), so the gate asks whether NetSuite's figure still covers every unit
 * the OMS counts there: nsQty ≥ reserved. A figure that fell below it (stock lost since the
 * reservation) holds the release instead of shipping what may not be there.
 */
export const inventoryGate: ReleaseGate = {
  code: 'INVENTORY_UNAVAILABLE',
  description: "NetSuite's figure at the facility still covers what the OMS counts promised there",
  check: ({ inventory, facilityId }) => {
    if (inventory.nsQty === undefined)
      return `NetSuite reports no inventory at facility ${facilityId}`;
    if (inventory.nsQty < inventory.reserved) {
      return `NetSuite reports ${inventory.nsQty} at facility ${facilityId}, fewer than the ${inventory.reserved} the OMS counts promised there`;
    }
    return undefined;
  },
};

/** Payment verified: payments cover the order total, or a deposit/capture was confirmed. */
export const paymentGate: ReleaseGate = {
  code: 'PAYMENT_NOT_VERIFIED',
  description: 'payments cover the order total (or a deposit was confirmed)',
  check: ({ order }) => {
    if (order.paymentVerified) return undefined;
    const paid = order.payments.reduce((s, p) => s + p.amount, 0);
    if (paid + 0.005 >= order.orderTotal) return undefined;
    return `payments ${paid.toFixed(2)} do not cover the order total ${order.orderTotal.toFixed(2)}`;
  },
};

/** Fraud check passed: the storefront's risk level is not high. */
export const fraudGate: ReleaseGate = {
  code: 'FRAUD_CHECK_FAILED',
  description: "the storefront's risk level is not high",
  check: ({ order }) =>
    order.riskLevel === 'high' ? 'the storefront rated the order high risk' : undefined,
};

/** Order complete: the fields fulfilment needs and the NetSuite ids are present. */
export const completenessGate: ReleaseGate = {
  code: 'ORDER_INCOMPLETE',
  description: 'shipping address, NetSuite order id and line id present',
  check: ({ order, line }) => {
    const missing: string[] = [];
    const a = order.customer?.shippingAddress;
    if (!a?.address1 || !a.city || !a.country || !a.zip) missing.push('shipping address');
    if (!line.shippingMethod) missing.push('shipping method');
    if (!order.netsuiteOrderId) missing.push('NetSuite order id');
    if (!line.netsuiteLineId) missing.push('NetSuite line id');
    return missing.length ? `missing ${missing.join(', ')}` : undefined;
  },
};

export const DEFAULT_GATES: readonly ReleaseGate[] = [
  inventoryGate,
  paymentGate,
  fraudGate,
  completenessGate,
];

/** The custom-rule hook: a gate from a code, a description and a check. */
export const customGate = (
  code: string,
  description: string,
  check: (ctx: GateContext) => string | undefined,
): ReleaseGate => ({ code, description, check });

export function evaluateGates<O extends GateOrder>(
  gates: readonly ReleaseGate<O>[],
  ctx: GateContext<O>,
): GateResult[] {
  return gates.map((g) => {
    let reason: string | undefined;
    try {
      reason = g.check(ctx);
    } catch (err) {
      reason = `gate ${g.code} failed to evaluate: ${err instanceof Error ? err.message : String(err)}`;
    }
    return reason === undefined
      ? { code: g.code, passed: true }
      : { code: g.code, passed: false, reason };
  });
}
