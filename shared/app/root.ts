/**
 * The composition root: the one place where a process's clients and configuration become stores,
 * services and the dependencies of each job, feed, route and command.
 *
 * A process has one `Root`: the Lambdas and the local cloud (whose handlers run in its process,
 * configured from the environment exactly like a Lambda) share the default `root()` built from the
 * environment at first use; a test or tool may build its own with `createRoot` over its clients.
 * Everything a root builds is built once per root, at first use (`Root.once`), except what holds
 * per-run state or reads a setting per run (those are built per call, as each accessor says).
 *
 * The accessors are free functions of the root, not methods: a Lambda bundle keeps only the ones
 * its handler calls (esbuild drops the rest and, with `"sideEffects": false` in package.json, the
 * modules only they import), so a feed import does not load the brokering, console or pre-order
 * code. Keep them that way (docs/architecture.md, "The composition root"). Nothing in `shared/` imports this folder;
 * only entry points do (`functions/`, `local/`, `bench/`, `scripts/`, tests).
 *
 * This module gathers them: the root, its stores and the order core are in `core.ts`, each
 * capability's accessors in a module of its own beside it (`brokering.ts`, `fulfilment.ts`,
 * `store-fulfilment.ts`, `inventory.ts`, `sync.ts`, `console.ts`).
 */
export * from './core.ts';
export * from './brokering.ts';
export * from './fulfilment.ts';
export * from './store-fulfilment.ts';
export * from './inventory.ts';
export * from './sync.ts';
export * from './console.ts';
