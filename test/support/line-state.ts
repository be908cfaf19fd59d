/** Order lines for unit tests of the pure lifecycle code. */
import type { LineState } from '../../shared/domain/lifecycle/line.ts';

/** A fixed "now" for lines and moves in unit tests. */
export const TEST_NOW = '2025-07-02T10:00:00.000Z';

/**
 * Line 00001 of order O1: `quantity` units of SKU-1 at 10, all in 1100 (Created), with NetSuite's
 * line id 77, version 1; `fields` changes any of it.
 */
export function newLineState(quantity = 3, fields: Partial<LineState> = {}): LineState {
  return {
    orderId: 'O1',
    lineSeq: '00001',
    sku: 'SKU-1',
    quantity,
    price: 10,
    shippingMethod: 'STD',
    preOrder: false,
    buckets: { 1100: quantity },
    alloc: {},
    holds: {},
    releases: {},
    shipments: {},
    rejectedBy: [],
    releaseSeq: 0,
    shipmentSeq: 0,
    netsuiteLineId: '77',
    version: 1,
    updatedAt: TEST_NOW,
    ...fields,
  };
}
