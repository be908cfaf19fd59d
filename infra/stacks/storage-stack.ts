import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { TableKey } from '../../shared/store/tables.ts';
import { FeedsBucket } from '../constructs/feeds-bucket.ts';
import { OmsTables } from '../constructs/oms-tables.ts';
import { feedsBucketName, type StorageRefs } from '../storage-refs.ts';

export interface StorageStackProps extends StackProps {
  readonly tablePrefix: string;
}

/** The stateful resources: the feeds bucket (with its access-log bucket) and the tables. Retained. */
export class StorageStack extends Stack {
  readonly feedsBucket: IBucket;
  readonly accessLogBucket: IBucket;
  readonly tables: Readonly<Record<TableKey, ITable>>;
  /** What the other stacks need, by name. */
  readonly refs: StorageRefs;

  constructor(scope: Construct, id: string, props: StorageStackProps) {
    super(scope, id, props);
    const bucketName = feedsBucketName(props.tablePrefix);
    const feeds = new FeedsBucket(this, 'Feeds', { bucketName });
    this.feedsBucket = feeds.bucket;
    this.accessLogBucket = feeds.accessLogBucket;
    this.tables = new OmsTables(this, 'Tables', { tablePrefix: props.tablePrefix }).tables;
    this.refs = { stack: this, bucketName, tablePrefix: props.tablePrefix };

    new CfnOutput(this, 'FeedsBucketName', { value: this.feedsBucket.bucketName });
  }
}
