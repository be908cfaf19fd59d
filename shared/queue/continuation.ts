/**
 * Hands the rest of a long import to a new invocation: the same S3 event message is sent again to
 * the function's own queue, and the next run resumes from the ledger's checkpoint. On the local
 * cloud the event dispatcher registers itself as the queue.
 */
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { config } from '../config.ts';

export const CONTINUATION_QUEUE_ENV = 'OMS_CONTINUATION_QUEUE_URL';

export type ContinuationSink = (feedId: string, body: string) => Promise<void>;

let localSink: ContinuationSink | undefined;
let client: SQSClient | undefined;

/** The local cloud's dispatcher takes continuations in-process. */
export function setLocalContinuationSink(sink: ContinuationSink | undefined): void {
  localSink = sink;
}

export async function sendContinuation(feedId: string, body: string): Promise<void> {
  if (localSink) return localSink(feedId, body);
  const queueUrl = process.env[CONTINUATION_QUEUE_ENV];
  if (!queueUrl) throw new Error(`${CONTINUATION_QUEUE_ENV} is not set: cannot continue ${feedId}`);
  client ??= new SQSClient({ region: config().region });
  await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
}
