/**
 * Fault: one SKU longer than DynamoDB keys hold (issue #22, item 4). A 2,108-character SKU used to
 * fail the whole file (BatchWriteItem refuses the batch: the partition key is at most 2,048
 * bytes): 12 good rows never applied, no error file, dead-lettered again at every restart. The SKU
 * is now refused as a row, with its size and the limit; the file's other rows apply.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
let dir: string;

beforeAll(async () => {
  fx = await startSnapshotFixture();
  ({ cloud, sftp, inventory, dir } = fx);
});

afterAll(async () => {
  await sftp?.end();
  await cloud?.cleanup();
});

afterAll(async () => {
  await fx?.stop();
});

describe('a SKU longer than a DynamoDB key', () => {
  it('is refused as a row; the 12 other rows apply; nothing is dead-lettered', async () => {
    const name = 'long-sku.csv';
    const longSku = `SKU-${'L'.repeat(2104)}`; // 2,108 characters
    const rows = Array.from(
      { length: 12 },
      (_, i) => `SKU-K${i},${i % 2 ? '102' : '101'},${i},${100 + i}`,
    );
    rows.splice(6, 0, `${longSku},101,5,999`);
    const text = `${[HEADER, ...rows].join('\n')}\n`;
    await sftp.put(Buffer.from(text), `${dir}${name}`);
    await cloud.dispatcher.idle();

    for (let i = 0; i < 12; i++) {
      expect((await inventory.figuresForSku(`SKU-K${i}`)).map((f) => f.nsQty)).toEqual([i]);
    }
    expect(cloud.dispatcher.deadLetters).toEqual([]);
    const kept = keptName(name, text);
    expect((await sftp.list(`${dir}archive`)).map((e) => e.name)).toContain(kept);
    const errors = parse((await sftp.get(`${dir}error/${kept}.errors.csv`)) as Buffer, {
      columns: true,
    }) as Array<Record<string, string>>;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      line: '8',
      field: 'Item',
      reason: 'SKU is 2,108 bytes long; at most 2,048 bytes fit in its DynamoDB key',
    });
    // The raw line is kept, cut to 2,000 characters and saying so.
    expect(errors[0]!.raw).toMatch(/^SKU-LLLL.*… \(cut: 2,118 characters\)$/);
  });

  it('at exactly 2,048 bytes it fits, and is stored', async () => {
    const sku = `SKU-${'M'.repeat(2044)}`;
    await sftp.put(Buffer.from(`${HEADER}\n${sku},101,4,4\n`), `${dir}max-sku.csv`);
    await cloud.dispatcher.idle();
    expect((await inventory.figuresForSku(sku)).map((f) => f.nsQty)).toEqual([4]);
    expect(cloud.dispatcher.deadLetters).toEqual([]);
  });
});
