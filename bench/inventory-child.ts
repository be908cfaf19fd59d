/**
 * The "Lambda" of the inventory benchmark, in its own process so that its peak memory is its own:
 * `import <key>` runs the real handler on the S3 event of one object; `ceiling <rows>` writes the
 * same rows with plain BatchWriteItem at the same concurrency. Prints one JSON line.
 */
import { performance } from 'node:perf_hooks';
import type { Context } from 'aws-lambda';
import { handler } from '../functions/inventory-snapshot-import.ts';
import { s3EventBody, sqsEvent } from '../local/event-dispatch.ts';
import { config } from '../shared/platform/config.ts';
import { feedFiles } from '../shared/files/feed-file-store.ts';
import { BatchWriter } from '../shared/store/batch-writer.ts';
import { dynamo, table } from '../shared/store/dynamo-client.ts';
import { ImportLedger } from '../shared/store/import-ledger.ts';
import { snapshotItem } from '../shared/store/inventory-store.ts';
import { snapshotRows } from './support/inventory-generator.ts';

const [mode, arg] = process.argv.slice(2);
const peakMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

// OMS_BENCH_MEMORY_TRACE=1: where the memory is, every 5 s (on stderr).
if (process.env.OMS_BENCH_MEMORY_TRACE) {
  const mb = (n: number) => Math.round(n / 1048576);
  setInterval(() => {
    const m = process.memoryUsage();
    console.error(
      `memory rss=${mb(m.rss)} heapUsed=${mb(m.heapUsed)} heapTotal=${mb(m.heapTotal)} external=${mb(m.external)} arrayBuffers=${mb(m.arrayBuffers)} peak=${peakMb()}`,
    );
  }, 5_000).unref();
}

async function importFile(key: string) {
  const head = await feedFiles().head(key);
  if (!head) throw new Error(`no object ${key}`);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const context = { getRemainingTimeInMillis: () => 15 * 60_000 } as Context;
  const out = await handler(
    sqsEvent(s3EventBody(config().bucket, key, head.size, head.eTag)),
    context,
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  if (out.batchItemFailures.length) throw new Error('the handler reported the message as failed');
  const record = await new ImportLedger(dynamo(), table('control')).get(key, head.eTag);
  // CPU (user + system) the handler used: what Lambda's CPU share, which follows memory, paces.
  const cpuSeconds = (used.user + used.system) / 1e6;
  return { seconds, cpuSeconds, summary: record?.summary, peakRssMb: peakMb() };
}

async function ceiling(rows: number, tableName: string) {
  const writer = new BatchWriter({
    client: dynamo(),
    table: tableName,
    keyAttributes: ['pk', 'sk'],
    concurrency: 16,
  });
  const meta = { file: 'ceiling', importedAt: new Date().toISOString() };
  const started = performance.now();
  let n = 0;
  for (const g of snapshotRows(rows)) {
    if (!g.row) continue;
    await writer.put(snapshotItem(g.row, meta));
    n++;
  }
  const stats = await writer.flush();
  const seconds = (performance.now() - started) / 1000;
  return { seconds, items: n, written: stats.written, peakRssMb: peakMb() };
}

const result =
  mode === 'import' ? await importFile(arg!) : await ceiling(Number(arg), process.argv[4]!);
console.log(`RESULT ${JSON.stringify(result)}`);
