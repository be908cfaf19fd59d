import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  isMappingKind,
  MAPPING_KINDS,
  parseMapping,
  parseMappingFile,
} from '../../../shared/domain/sync/mappings.ts';
import { dynamo, table as tableName } from '../../../shared/store/dynamo-client.ts';
import { ImportLedger } from '../../../shared/store/import-ledger.ts';
import { invoiceOverdueHours } from '../../../shared/config.ts';
import { invoiceStore } from '../../../shared/fulfillment/invoice-import-wiring.ts';
import { orderRuntime } from '../../../shared/orders/runtime.ts';
import { syncStatus, type SyncStatus } from '../../../shared/sync/sync-status.ts';
import { mappingStore, syncStore } from '../../../shared/sync/wiring.ts';
import { print, table } from '../output.ts';

export function mappingCommands(program: Command): void {
  const mapping = program
    .command('mapping')
    .description(
      `NetSuite ids of OMS values (${MAPPING_KINDS.join(', ')}); facilities and products have their own commands`,
    );
  mapping
    .command('load <file>')
    .description(
      'load mappings from JSON: {"shippingMethod": {"STANDARD": "4"}, ...} or [{kind, value, netsuiteId}]',
    )
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        throw new Error(`${file}: not JSON (${err instanceof Error ? err.message : err})`);
      }
      const { mappings, errors } = parseMappingFile(parsed);
      await mappingStore().save(mappings);
      const report = { file, loaded: mappings.length, errors };
      print(!!opts.json, report, () =>
        [
          `loaded ${mappings.length} mappings from ${file}`,
          ...errors.map((e) => `  refused ${e.field}: ${e.reason}`),
        ].join('\n'),
      );
      if (errors.length) process.exitCode = 1;
    });
  mapping
    .command('set <kind> <value> <netsuiteId>')
    .description('set one mapping, e.g. `oms mapping set shippingMethod STANDARD 4`')
    .action(async (kind: string, value: string, netsuiteId: string) => {
      const parsed = parseMapping({ kind, value, netsuiteId }, 'mapping');
      if (!parsed.ok) throw new Error(`${parsed.field} ${parsed.reason}`);
      await mappingStore().save([parsed.row]);
      console.log(`${kind} ${value} → NetSuite ${netsuiteId}`);
    });
  mapping.command('remove <kind> <value>').action(async (kind: string, value: string) => {
    if (!isMappingKind(kind)) throw new Error(`kind must be one of ${MAPPING_KINDS.join(', ')}`);
    await mappingStore().remove(kind, value);
    console.log(`removed ${kind} ${value}`);
  });
  mapping
    .command('list')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const all = await mappingStore().list();
      print(!!opts.json, all, () => table(all.map((m) => ({ ...m }))));
    });
}

const ago = (iso: string | undefined, now: Date): string => {
  if (!iso) return '';
  const m = Math.floor((now.getTime() - Date.parse(iso)) / 60_000);
  return m < 60
    ? `${m}m ago`
    : m < 2880
      ? `${Math.floor(m / 60)}h ago`
      : `${Math.floor(m / 1440)}d ago`;
};

function render(s: SyncStatus): string {
  const now = new Date(s.at);
  const out: string[] = [];
  out.push('OMS → NetSuite (last runs)');
  out.push(
    table(
      s.outbound.flatMap(({ feed, runs }) =>
        runs.length
          ? runs.map((r) => ({
              feed,
              when: ago(r.startedAt, now),
              files: r.files.length,
              rows: r.rows,
              records: r.records,
              heldBack: r.heldBack,
              errors: r.errors.length,
            }))
          : [{ feed, when: 'never' }],
      ),
      ['feed', 'when', 'files', 'rows', 'records', 'heldBack', 'errors'],
    ),
  );
  out.push('', 'NetSuite → OMS (last files)');
  out.push(
    table(
      s.inbound.flatMap(({ feed, files }) =>
        files.length
          ? files.map((f) => ({
              feed,
              when: ago(f.finishedAt, now),
              file: f.key.split('/').pop(),
              result: f.result,
              rows: f.rows,
              applied: f.applied,
              rejected: f.rejected,
              errorFile: f.errorFile?.split('/').pop() ?? '',
            }))
          : [{ feed, when: 'never' }],
      ),
      ['feed', 'when', 'file', 'result', 'rows', 'applied', 'rejected', 'errorFile'],
    ),
  );
  const a = s.approval[0];
  out.push(
    '',
    a
      ? `Approval: last run ${ago(a.startedAt, now)}, approved ${a.records}, still incomplete ${a.heldBack}`
      : 'Approval: never run',
  );
  out.push('', `Waiting for a NetSuite id (threshold ${s.thresholdMinutes} min)`);
  out.push(
    table(
      s.waiting.map((w) => ({
        records: w.outbox,
        waiting: w.total,
        [`over ${s.thresholdMinutes}m`]: w.overThreshold,
        heldBack: w.heldBack,
      })),
    ),
  );
  const late = s.waiting.flatMap((w) => w.oldest.map((r) => ({ records: w.outbox, ...r })));
  if (late.length) {
    out.push('', 'Oldest over the threshold');
    out.push(
      table(
        late.map((r) => ({
          records: r.records,
          id: r.id,
          waiting: `${r.minutes}m`,
          sends: r.sends,
          lastSent: ago(r.lastSentAt, now),
          why: r.heldBack ?? (r.sends ? 'sent; no id back yet' : 'not sent yet'),
        })),
      ),
    );
  }
  const inv = s.invoices;
  if (inv) {
    out.push(
      '',
      `Shipped, not invoiced after ${inv.thresholdHours} h: ${inv.overdueTotal} (awaiting an invoice: ${inv.awaiting})`,
    );
    if (inv.overdue.length) {
      out.push(
        table(
          inv.overdue.map((o) => ({
            order: o.orderId,
            name: o.name ?? '',
            shipped: o.shippedAt,
            waiting: `${o.hours}h`,
          })),
        ),
      );
    }
  }
  return out.join('\n');
}

interface StatusOpts {
  olderThan: string;
  runs: string;
  invoiceOverdueHours?: string;
  json?: boolean;
}

export function syncCommands(program: Command): void {
  const sync = program.command('sync').description('the NetSuite sync');
  sync
    .command('status')
    .description(
      'last runs per feed, files written and read, rows, errors, and records waiting for a NetSuite id',
    )
    .option('--older-than <minutes>', 'list records waiting at least this long', '60')
    .option('--runs <n>', 'runs / files shown per feed', '3')
    .option(
      '--invoice-overdue-hours <h>',
      'list fully shipped orders not invoiced this long after (default OMS_INVOICE_OVERDUE_HOURS, 48)',
    )
    .option('--json', 'print JSON')
    .action(async (opts: StatusOpts) => {
      const status = await syncStatus(
        {
          sync: syncStore(),
          ledger: new ImportLedger(dynamo(), tableName('control')),
          invoices: invoiceStore(),
          orders: orderRuntime().orders,
        },
        {
          thresholdMinutes: Number(opts.olderThan),
          runs: Number(opts.runs),
          invoiceOverdueHours:
            opts.invoiceOverdueHours === undefined
              ? invoiceOverdueHours()
              : Number(opts.invoiceOverdueHours),
        },
      );
      print(!!opts.json, status, () => render(status));
    });
}
