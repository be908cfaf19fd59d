/**
 * The four id files NetSuite sends back (customer, order, order line and deposit ids). Each row is
 * checked, looked up in bulk (a batch of rows at a time: unknown customers, orders and lines go to
 * the error file) and upserted blind with BatchWriteItem, so the same row twice — in one file or
 * in two — writes the same item. Orders that received ids become settle candidates for the
 * approval job — one item per `SETTLE_BATCH` orders, written once the ids are stored (at each
 * checkpoint and at the end), so the job never looks before the ids are there; a customer's id
 * takes the customer out of the outbox at once.
 */
import { randomBytes } from 'node:crypto';
import {
  parseCustomerIdRow,
  parseDepositIdRow,
  parseLineIdRow,
  parseOrderIdRow,
} from '../domain/sync/id-rows.ts';
import type { RowResult } from '../domain/row-result.ts';
import type { CsvImporter, CsvImportSession, RowRejection } from '../feeds/file-import.ts';
import type { BatchWriter, Item } from '../store/batch-writer.ts';
import type { NetsuiteIdStore, OrderFacts, OrderIdKind } from '../store/netsuite-id-store.ts';
import { SETTLE_BATCH, type SettleKind, type SyncStore } from '../store/sync-store.ts';

export interface IdImportDeps {
  readonly ids: NetsuiteIdStore;
  readonly sync: SyncStore;
  /** Is a customer without a NetSuite id known to the OMS (waiting in the outbox)? */
  readonly customersWaiting: (partyIds: readonly string[]) => Promise<Set<string>>;
}

type Batch = Parameters<NonNullable<CsvImportSession['rows']>>[0];

/**
 * A batch-mode session over two writers (ids in the orders table, sync state in control). Orders
 * passed to `w.settle` become settle candidates (`settle`'s kind) once their ids are stored: at
 * each flush, the ids first, then one candidate item per `SETTLE_BATCH` orders.
 */
function session(
  deps: IdImportDeps,
  settle: { kind: SettleKind; fileName: string; at: string } | undefined,
  apply: (
    batch: Batch,
    w: { ids: BatchWriter; sync: BatchWriter; settle: (orderId: string) => void },
    counts: Record<string, number>,
  ) => Promise<(RowRejection | undefined)[]>,
): CsvImportSession {
  let candidates = new Set<string>();
  const w = {
    ids: deps.ids.writer(),
    sync: deps.sync.writer(),
    settle: (orderId: string) => void candidates.add(orderId),
  };
  const counts: Record<string, number> = { written: 0 };
  const rows = (batch: Batch) => apply(batch, w, counts);
  const run = randomBytes(3).toString('hex');
  let items = 0;
  const flush = async () => {
    await w.ids.flush();
    const ids = [...candidates];
    candidates = new Set();
    for (let i = 0; settle && i < ids.length; i += SETTLE_BATCH) {
      const ref = `${settle.fileName}#${run}#${++items}`;
      const item = deps.sync.settleBatch(
        settle.kind,
        ids.slice(i, i + SETTLE_BATCH),
        ref,
        settle.at,
      );
      await w.sync.put(item);
    }
    await w.sync.flush();
  };
  return {
    rows,
    // The order-level importers' batches share nothing but the writers (and the candidates set).
    overlapBatches: settle !== undefined,
    row: async (record, line) => (await rows([{ record, line }]))[0],
    checkpoint: flush,
    async finish() {
      await flush();
      return counts;
    },
  };
}

const rejection = <T>(r: RowResult<T>): RowRejection | undefined =>
  r.ok ? undefined : { field: r.field, reason: r.reason };

export function customerIdImporter(deps: IdImportDeps): CsvImporter {
  return {
    async open({ fileName }) {
      const at = new Date().toISOString();
      return session(deps, undefined, async (batch, w, counts) => {
        const parsed = batch.map((b) => parseCustomerIdRow(b.record));
        const parties = parsed.flatMap((p) => (p.ok ? [p.row.partyId] : []));
        const [known, waiting] = await Promise.all([
          deps.ids.customerIds(parties),
          deps.customersWaiting(parties),
        ]);
        const completed = new Set<string>();
        const items: Item[] = [];
        const out = parsed.map((p) => {
          if (!p.ok) return rejection(p);
          const { partyId, netsuiteId } = p.row;
          if (!known.has(partyId) && !waiting.has(partyId)) {
            return { field: 'partyId', reason: `unknown customer "${partyId}"` };
          }
          if (known.get(partyId) !== netsuiteId) {
            items.push(deps.ids.customerIdItem(partyId, netsuiteId, fileName, at));
            known.set(partyId, netsuiteId);
            counts.written!++;
          }
          if (waiting.has(partyId)) completed.add(partyId);
          return undefined;
        });
        for (const item of items) await w.ids.put(item);
        await w.ids.flush();
        // Only once the id is stored does the customer leave the outbox.
        if (completed.size) await deps.sync.complete('customer', completed, w.sync);
        return out;
      });
    },
  };
}

interface OrderRow {
  readonly orderId: string;
  readonly kind: OrderIdKind;
  readonly ref: string;
  readonly netsuiteId: string;
  readonly lineSeq?: string;
}

/** The three order-level id files share one shape: check the order (and line), write, settle. */
function orderIdImporter(
  deps: IdImportDeps,
  settle: SettleKind,
  parse: (record: Readonly<Record<string, string>>) => RowResult<OrderRow>,
): CsvImporter {
  return {
    async open({ fileName }) {
      const at = new Date().toISOString();
      return session(deps, { kind: settle, fileName, at }, async (batch, w, counts) => {
        const parsed = batch.map((b) => parse(b.record));
        const orders = await deps.ids.orderFacts(
          parsed.flatMap((p) => (p.ok ? [p.row.orderId] : [])),
        );
        const candidates = new Set<string>();
        const items: Item[] = [];
        const out = parsed.map((p): RowRejection | undefined => {
          if (!p.ok) return rejection(p);
          const r = p.row;
          const facts: OrderFacts | undefined = orders.get(r.orderId);
          if (!facts) return { field: 'orderId', reason: `unknown order "${r.orderId}"` };
          // A discount line id may also be the order-level discount line's, sent with the seq
          // after the last line (docs/money.md).
          const lastSeq = facts.lineCount + (r.kind === 'DISCOUNT' ? 1 : 0);
          if (r.lineSeq && Number(r.lineSeq) > lastSeq) {
            return {
              field: 'orderItemSeqId',
              reason: `order ${r.orderId} has no line ${r.lineSeq} (it has ${facts.lineCount})`,
            };
          }
          items.push(deps.ids.orderIdItem(r.orderId, r.kind, r.ref, r.netsuiteId, fileName, at));
          counts.written!++;
          candidates.add(r.orderId);
          return undefined;
        });
        for (const item of items) await w.ids.put(item);
        for (const orderId of candidates) w.settle(orderId);
        return out;
      });
    },
  };
}

export const salesOrderIdImporter = (deps: IdImportDeps): CsvImporter =>
  orderIdImporter(deps, 'order', (rec) => {
    const p = parseOrderIdRow(rec);
    return p.ok
      ? {
          ok: true,
          row: { orderId: p.row.orderId, kind: 'ORDER', ref: '', netsuiteId: p.row.netsuiteId },
        }
      : p;
  });

export const lineIdImporter = (deps: IdImportDeps): CsvImporter =>
  orderIdImporter(deps, 'order', (rec) => {
    const p = parseLineIdRow(rec);
    if (!p.ok) return p;
    const kind = p.row.attr === 'NetsuiteItemLineId' ? 'LINE' : 'DISCOUNT';
    return {
      ok: true,
      row: {
        orderId: p.row.orderId,
        kind,
        ref: p.row.lineSeq,
        netsuiteId: p.row.netsuiteId,
        lineSeq: p.row.lineSeq,
      },
    };
  });

export const depositIdImporter = (deps: IdImportDeps): CsvImporter =>
  orderIdImporter(deps, 'deposit', (rec) => {
    const p = parseDepositIdRow(rec);
    return p.ok
      ? {
          ok: true,
          row: {
            orderId: p.row.orderId,
            kind: 'DEPOSIT',
            ref: p.row.reference,
            netsuiteId: p.row.netsuiteId,
          },
        }
      : p;
  });
