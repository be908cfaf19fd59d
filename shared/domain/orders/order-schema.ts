/**
 * The storefront order, as JSON Schema (draft 2020-12). One source: the validator interprets this
 * object, and `docs/order.schema.json` is this object written out (a unit test keeps them equal).
 */

/** Lines per order: an order is created in one DynamoDB transaction (≤ 100 items). */
export const MAX_LINES_PER_ORDER = 90;

const text = (maxLength: number, minLength = 1) =>
  ({ type: 'string', minLength, maxLength }) as const;

export const ORDER_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://oms.example/schemas/order.schema.json',
  title: 'Storefront order',
  description:
    'An order as the storefront submits it, to POST /orders (one object or an array) or in a JSON file (a top-level array) in the storefront orders folder.',
  type: 'object',
  required: ['externalId', 'name', 'date', 'salesChannel', 'customer', 'payments', 'lines'],
  additionalProperties: false,
  properties: {
    externalId: {
      ...text(128),
      pattern: '^[A-Za-z0-9][A-Za-z0-9._:/#-]*$',
      description:
        "The storefront's order id (e.g. Shopify order id). Unique: the same order submitted again returns the existing order; other content under a known id is refused as a conflict (HTTP 409) naming what differs.",
    },
    name: { ...text(64), description: 'Order name shown to people, e.g. "#1001".' },
    date: {
      type: 'string',
      format: 'date-time',
      description: 'When the order was placed, ISO 8601 with a time zone (2025-07-02T10:15:00Z).',
    },
    salesChannel: { ...text(64), description: 'Sales channel (NetSuite needs it non-empty).' },
    riskLevel: {
      enum: ['low', 'medium', 'high'],
      description: "The storefront's fraud analysis; `high` fails the fraud release gate.",
    },
    customer: { $ref: '#/$defs/customer' },
    payments: {
      type: 'array',
      maxItems: 20,
      items: { $ref: '#/$defs/payment' },
      description: 'Payments (authorisations or captures); may be empty.',
    },
    lines: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_LINES_PER_ORDER,
      items: { $ref: '#/$defs/line' },
    },
    currency: {
      type: 'string',
      pattern: '^[A-Z]{3}$',
      description:
        'ISO 4217 code of every amount of the order (default USD). Amounts may not have more decimals than the currency has (2 for USD).',
    },
    orderDiscounts: {
      type: 'array',
      maxItems: 20,
      items: { $ref: '#/$defs/discount' },
      description:
        'Discounts on the whole order (an after-tax discount: line taxes are computed without them). Shared across lines pro rata by net line amount, largest remainder, for cancellations.',
    },
    shippingCharges: {
      type: 'array',
      maxItems: 20,
      items: { $ref: '#/$defs/shippingCharge' },
      description: 'Shipping charges, one per ship group (the lines with one shipping method).',
    },
    grandTotal: {
      type: 'number',
      minimum: 0,
      maximum: 1_000_000_000,
      description:
        'What the customer pays: must equal Σ line price × quantity + shipping + taxes − discounts, or the order is refused naming the difference. Optional (then computed).',
    },
  },
  $defs: {
    discount: {
      type: 'object',
      required: ['code', 'amount'],
      additionalProperties: false,
      properties: {
        code: { ...text(64), description: 'Promotion or discount code.' },
        description: text(256, 0),
        amount: {
          type: 'number',
          minimum: 0,
          maximum: 1_000_000_000,
          description: 'Amount off (positive), for the whole line or order.',
        },
      },
    },
    tax: {
      type: 'object',
      required: ['code', 'rate', 'amount'],
      additionalProperties: false,
      properties: {
        code: {
          ...text(64),
          description: 'Tax code (mapped to a NetSuite tax code like shipping methods are).',
        },
        jurisdiction: text(128, 0),
        rate: { type: 'number', minimum: 0, maximum: 1, description: 'e.g. 0.0825 for 8.25 %.' },
        amount: {
          type: 'number',
          minimum: 0,
          maximum: 1_000_000_000,
          description:
            'The tax: rate × (line amount − line discounts), or rate × shipping charge, rounded half up.',
        },
      },
    },
    shippingCharge: {
      type: 'object',
      required: ['shippingMethod', 'amount'],
      additionalProperties: false,
      properties: {
        shippingMethod: {
          ...text(64),
          description: 'The ship group: the shipping method of the lines it is charged for.',
        },
        description: text(256, 0),
        amount: { type: 'number', minimum: 0, maximum: 1_000_000_000 },
        taxes: {
          type: 'array',
          maxItems: 1,
          items: { $ref: '#/$defs/tax' },
          description: 'The tax on the shipping charge (one: NetSuite has one shipping tax code).',
        },
      },
    },
    address: {
      type: 'object',
      // No `country` required: some storefront addresses lack it; the sales order export sends
      // such an order to NetSuite's `required_fields_missing/` folder instead of losing it.
      required: ['name', 'address1', 'city', 'zip'],
      additionalProperties: false,
      properties: {
        name: { ...text(128), description: 'Addressee.' },
        address1: text(256),
        address2: text(256, 0),
        city: text(128),
        state: text(64, 0),
        country: { type: 'string', pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2.' },
        zip: text(32),
        phone: text(32, 0),
        latitude: {
          type: 'number',
          minimum: -90,
          maximum: 90,
          description: 'Where the address is (brokering measures distances from it), when known.',
        },
        longitude: { type: 'number', minimum: -180, maximum: 180 },
      },
    },
    customer: {
      type: 'object',
      required: ['shopCustomerId', 'email', 'shippingAddress', 'billingAddress'],
      additionalProperties: false,
      properties: {
        shopCustomerId: { ...text(128), description: "The storefront's customer id." },
        email: { type: 'string', format: 'email', maxLength: 254 },
        firstName: text(128, 0),
        lastName: text(128, 0),
        phone: text(32, 0),
        shippingAddress: { $ref: '#/$defs/address' },
        billingAddress: { $ref: '#/$defs/address' },
      },
    },
    payment: {
      type: 'object',
      required: ['method', 'amount', 'reference'],
      additionalProperties: false,
      properties: {
        method: { ...text(64), description: 'Payment method, e.g. "shopify_payments".' },
        amount: { type: 'number', minimum: 0, maximum: 10_000_000 },
        reference: {
          ...text(128),
          description: 'Payment reference (the customer deposit external id in NetSuite).',
        },
      },
    },
    line: {
      type: 'object',
      required: ['sku', 'quantity', 'price', 'shippingMethod'],
      additionalProperties: false,
      properties: {
        sku: text(128),
        quantity: { type: 'integer', minimum: 1, maximum: 100_000 },
        price: { type: 'number', minimum: 0, maximum: 10_000_000, description: 'Unit price.' },
        shippingMethod: text(64),
        preOrder: {
          type: 'boolean',
          description: 'Promised against future supply (a purchase-order line). Default false.',
        },
        discounts: {
          type: 'array',
          maxItems: 10,
          items: { $ref: '#/$defs/discount' },
          description:
            'Discounts on this line (amount for all its units; at most the line amount).',
        },
        taxes: {
          type: 'array',
          maxItems: 1,
          items: { $ref: '#/$defs/tax' },
          description: 'The tax on the shipping charge (one: NetSuite has one shipping tax code).',
        },
      },
    },
  },
} as const;
