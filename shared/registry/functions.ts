/**
 * The one registry of the OMS's functions: every implemented feed (`shared/feeds/catalog.ts`),
 * every core job (`shared/jobs/core-jobs.ts`) and every HTTP API handler (`shared/api/routes.ts`)
 * as one entry with its handler, implementing module, schedule or routes, memory, timeout and
 * declared needs (tables, S3 prefixes). CDK builds one Lambda per entry with exactly those
 * permissions; the local cloud takes its handlers, schedules and HTTP routes from the same entries
 * (`local/handlers.ts`), `npx oms job list` lists its scheduled ones and the README's tables are
 * generated from it (`npm run docs:feeds`). Adding an entry here is enough for all of them.
 *
 * Feeds declare their tables; their S3 prefixes follow from the catalog: an import reads, writes
 * and deletes below its own folder (archive/, error/, failed/ moves), an export only creates files
 * in its own folder; both use the OMS staging area. API handlers never reach S3, but the operator
 * console's (`feedFiles`: the inbound feed folders, read; its actions also write them).
 */
import {
  API_HANDLERS,
  ROUTES,
  routeKey,
  type ApiHandler,
  type HttpMethod,
  type RouteDefinition,
} from '../api/routes.ts';
import { implementedFeeds, type FeedDefinition } from '../feeds/catalog.ts';
import { feedPrefix, stagingPrefix, STATE_PREFIX } from '../feeds/paths.ts';
import { CORE_JOBS, type CoreJob } from '../jobs/core-jobs.ts';
import type { PrefixNeed, TableNeeds } from '../store/needs.ts';

export type FunctionKind = 'import' | 'export' | 'core-job' | 'api';

export interface FunctionEntry {
  /** Feed id, core job id, or (API) handler name: unique, names the CDK constructs. */
  readonly id: string;
  readonly kind: FunctionKind;
  readonly title: string;
  /** The handler module in `functions/` (without extension). */
  readonly handler: string;
  /** Where the work is done (`shared/...`), for people reading the registry. */
  readonly module: string;
  readonly tables: TableNeeds;
  readonly s3: readonly PrefixNeed[];
  readonly memorySize: number;
  readonly timeoutSeconds: number;
  /** EventBridge Scheduler expression (exports and core jobs). */
  readonly schedule?: string;
  /** API route keys (`POST /orders`) served by this handler. */
  readonly routes?: readonly string[];
  /** Reserved concurrency (API handlers: bounds what a burst of calls can take from the jobs). */
  readonly reservedConcurrency?: number;
  /** The feed queues' dead-letter queues it lists (`read`) or also re-drives (`redrive`). */
  readonly deadLetters?: 'read' | 'redrive';
}

export interface RegistryOptions {
  /** The NetSuite SFTP user (its home holds the NetSuite root). */
  readonly user: string;
  readonly feeds?: readonly FeedDefinition[];
  readonly coreJobs?: readonly CoreJob[];
  readonly routes?: readonly RouteDefinition[];
  readonly apiHandlers?: Readonly<Record<string, ApiHandler>>;
}

export const IMPORT_DEFAULTS = { memorySize: 1024, timeoutSeconds: 900 } as const;
export const SCHEDULED_DEFAULTS = { memorySize: 1024, timeoutSeconds: 300 } as const;
export const API_DEFAULTS = {
  memorySize: 512,
  timeoutSeconds: 29,
  reservedConcurrency: 5,
} as const;

const staging: PrefixNeed = { prefix: stagingPrefix(), access: 'read-write' };
const state = (sub: string): PrefixNeed => ({
  prefix: `${STATE_PREFIX}${sub}`,
  access: 'read-write',
});

/** The folders NetSuite imports from (implemented outbound NetSuite feeds), as key prefixes. */
export function netsuiteOutboundPrefixes(user: string, feeds: readonly FeedDefinition[]): string[] {
  const outbound = feeds.filter(
    (f) => f.direction === 'outbound' && (f.partner ?? 'netsuite') === 'netsuite' && f.handler,
  );
  return [...new Set(outbound.map((f) => feedPrefix(user, f)))].sort();
}

function feedEntry(user: string, feed: FeedDefinition): FunctionEntry {
  const own = feedPrefix(user, feed);
  const common = {
    id: feed.id,
    title: feed.title,
    handler: feed.handler as string,
    module: feed.module ?? `functions/${feed.handler}.ts`,
    tables: feed.tables ?? {},
  };
  if (feed.trigger.kind === 'object-created') {
    return {
      ...common,
      kind: 'import',
      s3: [{ prefix: own, access: 'read-write' }, staging, ...(feed.state ?? []).map(state)],
      ...IMPORT_DEFAULTS,
      ...(feed.memoryMb ? { memorySize: feed.memoryMb } : {}),
    };
  }
  return {
    ...common,
    kind: 'export',
    s3: [{ prefix: own, access: 'write' }, staging, ...(feed.state ?? []).map(state)],
    schedule: feed.trigger.expression,
    ...SCHEDULED_DEFAULTS,
    ...(feed.memoryMb ? { memorySize: feed.memoryMb } : {}),
  };
}

function coreJobEntry(user: string, job: CoreJob, feeds: readonly FeedDefinition[]): FunctionEntry {
  const s3: PrefixNeed[] = (job.state ?? []).map(state);
  if (job.netsuiteExceptionFiles) {
    // Reads what NetSuite did with each file (archive/, error/, failed/) and moves the error
    // files it has read to error/processed/.
    for (const prefix of netsuiteOutboundPrefixes(user, feeds)) {
      s3.push({ prefix, access: 'read' }, { prefix: `${prefix}error/`, access: 'read-write' });
    }
  }
  return {
    id: job.id,
    kind: 'core-job',
    title: job.description,
    handler: job.handler,
    module: job.module,
    tables: job.tables,
    s3,
    schedule: job.schedule,
    ...SCHEDULED_DEFAULTS,
  };
}

/** The S3 needs of an API handler that works on the inbound feeds' files (operator console). */
export function consoleFilePrefixes(
  user: string,
  feedFiles: ApiHandler['feedFiles'],
  feeds: readonly FeedDefinition[] = implementedFeeds(),
): PrefixNeed[] {
  if (!feedFiles) return [];
  const inbound = feeds.filter((f) => f.trigger.kind === 'object-created' && f.handler);
  if (feedFiles === 'reimport')
    return [
      ...inbound.map((f) => ({ prefix: feedPrefix(user, f), access: 'read-write' as const })),
      staging,
    ];
  // The feed folder, for the kept files below it (archive/, error/, failed/): the handler reads
  // only those (`shared/console/files.ts`); one prefix a feed keeps the policy small.
  return inbound.map((f) => ({ prefix: feedPrefix(user, f), access: 'read' as const }));
}

function apiEntries(
  user: string,
  routes: readonly RouteDefinition[],
  handlers: Readonly<Record<string, ApiHandler>>,
): FunctionEntry[] {
  const byHandler = new Map<string, RouteDefinition[]>();
  for (const route of routes)
    byHandler.set(route.handler, [...(byHandler.get(route.handler) ?? []), route]);
  return [...byHandler].map(([handler, served]) => {
    const needs = handlers[handler];
    if (!needs) throw new Error(`HTTP API handler ${handler} declares no needs in API_HANDLERS`);
    return {
      id: handler,
      kind: 'api',
      title: served[0]!.description,
      handler,
      module: needs.module,
      tables: needs.tables,
      s3: consoleFilePrefixes(user, needs.feedFiles),
      ...(needs.deadLetters ? { deadLetters: needs.deadLetters } : {}),
      routes: served.map(routeKey),
      memorySize: API_DEFAULTS.memorySize,
      timeoutSeconds: API_DEFAULTS.timeoutSeconds,
      reservedConcurrency: needs.reservedConcurrency ?? API_DEFAULTS.reservedConcurrency,
    };
  });
}

/** Every function of the OMS, feeds first, then core jobs, then API handlers. Ids are unique. */
export function functionRegistry(options: RegistryOptions): FunctionEntry[] {
  const feeds = (options.feeds ?? implementedFeeds()).filter((f) => f.handler !== undefined);
  const entries = [
    ...feeds.map((f) => feedEntry(options.user, f)),
    ...(options.coreJobs ?? CORE_JOBS).map((j) => coreJobEntry(options.user, j, feeds)),
    ...apiEntries(options.user, options.routes ?? ROUTES, options.apiHandlers ?? API_HANDLERS),
  ];
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.id)) throw new Error(`function id ${e.id} appears twice in the registry`);
    seen.add(e.id);
  }
  return entries;
}

/** An HTTP route as the registry declares it: API Gateway's route key parsed back, with its handler. */
export interface RegistryRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly handler: string;
}

/** The HTTP routes of the registry's API entries (the local HTTP server serves exactly these). */
export function registryRoutes(entries: readonly FunctionEntry[]): RegistryRoute[] {
  return entries.flatMap((e) =>
    (e.routes ?? []).map((key) => {
      const [method, path] = key.split(' ');
      if (!method || !path)
        throw new Error(`function ${e.id}: route key "${key}" is not "METHOD /path"`);
      return { method: method as HttpMethod, path, handler: e.handler };
    }),
  );
}

/** The registry's scheduled functions (exports and core jobs): what a scheduler runs and `oms job` lists. */
export function scheduledEntries(
  entries: readonly FunctionEntry[],
): Array<FunctionEntry & { readonly schedule: string }> {
  return entries.filter((e): e is FunctionEntry & { schedule: string } => e.schedule !== undefined);
}
