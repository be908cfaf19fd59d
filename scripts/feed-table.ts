/**
 * The README's feed table, generated from the feed catalog.
 * `npm run docs:feeds` rewrites it between the markers; a unit test fails when it is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FEEDS, type FeedDefinition } from '../shared/feeds/catalog.ts';

export const START =
  '<!-- feeds:start (generated from shared/feeds/catalog.ts by npm run docs:feeds) -->';
export const END = '<!-- feeds:end -->';

const trigger = (f: FeedDefinition) =>
  f.trigger.kind === 'schedule'
    ? `schedule \`${f.trigger.expression}\``
    : 'file uploaded (S3 event)';

export function renderFeedTable(): string {
  const rows = (FEEDS as readonly FeedDefinition[]).map((f) => {
    const root = f.partner === 'storefront' ? 'storefront' : 'netsuite';
    return `| ${f.title} | \`${root}/${f.folder}/\` | ${f.direction === 'inbound' ? 'in' : 'out'} | ${f.format.toUpperCase()} | ${trigger(f)} | ${f.handler ? `\`functions/${f.handler}.ts\`` : 'planned'} |`;
  });
  return [
    START,
    '<!-- prettier-ignore-start -->',
    '| Feed | Folder (below `/home/{user}/`) | Direction | Format | Trigger | Handler |',
    '|---|---|---|---|---|---|',
    ...rows,
    '<!-- prettier-ignore-end -->',
    END,
  ].join('\n');
}

export function replaceFeedTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error('README has no feed table markers');
  return readme.slice(0, start) + renderFeedTable() + readme.slice(end + END.length);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = new URL('../README.md', import.meta.url);
  writeFileSync(path, replaceFeedTable(readFileSync(path, 'utf8')));
  console.log('README feed table updated');
}
