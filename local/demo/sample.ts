/**
 * The demo's day of business: the NetSuite sample (products with item ids, mappings, customers
 * some of whom NetSuite already has, orders), facilities with their NetSuite locations, the time
 * each order arrives, and the awkward cases every real catalogue has: one order with a SKU NetSuite
 * has no item for, one shipping address without a country, one order the storefront sends twice.
 * Every order carries money: shipping, sales tax, and on some a line or order discount
 * (money/orders.ts).
 */
import type { Facility } from '../../shared/domain/facility.ts';
import type { OrderInput } from '../../shared/domain/orders/order.ts';
import type { Mapping } from '../../shared/domain/sync/mappings.ts';
import { DEMO_MONEY_MAPPINGS, withMoney } from './money/orders.ts';
import {
  netsuiteSample,
  type SampleCustomer,
  type SampleProduct,
} from '../sample/netsuite-sample.ts';

export interface DemoArrival {
  readonly at: Date;
  readonly order: OrderInput;
  /** The storefront sends an order it already sent (a retry after a timeout). */
  readonly resubmission?: boolean;
}

export interface DemoSample {
  readonly products: readonly SampleProduct[];
  readonly mappings: readonly Mapping[];
  readonly facilities: readonly Facility[];
  readonly customers: readonly SampleCustomer[];
  /** Distinct orders, in arrival order. */
  readonly orders: readonly OrderInput[];
  /** Every submission, by time (the orders and the resubmission). */
  readonly arrivals: readonly DemoArrival[];
  readonly awkward: {
    readonly unmappedSku: { readonly externalId: string; readonly sku: string };
    readonly noCountry: { readonly externalId: string };
    readonly resubmitted: { readonly externalId: string };
  };
}

export interface DemoSampleOptions {
  readonly orders: number;
  /** Orders arrive evenly spread over `[firstOrderAt, lastOrderAt)`. */
  readonly firstOrderAt: Date;
  readonly lastOrderAt: Date;
  readonly seed?: number;
}

export const MIN_ORDERS = 8;
const PREFIX = 'D';
const UNMAPPED_SKU = `${PREFIX}-SKU-GIFTWRAP`;

/**
 * Two warehouses NetSuite fulfils from and two stores the OMS fulfils from, with where they are
 * and their place in the brokering's custom sequence (East first).
 */
export const DEMO_FACILITIES: readonly Facility[] = [
  {
    facilityId: 'WH-EAST',
    externalId: '101',
    name: 'East warehouse',
    kind: 'warehouse',
    groups: ['NETSUITE_FULFILLED'],
    subsidiary: '1',
    latitude: 40.73,
    longitude: -74.17,
    sequence: 1,
  },
  {
    facilityId: 'WH-WEST',
    externalId: '102',
    name: 'West warehouse',
    kind: 'warehouse',
    groups: ['NETSUITE_FULFILLED'],
    subsidiary: '1',
    latitude: 39.53,
    longitude: -119.81,
    sequence: 2,
  },
  {
    facilityId: 'STORE-NYC',
    externalId: '201',
    name: 'New York store',
    kind: 'store',
    groups: ['OMS_FULFILLED'],
    subsidiary: '1',
    latitude: 40.75,
    longitude: -73.99,
    sequence: 3,
  },
  {
    facilityId: 'STORE-SF',
    externalId: '202',
    name: 'San Francisco store',
    kind: 'store',
    groups: ['OMS_FULFILLED'],
    subsidiary: '1',
    latitude: 37.79,
    longitude: -122.4,
    sequence: 4,
  },
];

export function demoSample(opts: DemoSampleOptions): DemoSample {
  if (!Number.isInteger(opts.orders) || opts.orders < MIN_ORDERS) {
    throw new Error(`the demo needs at least ${MIN_ORDERS} orders (got ${opts.orders})`);
  }
  const base = netsuiteSample({
    orders: opts.orders,
    products: 40,
    seed: opts.seed ?? 7,
    prefix: PREFIX,
  });
  const n = base.orders.length;
  const first = opts.firstOrderAt.getTime();
  const span = opts.lastOrderAt.getTime() - first;
  const arrivalOf = (i: number) =>
    new Date(first + Math.floor(((i + 0.5) * span) / n / 1000) * 1000);

  const unmappedAt = Math.floor(n / 4);
  const noCountryAt = Math.floor(n / 2);
  const resubmitAt = Math.floor(n / 8);
  const orders = base.orders
    .map((o, i): OrderInput => {
      const dated = { ...o, date: arrivalOf(i).toISOString() };
      if (i === unmappedAt) {
        return {
          ...dated,
          lines: [
            ...dated.lines,
            { sku: UNMAPPED_SKU, quantity: 1, price: 4.5, shippingMethod: 'STANDARD' },
          ],
        };
      }
      if (i === noCountryAt) {
        const { country: _drop, ...address } = dated.customer.shippingAddress;
        return { ...dated, customer: { ...dated.customer, shippingAddress: address as never } };
      }
      return dated;
    })
    .map((o, i) => withMoney(o, i));

  const resubmitted = orders[resubmitAt]!;
  const retryAt = new Date(Math.min(arrivalOf(resubmitAt).getTime() + 3_600_000, first + span - 1));
  const arrivals: DemoArrival[] = [
    ...orders.map((order, i) => ({ at: arrivalOf(i), order })),
    { at: retryAt, order: resubmitted, resubmission: true },
  ].sort((a, b) => a.at.getTime() - b.at.getTime());

  return {
    products: base.products,
    mappings: [...base.mappings, ...DEMO_MONEY_MAPPINGS],
    facilities: DEMO_FACILITIES,
    customers: base.customers,
    orders,
    arrivals,
    awkward: {
      unmappedSku: { externalId: orders[unmappedAt]!.externalId, sku: UNMAPPED_SKU },
      noCountry: { externalId: orders[noCountryAt]!.externalId },
      resubmitted: { externalId: resubmitted.externalId },
    },
  };
}
