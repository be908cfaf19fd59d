/** Facility records in the control table (pk `FACILITY`, sk = facility id). */
import { paginateQuery, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Facility } from '../domain/facility.ts';
import { BatchWriter } from './batch-writer.ts';

const PK = 'FACILITY';
const NUMBER_FIELDS = ['latitude', 'longitude', 'dailyOrderLimit', 'sequence'] as const;

const numbers = (f: Facility) =>
  Object.fromEntries(
    NUMBER_FIELDS.filter((k) => f[k] !== undefined).map((k) => [k, { N: String(f[k]) }]),
  );

export class FacilityStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  async save(facilities: readonly Facility[]): Promise<void> {
    const writer = new BatchWriter({
      client: this.client,
      table: this.table,
      keyAttributes: ['pk', 'sk'],
    });
    for (const f of facilities) {
      await writer.put({
        pk: { S: PK },
        sk: { S: f.facilityId },
        externalId: { S: f.externalId },
        name: { S: f.name },
        kind: { S: f.kind },
        groups: { S: JSON.stringify(f.groups) },
        ...numbers(f),
        ...(f.subsidiary ? { subsidiary: { S: f.subsidiary } } : {}),
      });
    }
    await writer.flush();
  }

  async list(): Promise<Facility[]> {
    const out: Facility[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: PK } },
      },
    );
    for await (const page of pages) {
      for (const i of page.Items ?? []) {
        out.push({
          facilityId: i.sk?.S ?? '',
          externalId: i.externalId?.S ?? '',
          name: i.name?.S ?? '',
          kind: i.kind?.S === 'store' ? 'store' : 'warehouse',
          groups: JSON.parse(i.groups?.S ?? '[]') as string[],
          ...Object.fromEntries(
            NUMBER_FIELDS.filter((k) => i[k]?.N !== undefined).map((k) => [k, Number(i[k]!.N)]),
          ),
          ...(i.subsidiary?.S ? { subsidiary: i.subsidiary.S } : {}),
        });
      }
    }
    return out;
  }

  /** NetSuite location id → OMS facility id. */
  async byExternalId(): Promise<Map<string, string>> {
    return new Map((await this.list()).map((f) => [f.externalId, f.facilityId]));
  }
}
