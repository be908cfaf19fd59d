import { describe, expect, it } from 'vitest';
import { oneLocationOf } from '../../shared/brokering/broker-orders.ts';
import type { Facility } from '../../shared/domain/facility.ts';
import type { LineState, Release } from '../../shared/domain/lifecycle/line.ts';

const facility = (facilityId: string, groups: string[]): Facility => ({
  facilityId,
  externalId: facilityId,
  name: facilityId,
  kind: groups.length ? 'warehouse' : 'store',
  groups,
});
const facilities = new Map(
  [facility('WH-EAST', ['NETSUITE_FULFILLED']), facility('STORE-A', [])].map((f) => [
    f.facilityId,
    f,
  ]),
);
const release = (facilityId: string, statusQuantity: number): Release => ({
  key: `O1-00001-R${statusQuantity}`,
  facilityId,
  releasedQty: 1,
  statusQuantity,
  inShipment: 0,
  createdAt: 'now',
});
const line = (over: Partial<LineState>): LineState =>
  ({
    orderId: 'O1',
    lineSeq: '00001',
    alloc: {},
    releases: {},
    shipments: {},
    ...over,
  }) as LineState;

describe('the NetSuite location a line already holds', () => {
  it('is a NetSuite-fulfilled facility with quantity allocated, scheduled or released there', () => {
    expect(oneLocationOf(line({ alloc: { 'WH-EAST': { 1200: 1 } } }), facilities)).toEqual({
      oneLocationAt: 'WH-EAST',
    });
    expect(oneLocationOf(line({ releases: { r: release('WH-EAST', 1) } }), facilities)).toEqual({
      oneLocationAt: 'WH-EAST',
    });
  });

  it('is none for closed releases, or nothing held', () => {
    expect(oneLocationOf(line({ releases: { r: release('WH-EAST', 0) } }), facilities)).toEqual({});
    expect(oneLocationOf(line({}), facilities)).toEqual({});
  });

  it('names a store holding or having shipped units of the line: the rest goes to no NetSuite location', () => {
    expect(oneLocationOf(line({ alloc: { 'STORE-A': { 1200: 2 } } }), facilities)).toEqual({
      otherKindAt: 'STORE-A',
    });
    const shipped = {
      s: { facilityId: 'STORE-A', quantity: 1 },
    } as unknown as LineState['shipments'];
    expect(oneLocationOf(line({ shipments: shipped }), facilities)).toEqual({
      otherKindAt: 'STORE-A',
    });
    const notFound = {
      s: { facilityId: 'STORE-A', quantity: 0 },
    } as unknown as LineState['shipments'];
    expect(oneLocationOf(line({ shipments: notFound }), facilities)).toEqual({});
    // NetSuite shipped part of it: another NetSuite location may take the rest.
    const byNetsuite = {
      s: { facilityId: 'WH-EAST', quantity: 1 },
    } as unknown as LineState['shipments'];
    expect(oneLocationOf(line({ shipments: byNetsuite }), facilities)).toEqual({});
  });
});
