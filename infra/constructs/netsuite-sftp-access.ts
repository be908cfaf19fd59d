/**
 * The NetSuite SFTP user's role: the statements of the folder rules of
 * shared/feeds/netsuite-folder-rules.ts (the local SFTP server enforces the same rules;
 * test/infra/transfer-stack.test.ts checks the two agree):
 *
 * - **inbound folders** (NetSuite → OMS: NetSuite uploads): read, create, replace and delete its own
 *   uploads in the folder itself; never anything in a subfolder (`archive/`, `error/`, `failed/`
 *   are the OMS's record of what it imported).
 * - **outbound folders** (OMS → NetSuite: the OMS writes): read every file, delete a file of the
 *   folder itself (NetSuite moves what it imported to `archive/`, or to `failed/` with an
 *   exception file in `error/`), create files in `archive/`, `error/` and `failed/` only; never
 *   a file in the folder NetSuite imports from (only the OMS writes there), never delete anything
 *   in a subfolder (what NetSuite took and refused is evidence the OMS reads).
 *
 * Nothing else below the home; staging and storefront intake are outside it. S3 cannot tell a
 * create from a replace, so an archive/ or error/ file NetSuite creates can be written again under
 * the same name; the bucket is versioned, and the replaced version is kept (30 days).
 */
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { FEEDS, INBOUND_SUBFOLDERS, type FeedDefinition } from '../../shared/feeds/catalog.ts';
import { netsuiteFolders, type NetsuiteFolders } from '../../shared/feeds/netsuite-folder-rules.ts';
import { userHomeKey } from '../feed-paths.ts';

export { netsuiteFolders, type NetsuiteFolders };

const UPLOAD = ['s3:PutObject', 's3:AbortMultipartUpload'];

/** The statements of the NetSuite SFTP user's role, in the order of the module comment. */
export function netsuiteSftpStatements(
  bucket: IBucket,
  user: string,
  feeds: readonly FeedDefinition[] = FEEDS,
): PolicyStatement[] {
  const home = userHomeKey(user);
  const { inbound, outbound } = netsuiteFolders(user, feeds);
  const objects = (prefixes: readonly string[], tail: string) =>
    prefixes.map((p) => bucket.arnForObjects(`${p}${tail}`));
  const outboundSubfolders = outbound.flatMap((p) =>
    INBOUND_SUBFOLDERS.map((sub) => bucket.arnForObjects(`${p}${sub}/*`)),
  );
  return [
    new PolicyStatement({
      sid: 'ListHome',
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${home}/*`, home] } },
    }),
    new PolicyStatement({
      sid: 'UploadToInboundFolders',
      actions: ['s3:GetObject', 's3:DeleteObject', ...UPLOAD],
      resources: objects(inbound, '*'),
    }),
    new PolicyStatement({
      sid: 'ReadOutboundFolders',
      actions: ['s3:GetObject'],
      resources: objects(outbound, '*'),
    }),
    new PolicyStatement({
      sid: 'MoveOutboundFilesAway',
      actions: ['s3:DeleteObject'],
      resources: objects(outbound, '*'),
    }),
    new PolicyStatement({
      sid: 'WriteOutboundArchiveErrorFailed',
      actions: UPLOAD,
      resources: outboundSubfolders,
    }),
    new PolicyStatement({
      sid: 'DenyInboundSubfolders',
      effect: Effect.DENY,
      actions: ['s3:DeleteObject', ...UPLOAD],
      resources: objects(inbound, '*/*'),
    }),
    new PolicyStatement({
      sid: 'DenyOutboundSubfolderDeletes',
      effect: Effect.DENY,
      actions: ['s3:DeleteObject'],
      resources: objects(outbound, '*/*'),
    }),
  ];
}
