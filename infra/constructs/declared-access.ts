/**
 * A function's IAM policy, derived from its registry entry (`shared/registry/`) and nothing else:
 * per S3 prefix the actions of its access mode (listing limited to those prefixes), per table the
 * read or read-write item actions. `test/infra/declared-access.test.ts` checks every synthesized
 * function against its entry.
 */
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import type {
  PrefixAccess,
  PrefixNeed,
  TableAccess,
  TableNeeds,
} from '../../shared/store/needs.ts';
import type { TableKey } from '../../shared/store/tables.ts';
import { acknowledgeWildcardResources } from '../nag.ts';

const S3_READ = ['s3:GetObject', 's3:GetObjectVersion'];
const S3_WRITE = ['s3:PutObject', 's3:AbortMultipartUpload'];

/** Object actions per access mode (a move is copy + delete: read-write). */
export const S3_ACTIONS: Readonly<Record<PrefixAccess, readonly string[]>> = {
  read: S3_READ,
  write: S3_WRITE,
  'read-write': [...S3_READ, ...S3_WRITE, 's3:DeleteObject'],
};

const TABLE_READ = [
  'dynamodb:BatchGetItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
];

/** Item actions per table access mode (transactions are authorized per item action). */
export const TABLE_ACTIONS: Readonly<Record<TableAccess, readonly string[]>> = {
  read: TABLE_READ,
  'read-write': [
    ...TABLE_READ,
    'dynamodb:BatchWriteItem',
    'dynamodb:DeleteItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
  ],
};

const sidOf = (s: string) => s.replace(/[^A-Za-z0-9]/g, '');

export interface DeclaredAccess {
  readonly tables: TableNeeds;
  readonly s3: readonly PrefixNeed[];
}

/**
 * Adds the declared permissions to the grantee's policy. Object ARNs end in `/*` (keys are named
 * at run time); their AwsSolutions-IAM5 findings are acknowledged on `nagScope`, one by one.
 */
export function grantDeclaredAccess(
  grantee: IGrantable,
  bucket: IBucket,
  tables: Readonly<Record<string, ITable>>,
  access: DeclaredAccess,
  nagScope: IConstruct,
): void {
  const principal = grantee.grantPrincipal;
  const listable = access.s3.filter((n) => n.access !== 'write').map((n) => `${n.prefix}*`);
  if (listable.length > 0) {
    principal.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ListDeclaredPrefixes',
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [...new Set(listable)].sort() } },
      }),
    );
  }
  for (const mode of ['read', 'write', 'read-write'] as const) {
    const objects = access.s3
      .filter((n) => n.access === mode)
      .map((n) => bucket.arnForObjects(`${n.prefix}*`));
    if (objects.length === 0) continue;
    principal.addToPrincipalPolicy(
      new PolicyStatement({
        sid: `S3${sidOf(mode)}`,
        actions: [...S3_ACTIONS[mode]],
        resources: objects,
      }),
    );
    acknowledgeWildcardResources(
      nagScope,
      objects,
      'Object keys below a declared prefix are named at run time (NetSuite file names, staged ' +
        'copies); the grant names exactly the prefixes the function declares in the registry ' +
        '(shared/registry/), with the actions of its declared access mode.',
    );
  }
  for (const mode of ['read', 'read-write'] as const) {
    const keys = (Object.keys(access.tables) as TableKey[]).filter(
      (k) => access.tables[k] === mode,
    );
    if (keys.length === 0) continue;
    principal.addToPrincipalPolicy(
      new PolicyStatement({
        sid: `Tables${sidOf(mode)}`,
        actions: [...TABLE_ACTIONS[mode]],
        resources: keys.map((k) => {
          const table = tables[k];
          if (!table) throw new Error(`table ${k} is declared but not deployed`);
          return table.tableArn;
        }),
      }),
    );
  }
}
