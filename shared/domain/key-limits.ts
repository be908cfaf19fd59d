/**
 * DynamoDB's key size limits, for values that become (part of) a key: a partition key holds at
 * most 2,048 bytes, a sort key at most 1,024 (UTF-8). A value that cannot fit is refused where it
 * enters (per row, with the field and the limit), never left to fail a whole write batch.
 */

export const PARTITION_KEY_MAX_BYTES = 2048;
export const SORT_KEY_MAX_BYTES = 1024;

/** UTF-8 length of a string (what DynamoDB counts). */
export const utf8Bytes = (value: string): number => Buffer.byteLength(value, 'utf8');

/**
 * Why `value` cannot be a key part, or undefined when it fits: `prefix` is what the key adds before
 * it (e.g. `SKU#`), `suffix` after it, `max` the key's limit.
 */
export function keyPartTooLong(
  what: string,
  value: string,
  max: number,
  prefix = '',
  suffix = '',
): string | undefined {
  const room = max - utf8Bytes(prefix) - utf8Bytes(suffix);
  const bytes = utf8Bytes(value);
  if (bytes <= room) return undefined;
  return `${what} is ${bytes.toLocaleString('en-US')} bytes long; at most ${room.toLocaleString('en-US')} bytes fit in its DynamoDB key`;
}
