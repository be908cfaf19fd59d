/**
 * Evidence for inventory holds (docs/inventory.md, "When a hold ends"): the quantity a record's
 * rows told NetSuite kept in the manifest, the reflect entries of a taken file, NetSuite's own
 * fulfillments, and the settle's idempotency keys.
 */
import { describe, expect, it } from 'vitest';
import type { LineState, Shipment } from '../../shared/domain/lifecycle/line.ts';
import {
  entriesOfTakenFile,
  nsFulfillmentEntry,
  rowsQuantity,
} from '../../shared/inventory/reflect-entries.ts';
import { reflectIdempotencyKey } from '../../shared/inventory/settle.ts';
import {
  manifestParts,
  readManifestPart,
  type StoredManifestRecord,
} from '../../shared/store/manifest-parts.ts';
import { reflectKey, reflectPk } from '../../shared/store/reflect-store.ts';

const shipment = (key: string, facilityId: string, quantity: number): Shipment => ({
  key,
  releaseKey: 'R',
  facilityId,
  planned: quantity,
  quantity,
  short: 0,
  status: 'shipped',
  createdAt: 'now',
});

const line = (over: Partial<LineState> = {}): LineState =>
  ({
    orderId: 'O1',
    lineSeq: '00001',
    sku: 'SKU-1',
    quantity: 5,
    price: 10,
    shippingMethod: 'STANDARD',
    preOrder: false,
    buckets: { 1200: 5 },
    alloc: { WH1: { 1200: 5 } },
    holds: {},
    releases: {},
    shipments: {},
    rejectedBy: [],
    releaseSeq: 0,
    shipmentSeq: 0,
    version: 1,
    updatedAt: 'now',
    ...over,
  }) as LineState;

const TAKEN = '2026-01-05T10:00:00.000Z';

describe('the quantity a record told NetSuite', () => {
  it('is the quantity column of allocation and OMS-fulfilled rows, |Adjust Qty By| of adjustments', () => {
    expect(rowsQuantity('allocation', [{ quantity: '3', location: '13' }])).toBe(3);
    expect(rowsQuantity('fulfilled', [{ quantity: '2' }])).toBe(2);
    expect(rowsQuantity('invadj', [{ 'Adjust Qty By': '-4' }])).toBe(4);
    expect(rowsQuantity('invadj', [{ 'Adjust Qty By': '1' }])).toBe(1);
  });

  it('is not kept for other feeds or unreadable quantities', () => {
    expect(rowsQuantity('salesorder', [{ quantity: '3' }])).toBeUndefined();
    expect(rowsQuantity('allocation', [{ quantity: '' }])).toBeUndefined();
    expect(rowsQuantity('allocation', [{ quantity: 'x' }])).toBeUndefined();
    expect(rowsQuantity('allocation', [])).toBeUndefined();
  });

  it('survives the manifest parts, with or without a payload', () => {
    const records: StoredManifestRecord[] = [
      { id: 'a', first: 2, last: 2, fingerprint: 'f1', payload: { orderId: 'O1' }, quantity: 3 },
      { id: 'b', first: 3, last: 3, fingerprint: 'f2', quantity: 0 },
      { id: 'c', first: 4, last: 4, fingerprint: 'f3', payload: { x: 1 } },
      { id: 'd', first: 5, last: 5, fingerprint: 'f4' },
    ];
    expect(manifestParts(records).flatMap((p) => readManifestPart(p))).toEqual(records);
  });
});

describe('the reflect entries of a taken file', () => {
  const alloc = (id: string, orderId: string, quantity?: number): StoredManifestRecord => ({
    id,
    first: 2,
    last: 2,
    fingerprint: 'f',
    payload: { orderId, lineSeq: '00001', facilityId: 'WH1', afterRejection: false },
    ...(quantity !== undefined ? { quantity } : {}),
  });
  const lines = new Map([
    ['O1|00001', line()],
    ['O2|00001', line({ orderId: 'O2', quantity: 4, buckets: { 1200: 3, 9000: 1 } })],
  ]);
  const head = { name: 'f.csv', outbox: 'allocation' as const };

  it('covers the quantity kept in the manifest, at the record facility, with the line SKU', () => {
    expect(entriesOfTakenFile(head, [alloc('O1#00001#WH1', 'O1', 3)], TAKEN, lines)).toEqual([
      {
        kind: 'allocation',
        recordId: 'O1#00001#WH1',
        takenAt: TAKEN,
        file: 'f.csv',
        sku: 'SKU-1',
        facilityId: 'WH1',
        covered: 3,
        orderId: 'O1',
        lineSeq: '00001',
      },
    ]);
  });

  it("falls back to the line's NetSuite quantity for manifests without one", () => {
    const [e] = entriesOfTakenFile(head, [alloc('O2#00001#WH1', 'O2')], TAKEN, lines);
    expect(e!.covered).toBe(3); // 4 ordered, 1 cancelled
  });

  it('leaves out refused records and lines gone', () => {
    const records = [alloc('O1#00001#WH1', 'O1', 5), alloc('O9#00001#WH1', 'O9', 1)];
    expect(entriesOfTakenFile(head, records, TAKEN, lines, new Set(['O1#00001#WH1']))).toEqual([]);
  });

  it('OMS-fulfilled: at the store that shipped', () => {
    const shipped = line({
      buckets: { 3700: 2 },
      alloc: {},
      shipments: { S1: shipment('S1', 'ST1', 2) },
    });
    const rec: StoredManifestRecord = {
      id: 'O1#00001',
      first: 2,
      last: 2,
      fingerprint: 'f',
      payload: { orderId: 'O1', lineSeq: '00001', facilityId: 'ST1', quantity: 2 },
      quantity: 2,
    };
    const [e] = entriesOfTakenFile(
      { name: 'g.csv', outbox: 'fulfilled' },
      [rec],
      TAKEN,
      new Map([['O1|00001', shipped]]),
    );
    expect(e).toMatchObject({ kind: 'fulfilled', facilityId: 'ST1', covered: 2, sku: 'SKU-1' });
  });

  it('adjustments: negative ones only, |delta| units', () => {
    const adj = (id: string, delta: number, quantity?: number): StoredManifestRecord => ({
      id,
      first: 2,
      last: 2,
      fingerprint: 'f',
      payload: { adjustmentId: id, sku: 'SKU-9', facilityId: 'ST1', delta, reason: 'VAR_DAMAGED' },
      ...(quantity !== undefined ? { quantity } : {}),
    });
    const out = entriesOfTakenFile(
      { name: 'h.csv', outbox: 'invadj' },
      [adj('SR-1', -2, 2), adj('SR-2', 3, 3), adj('SR-3', -1)],
      TAKEN,
      new Map(),
    );
    expect(out.map((e) => [e.kind, e.adjustmentId, e.sku, e.facilityId, e.covered])).toEqual([
      ['invadj', 'SR-1', 'SKU-9', 'ST1', 2],
      ['invadj', 'SR-3', 'SKU-9', 'ST1', 1],
    ]);
  });

  it('other outboxes give none', () => {
    expect(
      entriesOfTakenFile(
        { name: 'c.csv', outbox: 'customer' },
        [alloc('x', 'O1', 1)],
        TAKEN,
        lines,
      ),
    ).toEqual([]);
  });
});

describe("NetSuite's own fulfillments", () => {
  it('cover every unit the line shipped from that facility', () => {
    const l = line({
      shipments: {
        S1: shipment('S1', 'WH1', 2),
        S2: shipment('S2', 'WH1', 1),
        S3: shipment('S3', 'WH2', 4),
      },
    });
    expect(nsFulfillmentEntry(l, 'WH1', TAKEN, 'f.csv')).toMatchObject({
      kind: 'nsfulfillment',
      recordId: 'O1#00001#WH1',
      covered: 3,
      sku: 'SKU-1',
    });
    expect(nsFulfillmentEntry(l, 'WH3', TAKEN, 'f.csv')).toBeUndefined();
  });
});

describe('entry keys', () => {
  it('sort by the time NetSuite took the file, and shard by key', () => {
    const k = reflectKey({
      takenAt: '2026-01-05T10:00:00Z',
      kind: 'allocation',
      recordId: 'O1#1#W',
    });
    expect(k).toBe('2026-01-05T10:00:00.000Z#allocation#O1#1#W');
    expect(reflectPk(k)).toMatch(/^REFLECT#([0-9]|1[0-5])$/);
  });

  it('give a valid idempotency key for the reflection, hashed when too long', () => {
    const short = reflectIdempotencyKey({ key: `${TAKEN}#allocation#O1#00001#WH1`, covered: 3 });
    expect(short).toBe(`reflect:${TAKEN}#allocation#O1#00001#WH1#3`);
    const long = reflectIdempotencyKey({
      key: `${TAKEN}#allocation#${'X'.repeat(300)}`,
      covered: 3,
    });
    expect(long).toMatch(/^[\x21-\x7e]{1,200}$/);
    expect(long).not.toBe(
      reflectIdempotencyKey({ key: `${TAKEN}#allocation#${'X'.repeat(300)}`, covered: 4 }),
    );
    expect(reflectIdempotencyKey({ key: `${TAKEN}#invadj#A B`, covered: 1 })).not.toContain(' ');
  });
});
