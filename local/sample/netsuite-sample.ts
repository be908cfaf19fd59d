/**
 * A realistic, reproducible sample for the NetSuite sync: products with NetSuite item ids,
 * reference mappings, customers (some already in NetSuite) and storefront orders. The demo, the
 * end-to-end test and the sync benchmark all draw from it.
 */
import type { OrderInput } from '../../shared/domain/orders/order.ts';
import type { Mapping } from '../../shared/domain/sync/mappings.ts';

export interface SampleOptions {
  readonly orders: number;
  readonly customers?: number;
  readonly products?: number;
  /** Lines per order: 1..maxLines. */
  readonly maxLines?: number;
  /** Share of customers that already exist in NetSuite (0..1). */
  readonly existingCustomerShare?: number;
  readonly seed?: number;
  /** Distinguishes the external ids of two samples in one database. */
  readonly prefix?: string;
}

export interface SampleProduct {
  readonly sku: string;
  readonly itemId: string;
}

export interface SampleCustomer {
  readonly shopCustomerId: string;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  /** The NetSuite internal id when the customer already exists there. */
  readonly existingNetsuiteId?: string;
}

export interface Sample {
  readonly products: SampleProduct[];
  readonly mappings: Mapping[];
  readonly customers: SampleCustomer[];
  readonly orders: OrderInput[];
}

export const SHIPPING_METHODS = { STANDARD: '4', EXPRESS: '5', NEXT_DAY: '6' } as const;
export const SALES_CHANNELS = { web: '2', pos: '3' } as const;
export const PAYMENT_METHODS = { shopify_payments: '7', gift_card: '8' } as const;

export const sampleMappings = (): Mapping[] => [
  ...Object.entries(SHIPPING_METHODS).map(([value, netsuiteId]) => ({
    kind: 'shippingMethod' as const,
    value,
    netsuiteId,
  })),
  ...Object.entries(SALES_CHANNELS).map(([value, netsuiteId]) => ({
    kind: 'salesChannel' as const,
    value,
    netsuiteId,
  })),
  ...Object.entries(PAYMENT_METHODS).map(([value, netsuiteId]) => ({
    kind: 'paymentMethod' as const,
    value,
    netsuiteId,
  })),
  { kind: 'subsidiary', value: '*', netsuiteId: '1' },
];

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Katherine',
  'Edsger',
  'Barbara',
  'Donald',
  'Margaret',
  'Bartholomew',
  '',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Johnson',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Hamilton',
  'Featherstonehaugh',
];
const CITIES = [
  ['Austin', 'TX', '78701'],
  ['Portland', 'OR', '97201'],
  ['Boston', 'MA', '02108'],
  ['Denver', 'CO', '80202'],
  ['Chicago', 'IL', '60601'],
] as const;

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function netsuiteSample(opts: SampleOptions): Sample {
  const rnd = random(opts.seed ?? 42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const prefix = opts.prefix ?? 'S';
  const products = Array.from({ length: opts.products ?? 50 }, (_, i) => ({
    sku: `${prefix}-SKU-${String(i + 1).padStart(4, '0')}`,
    itemId: String(2000 + i),
  }));
  const existingShare = opts.existingCustomerShare ?? 0.3;
  const customerCount = opts.customers ?? Math.max(1, Math.ceil(opts.orders / 3));
  const customers = Array.from({ length: customerCount }, (_, i): SampleCustomer => {
    const firstName = pick(FIRST);
    const lastName = pick(LAST);
    return {
      shopCustomerId: `${prefix}-cust-${i + 1}`,
      email: `${prefix.toLowerCase()}.customer${i + 1}@example.com`,
      firstName,
      lastName,
      existingNetsuiteId:
        i < Math.floor(customerCount * existingShare) ? String(500 + i) : undefined,
    };
  });
  const start = Date.parse('2025-07-01T08:00:00Z');
  const orders = Array.from({ length: opts.orders }, (_, i): OrderInput => {
    const c = customers[i % customers.length]!;
    const [city, state, zip] = pick(CITIES);
    const address = {
      name: `${c.firstName || 'Guest'} ${c.lastName}`,
      // eslint-disable-next-line no-restricted-syntax -- a house number, not a lifecycle status
      address1: `${1 + Math.floor(rnd() * 9000)} Main St`,
      city,
      state,
      country: 'US',
      zip,
    };
    const lineCount = 1 + Math.floor(rnd() * (opts.maxLines ?? 3));
    const lines = Array.from({ length: lineCount }, () => ({
      sku: pick(products).sku,
      quantity: 1 + Math.floor(rnd() * 3),
      price: Math.round((5 + rnd() * 95) * 100) / 100,
      shippingMethod: rnd() < 0.8 ? 'STANDARD' : 'EXPRESS',
    }));
    const total = Math.round(lines.reduce((s, l) => s + l.price * l.quantity, 0) * 100) / 100;
    return {
      externalId: `${prefix}-${5_000_000 + i}`,
      name: `#${prefix}${1001 + i}`,
      date: new Date(start + i * 37_000).toISOString(),
      salesChannel: 'web',
      customer: {
        shopCustomerId: c.shopCustomerId,
        email: c.email,
        firstName: c.firstName,
        lastName: c.lastName,
        shippingAddress: address,
        billingAddress: address,
      },
      payments: [
        { method: 'shopify_payments', amount: total, reference: `${prefix}-pay-${i + 1}` },
      ],
      lines,
    };
  });
  return { products, mappings: sampleMappings(), customers, orders };
}
