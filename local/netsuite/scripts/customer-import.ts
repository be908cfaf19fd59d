/**
 * The customer import (HotWax `HC_SC_ImportCustomer`): reads `customer/export`, creates or updates
 * customers through the import mapping, deduplicating on `externalId` (an existing customer keeps
 * its internal id). Invalid rows are rejected inside NetSuite: no id comes back, nothing is written.
 */
import { feedById } from '../../../shared/feeds/catalog.ts';
import type { RecordContext, SuiteScript } from '../context.ts';
import { rowObjects } from '../csv-file.ts';
import { watchFolder } from '../folder-watcher.ts';
import { findCustomerByExternalId, nextId, nextRev, nonEmpty } from '../state.ts';

const FEED = feedById('customer-export');
const SCRIPT = 'customer-import';
const OPTIONAL = ['subsidiary', 'accountSource'] as const;
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

export const customerImport: SuiteScript = {
  name: SCRIPT,
  run: (ctx) =>
    watchFolder(
      ctx,
      {
        script: SCRIPT,
        folder: FEED.folder,
        errorName: 'AddCustomer',
        format: 'csv',
        mapping: { required: FEED.columns, optional: OPTIONAL },
      },
      (file) => {
        if (file.format === 'csv') applyCustomerRows(ctx, file.name, rowObjects(file));
      },
    ),
};

/** Why NetSuite would refuse the row, or undefined. */
function rejection(row: Record<string, string>): string | undefined {
  if (!row.HCCustomerId) return 'HCCustomerId is empty';
  if (row.individual === 'T' && (!row.firstName || !row.lastName))
    return 'an individual needs a first and a last name';
  if (row.email && !EMAIL.test(row.email)) return `invalid email ${row.email}`;
  return undefined;
}

export function applyCustomerRows(
  ctx: RecordContext,
  file: string,
  rows: ReadonlyArray<Record<string, string>>,
): void {
  const { state } = ctx;
  const at = ctx.now().toISOString();
  for (const row of rows) {
    const key = row.externalId || row.HCCustomerId;
    const refused = rejection(row);
    if (refused) {
      ctx.log({ script: SCRIPT, kind: 'rejected', file, key, message: refused });
      continue;
    }
    const hcCustomerId = row.HCCustomerId!;
    const fields = nonEmpty(row);
    const existing = row.externalId ? findCustomerByExternalId(state, row.externalId) : undefined;
    if (existing) {
      const newToOms = existing.hcCustomerId !== hcCustomerId;
      existing.hcCustomerId = hcCustomerId;
      existing.fields = { ...existing.fields, ...fields };
      existing.updatedAt = at;
      if (newToOms || ctx.options.reexportUpdated) existing.rev = nextRev(state);
      ctx.log({
        script: SCRIPT,
        kind: 'updated',
        file,
        key,
        message: `customer ${existing.internalId} updated`,
      });
      continue;
    }
    const internalId = nextId(state, 'customer');
    state.customers[internalId] = {
      internalId,
      externalId: row.externalId ?? '',
      hcCustomerId,
      fields,
      rev: nextRev(state),
      createdAt: at,
      updatedAt: at,
    };
    ctx.log({
      script: SCRIPT,
      kind: 'created',
      file,
      key,
      message: `customer ${internalId} created`,
    });
  }
}
