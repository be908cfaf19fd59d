import { describe, expect, it } from 'vitest';
import { FEEDS, feedById } from '../../shared/feeds/catalog.ts';
import {
  feedPrefix,
  locateInbound,
  subfolderKey,
  versionedName,
} from '../../shared/feeds/paths.ts';

const snapshot = feedById('inventory-snapshot-import');
const dir = 'home/netsuite/netsuite/inventoryitem/csv/';

describe('locateInbound', () => {
  it('finds the feed of a file dropped in its folder, with NetSuite-style names', () => {
    const name = 'Wed Jul 02 2025 03:15:00 GMT-0700 (PDT)-InventoryItemExport.csv';
    const where = locateInbound(`${dir}${name}`, 'netsuite');
    expect(where).toEqual({ kind: 'feed-file', feed: snapshot, fileName: name });
  });

  it.each([
    [`${dir}archive/a.csv`, 'not in a watched inbound folder'],
    [`${dir}failed/a.csv`, 'not in a watched inbound folder'],
    [`${dir}a.csv.filepart`, 'temporary file (.filepart)'],
    [`${dir}a.csv.TMP`, 'temporary file (.tmp)'],
    [`${dir}.hidden`, 'hidden file'],
    [`${dir}`, 'folder marker'],
    ['home/netsuite/netsuite/unknown/a.csv', 'not in a watched inbound folder'],
    ['home/other/netsuite/inventoryitem/csv/a.csv', 'not in a watched inbound folder'],
    ['home/netsuite/netsuite/customer/export/a.csv', 'not in a watched inbound folder'],
  ])('ignores %s', (key, reason) => {
    expect(locateInbound(key, 'netsuite')).toEqual({ kind: 'ignored', reason });
  });

  it('puts archive, error and failed below the feed folder', () => {
    expect(subfolderKey('netsuite', snapshot, 'archive', 'a.csv')).toBe(`${dir}archive/a.csv`);
  });
});

describe('versionedName', () => {
  it.each([
    ['a.csv', '1A2B3C4D5E6F', 'a~1a2b3c4d.csv'],
    ['a.b.csv', 'deadbeef00', 'a.b~deadbeef.csv'],
    ['orders.json', 'abcdef0123456789-3', 'orders~abcdef01.json'],
    ['noext', '0123456789', 'noext~01234567'],
    ['export 10.15.00', '0123456789', 'export 10.15.00~01234567'],
    [
      'Wed Jul 02 2025 03:15:00 GMT-0700 (PDT)-InventoryItemExport.csv',
      'ffeeddccbbaa',
      'Wed Jul 02 2025 03:15:00 GMT-0700 (PDT)-InventoryItemExport~ffeeddcc.csv',
    ],
  ])('keeps %j as version %j under %j', (name, eTag, kept) => {
    expect(versionedName(name, eTag)).toBe(kept);
  });
});

describe('feed catalog', () => {
  it('has unique ids and no inbound folder shared by two feeds', () => {
    const ids = FEEDS.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    const inbound = FEEDS.filter((f) => f.direction === 'inbound').map((f) => feedPrefix('u', f));
    expect(new Set(inbound).size).toBe(inbound.length);
  });

  it('gives the inventory snapshot its exact NetSuite header', () => {
    expect(snapshot.columns).toEqual(['Item', 'externalFacilityId', 'availableQty', 'idValue']);
  });

  it('uses schedules only on outbound feeds and events only on inbound ones', () => {
    for (const f of FEEDS) {
      expect(f.trigger.kind === 'schedule', f.id).toBe(f.direction === 'outbound');
    }
  });
});
