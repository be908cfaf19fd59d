/**
 * The NetSuite id items and the stores' keys are written out by hand (issue #21: an id import
 * writes one an id row); each must be the item `marshall` made of the same values.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyItem } from '../../shared/store/item-key.ts';
import { NetsuiteIdStore, type OrderIdKind } from '../../shared/store/netsuite-id-store.ts';

// No call is made: the items are only built.
const store = new NetsuiteIdStore(new DynamoDBClient({ region: 'local' }), 'orders');
const text = fc.string({ unit: 'grapheme', maxLength: 30 });

describe('NetsuiteIdStore items', () => {
  it('a key is what marshall makes of { pk, sk }', () => {
    fc.assert(
      fc.property(text, text, (pk, sk) => {
        expect(keyItem(pk, sk)).toStrictEqual(marshall({ pk, sk }));
      }),
    );
  });

  it('an order id item is what marshall makes of its key and values', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z0-9]{1,16}$/),
        fc.constantFrom<OrderIdKind>('ORDER', 'LINE', 'DISCOUNT', 'DEPOSIT'),
        fc.stringMatching(/^[0-9]{1,5}$/),
        text,
        text,
        text,
        (orderId, kind, ref, netsuiteId, file, at) => {
          const sk = kind === 'ORDER' ? 'NSID#ORDER' : `NSID#${kind}#${ref}`;
          expect(store.orderIdItem(orderId, kind, ref, netsuiteId, file, at)).toStrictEqual(
            marshall({ pk: `ORDER#${orderId}`, sk, netsuiteId, file, at }),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a customer id item is what marshall makes of its key and values', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,16}$/), text, text, text, (p, id, f, at) => {
        expect(store.customerIdItem(p, id, f, at)).toStrictEqual(
          marshall({ pk: `CUSTOMER#${p}`, sk: 'NSID', netsuiteId: id, file: f, at }),
        );
      }),
      { numRuns: 300 },
    );
  });
});
