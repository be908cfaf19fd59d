/** The composition root's accessors for operator console (gathered by `root.ts`). */
import type { ActionDeps } from '../console/actions.ts';
import type { ChartsDeps } from '../console/charts.ts';
import type { FailuresDeps } from '../console/failures.ts';
import type { HealthDeps } from '../console/health.ts';
import type { SkuLookupDeps } from '../console/lookup.ts';
import type { WaitingDeps } from '../console/waiting.ts';
import { implementedFeeds } from '../feeds/catalog.ts';
import { deadLetterQueue } from '../queue/dead-letter-queue.ts';
import {
  type Root,
  auditStore,
  brokeringStore,
  feedFileStore,
  importLedger,
  inventoryStore,
  positionStore,
  releaseQueueStore,
  resolutionStore,
  syncStore,
} from './core.ts';

// ---------------------------------------------------------------------------------------------
// Operator console

/** The console's views and actions (the ledger built per call: see `importLedger`). */
export function consoleDeps(r: Root): HealthDeps & FailuresDeps & ActionDeps & ChartsDeps {
  return {
    user: r.netsuiteUser,
    feeds: implementedFeeds(),
    files: feedFileStore(r),
    ledger: importLedger(r),
    sync: syncStore(r),
    deadLetters: deadLetterQueue(),
    audit: auditStore(r),
    resolutions: resolutionStore(r),
  };
}

export const waitingDeps = (r: Root): WaitingDeps => ({
  sync: syncStore(r),
  release: releaseQueueStore(r),
  brokering: brokeringStore(r),
});

export const skuLookupDeps = (r: Root): SkuLookupDeps => ({
  inventory: inventoryStore(r),
  positions: positionStore(r),
});
