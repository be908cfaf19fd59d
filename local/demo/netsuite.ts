/**
 * NetSuite's side of the demo: the simulator, logged in over SFTP like the SuiteScripts, on the
 * simulated clock, and the job that runs its scripts every quarter hour — after which the OMS
 * imports the id files it wrote back (S3 event → import handler) before anything else runs.
 */
import type { LocalCloud } from '../cloud.ts';
import { NetsuiteSimulator } from '../netsuite/index.ts';
import type { SimClock } from './clock.ts';
import type { DemoJob } from './types.ts';

/** NetSuite's scheduled scripts: every 15 minutes, after the OMS exports of :00, :05 and :10. */
export const NETSUITE_SCRIPTS_SCHEDULE = 'cron(12/15 * * * ? *)';

export function demoSimulator(
  cloud: LocalCloud,
  password: string,
  clock: SimClock,
  dataFile?: string,
): NetsuiteSimulator {
  return new NetsuiteSimulator({
    host: cloud.sftp.host,
    port: cloud.sftp.port,
    user: cloud.sftp.user,
    password,
    now: () => clock.now(),
    dataFile,
  });
}

export function netsuiteScriptsJob(cloud: LocalCloud, sim: NetsuiteSimulator): DemoJob {
  return {
    id: 'netsuite-scripts',
    expression: NETSUITE_SCRIPTS_SCHEDULE,
    run: async () => {
      await sim.cycle();
      await cloud.dispatcher.idle();
    },
  };
}
