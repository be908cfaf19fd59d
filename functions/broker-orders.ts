/**
 * Core job `broker-orders`: one brokering run per product store configured (or the one named in
 * the event), never two runs of one store at a time (a lease lock per store).
 */
import { randomUUID } from 'node:crypto';
import { brokerOrders, type BrokeringReport } from '../shared/brokering/broker-orders.ts';
import { brokerDeps, brokeringLock, root } from '../shared/app/root.ts';
import { appendKeys, lambdaShell } from '../shared/lambda-shell/shell.ts';
import { log } from '../shared/platform/log.ts';
import { LockBusyError } from '../shared/store/lease-lock.ts';

const LEASE_MS = 14 * 60_000;

export const handler = lambdaShell<
  { productStoreId?: string; orderIds?: string[] } | undefined,
  { runs: BrokeringReport[]; busy: string[] }
>(
  {
    name: 'broker-orders',
    kind: 'job',
    runRecord: ({ runs, busy }) => {
      const sum = (f: (r: BrokeringReport) => number) => runs.reduce((n, r) => n + f(r), 0);
      return {
        records: sum((r) => r.allocatedLines),
        details: {
          linesBrokered: sum((r) => r.allocatedLines),
          unitsPlaced: sum((r) => r.allocatedUnits),
          queuedUnits: sum((r) => r.queuedUnits),
          backorderedUnits: sum((r) => r.backorderedUnits),
          busyStores: busy.length,
        },
      };
    },
    metrics: ({ runs }, add) => {
      const sum = (f: (r: BrokeringReport) => number) => runs.reduce((n, r) => n + f(r), 0);
      add(
        'Placements',
        sum((r) => r.allocatedLines),
      );
      add(
        'PlacedUnits',
        sum((r) => r.allocatedUnits),
      );
      add(
        'QueuedUnits',
        sum((r) => r.queuedUnits),
      );
      add(
        'BackorderedUnits',
        sum((r) => r.backorderedUnits),
      );
      add(
        'BrokeringFailures',
        sum((r) => r.failed.length),
      );
    },
  },
  async (event = {}) => {
    const deps = await brokerDeps(root());
    if (!deps) {
      log.info('brokering run skipped: no routing configured (oms broker routing load <file>)');
      return { runs: [], busy: [] };
    }
    const stores = event?.productStoreId
      ? [event.productStoreId]
      : deps.config.runs.map((r) => r.productStoreId);
    const runs: BrokeringReport[] = [];
    const busy: string[] = [];
    for (const productStoreId of stores) {
      const lock = brokeringLock(root(), productStoreId);
      const owner = randomUUID();
      try {
        await lock.acquire(owner, LEASE_MS);
      } catch (err) {
        if (!(err instanceof LockBusyError)) throw err;
        log.info('brokering run skipped: another run of this store is going', { productStoreId });
        busy.push(productStoreId);
        continue;
      }
      try {
        const report = await brokerOrders(deps, { productStoreId, orderIds: event?.orderIds });
        appendKeys({ runId: report.runId });
        log.info('brokering run', {
          productStoreId,
          orders: report.orders,
          allocatedLines: report.allocatedLines,
          allocatedUnits: report.allocatedUnits,
          queuedUnits: report.queuedUnits,
          backorderedUnits: report.backorderedUnits,
          skipped: report.skipped.length,
          raced: report.raced,
          failed: report.failed.length,
          ms: report.ms,
        });
        for (const f of report.failed.slice(0, 5)) {
          log.warn('brokering failed for an order; retried next run', {
            order: f.orderId,
            error: f.error,
          });
        }
        runs.push(report);
      } finally {
        await lock.release(owner, true);
      }
    }
    return { runs, busy };
  },
);
