/**
 * The simulator keeps its own copy of the NetSuite file contract (local/netsuite/contract.ts), so it
 * never follows the OMS silently. This test compares that copy with the OMS's feed catalog
 * (shared/feeds/catalog.ts) and names the feed and the column that differ:
 *
 * - every NetSuite feed of the catalog (and every other layout it lists for a folder) has a
 *   contract entry in the same folder, with the same format and direction;
 * - files NetSuite writes (catalog `inbound`): the same header, in the same order;
 * - files NetSuite imports (catalog `outbound`): every column the OMS writes is one the import
 *   mapping knows (required or optional), and every column the mapping requires is written;
 * - every contract entry is in the catalog.
 *
 * And no file under local/netsuite imports the catalog (nor anything else under shared/).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEEDS } from '../../shared/feeds/catalog.ts';
import { CONTRACT, type ContractFeed } from '../../local/netsuite/contract.ts';

interface CatalogHeader {
  /** `<feed id>` or `<feed id>#<layout id>` */
  readonly key: string;
  readonly direction: 'inbound' | 'outbound';
  readonly folder: string;
  readonly format: string;
  readonly columns: readonly string[];
}

interface Drift {
  /** The catalog's feed (`<feed>#<layout>`), or the contract entry no catalog feed has. */
  readonly feed: string;
  readonly column?: string;
  readonly message: string;
}

interface LooseFeed {
  readonly id: string;
  readonly partner?: string;
  readonly direction: 'inbound' | 'outbound';
  readonly folder: string;
  readonly format: string;
  readonly columns: readonly string[];
  readonly layouts?: ReadonlyArray<{ readonly id: string; readonly columns: readonly string[] }>;
}

/** The catalog's NetSuite headers: each feed's own columns, and each of its other layouts. */
function catalogHeaders(feeds: readonly LooseFeed[]): CatalogHeader[] {
  return feeds
    .filter((f) => (f.partner ?? 'netsuite') === 'netsuite')
    .flatMap((f) => [
      { key: f.id, direction: f.direction, folder: f.folder, format: f.format, columns: f.columns },
      ...(f.layouts ?? []).map((l) => ({
        key: `${f.id}#${l.id}`,
        direction: f.direction,
        folder: f.folder,
        format: f.format,
        columns: l.columns,
      })),
    ]);
}

const overlap = (a: readonly string[], b: readonly string[]) =>
  a.filter((c) => b.includes(c)).length;

/** Every difference between the contract and the catalog (empty when they agree). */
function contractDrift(
  contract: Readonly<Record<string, ContractFeed>>,
  feeds: readonly LooseFeed[],
): Drift[] {
  const drift: Drift[] = [];
  const entries = Object.entries(contract);
  const paired = new Set<string>();
  for (const h of catalogHeaders(feeds)) {
    const sameFolder = entries.filter(([, c]) => c.folder === h.folder);
    const byId = entries.find(([, c]) => c.omsFeed === h.key);
    const pick =
      byId ??
      [...sameFolder].sort(
        (a, b) => overlap(b[1].required, h.columns) - overlap(a[1].required, h.columns),
      )[0];
    if (!pick) {
      drift.push({ feed: h.key, message: `folder ${h.folder} is not in the simulator's contract` });
      continue;
    }
    const [name, c] = pick;
    paired.add(name);
    if (c.folder !== h.folder)
      drift.push({ feed: h.key, message: `folder: catalog ${h.folder}, contract ${c.folder}` });
    if (c.format !== h.format)
      drift.push({ feed: h.key, message: `format: catalog ${h.format}, contract ${c.format}` });
    const expected = h.direction === 'inbound' ? 'fromNetsuite' : 'toNetsuite';
    if (c.direction !== expected)
      drift.push({
        feed: h.key,
        message: `direction: catalog ${h.direction}, contract ${c.direction}`,
      });
    if (h.direction === 'inbound') {
      // NetSuite writes the file: the header the OMS reads is exactly the one NetSuite writes.
      for (const column of h.columns.filter((x) => !c.required.includes(x)))
        drift.push({
          feed: h.key,
          column,
          message: 'the OMS reads it; NetSuite does not write it',
        });
      for (const column of c.required.filter((x) => !h.columns.includes(x)))
        drift.push({
          feed: h.key,
          column,
          message: 'NetSuite writes it; the OMS does not read it',
        });
      const common = h.columns.filter((x) => c.required.includes(x));
      const theirs = c.required.filter((x) => h.columns.includes(x));
      const moved = common.findIndex((x, i) => theirs[i] !== x);
      if (moved >= 0)
        drift.push({
          feed: h.key,
          column: common[moved],
          message: `column order: catalog ${h.columns.join(',')}; contract ${c.required.join(',')}`,
        });
    } else {
      // NetSuite imports the file: what the OMS writes must be known, what is required written.
      const known = [...c.required, ...(c.optional ?? [])];
      for (const column of h.columns.filter((x) => !known.includes(x)))
        drift.push({
          feed: h.key,
          column,
          message: "the OMS writes it; NetSuite's import mapping does not know it",
        });
      for (const column of c.required.filter((x) => !h.columns.includes(x)))
        drift.push({
          feed: h.key,
          column,
          message: "NetSuite's import mapping requires it; the OMS does not write it",
        });
    }
  }
  for (const [name, c] of entries) {
    if (!paired.has(name))
      drift.push({
        feed: name,
        message: `the contract's ${c.folder} (${c.omsFeed}) is not in the OMS catalog`,
      });
  }
  return drift;
}

const describeDrift = (drift: readonly Drift[]) =>
  drift.map((d) => `${d.feed}${d.column ? ` column ${d.column}` : ''}: ${d.message}`);

/** A deep copy of the contract, loosely typed, to break on purpose. */
type Mutable = { -readonly [K in keyof ContractFeed]: ContractFeed[K] };
const copy = () => JSON.parse(JSON.stringify(CONTRACT)) as Record<string, Mutable>;

describe('the simulator’s contract and the OMS’s feed catalog', () => {
  it('agree on every NetSuite folder and column', () => {
    expect(describeDrift(contractDrift(CONTRACT, FEEDS))).toEqual([]);
  });

  it('a renamed column is reported with its feed, both ways', () => {
    const broken = copy();
    broken.allocationUpdate!.required = broken.allocationUpdate!.required.map((c) =>
      c === 'quantity' ? 'qty' : c,
    );
    broken.inventorySnapshot!.required = ['Item', 'externalFacilityId', 'available', 'idValue'];
    expect(contractDrift(broken, FEEDS)).toEqual([
      {
        feed: 'inventory-snapshot-import',
        column: 'availableQty',
        message: 'the OMS reads it; NetSuite does not write it',
      },
      {
        feed: 'inventory-snapshot-import',
        column: 'available',
        message: 'NetSuite writes it; the OMS does not read it',
      },
      {
        feed: 'allocation-update-export',
        column: 'quantity',
        message: "the OMS writes it; NetSuite's import mapping does not know it",
      },
      {
        feed: 'allocation-update-export',
        column: 'qty',
        message: "NetSuite's import mapping requires it; the OMS does not write it",
      },
    ]);
  });

  it('reports column order, folders, a column the OMS does not send, and entries missing a side', () => {
    const broken = copy();
    broken.orderIds!.required = ['orderIdentificationTypeId', 'orderId', 'idValue'];
    broken.depositIds!.folder = 'salesorder/import/payment';
    broken.lineCloseUpdate!.required = [...broken.lineCloseUpdate!.required, 'memo'];
    delete broken.products;
    broken.extra = { ...broken.customerIds!, folder: 'extra/csv', omsFeed: 'extra' };
    expect(describeDrift(contractDrift(broken, FEEDS))).toEqual([
      "product-import: folder product/csv is not in the simulator's contract",
      'order-id-import column orderId: column order: catalog orderId,orderIdentificationTypeId,idValue; contract orderIdentificationTypeId,orderId,idValue',
      'deposit-id-import: folder: catalog salesorder/import/orderpayment, contract salesorder/import/payment',
      "line-close-export column memo: NetSuite's import mapping requires it; the OMS does not write it",
      "extra: the contract's extra/csv (extra) is not in the OMS catalog",
    ]);
  });

  it('takes an optional column the OMS leaves out, and refuses one the mapping does not know', () => {
    const feeds = (FEEDS as readonly LooseFeed[]).map((f) =>
      f.id === 'customer-export'
        ? { ...f, columns: [...f.columns, 'subsidiary'] }
        : f.id === 'line-close-export'
          ? { ...f, columns: [...f.columns, 'memo'] }
          : f,
    );
    expect(describeDrift(contractDrift(CONTRACT, feeds))).toEqual([
      "line-close-export column memo: the OMS writes it; NetSuite's import mapping does not know it",
    ]);
  });
});

/** Every module path a TypeScript source imports or re-exports (static and dynamic). */
function importedPaths(source: string): string[] {
  const paths: string[] = [];
  const patterns = [
    /\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) paths.push(m[1]!);
  return paths;
}

const SIMULATOR = join(import.meta.dirname, '../../local/netsuite');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('the simulator’s independence', () => {
  it('finds imports however they are written', () => {
    const source = [
      "import { feedById } from '../../shared/feeds/catalog.ts';",
      'import {',
      '  a,',
      "} from '../../../shared/feeds/catalog.ts';",
      "export { b } from './b.ts';",
      "import './side-effect.ts';",
      "const c = await import('../../shared/x.ts');",
      "// a comment that says from 'nowhere' is a false positive we accept",
    ].join('\n');
    expect(importedPaths(source)).toEqual([
      '../../shared/feeds/catalog.ts',
      '../../../shared/feeds/catalog.ts',
      './b.ts',
      'nowhere',
      './side-effect.ts',
      '../../shared/x.ts',
    ]);
  });

  it('no file under local/netsuite imports the feed catalog, or anything under shared/', () => {
    const files = sources(SIMULATOR);
    expect(files.length).toBeGreaterThan(20);
    const offending = files.flatMap((file) =>
      importedPaths(readFileSync(file, 'utf8'))
        .filter((p) => p.includes('shared/feeds/catalog') || /(^|\/)shared\//.test(p))
        .map((p) => `${relative(SIMULATOR, file)}: ${p}`),
    );
    expect(offending).toEqual([]);
  });
});
