/**
 * The dead-letter queue as the operator's console and `oms dlq` see it: list the messages the
 * feed imports gave up on, and re-drive one, several or all of them to their feed's queue.
 *
 * One port, two adapters: on AWS the feed queues' SQS dead-letter queues (`sqs-dead-letters.ts`:
 * one message re-sent and deleted, all through SQS's own StartMessageMoveTask); on the local cloud
 * its on-disk queue (`local/dead-letters.ts`), which `startLocalCloud` registers here as it
 * registers its dispatcher for continuations.
 */
import { AwsDeadLetters } from './sqs-dead-letters.ts';

export interface DeadLetterView {
  readonly id: string;
  /** The feed (locally) or the dead-letter queue's name (AWS). */
  readonly queue: string;
  /** The object key the message is about. */
  readonly key: string;
  /** The last failure (locally; SQS keeps none: the function's log has it). */
  readonly error?: string;
  readonly receives: number;
  /** When it was parked (locally) or first sent (AWS). */
  readonly at: string;
}

export interface RedriveResult {
  /** The messages sent back (AWS `all`: none listed, a move task per queue). */
  readonly redriven: readonly DeadLetterView[];
  /** AWS `all`: the move tasks started, one per dead-letter queue with messages. */
  readonly moveTasks?: ReadonlyArray<{ queue: string; task?: string }>;
}

export interface DeadLetterQueue {
  readonly kind: 'local' | 'sqs';
  /** The messages waiting, oldest first. */
  list(): Promise<DeadLetterView[]>;
  /** Sends the given messages (or every one) back to their queue; an unknown id throws. */
  redrive(ids: readonly string[] | 'all'): Promise<RedriveResult>;
}

/** The SQS adapter: the feed queues' dead-letter queues. */
export class SqsDeadLetterQueue implements DeadLetterQueue {
  readonly kind = 'sqs' as const;

  constructor(private readonly sqs = new AwsDeadLetters()) {}

  async list(): Promise<DeadLetterView[]> {
    const all = await this.sqs.list();
    return all.sort((a, b) => a.at.localeCompare(b.at));
  }

  async redrive(ids: readonly string[] | 'all'): Promise<RedriveResult> {
    if (ids === 'all') return { redriven: [], moveTasks: await this.sqs.redriveAll() };
    const redriven: DeadLetterView[] = [];
    for (const id of ids) redriven.push(await this.sqs.redriveOne(id));
    return { redriven };
  }
}

let local: DeadLetterQueue | undefined;
let sqs: DeadLetterQueue | undefined;

/** The local cloud registers its on-disk queue (undefined when it stops). */
export function setLocalDeadLetterQueue(queue: DeadLetterQueue | undefined): void {
  local = queue;
}

/** The dead-letter queue of this deployment: the local cloud's when registered, else SQS. */
export function deadLetterQueue(): DeadLetterQueue {
  if (local) return local;
  sqs ??= new SqsDeadLetterQueue();
  return sqs;
}
