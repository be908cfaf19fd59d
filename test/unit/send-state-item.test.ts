/**
 * A send state's item is written out by hand (issue #21: the export writes one a record); it must
 * be the item `marshall` made of the same state, attribute for attribute.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shardOf, SyncStore, type SendState } from '../../shared/store/sync-store.ts';

// No call is made: `stateItem` only builds the item.
const store = new SyncStore(new DynamoDBClient({ region: 'local' }), 'control');
const SENT_TTL_S = 30 * 86_400;

const text = fc.option(fc.string({ unit: 'grapheme', maxLength: 30 }), { nil: undefined });
const state: fc.Arbitrary<SendState> = fc.record({
  sends: fc.nat({ max: 1_000 }),
  lastSentAt: text,
  lastFile: text,
  heldBack: text,
  missingFieldsFile: text,
});

describe('SyncStore.stateItem', () => {
  it('is the item marshall makes of the state, its key and its expiry', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('salesorder', 'customer', 'allocation' as const),
        fc.stringMatching(/^[A-Za-z0-9#-]{1,20}$/),
        state,
        fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }),
        (feed, id, st, nowMs) => {
          const item = store.stateItem({ feed, id, state: st }, nowMs);
          const want = marshall(
            {
              pk: `SENT#${feed}#${shardOf(id)}`,
              sk: id,
              ...st,
              expiresAt: Math.floor(nowMs / 1000) + SENT_TTL_S,
            },
            { removeUndefinedValues: true },
          );
          expect(item).toStrictEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });
});
