/**
 * `npx oms dlq` on AWS, against a stand-in SQS (no AWS account here): the feed queues' dead-letter
 * queues are found through their redrive policies; listing peeks without taking messages away;
 * `--all` starts SQS's own redrive; one message goes back to its source queue and leaves the DLQ,
 * the others become visible again at once.
 */
import { describe, expect, it } from 'vitest';
import { AwsDeadLetters, type SqsLike } from '../../local/cli/commands/dlq-aws.ts';
import { s3EventBody } from '../../local/event-dispatch.ts';

const ACCOUNT = 'https://sqs.eu-west-1.amazonaws.com/123456789012';
const arn = (name: string) => `arn:aws:sqs:eu-west-1:123456789012:${name}`;

/** A few queues and messages; records every call. */
class FakeSqs implements SqsLike {
  readonly calls: Array<{ command: string; input: Record<string, unknown> }> = [];
  readonly queues: Record<
    string,
    { redrive?: string; messages: Array<{ id: string; body: string }> }
  > = {
    'OmsJobs-SnapshotQueue': { redrive: arn('OmsJobs-SnapshotDlq'), messages: [] },
    'OmsJobs-SnapshotDlq': {
      messages: [
        {
          id: 'm-1',
          body: s3EventBody('b', 'home/netsuite/netsuite/inventoryitem/csv/a b.csv', 5, 'e'),
        },
        { id: 'm-2', body: '{"not":"s3"}' },
      ],
    },
    'OmsJobs-OtherQueue': { messages: [] },
  };

  async send(command: unknown): Promise<unknown> {
    const name = (command as { constructor: { name: string } }).constructor.name;
    const input = (command as { input: Record<string, unknown> }).input;
    this.calls.push({ command: name, input });
    const q = (url: unknown) => this.queues[String(url).split('/').pop()!]!;
    switch (name) {
      case 'ListQueuesCommand':
        return { QueueUrls: Object.keys(this.queues).map((n) => `${ACCOUNT}/${n}`) };
      case 'GetQueueAttributesCommand': {
        const n = String(input.QueueUrl).split('/').pop()!;
        return {
          Attributes: {
            QueueArn: arn(n),
            ApproximateNumberOfMessages: String(this.queues[n]!.messages.length),
            ...(this.queues[n]!.redrive
              ? {
                  RedrivePolicy: JSON.stringify({
                    deadLetterTargetArn: this.queues[n]!.redrive,
                    maxReceiveCount: 3,
                  }),
                }
              : {}),
          },
        };
      }
      case 'ReceiveMessageCommand':
        return {
          Messages: q(input.QueueUrl).messages.map((m) => ({
            MessageId: m.id,
            ReceiptHandle: `rh-${m.id}`,
            Body: m.body,
            Attributes: { ApproximateReceiveCount: '3', SentTimestamp: '1780000000000' },
          })),
        };
      case 'DeleteMessageCommand': {
        const queue = q(input.QueueUrl);
        queue.messages = queue.messages.filter((m) => `rh-${m.id}` !== input.ReceiptHandle);
        return {};
      }
      case 'SendMessageCommand':
        q(input.QueueUrl).messages.push({ id: 'new', body: String(input.MessageBody) });
        return {};
      case 'StartMessageMoveTaskCommand':
        return { TaskHandle: 'task-1' };
      case 'ChangeMessageVisibilityCommand':
        return {};
      default:
        throw new Error(`unexpected ${name}`);
    }
  }
}

describe('npx oms dlq on AWS', () => {
  it('finds the dead-letter queues by their redrive policies and peeks at their messages', async () => {
    const sqs = new FakeSqs();
    const dlq = new AwsDeadLetters(sqs, undefined);
    expect(await dlq.pairs()).toEqual([
      {
        source: { url: `${ACCOUNT}/OmsJobs-SnapshotQueue`, arn: arn('OmsJobs-SnapshotQueue') },
        deadLetter: { url: `${ACCOUNT}/OmsJobs-SnapshotDlq`, arn: arn('OmsJobs-SnapshotDlq') },
      },
    ]);
    const listed = await dlq.list();
    expect(listed).toEqual([
      {
        id: 'm-1',
        queue: 'OmsJobs-SnapshotDlq',
        key: 'home/netsuite/netsuite/inventoryitem/csv/a b.csv',
        receives: 3,
        at: new Date(1780000000000).toISOString(),
      },
      expect.objectContaining({ id: 'm-2', key: '(not an S3 event)' }),
    ]);
    // Peeking leaves them visible.
    for (const c of sqs.calls.filter((c) => c.command === 'ReceiveMessageCommand'))
      expect(c.input.VisibilityTimeout).toBe(0);
  });

  it('re-drives all through StartMessageMoveTask, or one by id back to its source queue', async () => {
    const sqs = new FakeSqs();
    const dlq = new AwsDeadLetters(sqs, undefined);
    expect(await dlq.redriveAll()).toEqual([{ queue: 'OmsJobs-SnapshotDlq', task: 'task-1' }]);
    expect(sqs.calls.find((c) => c.command === 'StartMessageMoveTaskCommand')?.input).toEqual({
      SourceArn: arn('OmsJobs-SnapshotDlq'),
    });

    const one = await dlq.redriveOne('m-1');
    expect(one.id).toBe('m-1');
    expect(sqs.queues['OmsJobs-SnapshotDlq']!.messages.map((m) => m.id)).toEqual(['m-2']);
    expect(sqs.queues['OmsJobs-SnapshotQueue']!.messages).toHaveLength(1);
    // The other message was made visible again at once.
    expect(sqs.calls.filter((c) => c.command === 'ChangeMessageVisibilityCommand')).toEqual([
      expect.objectContaining({
        input: expect.objectContaining({ ReceiptHandle: 'rh-m-2', VisibilityTimeout: 0 }),
      }),
    ]);
    await expect(dlq.redriveOne('nope')).rejects.toThrow(/no dead letter nope/);
  });
});
