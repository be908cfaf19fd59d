/**
 * NetSuite ids coming back for an order: the sales-order internal id and one line id per order
 * line. They may arrive separately (two feeds); the order-level hold `AWAITING_NETSUITE_IDS` is
 * lifted from every line once the order id and all line ids are known ("approved").
 */
import { CommandError } from '../lifecycle/errors.ts';
import { HOLDS } from '../lifecycle/holds.ts';
import type { LineState } from '../lifecycle/line.ts';
import type { OrderHeader } from './order.ts';

export interface NetsuiteIds {
  readonly netsuiteOrderId?: string;
  /** OMS line seq (`00001`) → NetSuite line id. */
  readonly lineIds?: Readonly<Record<string, string>>;
}

export interface IdsApplied {
  readonly header: OrderHeader;
  /** Only the lines that changed. */
  readonly lines: LineState[];
  /** True when this change completed the ids and lifted the hold. */
  readonly approved: boolean;
}

const NS_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function applyNetsuiteIds(
  header: OrderHeader,
  lines: readonly LineState[],
  ids: NetsuiteIds,
  now: string,
): IdsApplied {
  if (ids.netsuiteOrderId === undefined && !ids.lineIds) {
    throw new CommandError('INVALID_COMMAND', 'give netsuiteOrderId and/or lineIds');
  }
  if (ids.netsuiteOrderId !== undefined && !NS_ID.test(ids.netsuiteOrderId)) {
    throw new CommandError(
      'INVALID_COMMAND',
      `netsuiteOrderId "${ids.netsuiteOrderId}" is not an id`,
      {
        field: 'netsuiteOrderId',
      },
    );
  }
  const bySeq = new Map(lines.map((l) => [l.lineSeq, l]));
  for (const [seq, id] of Object.entries(ids.lineIds ?? {})) {
    if (!bySeq.has(seq)) {
      throw new CommandError('UNKNOWN_LINE', `order ${header.orderId} has no line ${seq}`);
    }
    if (!NS_ID.test(id)) {
      throw new CommandError(
        'INVALID_COMMAND',
        `NetSuite line id "${id}" of line ${seq} is not an id`,
        {
          field: `lineIds.${seq}`,
        },
      );
    }
  }
  const nextHeader: OrderHeader = {
    ...header,
    netsuiteOrderId: ids.netsuiteOrderId ?? header.netsuiteOrderId,
  };
  const withIds = lines.map((l) => {
    const id = ids.lineIds?.[l.lineSeq];
    return id !== undefined && id !== l.netsuiteLineId ? { ...l, netsuiteLineId: id } : l;
  });
  const complete = !!nextHeader.netsuiteOrderId && withIds.every((l) => !!l.netsuiteLineId);
  const wasHeld = lines.some((l) => l.holds[HOLDS.AWAITING_NETSUITE_IDS]);
  const changed: LineState[] = [];
  withIds.forEach((l, i) => {
    let next = l;
    if (complete && next.holds[HOLDS.AWAITING_NETSUITE_IDS]) {
      const holds = { ...next.holds };
      delete holds[HOLDS.AWAITING_NETSUITE_IDS];
      next = { ...next, holds };
    }
    if (next !== lines[i]) changed.push({ ...next, version: next.version + 1, updatedAt: now });
  });
  return { header: nextHeader, lines: changed, approved: complete && wasHeld };
}
