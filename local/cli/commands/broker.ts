/**
 * `oms broker …`: the routing configuration (load, show), a brokering run now, and why an order
 * went where it went.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { brokeringStore, orderRuntime, root } from '../../../shared/app/root.ts';
import {
  formatConfigErrors,
  formatExplanation,
  parseRoutingConfig,
  RoutingConfigError,
  type BrokeringDecision,
} from '../../../shared/domain/brokering/index.ts';
import { findOrder } from '../../../shared/orders/find-order.ts';
import { invoke } from '../../handlers.ts';
import { print } from '../output.ts';

export function brokerCommands(program: Command): void {
  const broker = program.command('broker').description('brokering: routing, runs, explanations');
  const routing = broker.command('routing').description('the routing configuration');
  routing
    .command('load <file>')
    .description('validate and store a routing configuration (see docs/examples/routing.json)')
    .option(
      '--json',
      'print JSON (a refusal as { error, message, issues: [{ path, code, message }] })',
    )
    .action(async (file: string, opts: { json?: boolean }) => {
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        throw new Error(`${file}: not JSON (${err instanceof Error ? err.message : err})`);
      }
      const parsed = parseRoutingConfig(json);
      if (!parsed.ok) {
        // Under --json the refusal prints as the API answers one (local/cli/main.ts).
        if (opts.json) throw new RoutingConfigError(`${file}: not loaded`, parsed.errors);
        console.error(`${file}: not loaded\n${formatConfigErrors(parsed.errors)}`);
        process.exitCode = 1;
        return;
      }
      await brokeringStore(root()).saveRouting(parsed.config);
      const runs = parsed.config.runs;
      print(
        !!opts.json,
        {
          loaded: file,
          runs: runs.map((r) => ({
            productStoreId: r.productStoreId,
            routings: r.routings.length,
          })),
        },
        () =>
          `loaded ${file}: ${runs.length} run(s): ${runs
            .map((r) => `${r.productStoreId} (${r.routings.length} routings)`)
            .join(', ')}`,
      );
    });
  routing
    .command('show')
    .description('print the stored configuration as JSON')
    .action(async () => {
      const stored = await brokeringStore(root()).routing();
      if (!stored) throw new Error('no routing configured: oms broker routing load <file>');
      console.log(JSON.stringify(stored.config, null, 2));
    });
  broker
    .command('run')
    .description('run brokering now (every product store, or one)')
    .option('--store <id>', 'product store id')
    .option('--json', 'print JSON')
    .action(async (opts: { store?: string; json?: boolean }) => {
      const log = console.log;
      console.log = (...args: unknown[]) => console.error(...args);
      const out = await invoke('broker-orders', { productStoreId: opts.store }).finally(
        () => (console.log = log),
      );
      print(!!opts.json, out, () => JSON.stringify(out, null, 2));
    });
  broker
    .command('explain <order>')
    .description(
      'which routing and rule placed each item, and why each facility was kept or dropped',
    )
    .option('--all', 'every decision kept for the order (newest first), not only the last')
    .option('--json', 'print JSON')
    .action(async (order: string, opts: { all?: boolean; json?: boolean }) => {
      const orderId = (await findOrder(orderRuntime(root()).orders, order))?.orderId ?? order;
      const decisions = await brokeringStore(root()).explanations(orderId, opts.all ? 20 : 1);
      if (!decisions.length) throw new Error(`no brokering decision recorded for ${order}`);
      print(!!opts.json, opts.all ? decisions : decisions[0], () =>
        decisions
          .map((d) => `— ${d.at}\n${formatExplanation(d.explanation as BrokeringDecision)}`)
          .join('\n\n'),
      );
    });
}
