/** What the NetSuite exports need of a new order and of its customer, captured at intake. */
import type { LineState } from '../lifecycle/line.ts';
import type { Customer, OrderHeader } from '../orders/order.ts';
import type { CustomerRecord } from './customer-row.ts';
import type { DepositPayload } from './deposits.ts';
import { partyIdFor } from './party.ts';
import type { SalesOrderPayload } from './sales-order-rows.ts';

export const customerPayload = (c: Customer): CustomerRecord => ({
  partyId: partyIdFor(c.shopCustomerId),
  shopCustomerId: c.shopCustomerId,
  email: c.email,
  firstName: c.firstName,
  lastName: c.lastName,
  phone: c.phone,
});

export const salesOrderPayload = (
  header: OrderHeader,
  lines: readonly LineState[],
): SalesOrderPayload => ({
  orderId: header.orderId,
  name: header.name,
  externalId: header.externalId,
  date: header.date,
  salesChannel: header.salesChannel,
  partyId: partyIdFor(header.customer.shopCustomerId),
  email: header.customer.email,
  phone: header.customer.phone,
  shipping: header.customer.shippingAddress,
  billing: header.customer.billingAddress,
  lines: lines.map((l) => ({
    seq: l.lineSeq,
    sku: l.sku,
    quantity: l.quantity,
    price: l.price,
    shippingMethod: l.shippingMethod ?? '',
  })),
  ...(header.money ? { money: header.money } : {}),
});

export const depositPayload = (header: OrderHeader, netsuiteOrderId: string): DepositPayload => ({
  orderId: header.orderId,
  netsuiteOrderId,
  name: header.name,
  externalId: header.externalId,
  payments: header.payments,
});
