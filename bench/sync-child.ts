/**
 * The "Lambdas" of the sync benchmark, in their own process so that their peak memory is their
 * own (not the bench's, nor the in-process S3 emulator's): `export` runs the sales order export's
 * handler once (a scheduled invocation); `import <feed> <key>` runs an id import's handler on the
 * S3 event of one object, as SQS delivers it. Prints one RESULT line (seconds, peak RSS).
 */
import { performance } from 'node:perf_hooks';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { handler as exportHandler } from '../functions/sales-order-export.ts';
import { handler as orderIdImport } from '../functions/order-id-import.ts';
import { handler as lineIdImport } from '../functions/order-line-id-import.ts';
import { s3EventBody, sqsEvent } from '../local/event-dispatch.ts';
import { config } from '../shared/platform/config.ts';
import { feedFiles } from '../shared/files/feed-file-store.ts';
import { dynamo, table } from '../shared/store/dynamo-client.ts';
import { ImportLedger } from '../shared/store/import-ledger.ts';

const [mode, feed, key] = process.argv.slice(2);
const peakMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const context = { getRemainingTimeInMillis: () => 15 * 60_000 } as Context;

// OMS_BENCH_MEMORY_TRACE=1: where the memory is, every 2 s (on stderr).
if (process.env.OMS_BENCH_MEMORY_TRACE) {
  const mb = (n: number) => Math.round(n / 1048576);
  setInterval(() => {
    const m = process.memoryUsage();
    console.error(
      `memory rss=${mb(m.rss)} heapUsed=${mb(m.heapUsed)} heapTotal=${mb(m.heapTotal)} external=${mb(m.external)} arrayBuffers=${mb(m.arrayBuffers)} peak=${peakMb()}`,
    );
  }, 2_000).unref();
}

async function runExport() {
  const started = performance.now();
  const report = (await exportHandler({}, context)) as { rows: number; records: number };
  const seconds = (performance.now() - started) / 1000;
  return { seconds, rows: report.rows, records: report.records, peakRssMb: peakMb() };
}

async function runImport() {
  const handlers: Record<string, (e: unknown, c: Context) => Promise<SQSBatchResponse>> = {
    'order-id-import': orderIdImport as never,
    'order-line-id-import': lineIdImport as never,
  };
  const handler = handlers[feed!];
  if (!handler) throw new Error(`unknown feed ${feed}`);
  const head = await feedFiles().head(key!);
  if (!head) throw new Error(`no object ${key}`);
  const started = performance.now();
  const out = await handler(
    sqsEvent(s3EventBody(config().bucket, key!, head.size, head.eTag)),
    context,
  );
  const seconds = (performance.now() - started) / 1000;
  if (out.batchItemFailures.length) throw new Error('the handler reported the message as failed');
  const record = await new ImportLedger(dynamo(), table('control')).get(key!, head.eTag);
  return { seconds, status: record?.status, summary: record?.summary, peakRssMb: peakMb() };
}

const result = mode === 'export' ? await runExport() : await runImport();
console.log(`RESULT ${JSON.stringify(result)}`);
