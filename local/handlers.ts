/**
 * The local cloud's functions: the entries of the function registry (`shared/registry/`), each
 * loaded from its handler module in `functions/` — the same code CDK bundles for AWS. A handler the
 * registry does not declare is refused, so that what runs locally is what CDK deploys.
 */
import type { Handler } from 'aws-lambda';
import { DEFAULTS } from '../shared/platform/config.ts';
import {
  functionRegistry,
  registryRoutes,
  scheduledEntries,
  type FunctionEntry,
  type RegistryRoute,
} from '../shared/registry/functions.ts';

let registry: readonly FunctionEntry[] | undefined;

/**
 * Every function of the OMS, as the registry declares it. The SFTP user only shapes the entries'
 * S3 prefixes, which the local cloud does not enforce; handlers, schedules and routes do not
 * depend on it.
 */
export function localFunctions(): readonly FunctionEntry[] {
  registry ??= functionRegistry({ user: DEFAULTS.netsuiteUser });
  return registry;
}

/** Handler name → its module below the repository root (`functions/<handler>.ts`). */
export function handlerModules(): ReadonlyMap<string, string> {
  return new Map(localFunctions().map((e) => [e.handler, `functions/${e.handler}.ts`]));
}

/** The registry's scheduled functions (exports, core jobs): the local scheduler's jobs. */
export function localScheduledFunctions(): ReadonlyArray<FunctionEntry & { schedule: string }> {
  return scheduledEntries(localFunctions());
}

/** The registry's HTTP routes: the ones the local HTTP API serves. */
export function localRoutes(): readonly RegistryRoute[] {
  return registryRoutes(localFunctions());
}

const cache = new Map<string, Promise<Handler>>();

export function loadHandler(name: string): Promise<Handler> {
  let loaded = cache.get(name);
  if (!loaded) {
    if (!handlerModules().has(name)) {
      return Promise.reject(
        new Error(`unknown function "${name}": the function registry (shared/registry/) has none`),
      );
    }
    loaded = import(`../functions/${name}.ts`).then((m: { handler?: Handler }) => {
      if (typeof m.handler !== 'function')
        throw new Error(`functions/${name}.ts exports no handler`);
      return m.handler;
    });
    cache.set(name, loaded);
  }
  return loaded;
}

/**
 * Invokes a handler the way Lambda does (a context object, promise style). The context carries
 * what Lambda's does, so the shell's JSON log lines (`OMS_LOG_FORMAT=json`) have the same keys
 * locally as on AWS (`function_name`, `function_arn`, `function_memory_size`, `function_request_id`),
 * with the memory size the registry gives the function.
 */
export async function invoke<TResult = unknown>(name: string, event: unknown): Promise<TResult> {
  const handler = await loadHandler(name);
  const entry = localFunctions().find((e) => e.handler === name);
  const context = {
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: String(entry?.memorySize ?? 1024),
    awsRequestId: crypto.randomUUID(),
    getRemainingTimeInMillis: () => 15 * 60_000,
  };
  return (await handler(event, context as never, () => undefined)) as TResult;
}
