/**
 * `npm run bench:inventory -- --rows 1000000`
 *
 * Imports a NetSuite-style inventory snapshot through the real handler on the local cloud and, in
 * the same run and against the same DynamoDB Local, measures the ceiling: plain BatchWriteItem of
 * the same rows at the same concurrency. Then re-imports the unchanged snapshot, and checks that
 * every row was applied or reported, none lost and none written twice. Not a test: figures only.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync, createReadStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CreateTableCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startLocalCloud } from '../local/cloud.ts';
import { feedById } from '../shared/feeds/catalog.ts';
import { feedPrefix } from '../shared/feeds/paths.ts';
import { FeedFileStore } from '../shared/files/feed-file-store.ts';
import { createS3Client } from '../shared/files/s3-client.ts';
import { createDynamoClient } from '../shared/store/dynamo-client.ts';
import { FacilityStore } from '../shared/store/facility-store.ts';
import { tableName } from '../shared/store/tables.ts';
import { NS_PREFIX } from '../shared/store/inventory-store.ts';
import { functionRegistry } from '../shared/registry/functions.ts';
import { runChild } from './support/child.ts';
import {
  FACILITIES,
  HEADER,
  facilityExternalId,
  goodRowCount,
  netsuiteFileName,
  quantityOf,
  skuOf,
  snapshotRows,
} from './support/inventory-generator.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    persist: { type: 'boolean', default: false },
    heap: { type: 'string', default: '3g' },
    /** The import function's memory (MB); default: its size in the function registry. */
    memory: { type: 'string' },
  },
});
const registryMemory = functionRegistry({ user: 'netsuite' }).find(
  (f) => f.id === 'inventory-snapshot-import',
)!.memorySize;
const memoryMb = Number(values.memory ?? registryMemory);
if (!Number.isInteger(memoryMb) || memoryMb < 128) throw new Error('--memory must be ≥ 128 (MB)');
// The children run with the heap flags Lambda gives a function of this size.
const child = { memoryMb };
const rows = Number(values.rows);
if (!Number.isInteger(rows) || rows < 1000) throw new Error('--rows must be a whole number ≥ 1000');

const t0 = Date.now();
const say = (msg: string) =>
  console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
/** Lambda gives a function one vCPU's worth of CPU at 1,769 MB, in proportion below that. */
const LAMBDA_MB_PER_VCPU = 1769;

interface ImportOut {
  seconds: number;
  /** The handler's CPU time (user + system). */
  cpuSeconds: number;
  peakRssMb: number;
  summary?: { rows: number; applied: number; rejected: number; stats?: Record<string, number> };
}
interface CeilingOut {
  seconds: number;
  items: number;
  written: number;
  peakRssMb: number;
}

async function writeFile(path: string, generation: number): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${HEADER}\n`);
  for (const g of snapshotRows(rows, generation)) {
    if (!out.write(`${g.line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Reads every SKU's NetSuite figures (a query a SKU, 16 at once) and compares each with the generator's. */
async function verify(client: DynamoDBClient, table: string) {
  const skus = Math.ceil(rows / FACILITIES);
  let found = 0;
  let wrong = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let s = next++; s < skus; s = next++) {
        let start: Record<string, never> | undefined;
        do {
          const page = await client.send(
            new QueryCommand({
              TableName: table,
              KeyConditionExpression: 'pk = :sku AND begins_with(sk, :ns)',
              ExpressionAttributeValues: { ':sku': { S: skuOf(s) }, ':ns': { S: NS_PREFIX } },
              ExclusiveStartKey: start,
            }),
          );
          for (const item of page.Items ?? []) {
            found++;
            const f = Number(item.facilityId!.S!) - 1000;
            if (Number(item.nsQty!.N) !== quantityOf(s, f)) wrong++;
          }
          start = page.LastEvaluatedKey as typeof start;
        } while (start);
      }
    }),
  );
  return { found, wrong };
}

const tableShape = {
  BillingMode: 'PAY_PER_REQUEST' as const,
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' as const },
    { AttributeName: 'sk', AttributeType: 'S' as const },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' as const },
    { AttributeName: 'sk', KeyType: 'RANGE' as const },
  ],
};

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'oms-bench-'));
  say(
    `starting the local cloud (DynamoDB Local ${values.persist ? 'on disk' : 'in memory'}, heap ${values.heap})`,
  );
  const cloud = await startLocalCloud({
    dataDir,
    inMemoryDb: !values.persist,
    dispatch: false,
    dynamoHeap: values.heap,
    sftpPassword: randomBytes(12).toString('hex'), // unused by the benchmark; the server refuses weak ones
  });
  try {
    const cfg = cloud.config;
    const dynamo = createDynamoClient(cfg);
    const files = new FeedFileStore(createS3Client(cfg), cloud.bucket, cloud.sftp.user);
    await new FacilityStore(dynamo, tableName(cfg.tablePrefix, 'control')).save(
      Array.from({ length: FACILITIES }, (_, f) => ({
        facilityId: facilityExternalId(f),
        externalId: facilityExternalId(f),
        name: `Facility ${f}`,
        kind: 'warehouse' as const,
        groups: [],
      })),
    );
    const ceilingTable = `${cfg.tablePrefix}-bench-ceiling`;
    await dynamo.send(new CreateTableCommand({ ...tableShape, TableName: ceilingTable }));

    const file = join(dataDir, 'snapshot.csv');
    say(
      `generating ${fmt(rows)} rows (${FACILITIES} facilities × ${fmt(Math.ceil(rows / FACILITIES))} SKUs)`,
    );
    await writeFile(file, 0);
    const bytes = statSync(file).size;
    const prefix = feedPrefix(cloud.sftp.user, feedById('inventory-snapshot-import'));
    const name = netsuiteFileName(new Date());
    await files.writeAtomically(`${prefix}${name}`, createReadStream(file));
    say(`uploaded "${name}" (${(bytes / 1e6).toFixed(1)} MB)`);

    // A cold JVM is slower: warm DynamoDB Local up before measuring anything.
    const warmTable = `${cfg.tablePrefix}-bench-warmup`;
    await dynamo.send(new CreateTableCommand({ ...tableShape, TableName: warmTable }));
    say('warming DynamoDB Local up');
    await runChild<CeilingOut>(
      'bench/inventory-child.ts',
      ['ceiling', String(Math.min(rows, 100_000)), warmTable],
      child,
    );

    say('ceiling: plain BatchWriteItem of the same rows, 16 calls in flight');
    const ceiling = await runChild<CeilingOut>(
      'bench/inventory-child.ts',
      ['ceiling', String(rows), ceilingTable],
      child,
    );
    const ceilingRate = ceiling.items / ceiling.seconds;
    say(
      `ceiling: ${fmt(ceiling.items)} items in ${ceiling.seconds.toFixed(1)} s = ${fmt(ceilingRate)} items/s`,
    );

    say('import: the inventory-snapshot-import handler on the S3 event');
    const first = await runChild<ImportOut>(
      'bench/inventory-child.ts',
      ['import', `${prefix}${name}`],
      child,
    );
    const importRate = rows / first.seconds;
    say(
      `import: ${fmt(rows)} rows in ${first.seconds.toFixed(1)} s = ${fmt(importRate)} rows/s, peak RSS ${first.peakRssMb} MB`,
    );

    say('verifying every figure in DynamoDB');
    const check = await verify(dynamo, tableName(cfg.tablePrefix, 'inventory'));
    const good = goodRowCount(rows);
    const s = first.summary;
    const reported = s?.rejected ?? 0;
    const applied = s?.applied ?? 0;
    const lost = rows - applied - reported + (good - (check.found - check.wrong));
    const appliedTwice = Math.max(0, (s?.stats?.written ?? 0) - applied);

    say('re-import of the unchanged snapshot under a new name');
    const again = `${netsuiteFileName(new Date(Date.now() + 86_400_000))}`;
    await files.writeAtomically(`${prefix}${again}`, createReadStream(file));
    const second = await runChild<ImportOut>(
      'bench/inventory-child.ts',
      ['import', `${prefix}${again}`],
      child,
    );
    const reimportWrites = second.summary?.stats?.written ?? -1;

    const figures = {
      rows,
      rowsPerSec: Math.round(importRate),
      ceilingRowsPerSec: Math.round(ceilingRate),
      ratio: Number((importRate / ceilingRate).toFixed(3)),
      peakRssMb: first.peakRssMb,
      lambdaMemoryMb: memoryMb,
      importSec: Number(first.seconds.toFixed(1)),
      importCpuSec: Number(first.cpuSeconds.toFixed(1)),
      // The same CPU at Lambda's share for the configured memory (1,769 MB = one vCPU): a floor
      // for the import's time on AWS, whatever the table allows.
      lambdaCpuFloorSec: Math.round(first.cpuSeconds / (memoryMb / LAMBDA_MB_PER_VCPU)),
      reimportSec: Number(second.seconds.toFixed(1)),
      reimportSpeedup: Number((first.seconds / second.seconds).toFixed(1)),
      reimportWrites,
      reimportWritesPct: Number(((100 * reimportWrites) / rows).toFixed(3)),
      applied,
      reported,
      found: check.found,
      wrongFigures: check.wrong,
      lost,
      appliedTwice,
      dynamoMode: values.persist ? 'disk' : 'memory',
    };
    console.log(
      [
        '',
        `rows                 ${fmt(rows)} (${fmt(applied)} applied, ${fmt(reported)} reported in the error file)`,
        `import               ${fmt(importRate)} rows/s (${first.seconds.toFixed(1)} s)`,
        `ceiling              ${fmt(ceilingRate)} items/s  (BatchWriteItem, same DynamoDB Local, same run)`,
        `ratio                ${figures.ratio}   (target ≥ 0.9)`,
        `peak RSS (importer)  ${first.peakRssMb} MB   (target ≤ 200 MB; Lambda's heap flags for ${memoryMb} MB; DynamoDB Local's JVM not counted)`,
        `CPU (importer)       ${first.cpuSeconds.toFixed(1)} s; at Lambda's share for ${memoryMb} MB (${(memoryMb / LAMBDA_MB_PER_VCPU).toFixed(2)} vCPU) ≥ ${figures.lambdaCpuFloorSec} s`,
        `re-import unchanged  ${second.seconds.toFixed(1)} s, ${figures.reimportSpeedup}× faster, ${fmt(reimportWrites)} writes (${figures.reimportWritesPct}% of rows)`,
        `in DynamoDB          ${fmt(check.found)} figures, ${check.wrong} wrong; lost ${lost}, written twice ${appliedTwice}`,
        '',
      ].join('\n'),
    );
    console.log(JSON.stringify(figures));
  } finally {
    await cloud.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
