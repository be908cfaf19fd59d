/**
 * Inventory transactions in NetSuite's own records (plan rule 1): inventory adjustments, inventory
 * transfers and item receipts. Each changes on hand (books.ts) and waits, unexported, for its delta
 * search (scripts/inventory-deltas.ts) to write it once.
 */
import { changeOnHand, type BookSettings } from './books.ts';
import { nextId, type SimInventoryTransaction, type SimState } from './state.ts';

export type TransactionDraft = Omit<SimInventoryTransaction, 'internalId' | 'exportedIn'>;

/** Records the transaction and applies its on-hand changes; returns it. */
export function recordTransaction(
  state: SimState,
  settings: Pick<BookSettings, 'defaultOnHand'>,
  draft: TransactionDraft,
): SimInventoryTransaction {
  const internalId = nextId(state, 'transaction');
  const transaction: SimInventoryTransaction = { internalId, ...structuredClone(draft) };
  for (const line of transaction.lines)
    changeOnHand(state, settings, line.location, line.itemId, line.delta);
  state.transactions[internalId] = transaction;
  return transaction;
}

/** A transaction's name in the delta file's comments and the log. */
export const TRANSACTION_NAMES = {
  adjustment: 'Inventory Adjustment Transaction',
  transfer: 'Inventory Transfer',
  receipt: 'ItemReceipt',
} as const satisfies Record<SimInventoryTransaction['type'], string>;
