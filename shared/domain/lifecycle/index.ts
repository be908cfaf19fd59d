/** The order-line lifecycle: statuses, moves, holds, release gates. Pure TypeScript, no AWS. */
export * from './status.ts';
export * from './errors.ts';
export * from './line.ts';
export * from './holds.ts';
export * from './gates.ts';
export * from './moves.ts';
export * from './commands.ts';
export * from './events.ts';
