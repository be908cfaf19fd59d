import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLES, type TableDefinition, type TableKey } from '../../shared/store/tables.ts';
import type { StorageStack } from '../../infra/stacks/storage-stack.ts';
import { buildApp, resolved } from './helpers.ts';

const tableEntries = Object.entries(TABLES) as [TableKey, TableDefinition][];
const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

describe('StorageStack', () => {
  let stack: StorageStack;
  let template: Template;

  beforeAll(() => {
    stack = buildApp().storage;
    template = Template.fromStack(stack);
  });

  describe('feeds bucket', () => {
    it('is named <prefix>-feeds-<account>-<region> under a pinned logical id, and retained', () => {
      template.hasResource('AWS::S3::Bucket', {
        Properties: Match.objectLike({
          BucketName: resolved(stack, stack.refs.bucketName),
        }),
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      expect(stack.resolve(stack.refs.bucketName)).toEqual({
        'Fn::Join': ['', ['oms-feeds-', { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }]],
      });
      expect(template.toJSON().Resources.FeedsBucket.Type).toBe('AWS::S3::Bucket');
    });

    it('is versioned, encrypted and blocks all public access', () => {
      const bucket = template.toJSON().Resources.FeedsBucket.Properties;
      expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
        { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
      ]);
      expect(bucket.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    });

    it('aborts incomplete multipart uploads after 1 day and expires old versions', () => {
      const rules = template.toJSON().Resources.FeedsBucket.Properties.LifecycleConfiguration
        .Rules as Record<string, unknown>[];
      expect(rules).toContainEqual(
        expect.objectContaining({
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          Status: 'Enabled',
        }),
      );
      expect(rules).toContainEqual(
        expect.objectContaining({
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
          Status: 'Enabled',
        }),
      );
    });

    it('denies every request that is not over TLS (1.2 or later)', () => {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: 'FeedsBucket' },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
            }),
          ]),
        },
      });
    });

    it('sends server access logs to a separate, private, encrypted, retained bucket', () => {
      const resources = template.toJSON().Resources;
      expect(resources.FeedsBucket.Properties.LoggingConfiguration).toEqual({
        DestinationBucketName: { Ref: 'FeedsAccessLogBucket' },
        LogFilePrefix: 'feeds/',
      });
      const logs = resources.FeedsAccessLogBucket;
      expect(logs.DeletionPolicy).toBe('Retain');
      expect(logs.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
        { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
      ]);
      expect(logs.Properties.PublicAccessBlockConfiguration.BlockPublicPolicy).toBe(true);
      template.resourceCountIs('AWS::S3::Bucket', 2);
    });
  });

  describe('tables', () => {
    it('has exactly one table per TABLES entry', () => {
      template.resourceCountIs('AWS::DynamoDB::Table', tableEntries.length);
    });

    it.each(tableEntries)('%s: key schema from TABLES, on-demand, PITR, retained', (key, def) => {
      const table = template.toJSON().Resources[`${pascal(key)}Table`];
      expect(table, `logical id ${pascal(key)}Table`).toBeDefined();
      expect(table.Type).toBe('AWS::DynamoDB::Table');
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
      const p = table.Properties;
      expect(p.TableName).toBe(`oms-${def.name}`);
      expect(p.KeySchema).toEqual([
        { AttributeName: def.partitionKey, KeyType: 'HASH' },
        { AttributeName: def.sortKey, KeyType: 'RANGE' },
      ]);
      expect(p.AttributeDefinitions).toEqual(
        expect.arrayContaining([
          { AttributeName: def.partitionKey, AttributeType: 'S' },
          { AttributeName: def.sortKey, AttributeType: 'S' },
        ]),
      );
      expect(p.BillingMode).toBe('PAY_PER_REQUEST');
      expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(p.DeletionProtectionEnabled).toBe(true);
      if (def.timeToLive) {
        expect(p.TimeToLiveSpecification).toEqual({ AttributeName: def.timeToLive, Enabled: true });
      } else {
        expect(p.TimeToLiveSpecification).toBeUndefined();
      }
    });
  });

  it('takes the table prefix from context', () => {
    const other = Template.fromStack(buildApp({ context: { tablePrefix: 'acme' } }).storage);
    for (const [, def] of tableEntries) {
      other.hasResourceProperties('AWS::DynamoDB::Table', { TableName: `acme-${def.name}` });
    }
  });
});
