/**
 * The orders table's item keys and how its items read back (`order-store.ts` says what each item
 * is): shared by the store's single-order reads and writes and its bulk reads
 * (`order-bulk-reads.ts`), so that no other module knows the keys.
 */
import type { RecordedEvent } from '../domain/orders/order-writes.ts';
import type { LineState } from '../domain/lifecycle/line.ts';

export const orderPk = (orderId: string): string => `ORDER#${orderId}`;
export const HEADER_SK = 'HEADER';
export const lineSk = (lineSeq: string): string => `LINE#${lineSeq}`;
export const releaseSk = (key: string): string => `REL#${key}`;
export const shipmentSk = (key: string): string => `SHP#${key}`;
export const eventSk = (idempotencyKey: string): string => `EVT#${idempotencyKey}`;
export const externalPk = (externalId: string): string => `EXT#${externalId}`;

/** A stored event: the history record plus what the command returned and asked. */
export type StoredEvent = RecordedEvent;

export type Row = Record<string, unknown>;

/** The line items' keys of `refs`, each once. */
export const lineKeysOf = (refs: readonly { orderId: string; lineSeq: string }[]) => [
  ...new Map(
    refs.map((r) => [
      `${r.orderId}|${r.lineSeq}`,
      { pk: orderPk(r.orderId), sk: lineSk(r.lineSeq) },
    ]),
  ).values(),
];

export const toLine = (item: Row): LineState => JSON.parse(String(item.state)) as LineState;

/** Events keep what the command returned as JSON text (`result`), read back as a value. */
export const toEvent = (item: Row): StoredEvent => {
  const e = strip<StoredEvent & { result: unknown }>(item);
  return {
    ...e,
    result: typeof e.result === 'string' ? (JSON.parse(e.result) as unknown) : e.result,
  };
};

export const strip = <T>(item: Row): T => {
  const { pk: _pk, sk: _sk, itemType: _itemType, ...rest } = item;
  return rest as T;
};
