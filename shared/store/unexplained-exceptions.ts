/**
 * Exceptions nobody could explain, in the control table, pk `NSUNEXPLAINED`, sk
 * `<folder>#<file>#<source>#<error file>#<row>`: an error row naming a file without manifest, a
 * line that holds no record, an unreadable error file, a file in `failed/` nobody can explain.
 * Never expire: listed until someone dismisses them (then kept, marked, so the same exception is
 * not listed again). The NetSuite file store hands its `…Unexplained` calls on to this one.
 */
import {
  ConditionalCheckFailedException,
  paginateQuery,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { BatchWriter } from './batch-writer.ts';
import { documentClient } from './document-client.ts';
import { queryPartition } from './query-all.ts';

const UNEXPLAINED_PK = 'NSUNEXPLAINED';

export interface UnexplainedException {
  /** Stable id (the item's sort key). */
  readonly id: string;
  readonly folder: string;
  readonly file: string;
  readonly source: 'error-row' | 'error-file' | 'failed-file';
  /** The row's line in the error file (error rows). */
  readonly errorLine?: number;
  readonly reason: string;
  /** NetSuite's row or message, as written. */
  readonly message?: string;
  readonly errorFile?: string;
  readonly at: string;
}

export class UnexplainedExceptions {
  private readonly doc;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = documentClient(client);
  }

  /** Lists an exception nobody could explain (idempotent: the same one is one item). */
  async add(items: readonly Omit<UnexplainedException, 'id'>[]): Promise<number> {
    if (!items.length) return 0;
    const writer = new BatchWriter({
      client: this.client,
      table: this.table,
      keyAttributes: ['pk', 'sk'],
    });
    const ids = await this.ids();
    let added = 0;
    for (const u of items) {
      const id = unexplainedId(u);
      if (ids.has(id)) continue;
      ids.add(id);
      added++;
      await writer.put(
        marshall({ pk: UNEXPLAINED_PK, sk: id, ...u }, { removeUndefinedValues: true }),
      );
    }
    await writer.flush();
    return added;
  }

  private async ids(): Promise<Set<string>> {
    const out = new Set<string>();
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: UNEXPLAINED_PK } },
        ProjectionExpression: 'sk',
      },
    );
    for await (const page of pages) for (const i of page.Items ?? []) out.add(i.sk?.S ?? '');
    return out;
  }

  /** Every exception nobody could explain and nobody dismissed yet, newest first. */
  async list(): Promise<UnexplainedException[]> {
    return (await queryPartition(this.client, this.table, UNEXPLAINED_PK))
      .filter((i) => !i.dismissedAt)
      .map((i) => {
        const { pk: _pk, sk, ...rest } = i;
        return { ...(rest as unknown as UnexplainedException), id: sk as string };
      })
      .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  }

  /**
   * Someone looked at listed exceptions (`oms sync dismiss`): they leave the list, and the same
   * exception read again is not listed again. Returns how many were dismissed.
   */
  async dismiss(ids: readonly string[], at: string): Promise<number> {
    let n = 0;
    for (const id of ids) {
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: UNEXPLAINED_PK, sk: id },
            UpdateExpression: 'SET dismissedAt = :at',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(dismissedAt)',
            ExpressionAttributeValues: { ':at': at },
          }),
        );
        n++;
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    }
    return n;
  }
}

/** `<folder>#<file>#<source>#<error file>#<row>`: the same exception read twice is one item. */
const unexplainedId = (u: Omit<UnexplainedException, 'id'>): string =>
  [u.folder, u.file, u.source, u.errorFile ?? '', u.errorLine ?? '']
    .map((p) => String(p).slice(0, 200))
    .join('#');
