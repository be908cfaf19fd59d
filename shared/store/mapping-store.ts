/** Reference mappings (OMS value → NetSuite id) in the control table: pk `MAP#<kind>`, sk = value. */
import { paginateQuery, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import {
  MAPPING_KINDS,
  mappingTable,
  type Mapping,
  type MappingKind,
  type MappingTable,
} from '../domain/sync/mappings.ts';
import { BatchWriter } from './batch-writer.ts';
import { documentClient } from './document-client.ts';

const pk = (kind: MappingKind) => `MAP#${kind}`;

export class MappingStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  async save(mappings: readonly Mapping[], now = new Date().toISOString()): Promise<void> {
    const writer = new BatchWriter({
      client: this.client,
      table: this.table,
      keyAttributes: ['pk', 'sk'],
    });
    for (const m of mappings) {
      await writer.put({
        pk: { S: pk(m.kind) },
        sk: { S: m.value },
        netsuiteId: { S: m.netsuiteId },
        updatedAt: { S: now },
      });
    }
    await writer.flush();
  }

  async remove(kind: MappingKind, value: string): Promise<void> {
    await documentClient(this.client).send(
      new DeleteCommand({ TableName: this.table, Key: { pk: pk(kind), sk: value } }),
    );
  }

  async list(): Promise<Mapping[]> {
    const out: Mapping[] = [];
    for (const kind of MAPPING_KINDS) {
      const pages = paginateQuery(
        { client: this.client },
        {
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: pk(kind) } },
          ConsistentRead: true,
        },
      );
      for await (const page of pages) {
        for (const i of page.Items ?? []) {
          out.push({ kind, value: i.sk?.S ?? '', netsuiteId: i.netsuiteId?.S ?? '' });
        }
      }
    }
    return out;
  }

  /** All mappings as lookup maps (what one export run reads once). */
  async lookup(): Promise<MappingTable> {
    return mappingTable(await this.list());
  }
}
