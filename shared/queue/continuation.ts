/**
 * Hands the rest of a long import to a new invocation: the same S3 event message is sent again to
 * the function's own queue, and the next run resumes from the ledger's checkpoint. On the local
 * cloud the event dispatcher registers itself as the queue.
 */
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { config } from '../platform/config.ts';

export const CONTINUATION_QUEUE_ENV = 'OMS_CONTINUATION_QUEUE_URL';

export interface SendOptions {
  /** Hold the message back this long before delivering it (SQS DelaySeconds, at most 900). */
  readonly delaySeconds?: number;
  /** SQS message attributes (strings), delivered with the message. */
  readonly attributes?: Readonly<Record<string, string>>;
}

export type ContinuationSink = (
  feedId: string,
  body: string,
  options?: SendOptions,
) => Promise<void>;

/** SQS's longest message delay. */
export const MAX_DELAY_SECONDS = 900;

let localSink: ContinuationSink | undefined;
let client: SQSClient | undefined;

/** The local cloud's dispatcher takes continuations in-process. */
export function setLocalContinuationSink(sink: ContinuationSink | undefined): void {
  localSink = sink;
}

/**
 * Sends `body` to the feed function's own queue (a continuation, or a message handed back to wait
 * for another worker's lease to end), optionally delayed.
 */
export async function sendContinuation(
  feedId: string,
  body: string,
  options: SendOptions = {},
): Promise<void> {
  const delaySeconds =
    options.delaySeconds === undefined
      ? undefined
      : Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.ceil(options.delaySeconds)));
  const attributes = options.attributes;
  if (localSink) return localSink(feedId, body, { delaySeconds, attributes });
  const queueUrl = process.env[CONTINUATION_QUEUE_ENV];
  if (!queueUrl) throw new Error(`${CONTINUATION_QUEUE_ENV} is not set: cannot continue ${feedId}`);
  client ??= new SQSClient({ region: config().region });
  await client.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: body,
      DelaySeconds: delaySeconds,
      MessageAttributes: attributes
        ? Object.fromEntries(
            Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
          )
        : undefined,
    }),
  );
}

/** Why a message failed, for the local dead-letter queue (on AWS the function's log says it). */
export type FailureSink = (messageId: string, error: string) => void;

let failureSink: FailureSink | undefined;

export function setLocalFailureSink(sink: FailureSink | undefined): void {
  failureSink = sink;
}

/** Tells the local dispatch why a message failed (nothing on AWS). */
export function noteMessageFailure(messageId: string, error: string): void {
  failureSink?.(messageId, error);
}
