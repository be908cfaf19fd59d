/**
 * The demo's flows, in the order their jobs run when due at the same minute. Later issues add
 * theirs here: one entry each, nothing else to change.
 */
import { brokeringFlow } from './brokering/flow.ts';
import { fulfillmentFlow } from './fulfillment/flow.ts';
import { netsuiteAccountFlow } from './netsuite-account/flow.ts';
import { netsuiteSyncFlow } from './netsuite-sync/flow.ts';
import type { DemoFlow } from './types.ts';

/** Fresh flow instances (each keeps its own running totals). */
export const demoFlows = (): DemoFlow[] => [
  netsuiteSyncFlow(),
  brokeringFlow(),
  fulfillmentFlow(),
  netsuiteAccountFlow(),
];
