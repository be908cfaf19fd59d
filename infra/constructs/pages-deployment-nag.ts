/**
 * cdk-nag acknowledgements for CDK's BucketDeployment custom resource, which uploads the pages
 * (`shared/web/` and `config.json`) to the pages bucket and invalidates CloudFront's cache at
 * deploy time. Its function and role are CDK's own singleton (one per stack and memory size); each
 * finding is acknowledged on exactly that singleton with what it is for.
 */
import type { Stack } from 'aws-cdk-lib';
import { ManagedPolicy } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import {
  acknowledge,
  acknowledgeManagedPolicies,
  acknowledgeWildcardActions,
  acknowledgeWildcardResources,
} from '../nag.ts';

const WHY =
  'CDK BucketDeployment (the pages upload at deploy time, never invoked by people or data)';

export function acknowledgeBucketDeployment(stack: Stack, pagesBucket: IBucket): void {
  const singletons = stack.node.children.filter((c) =>
    c.node.id.startsWith('Custom::CDKBucketDeployment'),
  );
  if (singletons.length !== 1)
    throw new Error(`expected one BucketDeployment function in ${stack.node.id}`);
  const fn = singletons[0]!;
  acknowledgeManagedPolicies(
    fn,
    [
      ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')
        .managedPolicyArn,
    ],
    `${WHY}: CDK attaches the basic execution role so that the function may write its own CloudWatch logs.`,
  );
  acknowledgeWildcardActions(
    fn,
    ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'],
    `${WHY}: CDK grants read on the asset and read-write on the pages bucket as action families (objects, versions, multipart uploads), limited to those two buckets.`,
  );
  acknowledgeWildcardResources(
    fn,
    [`${pagesBucket.bucketArn}/*`],
    `${WHY}: it replaces every object of the pages bucket (prune), so it writes and deletes any key of that one bucket.`,
  );
  acknowledge(
    fn,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
    `${WHY}: it reads the zipped pages from the CDK bootstrap assets bucket, whose object key is a content hash known only at deploy time.`,
  );
  acknowledge(
    fn,
    'AwsSolutions-IAM5[Resource::*]',
    `${WHY}: cloudfront:CreateInvalidation and GetInvalidation, which CDK grants on * so that the new pages are served at once after a deploy.`,
  );
  acknowledge(
    fn,
    'AwsSolutions-L1',
    `${WHY}: the runtime is chosen by aws-cdk-lib for its bundled AWS CLI layer and moves with CDK upgrades; the function runs only during deploys.`,
  );
}
