/**
 * Fault: a snapshot file cut short (issue #22, item 3). NetSuite ends every line with `\n`, so a
 * last line without one is a cut file: it is refused — reported in the error file with its line and
 * why — even when it looks complete (`SKU,102,3694,10` cut from `…,103333` passes every column
 * rule). And a blank `idValue` never erases the item id the OMS knows.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedFileStore } from '../../shared/files/feed-file-store.ts';
import { InventoryStore } from '../../shared/store/inventory-store.ts';
import { keptName } from '../support/kept-files.ts';
import {
  SNAPSHOT_HEADER,
  startSnapshotFixture,
  type SnapshotFixture,
} from './support/snapshot-fixture.ts';

const HEADER = SNAPSHOT_HEADER;

let fx: SnapshotFixture;
let cloud: SnapshotFixture['cloud'];
let sftp: SnapshotFixture['sftp'];
let inventory: InventoryStore;
let files: FeedFileStore;
let dir: string;

beforeAll(async () => {
  fx = await startSnapshotFixture();
  ({ cloud, sftp, inventory, files, dir } = fx);
  // What the OMS knows before the cut files: complete lines.
  await upload('complete.csv', `${HEADER}\nSKU-T1,102,3694,103333\nSKU-T2,102,12,200001\n`);
});

afterAll(async () => {
  await fx?.stop();
});

async function upload(name: string, text: string) {
  await sftp.put(Buffer.from(text), `${dir}${name}`);
  await cloud.dispatcher.idle();
}

const figure = async (sku: string) =>
  (await inventory.figuresForSku(sku)).map((f) => ({
    facility: f.facilityId,
    qty: f.nsQty,
    id: f.nsItemId,
  }));

const errorsOf = async (name: string, text: string) =>
  parse((await sftp.get(`${dir}error/${keptName(name, text)}.errors.csv`)) as Buffer, {
    columns: true,
  }) as Array<Record<string, string>>;

describe('a snapshot whose last line has no line end', () => {
  it('cut inside the last column: the complete-looking row is refused, the item id stays', async () => {
    const name = 'cut-in-last-column.csv';
    // `SKU-T1,102,3694,103333` cut after `10`: every column rule would pass it.
    const text = `${HEADER}\nSKU-T0,101,5,5000\nSKU-T1,102,3694,10`;
    await upload(name, text);

    expect(await figure('SKU-T0')).toEqual([{ facility: '101', qty: 5, id: '5000' }]);
    expect(await figure('SKU-T1')).toEqual([{ facility: '102', qty: 3694, id: '103333' }]);
    expect(await errorsOf(name, text)).toEqual([
      {
        file: keptName(name, text),
        line: '3',
        field: '*',
        reason:
          'last line has no line end: the file may have been cut short (NetSuite ends every line with one), so the row is not applied',
        raw: 'SKU-T1,102,3694,10',
      },
    ]);
    // The file itself imported (its other rows applied) and is kept.
    expect((await sftp.list(`${dir}archive`)).map((e) => e.name)).toContain(keptName(name, text));
  });

  it('cut right after the last comma: the stored item id is not erased, the figure not changed', async () => {
    const name = 'cut-after-last-comma.csv';
    const text = `${HEADER}\nSKU-T0,101,6,5000\nSKU-T2,102,3694,`;
    await upload(name, text);

    expect(await figure('SKU-T0')).toEqual([{ facility: '101', qty: 6, id: '5000' }]);
    expect(await figure('SKU-T2')).toEqual([{ facility: '102', qty: 12, id: '200001' }]);
    expect(await errorsOf(name, text)).toMatchObject([
      { line: '3', field: '*', raw: 'SKU-T2,102,3694,' },
    ]);
  });

  it('cut inside the quantity, last in a reordered header (CRLF): refused too, whatever the column', async () => {
    const name = 'cut-in-quantity.csv';
    // NetSuite's headers may come in any order: here the quantity is last, `3694` cut to `36`.
    const text =
      'Item,externalFacilityId,idValue,availableQty\r\nSKU-T0,101,5000,7\r\nSKU-T1,102,103333,36';
    await upload(name, text);
    expect(await figure('SKU-T0')).toEqual([{ facility: '101', qty: 7, id: '5000' }]);
    expect(await figure('SKU-T1')).toEqual([{ facility: '102', qty: 3694, id: '103333' }]);
    expect(await errorsOf(name, text)).toMatchObject([
      { line: '3', field: '*', raw: 'SKU-T1,102,103333,36' },
    ]);
  });
});

describe('a complete line with a blank idValue', () => {
  it('updates the figure and keeps the item id the OMS knows (an empty cell erases nothing)', async () => {
    const name = 'blank-id.csv';
    const text = `${HEADER}\nSKU-T2,102,15,\nSKU-T9,101,4,\n`;
    await upload(name, text);
    expect(await figure('SKU-T2')).toEqual([{ facility: '102', qty: 15, id: '200001' }]);
    // A pair never given an id has none.
    expect(await figure('SKU-T9')).toEqual([{ facility: '101', qty: 4, id: undefined }]);
    expect(await sftp.exists(`${dir}error/${keptName(name, text)}.errors.csv`)).toBe(false);
    // The id comes back with the next full line; and a figure already stored stays as written.
    await upload('id-again.csv', `${HEADER}\nSKU-T2,102,15,200001\n`);
    expect(await figure('SKU-T2')).toEqual([{ facility: '102', qty: 15, id: '200001' }]);
    expect(cloud.dispatcher.deadLetters).toEqual([]);
    expect(await files.list(`${dir.slice(1)}`)).toEqual([]);
  });
});
