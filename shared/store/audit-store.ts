/**
 * The operator's audit trail, in the control table: one item per action taken in the operator's
 * console (re-drive, re-import, re-send): who, when, what, on what, and how it came out.
 *
 * pk `AUDIT#<yyyy-mm-dd>` (the UTC day), sk `<time>#<id>`: a day's actions are one query, newest
 * first. Items are kept 400 days (TTL `expiresAt`), longer than a year's audit asks for.
 */
import { randomUUID } from 'node:crypto';
import {
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

export interface AuditEntry {
  readonly id: string;
  /** ISO time of the action. */
  readonly at: string;
  /** `user:<name>` of the verified caller (`shared/auth/principal.ts` `actorOf`). */
  readonly actor: string;
  /** `dead-letter.redrive`, `file.reimport`, `refusal.resend`. */
  readonly action: string;
  /** What it acted on: a message id, an object key, `<outbox>/<record id>`, or `all`. */
  readonly target: string;
  /** `done`, `nothing to do`, `refused`: and a sentence. */
  readonly outcome: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

const KEEP_DAYS = 400;
const day = (iso: string) => iso.slice(0, 10);

export class AuditStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  async record(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): Promise<AuditEntry> {
    const full: AuditEntry = {
      ...entry,
      id: randomUUID(),
      at: entry.at ?? new Date().toISOString(),
    };
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: {
          pk: { S: `AUDIT#${day(full.at)}` },
          sk: { S: `${full.at}#${full.id}` },
          entry: { S: JSON.stringify(full) },
          expiresAt: { N: String(Math.floor(Date.parse(full.at) / 1000) + KEEP_DAYS * 86_400) },
        },
      }),
    );
    return full;
  }

  /** The last `limit` actions of the last `days` days, newest first. */
  async recent(opts: { days?: number; limit?: number; now?: Date } = {}): Promise<AuditEntry[]> {
    const now = opts.now ?? new Date();
    const limit = opts.limit ?? 50;
    const out: AuditEntry[] = [];
    for (let d = 0; d < (opts.days ?? 7) && out.length < limit; d++) {
      const pk = `AUDIT#${day(new Date(now.getTime() - d * 86_400_000).toISOString())}`;
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: pk } },
          ScanIndexForward: false,
          Limit: limit - out.length,
        }),
      );
      for (const i of page.Items ?? []) out.push(JSON.parse(i.entry?.S ?? '{}') as AuditEntry);
    }
    return out;
  }
}

/** A failure the operator fixed from the console: the file or report, and what was done. */
export interface Resolution {
  /** The object key of the failed file or the error report. */
  readonly key: string;
  /** When the corrected file was written (its import finishes after). */
  readonly at: string;
  readonly actor: string;
  /** The corrected file written into the feed's folder. */
  readonly reimportedAs: string;
  /** The audit entry of the action. */
  readonly auditId: string;
}

/**
 * Resolutions, in the control table (pk `CONSOLE#RESOLVED`, sk = the key): the console lists a
 * failed file or an error report as open until it was re-imported, then under "fixed" with the
 * new file's outcome. Kept as long as the audit (400 days).
 */
export class ResolutionStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  async save(r: Resolution): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: {
          pk: { S: 'CONSOLE#RESOLVED' },
          sk: { S: r.key },
          resolution: { S: JSON.stringify(r) },
          expiresAt: { N: String(Math.floor(Date.parse(r.at) / 1000) + KEEP_DAYS * 86_400) },
        },
      }),
    );
  }

  /** Every resolution, by key. */
  async all(): Promise<Map<string, Resolution>> {
    const out = new Map<string, Resolution>();
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: 'CONSOLE#RESOLVED' } },
          ExclusiveStartKey: start,
        }),
      );
      for (const i of page.Items ?? []) {
        const r = JSON.parse(i.resolution?.S ?? '{}') as Resolution;
        out.set(r.key, r);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
