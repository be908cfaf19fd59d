/** Scheduled after the nightly snapshot: applies the rule for pairs absent from it. */
import { closeOptionsFromEnv, closeSnapshot } from '../shared/jobs/inventory-snapshot-close.ts';
import { root, snapshotImporterDeps } from '../shared/app/root.ts';
import { lambdaShell } from '../shared/lambda-shell/shell.ts';
import { log } from '../shared/platform/log.ts';

export const handler = lambdaShell(
  {
    name: 'inventory-snapshot-close',
    kind: 'job',
    runRecord: (report) => ({ details: { ...report } }),
  },
  async (event: { force?: boolean } | undefined = {}) => {
    const started = Date.now();
    const report = await closeSnapshot(snapshotImporterDeps(root()), {
      ...closeOptionsFromEnv(),
      force: event?.force === true,
    });
    log.info('job inventory-snapshot-close', { ...report, ms: Date.now() - started });
    return report;
  },
);
