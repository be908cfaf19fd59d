/**
 * Where alarms go. A deployment names a target, or says in so many words that it wants none:
 *
 * - `-c alarmEmail=ops@example.com`: an SNS topic `<prefix>-alarms` (KMS-encrypted, TLS-only) in
 *   its own stack, with that address subscribed (confirm the subscription mail);
 * - `-c alarmTopicArn=arn:aws:sns:…`: an existing topic (its policy must let CloudWatch publish);
 * - `-c alarms=none`: no target; the alarms exist but notify nobody (a sandbox, a synth check).
 *
 * Anything else stops the synthesis with the message below.
 */
import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export type AlarmTarget =
  | { readonly kind: 'email'; readonly email: string }
  | { readonly kind: 'topic'; readonly topicArn: string }
  | { readonly kind: 'none' };

export const NO_ALARM_TARGET_MESSAGE =
  'No alarm target: alarms would reach no one. Deploy with -c alarmEmail=<address> (an SNS ' +
  'topic with that subscription) or -c alarmTopicArn=<arn of an SNS topic>, or opt out ' +
  'explicitly with -c alarms=none.';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/;

/** Validates the three context values into one target; throws when none or several are given. */
export function alarmTarget(values: {
  readonly alarmEmail?: string;
  readonly alarmTopicArn?: string;
  readonly alarms?: string;
}): AlarmTarget {
  const { alarmEmail, alarmTopicArn, alarms } = values;
  if (alarms !== undefined && alarms !== 'none') {
    throw new Error(`context "alarms" accepts only "none" (found ${JSON.stringify(alarms)})`);
  }
  const given = [alarmEmail, alarmTopicArn, alarms].filter((v) => v !== undefined).length;
  if (given === 0) throw new Error(NO_ALARM_TARGET_MESSAGE);
  if (given > 1) {
    throw new Error('give one of alarmEmail, alarmTopicArn or alarms=none, not several');
  }
  if (alarmEmail !== undefined) {
    if (!EMAIL.test(alarmEmail))
      throw new Error(`context "alarmEmail" ${alarmEmail} is not an address`);
    return { kind: 'email', email: alarmEmail };
  }
  if (alarmTopicArn !== undefined) {
    if (!TOPIC_ARN.test(alarmTopicArn)) {
      throw new Error(`context "alarmTopicArn" ${alarmTopicArn} is not an SNS topic ARN`);
    }
    return { kind: 'topic', topicArn: alarmTopicArn };
  }
  return { kind: 'none' };
}

/** `<prefix>-alarms` in this account and region: known before deployment, no export needed. */
export const alarmTopicName = (prefix: string): string => `${prefix}-alarms`;

/** The topic's ARN with pseudo parameters: resolves in whichever stack uses it (no export). */
export const alarmTopicArnIn = (prefix: string): string =>
  `arn:${Aws.PARTITION}:sns:${Aws.REGION}:${Aws.ACCOUNT_ID}:${alarmTopicName(prefix)}`;

/** `aws:SourceAccount` and `aws:SourceArn` (CloudWatch alarms of this account and region). */
export function cloudWatchAlarmConditions(
  scope: Construct,
): Record<string, Record<string, string>> {
  return {
    StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
    ArnLike: {
      'aws:SourceArn': Stack.of(scope).formatArn({
        service: 'cloudwatch',
        resource: 'alarm',
        resourceName: '*',
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    },
  };
}

/** The OMS's own alarm topic (alarmEmail): encrypted with a key CloudWatch may use, TLS only. */
export class AlarmTopic extends Construct {
  readonly topic: Topic;

  constructor(
    scope: Construct,
    id: string,
    props: { readonly topicName: string; readonly email: string },
  ) {
    super(scope, id);
    // CloudWatch can publish to an encrypted topic only with a customer managed key it may use,
    // and only for alarms of this account (confused deputy).
    const key = new Key(this, 'TopicKey', {
      enableKeyRotation: true,
      description: 'Encrypts the OMS alarm topic',
    });
    const cloudwatch = new ServicePrincipal('cloudwatch.amazonaws.com', {
      conditions: cloudWatchAlarmConditions(this),
    });
    key.grant(cloudwatch, 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Topic', {
      topicName: props.topicName,
      displayName: 'OMS alarms',
      masterKey: key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [cloudwatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
      }),
    );
    this.topic.addSubscription(new EmailSubscription(props.email));
  }
}
