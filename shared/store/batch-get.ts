/** BatchGetItem over any number of keys: 100 a call, calls in parallel, unprocessed keys retried. */
import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  type KeysAndAttributes,
} from '@aws-sdk/client-dynamodb';
import type { Item } from './batch-writer.ts';

const BATCH_GET_SIZE = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function batchGetAll(
  client: DynamoDBClient,
  table: string,
  keys: readonly Item[],
  opts: { consistent?: boolean; projection?: string; concurrency?: number } = {},
): Promise<Item[]> {
  const chunks: Item[][] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_SIZE)
    chunks.push(keys.slice(i, i + BATCH_GET_SIZE));
  const out: Item[] = [];
  const getChunk = async (chunk: Item[]) => {
    let request: KeysAndAttributes | undefined = {
      Keys: chunk,
      ConsistentRead: opts.consistent ?? true,
      ...(opts.projection ? { ProjectionExpression: opts.projection } : {}),
    };
    for (let attempt = 0; request?.Keys?.length; attempt++) {
      if (attempt > 10) throw new Error(`BatchGetItem on ${table}: keys still unprocessed`);
      if (attempt > 0) await sleep(Math.random() * Math.min(2_000, 25 * 2 ** attempt));
      const page: BatchGetItemCommandOutput = await client.send(
        new BatchGetItemCommand({ RequestItems: { [table]: request } }),
      );
      out.push(...(page.Responses?.[table] ?? []));
      request = page.UnprocessedKeys?.[table];
    }
  };
  const concurrency = opts.concurrency ?? 8;
  for (let i = 0; i < chunks.length; i += concurrency) {
    await Promise.all(chunks.slice(i, i + concurrency).map(getChunk));
  }
  return out;
}
