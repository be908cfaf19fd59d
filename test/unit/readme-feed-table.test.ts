import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { END, START, renderFeedTable } from '../../scripts/feed-table.ts';

describe('README feed table', () => {
  it('is the one generated from the feed catalog (run `npm run docs:feeds` after a catalog change)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf(START), readme.indexOf(END) + END.length);
    expect(table).toBe(renderFeedTable());
  });
});
