/**
 * Reference mappings the NetSuite feeds need besides facilities and products: OMS value → NetSuite
 * internal id, per kind. Loaded from a JSON file or set one by one from the CLI.
 *
 * A `subsidiary` is mapped per sales channel, with the key `*` as the default for channels
 * without one of their own; so is a `priceLevel` (default `-1`, NetSuite's "Custom": the row's
 * price is the price). A `taxCode` maps the storefront's tax code to NetSuite's tax code (or tax
 * group); `discountItem` names NetSuite's two discount items: `line` (applied before tax, to the
 * line above it) and `order` (the order-level discount line, after tax). See docs/money.md.
 */
import { accept, reject, type RowResult } from '../row-result.ts';

export const MAPPING_KINDS = [
  'shippingMethod',
  'paymentMethod',
  'salesChannel',
  'subsidiary',
  'taxCode',
  'discountItem',
  'priceLevel',
] as const;
export type MappingKind = (typeof MAPPING_KINDS)[number];

export interface Mapping {
  readonly kind: MappingKind;
  /** The OMS value (a shipping method code, a payment method, a sales channel, or `*`). */
  readonly value: string;
  /** NetSuite's internal id. */
  readonly netsuiteId: string;
}

/** Every mapping of every kind, as one export run reads them. */
export type MappingTable = Readonly<Record<MappingKind, ReadonlyMap<string, string>>>;

export const emptyMappingTable = (): MappingTable => mappingTable([]);

export function mappingTable(mappings: readonly Mapping[]): MappingTable {
  const table = Object.fromEntries(
    MAPPING_KINDS.map((k) => [k, new Map<string, string>()]),
  ) as unknown as Record<MappingKind, Map<string, string>>;
  for (const m of mappings) table[m.kind].set(m.value, m.netsuiteId);
  return table;
}

export const isMappingKind = (k: string): k is MappingKind =>
  (MAPPING_KINDS as readonly string[]).includes(k);

const NS_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Checks one mapping as given in a file (`{kind, value, netsuiteId}`) or on the command line. */
export function parseMapping(input: unknown, at: string): RowResult<Mapping> {
  if (typeof input !== 'object' || input === null) return reject(at, 'is not an object');
  const o = input as Record<string, unknown>;
  const text = (k: string) => (typeof o[k] === 'string' ? (o[k] as string).trim() : '');
  const kind = text('kind');
  if (!isMappingKind(kind)) {
    return reject(`${at}.kind`, `"${kind}" is not one of ${MAPPING_KINDS.join(', ')}`);
  }
  const value = text('value');
  if (!value) return reject(`${at}.value`, 'is required (the OMS value)');
  const netsuiteId = text('netsuiteId');
  if (!NS_ID.test(netsuiteId)) {
    return reject(`${at}.netsuiteId`, `"${netsuiteId}" is not a NetSuite internal id`);
  }
  return accept({ kind, value, netsuiteId });
}

/**
 * A mappings file: `{ "shippingMethod": { "STANDARD": "3" }, ... }` (one object per kind), or a
 * list of `{kind, value, netsuiteId}`. Returns the mappings and one error per bad entry.
 */
export function parseMappingFile(json: unknown): {
  mappings: Mapping[];
  errors: { field: string; reason: string }[];
} {
  const mappings: Mapping[] = [];
  const errors: { field: string; reason: string }[] = [];
  const take = (input: unknown, at: string) => {
    const r = parseMapping(input, at);
    if (r.ok) mappings.push(r.row);
    else errors.push({ field: r.field, reason: r.reason });
  };
  if (Array.isArray(json)) {
    json.forEach((m, i) => take(m, `mappings[${i}]`));
  } else if (typeof json === 'object' && json !== null) {
    for (const [kind, values] of Object.entries(json)) {
      if (typeof values !== 'object' || values === null || Array.isArray(values)) {
        errors.push({ field: kind, reason: 'must be an object of value → NetSuite id' });
        continue;
      }
      for (const [value, netsuiteId] of Object.entries(values as Record<string, unknown>)) {
        take({ kind, value, netsuiteId }, `${kind}.${value}`);
      }
    }
  } else {
    errors.push({ field: '(file)', reason: 'must be an object per kind or a list of mappings' });
  }
  return { mappings, errors };
}
