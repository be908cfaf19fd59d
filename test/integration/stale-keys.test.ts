import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoLocal, type DynamoLocal } from '../../local/dynamodb-local.ts';
import { ensureTables } from '../../local/tables.ts';
import { createDynamoClient } from '../../shared/store/dynamo-client.ts';
import { StaleKeys, staleKeyItem } from '../../shared/store/stale-keys.ts';
import { tableName } from '../../shared/store/tables.ts';

let db: DynamoLocal;
let client: DynamoDBClient;
let table: string;

beforeAll(async () => {
  db = await startDynamoLocal();
  client = createDynamoClient({
    bucket: 'b',
    tablePrefix: 'stale',
    netsuiteUser: 'n',
    region: 'us-east-1',
    dynamoEndpoint: db.endpoint,
  });
  await ensureTables(client, 'stale');
  table = tableName('stale', 'control');
});
afterAll(async () => {
  client?.destroy();
  await db?.stop();
});

const mark = (sku: string, facilityId: string) =>
  client.send(new PutItemCommand({ TableName: table, Item: staleKeyItem({ sku, facilityId }) }));

describe('stale inventory keys', () => {
  it('keeps a key marked again after it was read, when the older marking is cleared', async () => {
    const keys = new StaleKeys(client, table);
    await mark('A', '1');
    await mark('B', '1');
    const read = await keys.list();
    expect(read.map((k) => k.sku).sort()).toEqual(['A', 'B']);
    await mark('A', '1'); // a delta lands while the snapshot import runs
    await keys.clear(read);
    expect((await keys.list()).map((k) => `${k.sku}@${k.facilityId}`)).toEqual(['A@1']);
    await keys.clear(await keys.list());
    expect(await keys.list()).toEqual([]);
  });
});
