/** One inbound folder, several headers: the catalog's `layouts` and how a file's header picks one. */
import { describe, expect, it } from 'vitest';
import { HeaderMismatchError, matchLayout } from '../../shared/feeds/csv-reader.ts';
import { feedById, feedLayouts, FEEDS, MAIN_LAYOUT } from '../../shared/feeds/catalog.ts';
import {
  CREDIT_MEMO_COLUMNS,
  INVOICE_COLUMNS,
} from '../../shared/domain/fulfillment/invoice-rows.ts';

describe('feed layouts', () => {
  it('alc-audit-data takes the invoice report and the credit-memo report, from the catalog', () => {
    const layouts = feedLayouts(feedById('invoice-import'));
    expect(layouts.map((l) => l.id)).toEqual([MAIN_LAYOUT, 'credit-memo']);
    expect(layouts[0]!.columns).toEqual(INVOICE_COLUMNS);
    expect(layouts[1]!.columns).toEqual(CREDIT_MEMO_COLUMNS);
  });

  it('every other feed has its columns as its only layout', () => {
    for (const f of FEEDS.filter((x) => x.id !== 'invoice-import')) {
      expect(feedLayouts(f).map((l) => l.columns)).toEqual([f.columns]);
    }
  });

  it('a header picks the layout it is exactly (any order), or fails naming every layout', () => {
    const layouts = feedLayouts(feedById('invoice-import'));
    const shuffled = [...CREDIT_MEMO_COLUMNS].reverse();
    const picked = matchLayout(layouts, shuffled);
    expect(picked.layout.id).toBe('credit-memo');
    expect(picked.indexes).toEqual(CREDIT_MEMO_COLUMNS.map((c) => shuffled.indexOf(c)));
    expect(matchLayout(layouts, [...INVOICE_COLUMNS]).layout.id).toBe(MAIN_LAYOUT);
    // Case matters, as in NetSuite.
    const lower = CREDIT_MEMO_COLUMNS.map((c) => c.toLowerCase());
    expect(() => matchLayout(layouts, lower)).toThrow(HeaderMismatchError);
    expect(() => matchLayout(layouts, lower)).toThrow(/CREDIT_MEMO_INTERNAL_ID,SHOPIFY_ORDER_NAME/);
    // One layout: the message is the one it always was.
    expect(() => matchLayout([layouts[0]!], lower)).toThrow(/^header does not match: expected/);
  });
});
