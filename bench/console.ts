/**
 * `npm run bench:console [-- --orders 300 --calls 20]`
 *
 * The operator console's views on the demo's data set: `npm run demo`'s day (300 orders by
 * default, every feed and job run on its schedule, NetSuite's simulator, its refusals and failed
 * files) is run with its data kept, then the local cloud is started again on that data (DynamoDB
 * Local on disk, event dispatch and schedules off) and an operator, signed in, calls each view's
 * route over HTTP: two warm-up calls, then `--calls` timed calls one after the other. Prints each
 * route's p50 and p95 (ms) and ends with one JSON line. The target is each within 300 ms; a route
 * over it is reported, not failed (a benchmark is not a test).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startLocalCloud } from '../local/cloud.ts';
import { DEFAULT_OPTIONS } from '../local/demo/options.ts';
import { runDemo } from '../local/demo/run.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '300' },
    calls: { type: 'string', default: '20' },
    /** Internal: time the views of this kept demo data folder (a fresh process: fresh clients). */
    'data-dir': { type: 'string' },
  },
});
const orders = Number(values.orders);
const calls = Number(values.calls);
const TARGET_MS = 300;
const ROUTES = ['health', 'failures', 'waiting', 'charts', 'activity'] as const;
const PASSWORD = 'Bench-console-2026!';

const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! * 10) / 10;
};

if (!values['data-dir']) {
  const quiet = console.log;
  console.error(`bench:console: running the demo's day with ${orders} orders (kept) …`);
  console.log = () => undefined;
  const demo = await runDemo({ ...DEFAULT_OPTIONS, orders, keep: true }).finally(
    () => (console.log = quiet),
  );
  const kept = demo.summary.dataDir!;
  console.error(
    `bench:console: the day is done (${demo.summary.day.wallSeconds} s); timing the views`,
  );
  // The handlers' clients are process-wide and point at the demo's cloud, now stopped: the views
  // are timed in a process of their own against the same data.
  const child = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      '--orders',
      String(orders),
      '--calls',
      String(calls),
      '--data-dir',
      kept,
    ],
    { stdio: 'inherit' },
  );
  rmSync(kept, { recursive: true, force: true });
  process.exit(child.status ?? 1);
}
const dataDir = values['data-dir'];
const cloud = await startLocalCloud({
  dataDir,
  inMemoryDb: false,
  schedules: false,
  dispatch: false,
  api: { token: 'bench-console' },
});
try {
  await cloud.api!.auth.users.add({
    username: 'bench-ops',
    password: PASSWORD,
    groups: ['operator'],
  });
  const signIn = await fetch(`${cloud.api!.url}/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench-ops', password: PASSWORD }),
  });
  const { idToken } = (await signIn.json()) as { idToken: string };
  const results: Record<string, { p50: number; p95: number; calls: number; bytes: number }> = {};
  for (const view of ROUTES) {
    const path = `/console/${view}`;
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < calls + 2; i++) {
      const started = performance.now();
      const res = await fetch(`${cloud.api!.url}${path}`, {
        headers: { authorization: `Bearer ${idToken}` },
      });
      const body = await res.text();
      const ms = performance.now() - started;
      if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${body.slice(0, 200)}`);
      bytes = body.length;
      if (i >= 2) times.push(ms);
    }
    results[`GET ${path}`] = {
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      calls,
      bytes,
    };
    console.log(
      `GET ${path.padEnd(20)} p50 ${String(results[`GET ${path}`]!.p50).padStart(7)} ms  p95 ${String(results[`GET ${path}`]!.p95).padStart(7)} ms  (${bytes} bytes)`,
    );
  }
  const over = Object.entries(results)
    .filter(([, r]) => r.p95 > TARGET_MS)
    .map(([k]) => k);
  console.log(
    over.length
      ? `over the ${TARGET_MS} ms target (p95): ${over.join(', ')}`
      : `every view within ${TARGET_MS} ms (p95)`,
  );
  console.log(
    JSON.stringify({
      bench: 'console',
      orders,
      calls,
      targetMs: TARGET_MS,
      routes: Object.fromEntries(
        Object.entries(results).map(([k, r]) => [k, { p50: r.p50, p95: r.p95 }]),
      ),
      withinTarget: over.length === 0,
    }),
  );
} finally {
  await cloud.stop();
}
