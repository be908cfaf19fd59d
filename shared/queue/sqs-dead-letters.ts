/**
 * The dead-letter queue on AWS (`oms dlq` and the operator's console, through `dead-letter-queue.ts`): the feed import queues' dead-letter queues, found through their redrive
 * policies (every SQS queue of the account and region whose RedrivePolicy names a dead-letter
 * queue; `OMS_QUEUE_PREFIX` narrows the search to queue names starting with it).
 *
 * Listing peeks (receive with a visibility timeout of 0, so the messages stay where they are);
 * `--all` starts SQS's own redrive (StartMessageMoveTask, back to each message's source queue);
 * one message is re-sent to its source queue, then deleted from the dead-letter queue.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { objectRefsFromS3Event } from '../feeds/s3-event.ts';

/** What the commands need of an SQS client (a stub in tests). */
export interface SqsLike {
  send(command: unknown): Promise<unknown>;
}

export interface QueuePair {
  readonly source: { readonly url: string; readonly arn: string };
  readonly deadLetter: { readonly url: string; readonly arn: string };
}

export interface AwsDeadLetter {
  readonly id: string;
  readonly queue: string;
  readonly key: string;
  readonly receives: number;
  readonly at: string;
}

const nameOf = (urlOrArn: string) => urlOrArn.split(/[/:]/).pop()!;

export class AwsDeadLetters {
  constructor(
    private readonly sqs: SqsLike = new SQSClient({ region: process.env.AWS_REGION }),
    private readonly prefix = process.env.OMS_QUEUE_PREFIX,
  ) {}

  private async attributes(url: string, names: string[]): Promise<Record<string, string>> {
    const out = (await this.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names as never }),
    )) as { Attributes?: Record<string, string> };
    return out.Attributes ?? {};
  }

  /** Every source queue with a dead-letter queue. */
  async pairs(): Promise<QueuePair[]> {
    const urls: string[] = [];
    let next: string | undefined;
    do {
      const page = (await this.sqs.send(
        new ListQueuesCommand({ QueueNamePrefix: this.prefix, NextToken: next, MaxResults: 1000 }),
      )) as { QueueUrls?: string[]; NextToken?: string };
      urls.push(...(page.QueueUrls ?? []));
      next = page.NextToken;
    } while (next);
    const urlOfArn = new Map<string, string>();
    const arnOfUrl = new Map<string, string>();
    const policies: Array<{ url: string; deadLetterArn: string }> = [];
    for (const url of urls) {
      const a = await this.attributes(url, ['QueueArn', 'RedrivePolicy']);
      if (a.QueueArn) {
        urlOfArn.set(a.QueueArn, url);
        arnOfUrl.set(url, a.QueueArn);
      }
      if (a.RedrivePolicy) {
        const p = JSON.parse(a.RedrivePolicy) as { deadLetterTargetArn?: string };
        if (p.deadLetterTargetArn) policies.push({ url, deadLetterArn: p.deadLetterTargetArn });
      }
    }
    return policies.flatMap((p) => {
      const dlqUrl = urlOfArn.get(p.deadLetterArn);
      const sourceArn = arnOfUrl.get(p.url);
      return dlqUrl && sourceArn
        ? [
            {
              source: { url: p.url, arn: sourceArn },
              deadLetter: { url: dlqUrl, arn: p.deadLetterArn },
            },
          ]
        : [];
    });
  }

  private async receive(url: string, visibility: number): Promise<Message[]> {
    const out = (await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: visibility,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      }),
    )) as { Messages?: Message[] };
    return out.Messages ?? [];
  }

  private describe(queue: string, m: Message): AwsDeadLetter {
    let key = '(not an S3 event)';
    try {
      key = objectRefsFromS3Event(JSON.parse(m.Body ?? '') as never)[0]?.key ?? key;
    } catch {
      // keep the placeholder
    }
    return {
      id: m.MessageId ?? '',
      queue: nameOf(queue),
      key,
      receives: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
      at: new Date(Number(m.Attributes?.SentTimestamp ?? 0)).toISOString(),
    };
  }

  /** Peeks at the messages waiting in every dead-letter queue (a few receives each). */
  async list(): Promise<AwsDeadLetter[]> {
    const out: AwsDeadLetter[] = [];
    for (const pair of await this.pairs()) {
      const seen = new Map<string, AwsDeadLetter>();
      for (let i = 0; i < 5; i++) {
        const batch = await this.receive(pair.deadLetter.url, 0);
        if (batch.length === 0) break;
        for (const m of batch) seen.set(m.MessageId!, this.describe(pair.deadLetter.url, m));
      }
      out.push(...seen.values());
    }
    return out;
  }

  /** Re-drives every message (SQS moves them back to their source queues). */
  async redriveAll(): Promise<Array<{ queue: string; task?: string }>> {
    const started: Array<{ queue: string; task?: string }> = [];
    for (const pair of await this.pairs()) {
      const a = await this.attributes(pair.deadLetter.url, ['ApproximateNumberOfMessages']);
      if (Number(a.ApproximateNumberOfMessages ?? 0) === 0) continue;
      const out = (await this.sqs.send(
        new StartMessageMoveTaskCommand({ SourceArn: pair.deadLetter.arn }),
      )) as { TaskHandle?: string };
      started.push({ queue: nameOf(pair.deadLetter.url), task: out.TaskHandle });
    }
    return started;
  }

  /** Re-drives one message by id: sent to its source queue, then deleted from the DLQ. */
  async redriveOne(id: string): Promise<AwsDeadLetter> {
    for (const pair of await this.pairs()) {
      const held: Message[] = [];
      try {
        for (let i = 0; i < 10; i++) {
          const batch = await this.receive(pair.deadLetter.url, 60);
          if (batch.length === 0) break;
          const found = batch.find((m) => m.MessageId === id);
          held.push(...batch.filter((m) => m !== found));
          if (!found) continue;
          await this.sqs.send(
            new SendMessageCommand({ QueueUrl: pair.source.url, MessageBody: found.Body ?? '' }),
          );
          await this.sqs.send(
            new DeleteMessageCommand({
              QueueUrl: pair.deadLetter.url,
              ReceiptHandle: found.ReceiptHandle,
            }),
          );
          return this.describe(pair.deadLetter.url, found);
        }
      } finally {
        // The others become visible again at once.
        for (const m of held) {
          await this.sqs
            .send(
              new ChangeMessageVisibilityCommand({
                QueueUrl: pair.deadLetter.url,
                ReceiptHandle: m.ReceiptHandle,
                VisibilityTimeout: 0,
              }),
            )
            .catch(() => undefined);
        }
      }
    }
    throw new Error(`no dead letter ${id} in any dead-letter queue`);
  }
}
