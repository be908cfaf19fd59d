/** `oms dlq` on AWS: the feed queues' dead-letter queues (the adapter lives in `shared/queue/`). */
export * from '../../../shared/queue/sqs-dead-letters.ts';
