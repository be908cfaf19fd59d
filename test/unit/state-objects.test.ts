import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StateObjects } from '../../shared/files/state-objects.ts';

async function bytesOf(body: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

describe('StateObjects.putStream', () => {
  it('streams the object, and retries a failed attempt from a new stream', async () => {
    const seen: Buffer[] = [];
    let calls = 0;
    const client = {
      send: async (command: PutObjectCommand) => {
        calls++;
        const input = command.input;
        expect(input.ContentLength).toBe(10);
        const body = await bytesOf(input.Body as Readable);
        seen.push(body);
        if (calls === 1) throw new Error('socket hang up');
        return {};
      },
    } as unknown as S3Client;
    const state = new StateObjects(client, 'bucket');
    let opened = 0;
    await state.putStream('x.bin', 10, function* () {
      opened++;
      yield Buffer.from('01234');
      yield Buffer.from('56789');
    });
    expect(opened).toBe(2);
    expect(seen.map((b) => b.toString())).toEqual(['0123456789', '0123456789']);
  });

  it('gives up after its attempts', async () => {
    const client = {
      send: async () => {
        throw new Error('AccessDenied');
      },
    } as unknown as S3Client;
    const state = new StateObjects(client, 'bucket');
    await expect(state.putStream('x.bin', 1, () => [Buffer.from('x')], 2)).rejects.toThrow(
      'AccessDenied',
    );
  });
});
