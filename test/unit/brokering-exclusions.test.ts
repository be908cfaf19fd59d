import { describe, expect, it } from 'vitest';
import { exclusionsOf } from '../../shared/brokering/broker-orders.ts';
import type { LifecycleEvent } from '../../shared/domain/lifecycle/events.ts';
import type { LineState } from '../../shared/domain/lifecycle/line.ts';

const line = { lineSeq: '00001', rejectedBy: ['WH-EAST', 'STORE-A'] } as unknown as LineState;
const rejected = (facilityId: string, at: string): LifecycleEvent => ({
  type: 'moved',
  orderId: 'O1',
  lineSeq: '00001',
  from: 1200,
  to: 1400,
  quantity: 1,
  facilityId,
  actor: 'netsuite',
  idempotencyKey: `k-${facilityId}-${at}`,
  at,
});

describe('facilities excluded for a line after rejecting it', () => {
  const now = new Date('2025-07-10T00:00:00Z');
  const events = [
    rejected('WH-EAST', '2025-07-01T00:00:00Z'),
    rejected('STORE-A', '2025-07-09T00:00:00Z'),
  ];

  it('excludes every facility that ever rejected it by default', () => {
    expect(exclusionsOf(events, now, undefined)(line)).toEqual(['WH-EAST', 'STORE-A']);
  });

  it('with a number of days, only those whose last rejection is that recent', () => {
    expect(exclusionsOf(events, now, 3)(line)).toEqual(['STORE-A']);
    expect(exclusionsOf(events, now, 10)(line)).toEqual(['WH-EAST', 'STORE-A']);
    // A later rejection at East brings it back into the window.
    expect(
      exclusionsOf([...events, rejected('WH-EAST', '2025-07-08T00:00:00Z')], now, 3)(line),
    ).toEqual(['WH-EAST', 'STORE-A']);
  });

  it('counts a hand-back written as steps (a released line rejected: 3200 → 1400)', () => {
    const handBack: LifecycleEvent = {
      type: 'backordered',
      orderId: 'O1',
      lineSeq: '00001',
      steps: [
        { from: 1500, to: 1200, quantity: 1, facilityId: 'WH-EAST' },
        { from: 1200, to: 1400, quantity: 1, facilityId: 'WH-EAST' },
      ],
      actor: 'netsuite',
      idempotencyKey: 'k-steps',
      at: '2025-07-08T00:00:00Z',
    };
    expect(exclusionsOf([...events, handBack], now, 3)(line)).toEqual(['WH-EAST', 'STORE-A']);
    expect(exclusionsOf(events, now, 3)(line)).toEqual(['STORE-A']);
  });
});
