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

export async function runChild<T>(script: string, args: string[]): Promise<T> {
  const file = await bundle(script);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--enable-source-maps', file, ...args], {
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
