import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { STATE_PREFIX } from '../../shared/files/state-objects.ts';
import { userHomeKey } from '../feed-paths.ts';
import { acknowledgeWildcardResources } from '../nag.ts';

/**
 * Object actions a feed participant needs below the user's home: read (and read a given version,
 * for the import ledger), write (including multipart uploads), delete (moves to archive/, error/,
 * failed/ are copy + delete) and abort a multipart upload left by a dropped session.
 */
export const HOME_OBJECT_ACTIONS = [
  's3:GetObject',
  's3:GetObjectVersion',
  's3:PutObject',
  's3:DeleteObject',
  's3:AbortMultipartUpload',
] as const;

/**
 * Grants read/write on the objects below `home/<user>/` only, plus listing restricted to that
 * prefix by an `s3:prefix` condition. Nothing else of the bucket is reachable.
 *
 * The object ARN necessarily ends in `/*`; its AwsSolutions-IAM5 finding is acknowledged on
 * `nagScope` (the construct owning the grantee's policy) with that reason.
 */
export function grantHomePrefixAccess(
  grantee: IGrantable,
  bucket: IBucket,
  user: string,
  nagScope: IConstruct,
): void {
  const home = userHomeKey(user);
  const objects = bucket.arnForObjects(`${home}/*`);
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'ListHomePrefix',
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${home}/*`, home] } },
    }),
  );
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'ReadWriteHomeObjects',
      actions: [...HOME_OBJECT_ACTIONS],
      resources: [objects],
    }),
  );
  acknowledgeWildcardResources(
    nagScope,
    [objects],
    `Object keys under the SFTP user's home are created at run time (file names come from ` +
      `NetSuite), so the grant names the prefix ${home}/* of the one feeds bucket; listing is ` +
      `limited to that prefix by an s3:prefix condition.`,
  );
}

/**
 * Grants read/write on the OMS's own state objects (`oms-state/*`: e.g. the inventory snapshot
 * digest), which lie outside every SFTP home so no SFTP user can reach them.
 */
export function grantStateObjectAccess(
  grantee: IGrantable,
  bucket: IBucket,
  nagScope: IConstruct,
): void {
  const objects = bucket.arnForObjects(`${STATE_PREFIX}*`);
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'ReadWriteStateObjects',
      actions: ['s3:GetObject', 's3:PutObject'],
      resources: [objects],
    }),
  );
  acknowledgeWildcardResources(
    nagScope,
    [objects],
    `The OMS state objects (${STATE_PREFIX}*, e.g. the inventory snapshot digest and checkpoints) ` +
      `are named at run time; the grant is limited to that prefix, which no SFTP user can reach.`,
  );
}
