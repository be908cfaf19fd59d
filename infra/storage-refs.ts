/**
 * How the other stacks refer to the stateful resources: by their deterministic names, handed over
 * as props, never through CloudFormation exports.
 *
 * Exports would lock the storage stack (an exported value cannot change while imported) and would
 * put export names into IAM policies. The dependent stacks declare their dependency on the
 * storage stack explicitly instead.
 */
import { Arn, ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import { Table, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { TABLES, tableName, type TableKey } from '../shared/store/tables.ts';

export interface StorageRefs {
  /** The stack that owns the resources (dependent stacks deploy after it). */
  readonly stack: Stack;
  /** Physical name of the feeds bucket. */
  readonly bucketName: string;
  /** Table names are `<tablePrefix>-<name>` (see `shared/store/tables.ts`). */
  readonly tablePrefix: string;
}

/** `<prefix>-feeds-<account>-<region>`: unique per account and region, known before deployment. */
export const feedsBucketName = (tablePrefix: string): string =>
  `${tablePrefix}-feeds-${Aws.ACCOUNT_ID}-${Aws.REGION}`;

export function importFeedsBucket(scope: Construct, id: string, refs: StorageRefs): IBucket {
  return Bucket.fromBucketAttributes(scope, id, {
    bucketName: refs.bucketName,
    bucketArn: Arn.format(
      { service: 's3', region: '', account: '', resource: refs.bucketName },
      Stack.of(scope),
    ),
  });
}

export function importTables(
  scope: Construct,
  id: string,
  refs: StorageRefs,
): Record<TableKey, ITable> {
  const tables = {} as Record<TableKey, ITable>;
  for (const key of Object.keys(TABLES) as TableKey[]) {
    const name = tableName(refs.tablePrefix, key);
    tables[key] = Table.fromTableArn(
      scope,
      `${id}${key}`,
      Stack.of(scope).formatArn({
        service: 'dynamodb',
        resource: 'table',
        resourceName: name,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
    );
  }
  return tables;
}
