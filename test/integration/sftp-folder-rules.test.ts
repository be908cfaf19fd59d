/**
 * The local SFTP server refuses what AWS's role for the NetSuite user refuses (issue 16 §4; the
 * rules: shared/feeds/netsuite-folder-rules.ts, the role: infra/constructs/netsuite-sftp-access.ts,
 * their agreement: test/infra/transfer-stack.test.ts). On the local cloud, with a real SFTP client
 * logged in as NetSuite:
 *
 * - inbound folders: uploads in the folder itself; nothing written or deleted in `archive/`,
 *   `error/`, `failed/` (the OMS's record of what it imported), though they can be read;
 * - outbound folders: files read and moved to `archive/` (or `error/`, `failed/`); nothing written
 *   in the folder NetSuite imports from; nothing deleted in a subfolder;
 * - nothing read or written elsewhere below the home.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type SftpClient from 'ssh2-sftp-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedById } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { s3 } from '../../shared/files/s3-client.ts';
import { feedFiles } from '../../shared/files/feed-file-store.ts';
import { connectSftp, startTestCloud } from '../support/local-cloud.ts';

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let sftp: SftpClient;
let inbound: string;
let outbound: string;

const putObject = (key: string, body: string) =>
  s3().send(new PutObjectCommand({ Bucket: cloud.bucket, Key: key, Body: body }));
const exists = async (key: string) => !!(await feedFiles().head(key));

/** The SFTP call's refusal message (or 'done' when it went through). */
const outcome = async (call: () => Promise<unknown>): Promise<string> => {
  try {
    await call();
    return 'done';
  } catch (err) {
    return (err as Error).message;
  }
};

beforeAll(async () => {
  cloud = await startTestCloud();
  inbound = feedPrefix(cloud.sftp.user, feedById('fulfillment-csv-import'));
  outbound = feedPrefix(cloud.sftp.user, feedById('allocation-update-export'));
  sftp = await connectSftp(cloud);
}, 120_000);

afterAll(async () => {
  await sftp?.end();
  await cloud?.cleanup();
});

describe('inbound folders', () => {
  it('take uploads in the folder itself', async () => {
    expect(await outcome(() => sftp.put(Buffer.from('x\n'), `/${inbound}rules-ok.txt`))).toBe(
      'done',
    );
    await cloud.dispatcher.idle();
  });

  it('refuse writes and deletes in archive/, error/ and failed/, which stay readable', async () => {
    await putObject(`${inbound}archive/kept.csv`, 'kept\n');
    for (const sub of ['archive', 'error', 'failed']) {
      expect(
        await outcome(() => sftp.put(Buffer.from('forged\n'), `/${inbound}${sub}/forged.csv`)),
      ).toMatch(/permission denied/i);
      expect(await exists(`${inbound}${sub}/forged.csv`)).toBe(false);
    }
    expect(await outcome(() => sftp.delete(`/${inbound}archive/kept.csv`))).toMatch(
      /permission denied/i,
    );
    expect(
      await outcome(() =>
        sftp.rename(`/${inbound}archive/kept.csv`, `/${inbound}archive/renamed.csv`),
      ),
    ).toMatch(/permission denied/i);
    expect(await outcome(() => sftp.mkdir(`/${inbound}other`))).toMatch(/permission denied/i);
    expect(await exists(`${inbound}archive/kept.csv`)).toBe(true);
    expect(String(await sftp.get(`/${inbound}archive/kept.csv`))).toBe('kept\n');
  });
});

describe('outbound folders', () => {
  it('let NetSuite read a file and move it to archive/', async () => {
    await putObject(`${outbound}to-take.csv`, 'row\n');
    expect(String(await sftp.get(`/${outbound}to-take.csv`))).toBe('row\n');
    expect(
      await outcome(() =>
        sftp.rename(`/${outbound}to-take.csv`, `/${outbound}archive/to-take.csv`),
      ),
    ).toBe('done');
    expect(await exists(`${outbound}to-take.csv`)).toBe(false);
    expect(await exists(`${outbound}archive/to-take.csv`)).toBe(true);
    expect(
      await outcome(() => sftp.put(Buffer.from('e\n'), `/${outbound}error/exceptions.csv`)),
    ).toBe('done');
  });

  it('refuse a file written where NetSuite imports from, and deletes in subfolders', async () => {
    expect(
      await outcome(() => sftp.put(Buffer.from('forged\n'), `/${outbound}forged.csv`)),
    ).toMatch(/permission denied/i);
    expect(await exists(`${outbound}forged.csv`)).toBe(false);
    expect(await outcome(() => sftp.delete(`/${outbound}archive/to-take.csv`))).toMatch(
      /permission denied/i,
    );
    expect(await exists(`${outbound}archive/to-take.csv`)).toBe(true);
  });
});

describe('elsewhere below the home', () => {
  it('lists, but neither reads nor writes', async () => {
    const root = `home/${cloud.sftp.user}/netsuite/`;
    expect((await sftp.list(`/${root}`)).length).toBeGreaterThan(0);
    expect(await outcome(() => sftp.put(Buffer.from('x'), `/${root}stray.csv`))).toMatch(
      /permission denied/i,
    );
    expect(
      await outcome(() => sftp.put(Buffer.from('x'), `/home/${cloud.sftp.user}/stray.csv`)),
    ).toMatch(/permission denied/i);
    await putObject(`${root}placed-by-oms.txt`, 'secret\n');
    expect(await outcome(() => sftp.get(`/${root}placed-by-oms.txt`))).toMatch(
      /permission denied/i,
    );
  });
});
