/** Creates the NetSuite folder tree (as S3 folder markers) so SFTP users see every feed folder. */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { FEEDS, INBOUND_SUBFOLDERS } from '../shared/feeds/catalog.ts';
import { feedPrefix, netsuiteRoot, storefrontRoot } from '../shared/feeds/paths.ts';

export function feedFolders(user: string): string[] {
  const folders = new Set<string>([
    `home/${user}/`,
    `${netsuiteRoot(user)}/`,
    `${storefrontRoot()}/`,
  ]);
  for (const feed of FEEDS) {
    const prefix = feedPrefix(user, feed);
    // every parent folder too, so a listing walks down the tree
    const parts = prefix.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) folders.add(`${parts.slice(0, i).join('/')}/`);
    if (feed.direction === 'inbound')
      for (const sub of INBOUND_SUBFOLDERS) folders.add(`${prefix}${sub}/`);
  }
  return [...folders].sort();
}

export async function ensureFeedFolders(
  client: S3Client,
  bucket: string,
  user: string,
): Promise<void> {
  for (const key of feedFolders(user)) {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.alloc(0) }));
  }
}
