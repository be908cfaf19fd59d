import { describeAccess } from '../../shared/auth/route-access.ts';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../shared/platform/config.ts';
import { functionRegistry } from '../../shared/registry/functions.ts';
import { SECTIONS } from '../../scripts/feed-table.ts';

const readme = () => readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README generated tables', () => {
  it.each(SECTIONS.map((s) => [s.start, s] as const))(
    '%s is the one generated (run `npm run docs:feeds` after a catalog or registry change)',
    (_name, section) => {
      const text = readme();
      expect(text.indexOf(section.start), 'start marker').toBeGreaterThanOrEqual(0);
      expect(text.indexOf(section.end), 'end marker').toBeGreaterThan(text.indexOf(section.start));
      const table = text.slice(
        text.indexOf(section.start),
        text.indexOf(section.end) + section.end.length,
      );
      expect(table).toBe(section.render());
    },
  );

  it('names every core job and every HTTP route of the registry, with who may call it', () => {
    const text = readme();
    for (const e of functionRegistry({ user: DEFAULTS.netsuiteUser })) {
      if (e.kind === 'core-job') expect(text, e.id).toContain(`| \`${e.id}\` | \`${e.schedule}\``);
      for (const key of e.routes ?? [])
        expect(text, key).toContain(
          `| \`${key}\` | ${describeAccess(key)} | \`functions/${e.handler}.ts\``,
        );
    }
  });
});
