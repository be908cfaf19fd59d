/** Builds the operator console's services from the process-wide clients and configuration. */
import { config } from '../platform/config.ts';
import { implementedFeeds } from '../feeds/catalog.ts';
import { feedFiles } from '../files/feed-file-store.ts';
import { deadLetterQueue } from '../queue/dead-letter-queue.ts';
import { AuditStore, ResolutionStore } from '../store/audit-store.ts';
import { dynamo, table } from '../store/dynamo-client.ts';
import { ImportLedger } from '../store/import-ledger.ts';
import { syncStore } from '../sync/wiring.ts';
import type { ActionDeps } from './actions.ts';
import type { ChartsDeps } from './charts.ts';
import type { FailuresDeps } from './failures.ts';
import type { HealthDeps } from './health.ts';

export const auditStore = () => new AuditStore(dynamo(), table('control'));

export function consoleDeps(): HealthDeps & FailuresDeps & ActionDeps & ChartsDeps {
  return {
    user: config().netsuiteUser,
    feeds: implementedFeeds(),
    files: feedFiles(),
    ledger: new ImportLedger(dynamo(), table('control')),
    sync: syncStore(),
    deadLetters: deadLetterQueue(),
    audit: auditStore(),
    resolutions: new ResolutionStore(dynamo(), table('control')),
  };
}
