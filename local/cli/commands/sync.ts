import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { currencyDigits, formatMinor } from '../../../shared/domain/money/currency.ts';
import {
  isMappingKind,
  MAPPING_KINDS,
  parseMapping,
  parseMappingFile,
} from '../../../shared/domain/sync/mappings.ts';
import { dynamo, table as tableName } from '../../../shared/store/dynamo-client.ts';
import { ImportLedger } from '../../../shared/store/import-ledger.ts';
import { invoiceOverdueHours } from '../../../shared/platform/config.ts';
import { formatCents } from '../../../shared/domain/fulfillment/invoice-rows.ts';
import {
  invoiceStore,
  mappingStore,
  orderRuntime,
  root,
  syncStore,
} from '../../../shared/app/root.ts';
import {
  isOutboxFeed,
  OUTBOX_FEEDS,
  resendRefused,
  type ExceptionsStatus,
} from '../../../shared/sync/netsuite-exceptions.ts';
import { syncStatus, type SyncStatus } from '../../../shared/sync/sync-status.ts';
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
      await mappingStore(root()).save(mappings);
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
      await mappingStore(root()).save([parsed.row]);
      console.log(`${kind} ${value} → NetSuite ${netsuiteId}`);
    });
  mapping.command('remove <kind> <value>').action(async (kind: string, value: string) => {
    if (!isMappingKind(kind)) throw new Error(`kind must be one of ${MAPPING_KINDS.join(', ')}`);
    await mappingStore(root()).remove(kind, value);
    console.log(`removed ${kind} ${value}`);
  });
  mapping
    .command('list')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const all = await mappingStore(root()).list();
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
          why: r.refused ?? r.heldBack ?? (r.sends ? 'sent; no id back yet' : 'not sent yet'),
        })),
      ),
    );
  }
  out.push(...renderExceptions(s.exceptions, now));
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
  if (inv?.differencesTotal) {
    out.push(
      '',
      `Invoices that differ from what shipped: ${inv.differencesTotal}`,
      table(
        (inv.differences ?? []).map((d) => ({
          order: d.orderId,
          name: d.name ?? '',
          invoiced: formatMinor(d.invoiced, currencyDigits(d.currency) ?? 2),
          shipped: formatMinor(d.shipped, currencyDigits(d.currency) ?? 2),
          difference: formatMinor(d.difference, currencyDigits(d.currency) ?? 2),
          currency: d.currency,
          file: d.file,
        })),
      ),
    );
  }
  const cm = s.creditMemos;
  if (cm) {
    out.push(
      '',
      `Credit memos: ${cm.memos} recorded, Loop return totals ${formatCents(cm.amountCents)}`,
    );
    if (cm.files.length) {
      out.push(
        table(
          cm.files.map((f) => ({
            when: ago(f.finishedAt, now),
            file: f.key.split('/').pop(),
            result: f.result,
            rows: f.rows,
            recorded: f.stats?.recorded ?? '',
            unchanged: f.stats?.unchanged ?? '',
            rejected: f.rejected,
            amount: f.stats?.amountCents === undefined ? '' : formatCents(f.stats.amountCents),
            errorFile: f.errorFile?.split('/').pop() ?? '',
          })),
        ),
      );
    }
  }
  return out.join('\n');
}

/** What NetSuite did with the OMS's files (docs/netsuite-sync.md, "NetSuite's exception files"). */
function renderExceptions(x: ExceptionsStatus, now: Date): string[] {
  const out: string[] = ['', "NetSuite's exception files"];
  const run = x.lastRun;
  out.push(
    run
      ? `Watcher: last run ${ago(run.startedAt, now)}, files taken ${run.details?.filesTaken ?? 0}, error files read ${run.details?.errorFilesRead ?? 0}, records refused ${run.details?.recordsRefused ?? 0}, re-queued ${run.details?.requeued ?? 0}`
      : 'Watcher (netsuite-exceptions): never run',
  );
  out.push(
    table(
      x.taken.map((t) => ({
        feed: t.feed,
        taken: t.count,
        last: ago(t.lastTakenAt, now),
        lastFile: t.lastFile ?? '',
      })),
      ['feed', 'taken', 'last', 'lastFile'],
    ),
  );
  const refused = x.refused.filter((r) => r.records.length);
  out.push(
    '',
    `Refused by NetSuite: ${x.refused.reduce((n, r) => n + r.waitingForFix, 0)} waiting for a fix, ` +
      `${x.refused.reduce((n, r) => n + r.resendPending, 0)} to be re-sent, ` +
      `${x.refused.reduce((n, r) => n + r.resent, 0)} re-sent`,
  );
  if (refused.length) {
    out.push(
      table(
        refused.flatMap((r) =>
          r.records.map((rec) => ({
            feed: r.feed,
            id: rec.id,
            state: rec.state,
            attempts: rec.attempts,
            file: rec.file,
            where: rec.kind === 'file' ? 'whole file' : `${rec.unit} ${rec.lines.join(', ')}`,
            message: rec.message,
          })),
        ),
        ['feed', 'id', 'state', 'attempts', 'file', 'where', 'message'],
      ),
    );
  }
  if (x.failedFiles.length) {
    out.push(
      '',
      'Files NetSuite failed whole (their records are re-sent once, then wait for a fix)',
    );
    out.push(
      table(
        x.failedFiles.map((f) => ({
          feed: f.feed,
          file: f.name,
          when: ago(f.failedAt, now),
          records: f.records,
          message: f.message,
        })),
      ),
    );
  }
  if (x.unexplainedTotal) {
    out.push(
      '',
      `Unexplained (${x.unexplainedTotal}; \`oms sync dismiss <id>|--all\` once handled)`,
    );
    out.push(
      table(
        x.unexplained.map((u) => ({
          id: u.id,
          what: u.source,
          file: u.file,
          errorFile: u.errorFile ?? '',
          reason: u.reason,
          message: u.message ?? '',
        })),
      ),
    );
  }
  return out;
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
          sync: syncStore(root()),
          ledger: new ImportLedger(dynamo(), tableName('control')),
          invoices: invoiceStore(root()),
          orders: orderRuntime(root()).orders,
          creditMemos: invoiceStore(root()),
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
  sync
    .command('resend <outbox> [id]')
    .description(
      `send a record NetSuite refused once more, whatever its rows (outbox: ${Object.keys(OUTBOX_FEEDS).join(', ')})`,
    )
    .option('--all-refused', 'every refused record of the outbox')
    .option('--json', 'print JSON')
    .action(
      async (
        outbox: string,
        id: string | undefined,
        opts: { allRefused?: boolean; json?: boolean },
      ) => {
        if (!isOutboxFeed(outbox)) {
          throw new Error(`outbox must be one of ${Object.keys(OUTBOX_FEEDS).join(', ')}`);
        }
        if (!id === !opts.allRefused) throw new Error('give a record id or --all-refused');
        const result = await resendRefused(
          syncStore(root()),
          outbox,
          id ? { id } : { allRefused: true },
        );
        print(!!opts.json, result, () =>
          [
            `${outbox}: ${result.asked.length} record(s) go with the next ${OUTBOX_FEEDS[outbox]} run`,
            ...result.notRefused.map(
              (r) => `  ${r}: no refusal waiting (never refused, or re-sent already)`,
            ),
          ].join('\n'),
        );
        if (id && !result.asked.length) process.exitCode = 1;
      },
    );
  sync
    .command('dismiss [id]')
    .description('remove unexplained NetSuite exceptions from `oms sync status` once handled')
    .option('--all', 'every one listed')
    .action(async (id: string | undefined, opts: { all?: boolean }) => {
      if (!id === !opts.all) throw new Error('give an id (see `oms sync status`) or --all');
      const files = syncStore(root()).netsuiteFiles();
      const ids = id ? [id] : (await files.unexplained()).map((u) => u.id);
      const n = await files.dismissUnexplained(ids, new Date().toISOString());
      console.log(`dismissed ${n}`);
      if (id && !n) process.exitCode = 1;
    });
}
