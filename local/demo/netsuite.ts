/**
 * NetSuite's side of the demo: the simulator, logged in over SFTP like the SuiteScripts, on the
 * simulated clock, and the job that runs its scripts every quarter hour — after which the OMS
 * imports the id files, rejected items, item fulfillments and invoices it wrote back (S3 event →
 * import handler) before anything else runs. One warehouse of the account rejects a share of the
 * lines it is allocated; the warehouses ship a share of their open lines each cycle, with
 * NetSuite's habits (unescaped commas, several tracking numbers, shipments in two parts); NetSuite
 * invoices the orders fully shipped that have their deposit. The account keeps UTC (the OMS's
 * `OMS_NETSUITE_UTC_OFFSET` default).
 */
import type { LocalCloud } from '../cloud.ts';
import {
  NetsuiteSimulator,
  type FulfillmentOptions,
  type RejectionOptions,
} from '../netsuite/index.ts';
import { DEMO_DISCOUNT_ITEMS, DEMO_TAX_CODES } from './money/orders.ts';
import { seededDraw } from '../netsuite/scripts/rejections.ts';
import type { SimClock } from './clock.ts';
import { DEMO_FACILITIES } from './sample.ts';
import type { DemoJob } from './types.ts';

/** NetSuite's scheduled scripts: every 15 minutes, after the OMS exports of :00, :05 and :10. */
export const NETSUITE_SCRIPTS_SCHEDULE = 'cron(12/15 * * * ? *)';

/** The warehouse whose NetSuite location rejects a share of what it is allocated. */
export const DEMO_REJECTING_FACILITY = 'WH-EAST';
/** Share (0..1) of the allocations to that location it rejects. */
export const DEMO_REJECT_SHARE = 0.15;

/**
 * The demo's rejections: the rejecting warehouse's location rejects the first line allocated to
 * it and `DEMO_REJECT_SHARE` of the others, drawn as the simulator's own `rejectShare` is (seeded
 * by line and attempt: the same seed rejects the same lines); every other location takes what it
 * is sent. The first line is always rejected so that every run shows a rejection brokered again:
 * which lines reach that warehouse depends on the order the jobs met the stock in, and a share of
 * a dozen lines can draw none.
 */
export function demoRejections(seed: number): RejectionOptions {
  const location = DEMO_FACILITIES.find(
    (f) => f.facilityId === DEMO_REJECTING_FACILITY,
  )!.externalId;
  let firstSeen = false;
  return {
    seed,
    rejectWhen: (line) => {
      if (line.location !== location) return false;
      if (!firstSeen && line.attempt === 1) return (firstSeen = true);
      return (
        seededDraw(seed, `${line.internalId}/${line.lineId}/${line.attempt}`) < DEMO_REJECT_SHARE
      );
    },
  };
}

/** What NetSuite's warehouses ship each cycle, and how its fulfillment export writes it. */
export const DEMO_FULFILLMENT = {
  /** Share of the open allocated lines fulfilled per cycle. */
  fulfilShare: 0.5,
  /** Share of the fulfilled lines of 2+ units shipped in two parts. */
  partialShare: 0.1,
  /** Share of the shipments whose carrier or method has a comma (written unescaped). */
  commaShare: 0.1,
  /** Share of the shipments with two tracking numbers. */
  multiTrackingShare: 0.2,
  invoicing: true,
} as const satisfies FulfillmentOptions;

/**
 * The NetSuite account of the demo: its locations are the sample's facilities (warehouses its
 * staff ship from, stores the OMS ships from, one subsidiary), and it keeps its own books (on
 * hand, committed, available per location); the brokering flow seeds the morning's on hand and
 * NetSuite's own snapshot search exports it.
 */
export function demoSimulator(
  cloud: LocalCloud,
  password: string,
  clock: SimClock,
  opts: { readonly dataFile?: string; readonly seed: number },
): NetsuiteSimulator {
  const sim = new NetsuiteSimulator({
    host: cloud.sftp.host,
    port: cloud.sftp.port,
    user: cloud.sftp.user,
    password,
    now: () => clock.now(),
    dataFile: opts.dataFile,
    ...demoRejections(opts.seed),
    ...DEMO_FULFILLMENT,
  });
  sim.seedItems(DEMO_DISCOUNT_ITEMS);
  sim.seedTaxCodes(DEMO_TAX_CODES.map((t) => ({ id: t.netsuiteId, rate: t.netsuiteRate })));
  sim.seedLocations(
    DEMO_FACILITIES.map((f) => ({
      id: f.externalId,
      kind: f.kind === 'store' ? 'store' : 'warehouse',
      subsidiary: f.subsidiary,
    })),
  );
  return sim;
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
