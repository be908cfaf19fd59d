/**
 * Core jobs: scheduled work of the OMS itself (not tied to a feed file). CDK deploys one
 * scheduled Lambda per entry and the local scheduler runs the same handler on the same expression;
 * `npx oms job run <id>` runs one now.
 */
import { ALL_TABLES, type TableNeeds } from '../store/needs.ts';

export interface CoreJob {
  /** Stable id, also the job name on the command line. */
  readonly id: string;
  /** The handler module in `functions/` (without extension). */
  readonly handler: string;
  /** EventBridge Scheduler expression (`cron(min hour dom month dow year)` or `rate(n unit)`). */
  readonly schedule: string;
  readonly description: string;
  /**
   * An error-level log line the job writes while something needs a person: CDK turns it into a
   * metric filter on the job's log group (lines containing `term`) and an alarm on any such line.
   */
  readonly logAlarm?: { readonly term: string; readonly description: string };
  /** The module that does the work (`shared/...`). */
  readonly module: string;
  /** The tables the job reads or writes (its IAM policy grants exactly these). */
  readonly tables: TableNeeds;
  /** Sub-prefixes of `oms-state/` the job reads and writes. */
  readonly state?: readonly string[];
  /**
   * Reads NetSuite's archive/, error/ and failed/ below every outbound NetSuite folder and moves
   * the error files it read to error/processed/ (the `netsuite-exceptions` job).
   */
  readonly netsuiteExceptionFiles?: boolean;
}

/** The term of `netsuite-exceptions`' error line while records refused by NetSuite wait for a fix. */
export const REFUSED_RECORDS_ALARM = 'NetsuiteRefusedRecords';

/** The term of `reconcile-reservations`' error line while holds outlive `OMS_HOLD_MAX_AGE_HOURS`. */
export const STALE_HOLDS_ALARM = 'StaleInventoryHolds';

export const CORE_JOBS = [
  {
    id: 'reconcile-reservations',
    handler: 'reconcile-reservations',
    module: 'shared/jobs/reconcile-reservations.ts',
    tables: ALL_TABLES,
    schedule: 'cron(30 3 * * ? *)',
    description:
      'recomputes reserved quantities per SKU × facility from the reservation rows and adjustment holds, repairs drift and refreshes stored ATP; lists holds older than OMS_HOLD_MAX_AGE_HOURS (default 72)',
    logAlarm: {
      term: STALE_HOLDS_ALARM,
      description:
        'inventory holds outlive OMS_HOLD_MAX_AGE_HOURS: units the OMS promised that no NetSuite snapshot reflected (the job lists them)',
    },
  },
  {
    id: 'inventory-snapshot-close',
    handler: 'inventory-snapshot-close',
    module: 'shared/jobs/inventory-snapshot-close.ts',
    tables: ALL_TABLES,
    state: ['inventory/'],
    schedule: 'cron(0 7 * * ? *)',
    description:
      'after the nightly snapshot: pairs no snapshot file listed keep their figure (default) or, with OMS_SNAPSHOT_ABSENT=zero, go to 0 within a safety share',
  },
  {
    id: 'approve-orders',
    handler: 'approve-orders',
    module: 'shared/sync/approval.ts',
    tables: ALL_TABLES,
    schedule: 'cron(0/5 * * * ? *)',
    description:
      'orders whose NetSuite order id and every line id came back are approved (hold lifted, ready for brokering) and join the deposit export; returned deposit ids confirm the payment',
  },
  {
    id: 'preorder-allocate',
    handler: 'preorder-allocate',
    module: 'shared/preorder/allocation-service.ts',
    tables: ALL_TABLES,
    schedule: 'cron(0/15 * * * ? *)',
    description:
      'allocates unallocated pre-order lines (oldest order first) to purchase-order lines of their SKU (earliest arrival first)',
  },
  {
    id: 'preorder-repromise',
    handler: 'preorder-repromise',
    module: 'shared/preorder/supply-service.ts',
    tables: ALL_TABLES,
    schedule: 'cron(20 * * * ? *)',
    description:
      'moves the earliest customers onto an earlier-arriving PO line with ATP; gives back allocations above a lowered PO quantity',
  },
  {
    id: 'preorder-release',
    handler: 'preorder-release',
    module: 'shared/preorder/supply-service.ts',
    tables: ALL_TABLES,
    schedule: 'cron(0 6 * * ? *)',
    description:
      'releases pre-ordered lines whose PO arrived (1250 → 1200, FIFO); settles PO lines NetSuite closed (quantity 0); closes POs absent from the open-PO files only if OMS_PO_ABSENT_HOURS is set (off by default)',
  },
  {
    id: 'broker-orders',
    handler: 'broker-orders',
    module: 'shared/brokering/broker-orders.ts',
    tables: ALL_TABLES,
    schedule: 'cron(2/15 * * * ? *)',
    description:
      'brokering: approved orders in the brokering queue are allocated to facilities by the routing configuration (one run per product store at a time)',
  },
  {
    id: 'schedule-release',
    handler: 'schedule-release',
    module: 'shared/fulfillment/schedule-release.ts',
    tables: ALL_TABLES,
    schedule: 'cron(4/5 * * * ? *)',
    description:
      'allocated lines in the release queue are scheduled (ship date, carrier) and released when every release gate passes (inventory, deposit in NetSuite, fraud, completeness); held lines keep their gate holds and are retried',
  },
  {
    id: 'netsuite-exceptions',
    handler: 'netsuite-exceptions',
    module: 'shared/sync/netsuite-exceptions.ts',
    tables: ALL_TABLES,
    netsuiteExceptionFiles: true,
    schedule: 'cron(12/15 * * * ? *)',
    description:
      "reads NetSuite's archive/, error/ and failed/ of every folder it imports: files taken, records refused put back in their outbox (re-sent once fixed), failed files re-sent once, unexplained exceptions listed",
    logAlarm: {
      term: REFUSED_RECORDS_ALARM,
      description: 'records refused by NetSuite wait for a fix (oms sync status lists them)',
    },
  },
] as const satisfies readonly CoreJob[];

export type CoreJobId = (typeof CORE_JOBS)[number]['id'];
