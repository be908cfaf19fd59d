import { CfnResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectOwnership,
  type IBucket,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SNAPSHOT_LISTED_PREFIX, STATE_PREFIX } from '../../shared/files/state-objects.ts';

export interface FeedsBucketProps {
  /** Physical name of the feeds bucket (deterministic, so other stacks can refer to it by name). */
  readonly bucketName: string;
  /** How long a replaced or deleted file version is kept. Default 30 days. */
  readonly noncurrentVersionExpiration?: Duration;
  /** How long server access logs are kept. Default 365 days. */
  readonly accessLogExpiration?: Duration;
}

/**
 * The feeds bucket behind the SFTP server (versioned, private, TLS-only, retained) and the bucket
 * that receives its server access logs. Logical ids are pinned: these are stateful resources.
 */
export class FeedsBucket extends Construct {
  readonly bucket: IBucket;
  readonly accessLogBucket: IBucket;

  constructor(scope: Construct, id: string, props: FeedsBucketProps) {
    super(scope, id);

    const accessLogs = new Bucket(this, 'AccessLogs', {
      // Server access logs can only be delivered to SSE-S3 buckets.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: props.accessLogExpiration ?? Duration.days(365),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    (accessLogs.node.defaultChild as CfnResource).overrideLogicalId('FeedsAccessLogBucket');

    const feeds = new Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      versioned: true,
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'feeds/',
      lifecycleRules: [
        // Transfer Family and streamed uploads use multipart uploads; a dropped session leaves parts.
        {
          id: 'abort-incomplete-multipart-uploads',
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        // The keys each snapshot file listed (read by the snapshot-close job within a day).
        {
          id: 'expire-snapshot-listings',
          prefix: `${STATE_PREFIX}${SNAPSHOT_LISTED_PREFIX}`,
          expiration: Duration.days(7),
        },
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: props.noncurrentVersionExpiration ?? Duration.days(30),
        },
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
    });
    (feeds.node.defaultChild as CfnResource).overrideLogicalId('FeedsBucket');
    feeds.policy?.applyRemovalPolicy(RemovalPolicy.RETAIN);

    this.bucket = feeds;
    this.accessLogBucket = accessLogs;
  }
}
