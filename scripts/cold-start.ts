/**
 * The Lambda bundles' sizes (what `cdk synth` wrote to cdk.out) and the cold start of one import
 * handler's bundle on each given Node: a fresh process imports index.mjs and handles one SQS
 * message for a file just uploaded to the local cloud (real DynamoDB Local and S3 emulator).
 * Medians of several runs, the Nodes alternating. A measurement, not a test.
 *
 *   npx cdk synth --quiet && npm run bench:cold-start -- [--function product-import] [--runs 9]
 *     [--rows 200] [--node /usr/bin/node --node node_modules/.bin/node]
 *
 * Without --node: the Node running this script (24 through npm) and Debian's /usr/bin/node.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { median } from '../bench/support/measure.ts';
import { startLocalCloud } from '../local/cloud.ts';
import { s3EventBody, sqsEvent } from '../local/event-dispatch.ts';
import { implementedFeeds } from '../shared/feeds/catalog.ts';
import { feedPrefix } from '../shared/feeds/paths.ts';
import { createS3Client } from '../shared/files/s3-client.ts';
import { lambdaBundles, type LambdaBundle } from './cold-start/bundles.ts';
import { coldStart, type ColdStart } from './cold-start/run.ts';

const { values } = parseArgs({
  options: {
    function: { type: 'string', default: 'product-import' },
    runs: { type: 'string', default: '9' },
    rows: { type: 'string', default: '200' },
    node: { type: 'string', multiple: true },
    'cdk-out': { type: 'string', default: 'cdk.out' },
  },
});

const kib = (bytes: number) => (bytes / 1024).toFixed(0).padStart(6);

function printBundles(bundles: readonly LambdaBundle[]): void {
  console.log(`Lambda bundles (${bundles.length}, index.mjs; gzip -9 ≈ deployment zip):`);
  console.log(`  ${'function'.padEnd(30)}     KiB  gz KiB  map KiB`);
  for (const b of bundles) {
    console.log(`  ${b.id.padEnd(30)}  ${kib(b.bytes)}  ${kib(b.gzipBytes)}  ${kib(b.mapBytes)}`);
  }
  const sum = (f: (b: LambdaBundle) => number) => bundles.reduce((s, b) => s + f(b), 0);
  console.log(
    `  ${'total'.padEnd(30)}  ${kib(sum((b) => b.bytes))}  ${kib(sum((b) => b.gzipBytes))}  ${kib(sum((b) => b.mapBytes))}`,
  );
}

function defaultNodes(): string[] {
  return [process.execPath, '/usr/bin/node'].filter((n) => existsSync(n));
}

const versionOf = (node: string): string =>
  spawnSync(node, ['-p', 'process.version'], { encoding: 'utf8' }).stdout.trim();

/** CSV rows for a feed's columns: numbered values (a feed that refuses them still runs whole). */
const csvFile = (columns: readonly string[], rows: number, run: number): string =>
  [
    columns.join(','),
    ...Array.from({ length: rows }, (_, r) => columns.map(() => `${run * 100_000 + r + 1}`)),
  ]
    .map((cells) => (Array.isArray(cells) ? cells.join(',') : cells))
    .join('\n') + '\n';

async function main(): Promise<void> {
  const bundles = lambdaBundles(resolve(values['cdk-out']));
  printBundles(bundles);

  const feed = implementedFeeds().find((f) => f.id === values.function);
  const bundle = bundles.find((b) => b.id === values.function);
  if (!feed || feed.trigger.kind !== 'object-created' || feed.format !== 'csv' || !bundle) {
    throw new Error(`--function ${values.function} is not an inbound CSV feed with a bundle`);
  }
  const nodes = (values.node ?? defaultNodes()).map((n) => ({ path: n, version: versionOf(n) }));
  const runs = Number(values.runs);
  const rows = Number(values.rows);

  const dataDir = mkdtempSync(join(tmpdir(), 'oms-cold-start-'));
  const cloud = await startLocalCloud({ dataDir, inMemoryDb: true, dispatch: false });
  const s3 = createS3Client(cloud.config);
  const results = new Map<string, ColdStart[]>(nodes.map((n) => [n.version, []]));
  try {
    console.log(
      `\nCold start of ${feed.id} (${kib(bundle.bytes).trim()} KiB), ${runs} runs per Node, ` +
        `${rows} rows a file:`,
    );
    let file = 0;
    const once = async (node: string): Promise<ColdStart> => {
      file++;
      const key = `${feedPrefix(cloud.config.netsuiteUser, feed)}cold-start-${file}.csv`;
      const body = csvFile(feed.columns, rows, file);
      const put = await s3.send(
        new PutObjectCommand({ Bucket: cloud.bucket, Key: key, Body: body }),
      );
      const eventFile = join(dataDir, `event-${file}.json`);
      const event = sqsEvent(s3EventBody(cloud.bucket, key, body.length, put.ETag ?? ''));
      writeFileSync(eventFile, JSON.stringify(event));
      return coldStart(node, bundle.file, eventFile);
    };
    // One run not counted: DynamoDB Local's JVM compiles its hot paths on the first requests.
    await once(nodes[0]!.path);
    for (let run = 0; run < runs; run++) {
      // Alternate the order so that neither Node always goes first on a busy machine.
      const order = run % 2 ? [...nodes].reverse() : nodes;
      for (const node of order) {
        const result = await once(node.path);
        results.get(node.version)!.push(result);
        console.log(
          `  ${node.version.padEnd(9)} ready ${result.ready.toFixed(0).padStart(5)} ms` +
            `  first invocation ${result.invoke.toFixed(0).padStart(5)} ms` +
            `  spawn→exit ${result.wall.toFixed(0).padStart(5)} ms`,
        );
      }
    }
  } finally {
    s3.destroy();
    await cloud.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const summary = nodes.map((n) => {
    const r = results.get(n.version)!;
    return {
      node: n.version,
      readyMs: Math.round(median(r.map((x) => x.ready))),
      firstInvokeMs: Math.round(median(r.map((x) => x.invoke))),
      wallMs: Math.round(median(r.map((x) => x.wall))),
    };
  });
  console.log('\nMedians:');
  for (const s of summary) {
    console.log(
      `  ${s.node.padEnd(9)} ready ${s.readyMs} ms, first invocation ${s.firstInvokeMs} ms, ` +
        `spawn→exit ${s.wallMs} ms`,
    );
  }
  console.log(
    JSON.stringify({
      function: feed.id,
      bundleBytes: bundle.bytes,
      runs,
      rows,
      bundles: bundles.map((b) => ({ id: b.id, bytes: b.bytes, gzipBytes: b.gzipBytes })),
      coldStart: summary,
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
