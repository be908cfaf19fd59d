/**
 * Finding an imported file where the OMS keeps it: each version under its own name in archive/ or
 * failed/ (`x.csv` → `x~1a2b3c4d.csv`, the version's ETag tag) and its error report in error/
 * (`x~1a2b3c4d.csv.errors.csv`). See shared/feeds/paths.ts `versionedName`.
 */
import { createHash } from 'node:crypto';
import type SftpClient from 'ssh2-sftp-client';
import { versionedName } from '../../shared/feeds/paths.ts';
import type { FeedFileStore } from '../../shared/files/feed-file-store.ts';

/** The kept name of the version of `name` with these bytes (S3's ETag of a plain upload: MD5). */
export const keptName = (name: string, body: string | Buffer): string =>
  versionedName(name, createHash('md5').update(body).digest('hex'));

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `kept` is a kept version of `name` (+ `suffix`, e.g. `.errors.csv`). */
export function isVersionOf(kept: string, name: string, suffix = ''): boolean {
  const sample = versionedName(name, '00000000');
  const [stem, ext] = sample.split('~00000000') as [string, string];
  return new RegExp(`^${escape(stem)}~[0-9a-z]{8}${escape(ext)}${escape(suffix)}$`).test(kept);
}

/** The newest kept version of `name` in an SFTP folder (its full path), if any. */
export async function keptOverSftp(
  sftp: SftpClient,
  folder: string,
  name: string,
  suffix = '',
): Promise<string | undefined> {
  const dir = folder.endsWith('/') ? folder : `${folder}/`;
  if (!(await sftp.exists(dir))) return undefined;
  const found = (await sftp.list(dir))
    .filter((e) => isVersionOf(e.name, name, suffix))
    .sort((a, b) => a.modifyTime - b.modifyTime);
  const last = found.at(-1);
  return last && `${dir}${last.name}`;
}

/** The newest kept version of `name` under an S3 prefix (its key), if any. */
export async function keptInS3(
  files: FeedFileStore,
  prefix: string,
  name: string,
  suffix = '',
): Promise<string | undefined> {
  const dir = prefix.endsWith('/') ? prefix : `${prefix}/`;
  const found = (await files.list(dir)).filter((o) =>
    isVersionOf(o.key.slice(dir.length), name, suffix),
  );
  return found.at(-1)?.key;
}
