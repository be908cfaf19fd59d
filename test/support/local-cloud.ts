/** Starts the whole local cloud for a test file: in-memory DynamoDB, free ports, a temp data folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SftpClient from 'ssh2-sftp-client';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '../../local/cloud.ts';

export const TEST_PASSWORD = 'test-password-1';

export async function startTestCloud(
  options: Partial<LocalCloudOptions> = {},
): Promise<LocalCloud & { cleanup(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'oms-test-'));
  const cloud = await startLocalCloud({
    dataDir,
    inMemoryDb: true,
    sftpPassword: TEST_PASSWORD,
    ...options,
  });
  return {
    ...cloud,
    async cleanup() {
      await cloud.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a value other than undefined, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An SFTP client logged in to the cloud's SFTP server as NetSuite's user (a real ssh2 client). */
export async function connectSftp(
  cloud: Pick<LocalCloud, 'sftp'>,
  name?: string,
): Promise<SftpClient> {
  const client = new SftpClient(name);
  await client.connect({
    host: cloud.sftp.host,
    port: cloud.sftp.port,
    username: cloud.sftp.user,
    password: TEST_PASSWORD,
  });
  return client;
}
