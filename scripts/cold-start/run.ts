/** One cold start of a bundled handler in a fresh Node process (child.mjs), timed. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ColdStart {
  readonly node: string;
  /** Process start → handler imported (measured inside the process). */
  readonly ready: number;
  /** The first invocation. */
  readonly invoke: number;
  /** spawn → process exit, measured outside. */
  readonly wall: number;
}

const CHILD = fileURLToPath(new URL('./child.mjs', import.meta.url));

export function coldStart(node: string, bundle: string, eventFile: string): Promise<ColdStart> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(node, [CHILD, bundle, eventFile], {
      // As the function's environment sets it (JobFunction): source maps cost at load time.
      env: {
        ...process.env,
        NODE_OPTIONS: '--enable-source-maps',
        OMS_LOG_FORMAT: 'json',
        // The SDK's notice on Node 20 (a few lines on stderr); the project silences it everywhere.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const wall = performance.now() - started;
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) {
        reject(new Error(`${node} ${bundle} exited with ${code}\n${out}`));
        return;
      }
      const result = JSON.parse(line.slice('RESULT '.length)) as Omit<ColdStart, 'wall'> & {
        failures: number;
      };
      if (result.failures > 0) {
        reject(new Error(`the handler reported ${result.failures} failed message(s)`));
        return;
      }
      resolve({ node: result.node, ready: result.ready, invoke: result.invoke, wall });
    });
  });
}
