/** Creates the OMS tables in DynamoDB Local from the same definitions CDK deploys. */
import {
  CreateTableCommand,
  ResourceInUseException,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { TABLES, tableName, type TableKey } from '../shared/store/tables.ts';

export async function ensureTables(client: DynamoDBClient, prefix: string): Promise<string[]> {
  const created: string[] = [];
  for (const key of Object.keys(TABLES) as TableKey[]) {
    const def = TABLES[key];
    const name = tableName(prefix, key);
    try {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: def.partitionKey, AttributeType: 'S' },
            { AttributeName: def.sortKey, AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: def.partitionKey, KeyType: 'HASH' },
            { AttributeName: def.sortKey, KeyType: 'RANGE' },
          ],
        }),
      );
      created.push(name);
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
    }
  }
  return created;
}
