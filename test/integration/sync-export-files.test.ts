/**
 * One export run's files: split at the row limit without splitting an order, never a record twice
 * in one run, re-sent only after the interval, and each file whole in S3 under a unique name.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netsuiteSample } from '../../local/sample/netsuite-sample.ts';
import { partyIdFor } from '../../shared/domain/sync/party.ts';
import { feedById } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { feedFiles } from '../../shared/files/feed-file-store.ts';
import {
  exportDeps,
  exportSources,
  mappingStore,
  netsuiteIdStore,
  orderRuntime,
  root,
} from '../../shared/app/root.ts';
import { dynamo, table } from '../../shared/store/dynamo-client.ts';
import { productItems, ProductStore } from '../../shared/store/product-store.ts';
import { runExport } from '../../shared/sync/export-run.ts';
import { salesOrderExport } from '../../shared/sync/exports.ts';
import { startTestCloud } from '../support/local-cloud.ts';

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
const sample = netsuiteSample({
  orders: 12,
  customers: 4,
  products: 5,
  maxLines: 4,
  seed: 3,
  prefix: 'F',
});

beforeAll(async () => {
  cloud = await startTestCloud({ dispatch: false });
  const writer = new ProductStore(dynamo(), table('control')).writer();
  for (const p of sample.products) {
    for (const item of productItems(p, { file: 't', importedAt: 'now' })) await writer.put(item);
  }
  await writer.flush();
  await mappingStore(root()).save(sample.mappings);
  const ids = netsuiteIdStore(root());
  const w = ids.writer();
  for (const [i, c] of sample.customers.entries()) {
    await w.put(ids.customerIdItem(partyIdFor(c.shopCustomerId), String(700 + i), 't', 'now'));
  }
  await w.flush();
  for (const o of sample.orders) {
    await orderRuntime(root()).intake.submit(o, { source: 'test', actor: 'test' });
  }
});

afterAll(async () => cloud?.cleanup());

const readFile = async (name: string) => {
  const key = `${feedPrefix(cloud.sftp.user, feedById('sales-order-export'))}${name}`;
  return parse((await feedFiles().readText(key))!, { columns: true }) as Record<string, string>[];
};

describe('sales order export files', () => {
  it('splits at the row limit, keeps each order whole, sends each once', async () => {
    const lines = sample.orders.reduce((n, o) => n + o.lines.length, 0);
    const report = await runExport(salesOrderExport(exportSources(root())), {
      ...exportDeps(root()),
      maxRowsPerFile: 5,
    });
    expect(report.records).toBe(12);
    expect(report.rows).toBe(lines);
    expect(report.files.length).toBeGreaterThanOrEqual(Math.ceil(lines / 5));
    const seen = new Map<string, string>();
    for (const name of report.files) {
      const rows = await readFile(name);
      expect(rows.length).toBeGreaterThan(0);
      // An order bigger than the limit (4 lines fit in 5) never shares a file it cannot fit.
      expect(rows.length).toBeLessThanOrEqual(5);
      for (const r of rows) {
        const file = seen.get(r.HCOrderId!);
        expect(file === undefined || file === name, `order ${r.HCOrderId} split`).toBe(true);
        seen.set(r.HCOrderId!, name);
      }
    }
    expect(seen.size).toBe(12);
    expect(new Set(report.files).size).toBe(report.files.length);
  });

  it('does not send again within the interval, and again after it with new file names', async () => {
    const again = await runExport(salesOrderExport(exportSources(root())), exportDeps(root()));
    expect(again).toMatchObject({ records: 0, files: [], notDue: 12 });
    const later = await runExport(salesOrderExport(exportSources(root())), {
      ...exportDeps(root()),
      resendAfterMs: 0,
    });
    expect(later.records).toBe(12);
    const first = await runExport(salesOrderExport(exportSources(root())), {
      ...exportDeps(root()),
      resendAfterMs: 0,
    });
    expect(first.files.some((f) => later.files.includes(f))).toBe(false);
  });

  it('stops soon after a send state cannot be written, and marks nothing sent', async () => {
    const deps = exportDeps(root());
    const failing = Object.create(deps.sync) as typeof deps.sync;
    failing.writer = () =>
      ({
        put: () => Promise.reject(new Error('state write refused')),
        flush: () => Promise.resolve({ written: 0 }),
      }) as unknown as ReturnType<typeof deps.sync.writer>;
    const folder = feedPrefix(cloud.sftp.user, feedById('sales-order-export'));
    const before = new Set((await feedFiles().list(folder)).map((o) => o.key));
    await expect(
      runExport(salesOrderExport(exportSources(root())), {
        ...deps,
        sync: failing,
        resendAfterMs: 0,
        maxRowsPerFile: 5,
      }),
    ).rejects.toThrow('state write refused');
    const added = (await feedFiles().list(folder)).filter((o) => !before.has(o.key));
    // The first file went out before its states failed; the run stopped soon after (the failure
    // is seen at the file after next at the latest), not after the ≥ 6 files of a whole run.
    expect(added.length).toBeGreaterThanOrEqual(1);
    expect(added.length).toBeLessThanOrEqual(2);
    expect(added.every((o) => o.key.endsWith('.csv'))).toBe(true);
    // No send was recorded: every record is due again at once, all in the next run.
    const next = await runExport(salesOrderExport(exportSources(root())), {
      ...deps,
      resendAfterMs: 0,
    });
    expect(next.records).toBe(12);
  });
});
