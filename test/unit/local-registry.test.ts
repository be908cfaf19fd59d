import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_HANDLERS, ROUTES, matchRoute, routeKey } from '../../shared/api/routes.ts';
import { DEFAULTS } from '../../shared/platform/config.ts';
import { functionRegistry } from '../../shared/registry/functions.ts';
import { catalogJobs } from '../../local/cloud.ts';
import { handlerModules, loadHandler, localRoutes } from '../../local/handlers.ts';
import { runnable } from '../../local/cli/commands/jobs.ts';

// What CDK builds (infra/stacks/jobs-stack.ts, api-stack.ts read the same function).
const registry = functionRegistry({ user: DEFAULTS.netsuiteUser });
const root = new URL('../../', import.meta.url);

describe('the local cloud and the CLI read the function registry', () => {
  it('knows every registry entry in its handler map, each with its module in functions/', () => {
    const modules = handlerModules();
    for (const entry of registry) {
      expect(modules.get(entry.handler), entry.id).toBe(`functions/${entry.handler}.ts`);
      expect(existsSync(new URL(modules.get(entry.handler)!, root)), entry.id).toBe(true);
    }
    expect([...modules.keys()].sort()).toEqual([...new Set(registry.map((e) => e.handler))].sort());
  });

  it('schedules exactly the registry’s scheduled entries, on the registry’s expressions', () => {
    const scheduled = registry.filter((e) => e.schedule !== undefined);
    expect(scheduled.length).toBeGreaterThan(0);
    const jobs = catalogJobs().map((j) => ({ id: j.id, expression: j.expression }));
    expect(jobs).toEqual(scheduled.map((e) => ({ id: e.id, expression: e.schedule })));
  });

  it('lists every scheduled entry in `oms job list`; the others are imports and API handlers', () => {
    const listed = runnable();
    const byId = new Map(listed.map((j) => [j.id, j]));
    for (const entry of registry) {
      const row = byId.get(entry.id);
      if (entry.kind === 'import' || entry.kind === 'api') {
        expect(row, entry.id).toBeUndefined();
        continue;
      }
      // The `--json` shape: id, handler, schedule (kept), kind (added).
      expect(row, entry.id).toEqual({
        id: entry.id,
        handler: entry.handler,
        schedule: entry.schedule,
        kind: entry.kind,
      });
    }
    expect(listed).toHaveLength(registry.filter((e) => e.schedule !== undefined).length);
  });

  it('serves exactly the registry’s HTTP routes, each to its handler', () => {
    const local = localRoutes().map((r) => `${routeKey(r)} → ${r.handler}`);
    const declared = registry.flatMap((e) => (e.routes ?? []).map((k) => `${k} → ${e.handler}`));
    expect(local.sort()).toEqual(declared.sort());
    // …which are the routes CDK gives API Gateway (shared/api/routes.ts), handler for handler.
    expect(declared.sort()).toEqual(ROUTES.map((r) => `${routeKey(r)} → ${r.handler}`).sort());
    expect(Object.keys(API_HANDLERS).sort()).toEqual(
      registry
        .filter((e) => e.kind === 'api')
        .map((e) => e.handler)
        .sort(),
    );
  });

  it('matches every route to its own handler, whatever the order of the routes', () => {
    const routes = localRoutes();
    for (const route of [...routes, ...[...routes].reverse()]) {
      const path = route.path.replace(/\{\w+\}/g, 'x1');
      const found = matchRoute(route.method, path, routes)?.route;
      const reversed = matchRoute(route.method, path, [...routes].reverse())?.route;
      expect(found?.handler, routeKey(route)).toBe(route.handler);
      expect(reversed?.path, routeKey(route)).toBe(found?.path);
    }
  });

  it('refuses a handler the registry does not declare', async () => {
    await expect(loadHandler('not-a-function')).rejects.toThrow(/function registry/);
  });
});
