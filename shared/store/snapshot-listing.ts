/**
 * The index of snapshot files imported: for each, when it finished and the state object holding
 * the (SKU, facility) keys it listed. The snapshot-close job reads it to find the pairs a whole
 * snapshot did not list. Entries expire after a week (TTL); so do the objects (bucket lifecycle).
 */
import { PutItemCommand, paginateQuery, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

const PK = 'SNAPSHOT#listed';
const KEEP_SECONDS = 7 * 86_400;

export interface ListedFile {
  readonly finishedAt: string;
  readonly file: string;
  /** State object with the file's listed keys. */
  readonly object: string;
  readonly pairs: number;
}

export class SnapshotListing {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  async record(entry: ListedFile): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: {
          pk: { S: PK },
          sk: { S: `${entry.finishedAt}#${entry.object}` },
          finishedAt: { S: entry.finishedAt },
          file: { S: entry.file },
          object: { S: entry.object },
          pairs: { N: String(entry.pairs) },
          expiresAt: { N: String(Math.floor(Date.now() / 1000) + KEEP_SECONDS) },
        },
      }),
    );
  }

  /** Files that finished at or after `since` (ISO time), oldest first. */
  async since(since: string): Promise<ListedFile[]> {
    const out: ListedFile[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk >= :since',
        ExpressionAttributeValues: { ':pk': { S: PK }, ':since': { S: since } },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const i of page.Items ?? []) {
        out.push({
          finishedAt: i.finishedAt!.S!,
          file: i.file!.S!,
          object: i.object!.S!,
          pairs: Number(i.pairs!.N),
        });
      }
    }
    return out;
  }
}
