/**
 * Security review (issue 16 §4): the S3 emulator keeps every object inside its data folder. Keys
 * and bucket names with `..` (plain, `%2e%2e`, `%2F`-joined) or a backslash are refused with 400;
 * nothing is read from or written to a path outside the folder.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Emulator, type S3Emulator } from '../../local/s3-emulator.ts';

let emulator: S3Emulator;
let base: string;
let dir: string;
const SECRET = 'outside the data folder';

/** A request with its path sent exactly as written (no client-side normalisation). */
function raw(
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(emulator.endpoint);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Every file below `base` that is not inside the emulator's folder. */
const outside = (): string[] =>
  readdirSync(base, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f !== 's3' && !f.startsWith(`s3/`) && f !== 'secret._S3rver_object',
  );

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'oms-s3-traversal-'));
  dir = join(base, 's3');
  mkdirSync(dir);
  // A file where `../../secret` would land from the bucket folder, in s3rver's naming.
  writeFileSync(join(base, 'secret._S3rver_object'), SECRET);
  emulator = await startS3Emulator({ directory: dir, buckets: ['b'] });
});

afterAll(async () => {
  await emulator?.close();
  rmSync(base, { recursive: true, force: true });
});

const TRAVERSALS = [
  '/b/../../secret',
  '/b/..%2F..%2Fsecret',
  '/b/%2e%2e/%2e%2e/secret',
  '/b/%2E%2E%2f%2E%2E%2fsecret',
  '/b/a/../../../secret',
  '/b/..%5C..%5Csecret',
  '/b/%2Fetc%2Fpasswd/../../../secret',
];

describe('the S3 emulator refuses paths that leave its folder', () => {
  it.each(TRAVERSALS)('GET %s is refused and reads nothing outside', async (path) => {
    const res = await raw('GET', path);
    expect(res.status).toBe(400);
    expect(res.body).not.toContain(SECRET);
  });

  it.each(TRAVERSALS)('PUT %s is refused and writes nothing outside', async (path) => {
    const res = await raw('PUT', path, 'planted');
    expect(res.status).toBe(400);
    expect(outside()).toEqual([]);
  });

  it('a bucket named with .. is refused', async () => {
    for (const path of ['/..', '/%2e%2e', '/..%2Fevil', '/%2e%2e%2fevil/key']) {
      expect((await raw('PUT', path, '')).status).toBe(400);
    }
    expect(outside()).toEqual([]);
  });

  it('a copy whose source leaves the folder is refused', async () => {
    const res = await raw('PUT', '/b/copied', '', { 'x-amz-copy-source': '/b/../../secret' });
    expect(res.status).toBe(400);
    expect((await raw('GET', '/b/copied')).body).not.toContain(SECRET);
  });

  it('ordinary keys with dots, spaces and colons still work', async () => {
    const key = '/b/home/u/a..b/Wed%20Jul%2002%202025%2003%3A15%3A00.csv';
    expect((await raw('PUT', key, 'x,y\n')).status).toBe(200);
    expect(await raw('GET', key)).toEqual({ status: 200, body: 'x,y\n' });
  });
});
