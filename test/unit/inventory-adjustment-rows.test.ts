/** Inventory adjustment rows for store rejections (`inventoryadjustment/csv`): pure. */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { Facility } from '../../shared/domain/facility.ts';
import { csvText } from '../../shared/domain/sync/outbound-files.ts';
import {
  adjustmentDelta,
  adjustmentIdFor,
  inventoryAdjustmentRow,
  normalizeRejectionReason,
  type InventoryAdjustmentPayload,
} from '../../shared/domain/sync/inventory-adjustment-rows.ts';
import { feedById } from '../../shared/feeds/catalog.ts';
import {
  adjustmentDeltasIncludeOms,
  DEPLOY_SETTINGS,
  netsuiteAdjustmentAccount,
} from '../../shared/platform/config.ts';
import { inventoryAdjustmentExport } from '../../shared/sync/inventory-adjustment-export.ts';
import type { ExportSources } from '../../shared/sync/exports.ts';
import { applyLocalSettingDefaults } from '../../local/settings.ts';

const store: Facility = {
  facilityId: 'STORE1',
  externalId: '21',
  name: 'Store 1',
  kind: 'store',
  groups: [],
  subsidiary: '3',
};

const payload: InventoryAdjustmentPayload = {
  adjustmentId: 'SR-O1-00001-abc',
  sku: 'SKU-1',
  facilityId: 'STORE1',
  delta: -2,
  reason: 'VAR_DAMAGED',
  comments: 'box crushed,\n  wet',
  at: '2025-07-02T23:15:00.000Z',
  orderId: 'O1',
  lineSeq: '00001',
};

describe('rejection reasons', () => {
  it('normalizes codes and takes the misspelled VAR_DAMANGED as VAR_DAMAGED', () => {
    expect(normalizeRejectionReason('VAR_DAMAGED')).toBe('VAR_DAMAGED');
    expect(normalizeRejectionReason('VAR_DAMANGED')).toBe('VAR_DAMAGED');
    expect(normalizeRejectionReason(' var_found ')).toBe('VAR_FOUND');
    expect(normalizeRejectionReason('NOT_IN_STOCK')).toBe('NOT_IN_STOCK');
    for (const bad of ['', '  ', '1ABC', 'VAR DAMAGED', 'VAR-DAMAGED', 'X'.repeat(41), 3, null]) {
      expect(normalizeRejectionReason(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it('signs the delta: stolen and damaged take units off, found adds them, others nothing', () => {
    expect(adjustmentDelta('VAR_STOLEN', 3)).toBe(-3);
    expect(adjustmentDelta('VAR_DAMAGED', 2)).toBe(-2);
    expect(adjustmentDelta('VAR_FOUND', 2)).toBe(2);
    expect(adjustmentDelta('NOT_IN_STOCK', 2)).toBe(0);
    expect(adjustmentDelta('OTHER', 2)).toBe(0);
  });

  it('derives a stable adjustment id from order, line and key', () => {
    const id = adjustmentIdFor('O1', '00001', 'k-1');
    expect(id).toMatch(/^SR-O1-00001-[0-9a-f]{16}$/);
    expect(adjustmentIdFor('O1', '00001', 'k-1')).toBe(id);
    expect(adjustmentIdFor('O2', '00001', 'k-1')).not.toBe(id);
    expect(adjustmentIdFor('O1', '00002', 'k-1')).not.toBe(id);
    expect(adjustmentIdFor('O1', '00001', 'k-2')).not.toBe(id);
  });
});

describe('inventory adjustment row', () => {
  it('fills the exact columns with the signed quantity and NetSuite ids', () => {
    const built = inventoryAdjustmentRow(payload, {
      facility: store,
      itemId: '501',
      account: '88',
    });
    expect(built).toEqual({
      kind: 'ready',
      row: {
        'Reference No': 'SR-O1-00001-abc',
        'Adjustment Account': '88',
        Item: '501',
        'Adjust Qty By': '-2',
        Location: '21',
        Date: '07/02/2025',
        Memo: 'VAR_DAMAGED: box crushed, wet',
        'HC Inventory Adj Id': 'SR-O1-00001-abc',
        'Adjustment Location': '21',
        Subsidiary: '3',
      },
    });
    const columns = feedById('inventory-adjustment-export').columns;
    expect(Object.keys(built.kind === 'ready' ? built.row : {})).toEqual(columns);
    const text = csvText(columns, [built.kind === 'ready' ? built.row : {}]);
    expect(text.split('\n')[0]).toBe(
      'Reference No,Adjustment Account,Item,Adjust Qty By,Location,Date,Memo,HC Inventory Adj Id,Adjustment Location,Subsidiary',
    );
    expect(parse(text, { columns: true })).toEqual([
      expect.objectContaining({ Memo: 'VAR_DAMAGED: box crushed, wet', 'Adjust Qty By': '-2' }),
    ]);
  });

  it('writes a found variance as a positive quantity and a memo without comments', () => {
    const built = inventoryAdjustmentRow(
      { ...payload, delta: 1, reason: 'VAR_FOUND', comments: undefined },
      { facility: store, itemId: '501', account: '88' },
    );
    expect(built).toMatchObject({
      kind: 'ready',
      row: { 'Adjust Qty By': '1', Memo: 'VAR_FOUND' },
    });
  });

  it("starts the memo with the reason code, so a store's comments never start a cell as a formula", () => {
    const built = inventoryAdjustmentRow(
      { ...payload, comments: '=HYPERLINK("http://x")' },
      { facility: store, itemId: '501', account: '88' },
    );
    expect(built).toMatchObject({
      kind: 'ready',
      row: { Memo: 'VAR_DAMAGED: =HYPERLINK("http://x")' },
    });
  });

  it('holds the row back when the item id or the facility is unknown', () => {
    expect(inventoryAdjustmentRow(payload, { facility: store, account: '88' })).toEqual({
      kind: 'held',
      reasons: ['no NetSuite item id for SKU "SKU-1"'],
    });
    expect(inventoryAdjustmentRow(payload, { itemId: '501', account: '88' })).toEqual({
      kind: 'held',
      reasons: ['unknown facility "STORE1"'],
    });
    expect(
      inventoryAdjustmentRow(payload, {
        facility: { ...store, externalId: '' },
        account: '88',
      }),
    ).toEqual({
      kind: 'held',
      reasons: [
        'facility "STORE1" has no NetSuite location id',
        'no NetSuite item id for SKU "SKU-1"',
      ],
    });
    expect(
      inventoryAdjustmentRow(
        { ...payload, delta: 0 },
        { facility: store, itemId: '1', account: '8' },
      ).kind,
    ).toBe('held');
  });

  it('gives each adjustment its own Reference No, even two rejections of one line', () => {
    const first = inventoryAdjustmentRow(
      { ...payload, adjustmentId: adjustmentIdFor('O1', '00001', 'reject-1') },
      { facility: store, itemId: '501', account: '88' },
    );
    const second = inventoryAdjustmentRow(
      { ...payload, adjustmentId: adjustmentIdFor('O1', '00001', 'reject-2') },
      { facility: store, itemId: '501', account: '88' },
    );
    const ref = (r: typeof first) => (r.kind === 'ready' ? r.row['Reference No'] : '');
    expect(ref(first)).not.toBe(ref(second));
    expect(ref(first)).toBe(adjustmentIdFor('O1', '00001', 'reject-1'));
  });

  it("dates the adjustment by the NetSuite account's day, not the UTC day", () => {
    // 02:30 UTC on July 3rd is still July 2nd in an account at −07:00, and July 3rd at +05:30.
    const at = '2025-07-03T02:30:00.000Z';
    const dateAt = (utcOffset?: string) => {
      const r = inventoryAdjustmentRow(
        { ...payload, at },
        { facility: store, itemId: '501', account: '88', utcOffset },
      );
      return r.kind === 'ready' ? r.row.Date : '';
    };
    expect(dateAt('-07:00')).toBe('07/02/2025');
    expect(dateAt('+05:30')).toBe('07/03/2025');
    expect(dateAt(undefined)).toBe('07/03/2025');
  });

  it('sends the Subsidiary column, empty for a facility without one', () => {
    const { subsidiary: _s, ...noSubsidiary } = store;
    const r = inventoryAdjustmentRow(payload, {
      facility: noSubsidiary,
      itemId: '501',
      account: '88',
    });
    expect(r).toMatchObject({ kind: 'ready', row: { Subsidiary: '' } });
  });
});

describe('settings', () => {
  it('requires the adjustment account as an internal id (digits), reading the old name when it holds one', () => {
    expect(netsuiteAdjustmentAccount({ OMS_NETSUITE_ADJUSTMENT_ACCOUNT: ' 212 ' })).toBe('212');
    expect(netsuiteAdjustmentAccount({ OMS_ADJUSTMENT_ACCOUNT: '77' })).toBe('77');
    expect(
      netsuiteAdjustmentAccount({
        OMS_NETSUITE_ADJUSTMENT_ACCOUNT: '58',
        OMS_ADJUSTMENT_ACCOUNT: '77',
      }),
    ).toBe('58');
    expect(() => netsuiteAdjustmentAccount({})).toThrow(
      /OMS_NETSUITE_ADJUSTMENT_ACCOUNT is not set/,
    );
    expect(() =>
      netsuiteAdjustmentAccount({ OMS_ADJUSTMENT_ACCOUNT: 'Inventory Adjustment' }),
    ).toThrow(
      /OMS_NETSUITE_ADJUSTMENT_ACCOUNT is not set.*"Inventory Adjustment" is not an internal id/,
    );
    expect(() =>
      netsuiteAdjustmentAccount({ OMS_NETSUITE_ADJUSTMENT_ACCOUNT: 'Inventory Adjustment' }),
    ).toThrow(/OMS_NETSUITE_ADJUSTMENT_ACCOUNT must be the internal id/);
    expect(DEPLOY_SETTINGS).toContain('OMS_NETSUITE_ADJUSTMENT_ACCOUNT');
    expect(DEPLOY_SETTINGS).toContain('OMS_ADJUSTMENT_DELTAS_INCLUDE_OMS');
  });

  it('the export refuses to start without the account', () => {
    const src = { facilities: { list: async () => [] } } as unknown as ExportSources;
    expect(() => inventoryAdjustmentExport(src, { env: {} })).toThrow(
      /OMS_NETSUITE_ADJUSTMENT_ACCOUNT is not set/,
    );
    expect(() =>
      inventoryAdjustmentExport(src, { env: { OMS_NETSUITE_ADJUSTMENT_ACCOUNT: '58' } }),
    ).not.toThrow();
  });

  it('the local cloud gives the account the simulator knows, unless one is set', () => {
    const env: NodeJS.ProcessEnv = {};
    applyLocalSettingDefaults(env);
    expect(env.OMS_NETSUITE_ADJUSTMENT_ACCOUNT).toBe('58');
    const chosen: NodeJS.ProcessEnv = { OMS_NETSUITE_ADJUSTMENT_ACCOUNT: '99' };
    applyLocalSettingDefaults(chosen);
    expect(chosen.OMS_NETSUITE_ADJUSTMENT_ACCOUNT).toBe('99');
    const legacy: NodeJS.ProcessEnv = { OMS_ADJUSTMENT_ACCOUNT: '77' };
    applyLocalSettingDefaults(legacy);
    expect(netsuiteAdjustmentAccount(legacy)).toBe('77');
  });

  it('OMS_ADJUSTMENT_DELTAS_INCLUDE_OMS is false unless set true', () => {
    expect(adjustmentDeltasIncludeOms({})).toBe(false);
    expect(adjustmentDeltasIncludeOms({ OMS_ADJUSTMENT_DELTAS_INCLUDE_OMS: 'true' })).toBe(true);
    expect(adjustmentDeltasIncludeOms({ OMS_ADJUSTMENT_DELTAS_INCLUDE_OMS: 'FALSE' })).toBe(false);
    expect(() =>
      adjustmentDeltasIncludeOms({ OMS_ADJUSTMENT_DELTAS_INCLUDE_OMS: 'maybe' }),
    ).toThrow(/OMS_ADJUSTMENT_DELTAS_INCLUDE_OMS/);
  });
});
