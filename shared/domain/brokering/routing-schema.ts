/**
 * The routing configuration, as JSON Schema (draft 2020-12). One source: `parseRoutingConfig`
 * checks configs against this object with the shared schema check (ajv), and
 * `docs/routing.schema.json` is this object written out (a unit test keeps them equal).
 *
 * The schema says every structural rule (types, required fields, unknown fields, ranges, queue
 * names, the shorthand forms) in the words the OMS has always used for them (`x-message`, see
 * `shared/domain/input/schema-check.ts`). What it cannot say (duplicate names and sorts) is
 * checked by `parseRoutingConfig` after it.
 */
import { QUEUE_ID } from './queues.ts';
import { FACILITY_SORTS, ORDER_SORT_FIELDS } from './routing-config.ts';

/** Queue ids (`isQueueId`), blanks around allowed: the parser trims them. */
const QUEUE_PATTERN = `^\\s*${QUEUE_ID.source.slice(1, -1)}\\s*$`;

const ref = (name: string) => ({ $ref: `#/$defs/${name}` }) as const;

/** An object of these fields only, refused in the OMS's words. */
const object = (
  properties: Record<string, object>,
  extra: Record<string, unknown> = {},
  messages: Record<string, string> = {},
) => ({
  type: 'object',
  additionalProperties: false,
  properties,
  ...extra,
  'x-message': {
    type: 'must be an object',
    additionalProperties: `is not a known field (${Object.keys(properties).join(', ')})`,
    ...messages,
  },
});

/** A list (required if its parent says so), refused as "must be a list". */
const list = (items: object, minItems?: { n: number; message: string }) => ({
  type: 'array',
  ...(minItems ? { minItems: minItems.n } : {}),
  items,
  'x-message': {
    type: 'must be a list',
    required: 'must be a list',
    ...(minItems ? { minItems: minItems.message } : {}),
  },
});

const whole = (minimum: number) => ({
  type: 'integer',
  minimum,
  'x-message': `must be a whole number ≥ ${minimum}`,
});

/** At least one of these fields, each `as` (the `properties` also satisfy ajv's strictRequired). */
const someOf = (fields: string[], as: object = {}) => ({
  anyOf: fields.map((f) => ({ required: [f], properties: { [f]: as } })),
});

/** `{include?, exclude?}`, or a list meaning `{include: list}`. */
const valueFilter = (item: object) => {
  const values = list(item, { n: 1, message: 'must list at least one value' });
  return {
    if: { type: 'array' },
    then: values,
    // One of them, as a list: `{ include: 'x' }` also "needs" one (as it always did).
    else: object(
      { include: values, exclude: values },
      someOf(['include', 'exclude'], { type: 'array' }),
      {
        anyOf: 'needs "include" or "exclude"',
      },
    ),
  };
};

const sortField = {
  enum: [...ORDER_SORT_FIELDS],
  'x-message': {
    enum: `"{value}" is not one of ${ORDER_SORT_FIELDS.join(', ')}`,
    required: `is required (one of ${ORDER_SORT_FIELDS.join(', ')})`,
  },
};

export const ROUTING_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://oms.example/schemas/routing.schema.json',
  title: 'Brokering routing configuration',
  description:
    'How each product store brokers its orders (see docs/brokering.md), loaded with `oms broker routing load <file>`; docs/examples/routing.json is an example.',
  ...object({ $schema: {}, description: {}, runs: ref('runs') }, { required: ['runs'] }),
  $defs: {
    text: { type: 'string', minLength: 1, 'x-message': 'must be a non-empty string' },
    queue: {
      ...ref('text'),
      type: 'string',
      pattern: QUEUE_PATTERN,
      'x-message': {
        type: 'must be a non-empty string',
        blank: 'must be a non-empty string',
        pattern: '"{value}" is not a queue name (_UPPER_CASE_)',
      },
    },
    textFilter: valueFilter(ref('text')),
    queueFilter: valueFilter(ref('queue')),
    numberFilter: valueFilter({ type: 'integer', 'x-message': 'must be a whole number' }),
    flag: { type: 'boolean', 'x-message': 'must be true or false' },
    description: { type: 'string', 'x-message': 'must be a string' },
    runs: list(
      object(
        {
          productStoreId: ref('text'),
          name: ref('text'),
          description: {},
          routings: ref('routings'),
        },
        { required: ['productStoreId', 'routings'] },
      ),
      { n: 1, message: 'needs at least one run' },
    ),
    routings: list(
      object(
        {
          name: ref('text'),
          description: ref('description'),
          active: ref('flag'),
          orderFilters: ref('orderFilters'),
          orderSorts: ref('orderSorts'),
          inventoryRules: list(ref('inventoryRule')),
        },
        {
          required: ['name', 'inventoryRules'],
          // An inactive routing may keep no rules; an active one needs at least one.
          if: { required: ['active'], properties: { active: { const: false } } },
          else: {
            properties: {
              inventoryRules: {
                type: 'array',
                minItems: 1,
                'x-message': {
                  type: 'must be a list',
                  minItems: 'an active routing needs at least one inventory rule',
                },
              },
            },
          },
        },
      ),
      { n: 1, message: 'needs at least one routing' },
    ),
    orderFilters: object({
      queue: ref('queueFilter'),
      shippingMethod: ref('textFilter'),
      priority: ref('numberFilter'),
      promiseDate: object(
        { withinDays: whole(0), exclude: ref('flag') },
        { required: ['withinDays'] },
      ),
      salesChannel: ref('textFilter'),
      originFacilityGroup: ref('textFilter'),
      productCategory: ref('textFilter'),
    }),
    orderSorts: list({
      if: { type: 'string' },
      then: sortField,
      else: object(
        {
          by: sortField,
          direction: { enum: ['asc', 'desc'], 'x-message': 'must be "asc" or "desc"' },
        },
        { required: ['by'] },
      ),
    }),
    inventoryRule: object(
      {
        name: ref('text'),
        description: ref('description'),
        active: ref('flag'),
        filters: object({
          facilityGroup: ref('textFilter'),
          maxDistanceKm: {
            type: 'number',
            exclusiveMinimum: 0,
            'x-message': 'must be a number of kilometres > 0',
          },
          safetyStock: whole(0),
          respectDailyOrderLimit: ref('flag'),
          minShipmentValue: { type: 'number', minimum: 0, 'x-message': 'must be a number ≥ 0' },
          allItemsAvailable: ref('flag'),
        }),
        sorts: list({
          enum: [...FACILITY_SORTS],
          'x-message': `"{value}" is not one of ${FACILITY_SORTS.join(', ')}`,
        }),
        partialAllocation: ref('flag'),
        whenUnavailable: {
          if: { type: 'string' },
          then: {
            const: 'next-rule',
            'x-message':
              '"{value}" is not "next-rule" nor an object {moveToQueue?, autoCancelDays?}',
          },
          else: object(
            { moveToQueue: ref('queue'), autoCancelDays: whole(1) },
            someOf(['moveToQueue', 'autoCancelDays']),
            { anyOf: 'needs "moveToQueue" and/or "autoCancelDays" (or use "next-rule")' },
          ),
        },
      },
      { required: ['name'] },
    ),
  },
} as const;
