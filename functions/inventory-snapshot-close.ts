/** Scheduled after the nightly snapshot: applies the rule for pairs absent from it. */
import middy from '@middy/core';
import { closeOptionsFromEnv, closeSnapshot } from '../shared/jobs/inventory-snapshot-close.ts';
import { snapshotImporterDeps } from '../shared/jobs/inventory-snapshot-wiring.ts';
import { log } from '../shared/log.ts';

export const handler = middy(async (event: { force?: boolean } = {}) => {
  const started = Date.now();
  const report = await closeSnapshot(snapshotImporterDeps(), {
    ...closeOptionsFromEnv(),
    force: event?.force === true,
  });
  log.info('job inventory-snapshot-close', { ...report, ms: Date.now() - started });
  return report;
});
