/**
 * The README's generated tables: the feeds (from the feed catalog, planned feeds included), and
 * the core jobs and HTTP routes (from the function registry, `shared/registry/`, the entries CDK
 * deploys and the local cloud runs). `npm run docs:feeds` rewrites each between its markers; a
 * unit test fails when one is stale.
 */
import { describeAccess } from '../shared/auth/route-access.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULTS } from '../shared/platform/config.ts';
import { FEEDS, type FeedDefinition } from '../shared/feeds/catalog.ts';
import { functionRegistry, type FunctionEntry } from '../shared/registry/functions.ts';

export const START =
  '<!-- feeds:start (generated from shared/feeds/catalog.ts by npm run docs:feeds) -->';
export const END = '<!-- feeds:end -->';

export const JOBS_START =
  '<!-- jobs:start (generated from shared/registry/ by npm run docs:feeds) -->';
export const JOBS_END = '<!-- jobs:end -->';

export const ROUTES_START =
  '<!-- routes:start (generated from shared/registry/ by npm run docs:feeds) -->';
export const ROUTES_END = '<!-- routes:end -->';

const trigger = (f: FeedDefinition) =>
  f.trigger.kind === 'schedule'
    ? `schedule \`${f.trigger.expression}\``
    : 'file uploaded (S3 event)';

/** A table cell: pipes escaped, so that a description cannot break the table. */
const cell = (text: string) => text.replace(/\|/g, '\\|');

const block = (start: string, end: string, header: string[], rows: string[]) =>
  [
    start,
    '<!-- prettier-ignore-start -->',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows,
    '<!-- prettier-ignore-end -->',
    end,
  ].join('\n');

export function renderFeedTable(): string {
  const rows = (FEEDS as readonly FeedDefinition[]).map((f) => {
    const root = f.partner === 'storefront' ? 'storefront' : 'netsuite';
    return `| ${f.title} | \`${root}/${f.folder}/\` | ${f.direction === 'inbound' ? 'in' : 'out'} | ${f.format.toUpperCase()} | ${trigger(f)} | ${f.handler ? `\`functions/${f.handler}.ts\`` : 'planned'} |`;
  });
  return block(
    START,
    END,
    ['Feed', 'Folder (below `/home/{user}/`)', 'Direction', 'Format', 'Trigger', 'Handler'],
    rows,
  );
}

const registry = (): FunctionEntry[] => functionRegistry({ user: DEFAULTS.netsuiteUser });

const tables = (e: FunctionEntry) => {
  const needs = Object.entries(e.tables);
  const access = new Set(needs.map(([, a]) => a));
  if (needs.length === 3 && access.size === 1) return `all, ${[...access][0]}`;
  return needs.map(([table, a]) => `${table} (${a})`).join(', ') || 'none';
};

/** The core jobs: id, schedule, handler, what each does. */
export function renderJobTable(): string {
  const rows = registry()
    .filter((e) => e.kind === 'core-job')
    .map(
      (e) =>
        `| \`${e.id}\` | \`${e.schedule}\` | \`functions/${e.handler}.ts\` | ${cell(e.title)} |`,
    );
  return block(JOBS_START, JOBS_END, ['Job', 'Schedule', 'Handler', 'What it does'], rows);
}

/** The HTTP routes: route key, who may call it (`shared/auth/`), handler, tables. */
export function renderRouteTable(): string {
  const rows = registry()
    .filter((e) => e.kind === 'api')
    .flatMap((e) =>
      (e.routes ?? []).map(
        (key) =>
          `| \`${key}\` | ${describeAccess(key)} | \`functions/${e.handler}.ts\` | ${tables(e)} |`,
      ),
    );
  return block(ROUTES_START, ROUTES_END, ['Route', 'Callers', 'Handler', 'Tables'], rows);
}

/** Each generated table with its markers (the README must hold every pair). */
export const SECTIONS = [
  { start: START, end: END, render: renderFeedTable },
  { start: JOBS_START, end: JOBS_END, render: renderJobTable },
  { start: ROUTES_START, end: ROUTES_END, render: renderRouteTable },
] as const;

function replaceSection(readme: string, start: string, end: string, text: string): string {
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README has no markers ${start} … ${end}`);
  return readme.slice(0, from) + text + readme.slice(to + end.length);
}

export function replaceFeedTable(readme: string): string {
  return replaceSection(readme, START, END, renderFeedTable());
}

/** The README with every generated table rewritten. */
export function replaceGeneratedTables(readme: string): string {
  return SECTIONS.reduce((text, s) => replaceSection(text, s.start, s.end, s.render()), readme);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = new URL('../README.md', import.meta.url);
  writeFileSync(path, replaceGeneratedTables(readFileSync(path, 'utf8')));
  console.log('README feed, job and route tables updated');
}
