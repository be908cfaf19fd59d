/**
 * The Chromium the browser tests drive: Debian's `chromium` (playwright-core downloads no browser),
 * or the executable OMS_CHROMIUM names. `ensureChromium` installs Debian's package when it is
 * missing and this process may (root, or passwordless sudo), and otherwise throws saying how: a
 * browser test never skips silently.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';

export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** The executable the browser tests launch. */
export const chromiumPath = (): string => process.env.OMS_CHROMIUM ?? DEBIAN_CHROMIUM;

const isExecutable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** How to run apt-get with the rights it needs, or why it cannot be run here. */
function aptRunner(): { prefix: string[] } | { reason: string } {
  if (!existsSync('/usr/bin/apt-get')) return { reason: 'this machine has no apt-get' };
  if (process.getuid?.() === 0) return { prefix: [] };
  const sudo = spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
  if (sudo.status === 0) return { prefix: ['sudo', '-n'] };
  return { reason: 'not running as root, and sudo asks for a password (or is missing)' };
}

/** Runs one apt-get command, its output shown line by line under a prefix. */
function apt(prefix: string[], args: string[], log: (line: string) => void): Promise<void> {
  const [command, ...rest] = [...prefix, 'apt-get', ...args];
  log(`$ ${[command, ...rest].join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(command!, rest, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    const relay = (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      // dpkg redraws its progress with \r: show where each line ends up.
      for (const line of lines.map((l) => l.split('\r').pop() ?? '')) {
        if (line.trim()) log(`  apt │ ${line}`);
      }
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (pending.trim()) log(`  apt │ ${pending}`);
      if (code === 0) resolve();
      else reject(new Error(`apt-get ${args.join(' ')} exited with ${code}`));
    });
  });
}

// Waits for another apt/dpkg run (another test run on this machine) instead of failing at once.
const WAIT_FOR_LOCK = ['-o', 'DPkg::Lock::Timeout=900'];

/** The path of an executable Chromium, installing Debian's package first when it is missing. */
export async function ensureChromium(log: (line: string) => void): Promise<string> {
  const path = chromiumPath();
  if (isExecutable(path)) return path;
  if (process.env.OMS_CHROMIUM) {
    throw new Error(`OMS_CHROMIUM=${path} is not an executable file`);
  }
  const runner = aptRunner();
  if ('reason' in runner) {
    throw new Error(
      `Chromium is not installed at ${path} and cannot be installed from here (${runner.reason}): ` +
        'install it (Debian/Ubuntu: apt-get install -y chromium), or set OMS_CHROMIUM=<path>',
    );
  }
  log(`Chromium is missing at ${path}: installing Debian's chromium (once; a minute or two)`);
  await apt(runner.prefix, [...WAIT_FOR_LOCK, '-q', 'update'], log);
  await apt(runner.prefix, [...WAIT_FOR_LOCK, '-q', '-y', 'install', 'chromium'], log);
  if (!isExecutable(path)) {
    throw new Error(`apt-get installed chromium, but ${path} is still not an executable file`);
  }
  log(`Chromium installed: ${path}`);
  return path;
}
