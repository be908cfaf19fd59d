/**
 * The customer import (HotWax `HC_SC_ImportCustomer`): reads `customer/export`, creates or updates
 * customers through the import mapping, deduplicating on `externalId` (an existing customer keeps
 * its internal id). Invalid rows are refused: no id comes back, and the error file
 * `customer/export/error/<date>-ErrorCustomer.csv` names each (`<file>,line <n>: <message>`).
 */
import { CONTRACT } from '../contract.ts';
import type { RecordContext, SuiteScript } from '../context.ts';
import { rowObjects } from '../csv-file.ts';
import { watchFolder, type RowRefusal } from '../folder-watcher.ts';
import { externalIdIndex, nextId, nextRev, nonEmpty } from '../state.ts';

const FEED = CONTRACT.customers;
const SCRIPT = 'customer-import';
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

export const customerImport: SuiteScript = {
  name: SCRIPT,
  run: (ctx) =>
    watchFolder(
      ctx,
      {
        script: SCRIPT,
        folder: FEED.folder,
        errorName: 'Customer',
        format: 'csv',
        mapping: { required: FEED.required, optional: FEED.optional },
      },
      (file) => (file.format === 'csv' ? applyCustomerRows(ctx, file.name, rowObjects(file)) : []),
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

/** Imports the rows; returns those refused. */
export function applyCustomerRows(
  ctx: RecordContext,
  file: string,
  rows: ReadonlyArray<Record<string, string>>,
): RowRefusal[] {
  const { state } = ctx;
  const at = ctx.now().toISOString();
  const refusals: RowRefusal[] = [];
  const byExternalId = externalIdIndex(state.customers);
  for (const [index, row] of rows.entries()) {
    const key = row.externalId || row.HCCustomerId;
    const refused = rejection(row);
    if (refused) {
      ctx.log({ script: SCRIPT, kind: 'rejected', file, key, message: refused });
      refusals.push({ index, message: refused });
      continue;
    }
    const hcCustomerId = row.HCCustomerId!;
    const fields = nonEmpty(row);
    const existing = row.externalId ? byExternalId.find(row.externalId) : undefined;
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
    const customer = {
      internalId,
      externalId: row.externalId ?? '',
      hcCustomerId,
      fields,
      rev: nextRev(state),
      createdAt: at,
      updatedAt: at,
    };
    state.customers[internalId] = customer;
    byExternalId.add(customer);
    ctx.log({
      script: SCRIPT,
      kind: 'created',
      file,
      key,
      message: `customer ${internalId} created`,
    });
  }
  return refusals;
}
