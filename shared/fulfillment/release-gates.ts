/**
 * The release gates of the NetSuite flow, which the schedule-and-release job passes to the order
 * core (`OrderService` option `gates`), evaluated in this order before 1500 → 3200:
 *
 * 1. inventory — NetSuite still reports at least the quantity at the facility (`inventoryGate`);
 * 2. deposit — the customer deposit exists in NetSuite (`depositGate`, below);
 * 3. fraud — the storefront's risk level is not high (`fraudGate`);
 * 4. completeness — shipping address, shipping method, NetSuite order and line ids (`completenessGate`).
 *
 * The core's `DEFAULT_GATES` (with the payment gate that accepts payments covering the total)
 * stay as they are for everything else. Pure: no I/O.
 */
import {
  completenessGate,
  fraudGate,
  inventoryGate,
  type ReleaseGate,
} from '../domain/lifecycle/gates.ts';
import { depositPayments } from '../domain/sync/deposits.ts';
import type { OrderHeader } from '../domain/orders/order.ts';

export const DEPOSIT_NOT_IN_NETSUITE = 'DEPOSIT_NOT_IN_NETSUITE';

/**
 * The customer deposit exists in NetSuite: NetSuite's deposit id came back for every payment of the
 * order (the approval job then sets `paymentVerified` on the header). An order with nothing to
 * deposit passes only when its total is 0; one with a total and no payment fails (nothing will
 * ever be deposited for it: someone must look).
 */
export const depositGate: ReleaseGate<OrderHeader> = {
  code: DEPOSIT_NOT_IN_NETSUITE,
  description: 'the customer deposit exists in NetSuite (its deposit id came back)',
  check: ({ order }) => {
    if (order.paymentVerified) return undefined;
    const payments = depositPayments(order.payments);
    if (!payments.length) {
      return order.orderTotal > 0.005
        ? `the order has no payment to deposit in NetSuite (order total ${order.orderTotal.toFixed(2)})`
        : undefined;
    }
    const known = order.netsuiteDeposits ?? {};
    const missing = payments.filter((p) => !known[p.reference]).map((p) => p.reference);
    const which = missing.length ? missing : payments.map((p) => p.reference);
    return `the customer deposit is not in NetSuite yet: no deposit id came back for payment ${which.join(', ')}`;
  },
};

/** The gates the release job uses, in order; `extra` (custom rules) are evaluated last. */
export function releaseGates(
  extra: readonly ReleaseGate[] = [],
): readonly ReleaseGate<OrderHeader>[] {
  return [inventoryGate, depositGate, fraudGate, completenessGate, ...extra];
}
