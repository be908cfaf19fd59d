/**
 * Runs a benchmark's "Lambda" in a child Node process and returns the JSON it prints on a RESULT
 * line. The module is bundled with esbuild first, as CDK bundles the handlers for AWS, so the
 * child's memory is that of the deployed code, not of a TypeScript loader.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { LAMBDA_BUNDLE_TARGET } from '../../infra/lambda-node.ts';

const bundles = new Map<string, Promise<string>>();

function bundle(script: string): Promise<string> {
  let out = bundles.get(script);
  if (!out) {
    mkdirSync('.bench', { recursive: true });
    const outfile = join('.bench', `${basename(script, '.ts')}.mjs`);
    out = build({
      entryPoints: [script],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: LAMBDA_BUNDLE_TARGET,
      // As CDK bundles the functions (infra/constructs/job-function.ts): minified, with a map.
      minify: true,
      sourcemap: true,
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
      logLevel: 'warning',
    }).then(() => outfile);
    bundles.set(script, out);
  }
  return out;
}

/**
 * The V8 heap flags AWS Lambda's Node.js runtime gives a function of `memoryMb` (its bootstrap:
 * new space = memory / 10, semi-space = half of it, old space = memory − new space), so that the
 * child's garbage collector sizes its heap as it would on AWS.
 */
export function lambdaHeapFlags(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${memoryMb - newSpace}`,
  ];
}

export interface ChildOptions {
  /** Run with the heap flags Lambda gives a function of this memory size (MB). */
  readonly memoryMb?: number;
}

export async function runChild<T>(
  script: string,
  args: string[],
  options: ChildOptions = {},
): Promise<T> {
  const file = await bundle(script);
  const heap = options.memoryMb ? lambdaHeapFlags(options.memoryMb) : [];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...heap, '--enable-source-maps', file, ...args], {
      env: { ...process.env, OMS_LOG_FORMAT: 'pretty' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      const text = b.toString();
      out += text;
      for (const line of text.split('\n')) {
        if (line && !line.startsWith('RESULT ')) console.log(`  │ ${line}`);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`${script} ${args.join(' ')} exited with ${code}`));
      else resolve(JSON.parse(line.slice('RESULT '.length)) as T);
    });
  });
}
