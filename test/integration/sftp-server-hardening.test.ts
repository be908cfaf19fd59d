/**
 * Security review (issue 16 §4): the local SFTP server, probed with a real ssh2 client.
 * - a connection gets 3 failed authentications, then it is disconnected;
 * - only strong algorithms are offered: no SHA-1 MACs or key exchanges, no CBC or arcfour
 *   ciphers, no `ssh-dss` or SHA-1 `ssh-rsa` host key signatures;
 * - a user configured with a weak password (under 12 characters) refuses to start;
 * - what clients send (user names, paths) reaches the log escaped: no CR, LF, ESC or other
 *   control character can forge or hide a log line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import ssh2, { type ConnectConfig } from 'ssh2';
import SftpClient from 'ssh2-sftp-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Emulator, type S3Emulator } from '../../local/s3-emulator.ts';
import { startSftpServer, type SftpServer } from '../../local/sftp/server.ts';
import { createS3Client } from '../../shared/files/s3-client.ts';

const { Client } = ssh2;
const BUCKET = 'sftp-hardening';
const USER = 'netsuite';
const PASSWORD = 'a-long-enough-password';

let dir: string;
let emulator: S3Emulator;
let s3: S3Client;
let server: SftpServer;
const logs: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oms-sftp-hardening-'));
  emulator = await startS3Emulator({ directory: join(dir, 's3'), buckets: [BUCKET] });
  s3 = createS3Client({
    bucket: BUCKET,
    tablePrefix: 't',
    netsuiteUser: USER,
    region: 'us-east-1',
    s3Endpoint: emulator.endpoint,
    dynamoEndpoint: 'http://127.0.0.1:1',
  });
  server = await startSftpServer({
    s3,
    bucket: BUCKET,
    port: 0,
    users: [{ name: USER, password: PASSWORD }],
    hostKeyPath: join(dir, 'host_key'),
    log: (line) => logs.push(line),
  });
});

afterAll(async () => {
  await server?.close();
  s3?.destroy();
  await emulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Connects with a raw ssh2 client; resolves 'ready' or the error / close that ended it. */
function attempt(config: Partial<ConnectConfig>): Promise<{ outcome: string; error?: string }> {
  return new Promise((resolve) => {
    const client = new Client();
    const done = (outcome: string, error?: string) => {
      client.end();
      resolve({ outcome, error });
    };
    client.on('ready', () => done('ready'));
    client.on('error', (err) => done('error', err.message));
    client.on('close', () => done('closed'));
    client.connect({
      host: '127.0.0.1',
      port: server.port,
      username: USER,
      password: PASSWORD,
      readyTimeout: 20_000,
      ...config,
    });
  });
}

describe('authentication attempts', () => {
  it('disconnects a connection after 3 failed passwords', async () => {
    let tried = 0;
    const result = await attempt({
      // Keeps trying wrong passwords for as long as the server lets it (at most 20).
      authHandler: (_methods, _partial, next) => {
        if (tried >= 20) return next(false as never);
        tried++;
        next({ type: 'password', username: USER, password: `wrong-${tried}` } as never);
      },
    });
    expect(result.outcome).not.toBe('ready');
    expect(tried).toBeLessThanOrEqual(3);
    expect(logs.some((l) => /too many failed authentications/.test(l))).toBe(true);
  });

  it('still lets the right password in after a failed one', async () => {
    const passwords = ['wrong', PASSWORD];
    const result = await attempt({
      authHandler: (_m, _p, next) => {
        const password = passwords.shift();
        if (password === undefined) return next(false as never);
        next({ type: 'password', username: USER, password } as never);
      },
    });
    expect(result.outcome).toBe('ready');
  });
});

describe('algorithms', () => {
  // A MAC is only negotiated with a non-AEAD cipher (GCM and ChaCha20 carry their own).
  const CTR = ['aes128-ctr'];
  it.each([
    ['a SHA-1 MAC', { hmac: ['hmac-sha1'], cipher: CTR }],
    ['a SHA-1 encrypt-then-MAC', { hmac: ['hmac-sha1-etm@openssh.com'], cipher: CTR }],
    ['an MD5 MAC', { hmac: ['hmac-md5'], cipher: CTR }],
    ['a SHA-1 key exchange', { kex: ['diffie-hellman-group14-sha1'] }],
    ['a CBC cipher', { cipher: ['aes128-cbc'] }],
    ['an ssh-dss host key', { serverHostKey: ['ssh-dss'] }],
    ['a SHA-1 ssh-rsa host key signature', { serverHostKey: ['ssh-rsa'] }],
  ] as const)('refuses a client that only offers %s', async (_what, algorithms) => {
    const result = await attempt({
      algorithms: algorithms as unknown as ConnectConfig['algorithms'],
    });
    expect(result.outcome).not.toBe('ready');
  });

  it('accepts a client with strong algorithms', async () => {
    const result = await attempt({
      algorithms: {
        kex: ['curve25519-sha256', 'ecdh-sha2-nistp256'],
        cipher: ['aes256-gcm@openssh.com', 'aes128-ctr'],
        hmac: ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-256'],
        serverHostKey: ['ecdsa-sha2-nistp256'],
      },
    });
    expect(result.outcome).toBe('ready');
  });
});

describe('password policy', () => {
  it('refuses to start with a password under 12 characters', async () => {
    await expect(
      startSftpServer({
        s3,
        bucket: BUCKET,
        port: 0,
        users: [{ name: USER, password: 'netsuite123' }],
        hostKeyPath: join(dir, 'host_key'),
      }),
    ).rejects.toThrow(/password of SFTP user "netsuite" is too weak: .*at least 12 characters/);
  });
});

describe('log lines', () => {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

  it('escapes control characters of a user name', async () => {
    const before = logs.length;
    const forged = `${USER}\r\nsftp: ${USER} logged in from 10.0.0.1 (password)\u001b[2K`;
    await attempt({ username: forged, password: 'wrong-password' });
    const lines = logs.slice(before);
    expect(lines.some((l) => l.includes('login refused'))).toBe(true);
    for (const line of lines) expect(line).not.toMatch(CONTROL);
    expect(lines.join('\n')).toContain('\\r\\nsftp: netsuite logged in from 10.0.0.1');
  });

  it('escapes control characters of a path', async () => {
    const sftp = new SftpClient();
    await sftp.connect({
      host: '127.0.0.1',
      port: server.port,
      username: USER,
      password: PASSWORD,
    });
    const before = logs.length;
    const path = `/home/${USER}/a\nsftp: ${USER} removed /home/${USER}/important\u001b[1A.csv`;
    await sftp.put(Buffer.from('x\n'), path).catch(() => undefined);
    await sftp.stat(`/home/${USER}/no\rsuch\u0007file`).catch(() => undefined);
    await sftp.end();
    const lines = logs.slice(before);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toMatch(CONTROL);
    expect(lines.join('\n')).toContain('a\\nsftp: netsuite removed');
  });
});
