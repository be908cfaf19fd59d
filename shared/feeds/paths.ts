/**
 * Where feed files live. The SFTP path and the S3 key are the same string (key = path without the
 * leading slash), so one set of functions serves SFTP, S3, CDK and the local cloud.
 */
import { FEEDS, INBOUND_SUBFOLDERS, type FeedDefinition } from './catalog.ts';

export { STATE_PREFIX, stagingPrefix } from '../files/state-prefix.ts';

/** `home/<user>/netsuite` — the NetSuite root as an S3 key prefix (no trailing slash). */
export const netsuiteRoot = (user: string): string => `home/${user}/netsuite`;

/**
 * `storefront` — where storefront files (orders) arrive: a prefix of its own, outside every SFTP
 * home, so the NetSuite SFTP user cannot create orders. The storefront delivers there through S3
 * (a principal the deployment grants `s3:PutObject` on `storefront/*`) or uses the HTTP API.
 */
export const storefrontRoot = (): string => 'storefront';

/** The key prefix of a feed's folder, with a trailing slash. */
export const feedPrefix = (
  user: string,
  feed: Pick<FeedDefinition, 'folder' | 'partner'>,
): string =>
  `${feed.partner === 'storefront' ? storefrontRoot() : netsuiteRoot(user)}/${feed.folder}/`;

export type InboundSubfolder = (typeof INBOUND_SUBFOLDERS)[number];

/** `<feed folder prefix><archive|error|failed>/<name>` */
export const subfolderKey = (
  user: string,
  feed: Pick<FeedDefinition, 'folder' | 'partner'>,
  sub: InboundSubfolder,
  fileName: string,
): string => `${feedPrefix(user, feed)}${sub}/${fileName}`;

/** Suffixes of files still being written by an SFTP client; never imported. */
export const TEMP_SUFFIXES = ['.tmp', '.filepart', '.part', '.partial', '.swp'] as const;

export type InboundLocation =
  | { readonly kind: 'feed-file'; readonly feed: FeedDefinition; readonly fileName: string }
  | { readonly kind: 'ignored'; readonly reason: string };

/**
 * Decides what an object key is: a file dropped in an inbound feed folder (to import), or
 * something to ignore (temp file, folder marker, subfolder such as archive/, unknown folder).
 */
export function locateInbound(
  key: string,
  user: string,
  feeds: readonly FeedDefinition[] = FEEDS,
): InboundLocation {
  if (key.endsWith('/')) return { kind: 'ignored', reason: 'folder marker' };
  const slash = key.lastIndexOf('/');
  const dir = key.slice(0, slash + 1);
  const fileName = key.slice(slash + 1);
  const feed = feeds.find((f) => f.direction === 'inbound' && feedPrefix(user, f) === dir);
  if (!feed) return { kind: 'ignored', reason: 'not in a watched inbound folder' };
  if (fileName.startsWith('.')) return { kind: 'ignored', reason: 'hidden file' };
  const lower = fileName.toLowerCase();
  const temp = TEMP_SUFFIXES.find((s) => lower.endsWith(s));
  if (temp) return { kind: 'ignored', reason: `temporary file (${temp})` };
  return { kind: 'feed-file', feed, fileName };
}

/** The version tag of an object: the first 8 characters of its ETag (hex: S3's MD5). */
export const versionTag = (eTag: string): string =>
  eTag
    .replace(/[^0-9A-Za-z]/g, '')
    .slice(0, 8)
    .toLowerCase();

/**
 * The name an imported file is kept under in archive/ or failed/, and its error report in error/
 * (`errorFileName` of it): the file's name with its version tag before the extension —
 * `x.csv` → `x~1a2b3c4d.csv`. Each version uploaded under one name keeps its own archive copy and
 * its own error report; the same bytes again are the same name (the same ETag).
 */
export function versionedName(fileName: string, eTag: string): string {
  const tag = versionTag(eTag);
  if (!tag) return fileName;
  const ext = /\.[A-Za-z][A-Za-z0-9]{0,7}$/.exec(fileName);
  const at = ext && ext.index > 0 ? ext.index : fileName.length;
  return `${fileName.slice(0, at)}~${tag}${fileName.slice(at)}`;
}
