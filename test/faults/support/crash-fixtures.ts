/**
 * What the crash, DynamoDB and redrive fault tests share: a NetSuite snapshot with bad rows, the
 * figures a clean run leaves, and reading back what the OMS stored.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { GetItemCommand, ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  FACILITIES,
  HEADER,
  facilityExternalId,
  isBadRow,
  snapshotRows,
} from '../../../bench/support/inventory-generator.ts';
import type { FeedFileStore } from '../../../shared/files/feed-file-store.ts';
import { FacilityStore } from '../../../shared/store/facility-store.ts';
import { ImportLedger, type LedgerRecord } from '../../../shared/store/import-ledger.ts';
import { NS_PREFIX } from '../../../shared/store/inventory-store.ts';
import { tableName } from '../../../shared/store/tables.ts';

export { FACILITIES };

/** A snapshot of `rows` rows (one in a thousand bad), CRLF line ends. */
export const snapshotCsv = (rows: number, generation = 0): string => {
  const lines = [HEADER];
  for (const g of snapshotRows(rows, generation)) lines.push(g.line);
  return `${lines.join('\r\n')}\r\n`;
};

/** The NetSuite figures a clean import of that snapshot leaves, by "sku|facility". */
export function cleanFigures(rows: number, generation = 0): Map<string, number> {
  const out = new Map<string, number>();
  for (const g of snapshotRows(rows, generation)) {
    if (g.row) out.set(`${g.row.sku}|${g.row.facilityId}`, g.row.availableQty);
  }
  return out;
}

/** The file lines (1 = header) a clean import reports as errors. */
export const cleanErrorLines = (rows: number): number[] => {
  const out: number[] = [];
  for (let i = 0; i < rows; i++) if (isBadRow(i)) out.push(i + 2);
  return out;
};

/** Every NetSuite figure stored, by "sku|facility". */
export async function storedFigures(
  dynamo: DynamoDBClient,
  tablePrefix: string,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let start: Record<string, never> | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({
        TableName: tableName(tablePrefix, 'inventory'),
        ExclusiveStartKey: start,
      }),
    );
    for (const i of page.Items ?? []) {
      if (i.sk!.S!.startsWith(NS_PREFIX))
        out.set(`${i.pk!.S}|${i.facilityId!.S}`, Number(i.nsQty!.N));
    }
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return out;
}

/** The generator's facilities (1000…1099), as the OMS must know them. */
export async function loadFacilities(dynamo: DynamoDBClient, tablePrefix: string): Promise<void> {
  await new FacilityStore(dynamo, tableName(tablePrefix, 'control')).save(
    Array.from({ length: FACILITIES }, (_, f) => ({
      facilityId: facilityExternalId(f),
      externalId: facilityExternalId(f),
      name: `F${f}`,
      kind: 'warehouse' as const,
      groups: [],
    })),
  );
}

/** The error lines of an error report (sorted), or [] without one. */
export async function reportedErrorLines(
  files: FeedFileStore,
  errorFile: string,
): Promise<number[]> {
  const text = await files.readText(errorFile);
  if (!text) return [];
  return (parse(text, { columns: true }) as Array<{ line: string }>)
    .map((e) => Number(e.line))
    .sort((a, b) => a - b);
}

/** The ledger record of a file version. */
export const ledgerRecord = (
  dynamo: DynamoDBClient,
  tablePrefix: string,
  key: string,
  eTag: string,
): Promise<LedgerRecord | undefined> =>
  new ImportLedger(dynamo, tableName(tablePrefix, 'control')).get(key, eTag);

/** Until when the file version's claim holds (the ledger's `leaseUntil`, ms), or 0. */
export async function leaseUntil(
  dynamo: DynamoDBClient,
  tablePrefix: string,
  key: string,
  eTag: string,
): Promise<number> {
  const out = await dynamo.send(
    new GetItemCommand({
      TableName: tableName(tablePrefix, 'control'),
      Key: { pk: { S: `IMPORT#${key}` }, sk: { S: `ETAG#${eTag}` } },
      ConsistentRead: true,
    }),
  );
  return Number(out.Item?.leaseUntil?.N ?? 0);
}

/** Polls `check` every 50 ms until it returns a value, or fails after `ms`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  ms: number,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A child process's exit, as a promise (resolves at once when it already exited). */
export const exitOf = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', () => r()));

/**
 * A data folder for a persisted local cloud, in memory-backed /dev/shm when there is one: DynamoDB
 * Local persisted syncs every write to disk (a few hundred rows a second on a shared VM disk). A
 * killed process loses nothing there either: it is the process that dies, not the machine.
 */
export const dataFolder = (prefix: string): string =>
  mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), prefix));

/** The pid in a pid file, if the process still runs. */
export function livePid(pidFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8'));
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** Runs `node --import tsx <script>` (one process: kill -9 reaches what it kills). */
export function spawnTs(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine?: (line: string) => void,
): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const take = (b: Buffer) => {
    tail += b.toString();
    const lines = tail.split('\n');
    tail = lines.pop()!;
    for (const line of lines) onLine?.(line);
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  return child;
}
