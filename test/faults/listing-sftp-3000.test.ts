/**
 * Fault: a folder holding 3,000 files (issue #22, item 5). S3 lists 1,000 keys a page; the S3
 * emulator, the SFTP server (READDIR chunks over S3 pages) and the OMS's own listings must all
 * give every name once, in S3's order, the same every time.
 *
 * The names are the ones NetSuite and people send: NetSuite's timestamped exports, copies re-sent
 * with a suffix (`….csv.1`, `Export-7 (2)`), a file named like a sibling folder
 * (`archive-2024.csv` beside `archive/`). Before the fix, s3rver listed in file-name order (the
 * key `x.csv` is its file `x.csv._S3rver_object`, which sorts after `x.csv.1._S3rver_object`), so
 * a page could end on a key smaller than one it had listed and the next page skipped keys for good.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import ssh2, { type FileEntry, type SFTPWrapper } from 'ssh2';
import SftpClient from 'ssh2-sftp-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Emulator, type S3Emulator } from '../../local/s3-emulator.ts';
import { startSftpServer, type SftpServer } from '../../local/sftp/server.ts';
import { FeedFileStore } from '../../shared/files/feed-file-store.ts';
import { createS3Client } from '../../shared/files/s3-client.ts';

const BUCKET = 'oms-faults-listing';
const USER = 'netsuite';
const PASSWORD = 'listing-fault-pw';
const DIR = `home/${USER}/exchange`;

const clientKey = ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256, comment: 'lister' });
const hasOpenSsh = existsSync('/usr/bin/sftp') || existsSync('/usr/local/bin/sftp');

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** NetSuite's file-name time stamp, e.g. `Wed Jul 02 2025 03:15:00 GMT-0700 (PDT)`. */
function netsuiteStamp(minutes: number): string {
  const t = new Date(Date.UTC(2025, 6, 2, 10, 0) + minutes * 60_000 - 7 * 3600_000);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][t.getUTCDay()];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day} Jul ${pad(t.getUTCDate())} 2025 ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:00 GMT-0700 (PDT)`;
}

/** 3,000 file names directly in the folder. */
function fileNames(): string[] {
  const names: string[] = ['archive-2024.csv', 'error-report.csv', 'failed (old).csv'];
  for (let i = 0; names.length < 3000; i++) {
    const base = `${netsuiteStamp(i)}-InventoryItemExport.csv`;
    names.push(base, `${base}.1`);
    if (i % 2 === 0) names.push(`${base}.2`);
    if (i % 4 === 0) names.push(`Export-${i}`, `Export-${i} (2)`);
  }
  return names.slice(0, 3000);
}

const FILES = fileNames();
const ARCHIVED = Array.from({ length: 1200 }, (_, i) => `archive/${netsuiteStamp(i)}-x.csv`);
const DEEPER = ['error/a.csv.errors.csv', 'error/b.csv.errors.csv', 'old/2024/deep.csv', 'empty/'];
/** What S3 lists for the folder: the files, and the subfolders `archive/ empty/ error/ old/`. */
const EXPECTED = [
  ...FILES.map((name) => ({ name, type: '-', sortKey: `${DIR}/${name}` })),
  ...['archive', 'empty', 'error', 'old'].map((name) => ({
    name,
    type: 'd',
    sortKey: `${DIR}/${name}/`,
  })),
]
  .sort((a, b) => byteOrder(a.sortKey, b.sortKey))
  .map(({ name, type }) => ({ name, type }));

let dir: string;
let emulator: S3Emulator;
let s3: S3Client;
let server: SftpServer;
let client: SftpClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oms-fault-listing-'));
  emulator = await startS3Emulator({ directory: join(dir, 's3'), buckets: [BUCKET] });
  s3 = createS3Client({
    bucket: BUCKET,
    tablePrefix: 'unused',
    netsuiteUser: USER,
    region: 'us-east-1',
    s3Endpoint: emulator.endpoint,
    dynamoEndpoint: 'http://127.0.0.1:1',
  });
  const keys = [...FILES, ...ARCHIVED, ...DEEPER].map((name) => `${DIR}/${name}`);
  for (let i = 0; i < keys.length; i += 64) {
    await Promise.all(
      keys.slice(i, i + 64).map((Key) =>
        s3.send(
          new PutObjectCommand({
            Bucket: BUCKET,
            Key,
            Body: Key.endsWith('/') ? new Uint8Array(0) : 'a,b\n',
          }),
        ),
      ),
    );
  }
  server = await startSftpServer({
    s3,
    bucket: BUCKET,
    port: 0,
    users: [{ name: USER, password: PASSWORD, authorizedKeys: clientKey.public }],
    hostKeyPath: join(dir, 'host_key'),
  });
  client = new SftpClient();
  await client.connect({
    host: server.host,
    port: server.port,
    username: USER,
    password: PASSWORD,
  });
}, 120_000);

afterAll(async () => {
  await client?.end().catch(() => undefined);
  await server?.close();
  s3?.destroy();
  await emulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** S3's listing of the folder (ListObjectsV2, delimiter `/`), page after page. */
async function s3Listing(prefix: string): Promise<{ keys: string[]; prefixes: string[] }> {
  const keys: string[] = [];
  const prefixes: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: BUCKET,
        Prefix: prefix,
        Delimiter: '/',
        ContinuationToken: token,
      }),
    );
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    prefixes.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return { keys, prefixes };
}

describe('a folder of 3,000 files', () => {
  it('S3 lists every key once, in key order, past 1,000 keys (V2 with a delimiter, V1 by marker)', async () => {
    const listed = await s3Listing(`${DIR}/`);
    expect(listed.keys).toEqual(FILES.map((n) => `${DIR}/${n}`).sort(byteOrder));
    expect(listed.prefixes).toEqual(
      ['archive/', 'empty/', 'error/', 'old/'].map((p) => `${DIR}/${p}`),
    );

    // V1 without a delimiter, continued from the last key of each page (what S3 clients do).
    const all: string[] = [];
    let marker: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsCommand({ Bucket: BUCKET, Prefix: `${DIR}/`, Marker: marker }),
      );
      all.push(...(page.Contents ?? []).map((o) => o.Key!));
      marker = page.IsTruncated ? all.at(-1) : undefined;
    } while (marker);
    expect(all).toEqual(
      [...FILES, ...ARCHIVED, ...DEEPER].map((n) => `${DIR}/${n}`).sort(byteOrder),
    );
  });

  it('the OMS file store lists a folder and its archive past 1,000 files (start-up sweep, netsuite-exceptions)', async () => {
    const files = new FeedFileStore(s3, BUCKET, USER);
    const listed = (await files.list(`${DIR}/`)).map((o) => o.key);
    expect(listed).toHaveLength(FILES.length);
    expect(new Set(listed)).toEqual(new Set(FILES.map((n) => `${DIR}/${n}`)));

    const archive = (await files.list(`${DIR}/archive/`)).map((o) => o.key);
    expect(new Set(archive)).toEqual(new Set(ARCHIVED.map((n) => `${DIR}/${n}`)));
    expect(archive).toHaveLength(ARCHIVED.length);
    // From a point on, as the netsuite-exceptions job reads the archive.
    const from = [...ARCHIVED].map((n) => `${DIR}/${n}`).sort(byteOrder)[599]!;
    const rest = (await files.list(`${DIR}/archive/`, { startAfter: from })).map((o) => o.key);
    expect(rest.sort(byteOrder)).toEqual(
      ARCHIVED.map((n) => `${DIR}/${n}`)
        .sort(byteOrder)
        .slice(600),
    );
  });

  it('an SFTP ls returns exactly what S3 lists, every name once, the same on every call', async () => {
    for (let call = 0; call < 3; call++) {
      const entries = await client.list(`/${DIR}`);
      expect(entries.map((e) => ({ name: e.name, type: e.type }))).toEqual(EXPECTED);
    }
    const archive = await client.list(`/${DIR}/archive`);
    expect(archive.map((e) => e.name).sort(byteOrder)).toEqual(
      ARCHIVED.map((n) => n.slice('archive/'.length)).sort(byteOrder),
    );
  });

  it('READDIR requests sent together on one handle get consecutive chunks, then EOF', async () => {
    const sftp = (client as unknown as { sftp: SFTPWrapper }).sftp;
    const handle = await new Promise<Buffer>((resolve, reject) =>
      sftp.opendir(`/${DIR}`, (err, h) => (err ? reject(err) : resolve(h))),
    );
    const readdir = () =>
      new Promise<FileEntry[] | 'eof'>((resolve, reject) =>
        sftp.readdir(handle, (err, list) => {
          if (err && (err as { code?: number }).code === 1) resolve('eof');
          else if (err) reject(err);
          else resolve(list);
        }),
      );
    const names: string[] = [];
    for (let eof = false; !eof;) {
      // Eight READDIRs in flight at once, as pipelining clients send them.
      const answers = await Promise.all(Array.from({ length: 8 }, readdir));
      for (const answer of answers) {
        if (answer === 'eof') eof = true;
        else {
          expect(eof).toBe(false); // no chunk after an EOF
          names.push(...answer.map((e) => e.filename));
        }
      }
    }
    await new Promise<void>((resolve, reject) =>
      sftp.close(handle, (err) => (err ? reject(err) : resolve())),
    );
    expect(names).toEqual(EXPECTED.map((e) => e.name));
  });

  it.skipIf(!hasOpenSsh)(
    'OpenSSH sftp `ls -1f` (no sorting: READDIR order) shows the same list',
    async () => {
      const keyFile = join(dir, 'id_ecdsa');
      writeFileSync(keyFile, clientKey.private, { mode: 0o600 });
      const batch = join(dir, 'batch');
      writeFileSync(batch, `ls -1f "/${DIR}"\n`);
      const { stdout } = await promisify(execFile)(
        'sftp',
        [
          '-b',
          batch,
          '-P',
          String(server.port),
          '-i',
          keyFile,
          '-o',
          'BatchMode=yes',
          '-o',
          'IdentitiesOnly=yes',
          '-o',
          'StrictHostKeyChecking=no',
          '-o',
          'UserKnownHostsFile=/dev/null',
          '-o',
          'GlobalKnownHostsFile=/dev/null',
          `${USER}@${server.host}`,
        ],
        { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      );
      const names = stdout
        .split('\n')
        .filter((line) => line && !line.startsWith('sftp>'))
        .map((line) => line.slice(line.lastIndexOf('/') + 1));
      expect(names).toEqual(EXPECTED.map((e) => e.name));
    },
  );
});
