/**
 * The brokering engine and its routing configuration. Pure TypeScript: no AWS, no I/O.
 *
 * - `parseRoutingConfig(json)` → a validated `RoutingConfig` (checked against `ROUTING_SCHEMA`),
 *   or `ConfigError`s (path, code, message); `runFor(config, productStoreId)` picks a store's run.
 * - `matchesOrderFilters` / `matchOrder` and `sortOrders`: which orders a routing takes from a
 *   queue and in which order (for the job).
 * - `brokerOrder({order, run, facilities, stock, now})` → a `BrokeringDecision` (allocations,
 *   queued, unplaced, explanation); `formatExplanation(decision)` prints it.
 */
export * from './queues.ts';
export * from './routing-config.ts';
export * from './routing-schema.ts';
export * from './parse-routing-config.ts';
export * from './config-error.ts';
export * from './broker-order.ts';
export * from './decision.ts';
export * from './distance.ts';
export * from './order-sort.ts';
export { brokerOrder, type BrokerInput } from './engine.ts';
export { formatExplanation } from './explain.ts';
