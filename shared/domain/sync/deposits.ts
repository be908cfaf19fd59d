/**
 * Customer deposits (`salesorder/customerdeposit`, a JSON array): one deposit per payment of an
 * order whose NetSuite sales-order id came back; NetSuite dedupes on `externalId` (the payment
 * reference). Payments of 0 or less are not deposits.
 */
import type { MappingTable } from './mappings.ts';

export interface DepositPayload {
  readonly orderId: string;
  readonly netsuiteOrderId: string;
  readonly name: string;
  readonly externalId: string;
  readonly payments: readonly {
    readonly method: string;
    readonly amount: number;
    readonly reference: string;
  }[];
}

export interface DepositRecord {
  readonly totalAmount: number;
  readonly externalId: string;
  readonly orderId: string;
  readonly paymentMethod: string;
  readonly shopifyOrderNumber: string;
  readonly shopifyOrderId: string;
  readonly shopifyOrderName: string;
}

export type DepositBuild =
  | { readonly kind: 'ready'; readonly deposits: DepositRecord[] }
  | { readonly kind: 'blocked'; readonly reasons: string[] };

/** The payments of an order that become deposits. */
export const depositPayments = (p: DepositPayload['payments']) => p.filter((x) => x.amount > 0);

export function depositRecords(
  order: DepositPayload,
  mappings: MappingTable,
  alreadyDeposited: ReadonlySet<string> = new Set(),
): DepositBuild {
  const payments = depositPayments(order.payments).filter(
    (p) => !alreadyDeposited.has(p.reference),
  );
  const reasons = [...new Set(payments.map((p) => p.method))]
    .filter((m) => !mappings.paymentMethod.has(m))
    .map((m) => `no NetSuite id for payment method "${m}"`);
  if (reasons.length) return { kind: 'blocked', reasons };
  const number = order.name.replace(/^#/, '');
  return {
    kind: 'ready',
    deposits: payments.map((p) => ({
      totalAmount: Math.round(p.amount * 100) / 100,
      externalId: p.reference,
      orderId: order.netsuiteOrderId,
      paymentMethod: mappings.paymentMethod.get(p.method)!,
      shopifyOrderNumber: number,
      shopifyOrderId: order.externalId,
      shopifyOrderName: order.name,
    })),
  };
}
