/**
 * The customer deposit import (HotWax `HC_MR_CreateCustomerDeposit`): reads only the first
 * non-empty file of `salesorder/customerdeposit` per run (a JSON array), and creates one deposit
 * per element against the sales order whose internal id is `orderId`, deduplicating on
 * `externalId`. Elements with an amount ≤ 0 are skipped; an element that is not an object or names
 * an unknown sales order is refused (no id comes back; `error/<date>-ErrorCustomerDeposit.csv` has
 * `<file>,record <n>: <message>`).
 */
import { CONTRACT } from '../contract.ts';
import type { RecordContext, SuiteScript } from '../context.ts';
import { watchFolder, type RowRefusal } from '../folder-watcher.ts';
import { externalIdIndex, nextId, nextRev } from '../state.ts';

const FEED = CONTRACT.customerDeposits;
const SCRIPT = 'deposit-import';

export const depositImport: SuiteScript = {
  name: SCRIPT,
  run: (ctx) =>
    watchFolder(
      ctx,
      {
        script: SCRIPT,
        folder: FEED.folder,
        errorName: 'CustomerDeposit',
        format: 'json',
        firstNonEmptyOnly: true,
      },
      (file) => (file.format === 'json' ? applyDeposits(ctx, file.name, file.items) : []),
    ),
};

const text = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';

/** Imports the elements; returns those refused. */
export function applyDeposits(
  ctx: RecordContext,
  file: string,
  items: readonly unknown[],
): RowRefusal[] {
  const { state } = ctx;
  const at = ctx.now().toISOString();
  const refusals: RowRefusal[] = [];
  const byExternalId = externalIdIndex(state.deposits);
  for (const [index, item] of items.entries()) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      ctx.log({ script: SCRIPT, kind: 'rejected', file, message: 'element is not an object' });
      refusals.push({ index, message: 'element is not an object' });
      continue;
    }
    const entry = item as Record<string, unknown>;
    const externalId = text(entry.externalId);
    const orderId = text(entry.orderId);
    const totalAmount = Number(entry.totalAmount);
    const key = externalId || orderId;
    if (!(totalAmount > 0) || !orderId) {
      ctx.log({
        script: SCRIPT,
        kind: 'skipped',
        file,
        key,
        message: `skipped: totalAmount ${text(entry.totalAmount) || '(none)'}, orderId ${orderId || '(none)'}`,
      });
      continue;
    }
    if (!state.salesOrders[orderId]) {
      const message = `sales order ${orderId} does not exist`;
      ctx.log({ script: SCRIPT, kind: 'rejected', file, key, message });
      refusals.push({ index, message });
      continue;
    }
    const method = text(entry.paymentMethod);
    const methods = ctx.options.paymentMethods;
    if (methods && !methods.includes(method)) {
      const message = `Invalid paymentmethod reference key ${method || '(empty)'}`;
      ctx.log({ script: SCRIPT, kind: 'rejected', file, key, message });
      refusals.push({ index, message });
      continue;
    }
    const fields = Object.fromEntries(Object.entries(entry).map(([k, v]) => [k, text(v)] as const));
    const existing = externalId ? byExternalId.find(externalId) : undefined;
    if (existing) {
      existing.fields = { ...existing.fields, ...fields };
      existing.updatedAt = at;
      if (ctx.options.reexportUpdated) existing.rev = nextRev(state);
      ctx.log({
        script: SCRIPT,
        kind: 'updated',
        file,
        key,
        message: `deposit ${existing.internalId} already exists for externalId ${externalId}`,
      });
      continue;
    }
    const internalId = nextId(state, 'deposit');
    const deposit = {
      internalId,
      externalId,
      salesOrderId: orderId,
      totalAmount,
      fields,
      rev: nextRev(state),
      createdAt: at,
      updatedAt: at,
    };
    state.deposits[internalId] = deposit;
    byExternalId.add(deposit);
    ctx.log({
      script: SCRIPT,
      kind: 'created',
      file,
      key,
      message: `deposit ${internalId} created for sales order ${orderId}`,
    });
  }
  return refusals;
}
