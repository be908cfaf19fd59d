import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AlarmTopic } from '../constructs/alarm-target.ts';

export interface AlarmsStackProps extends StackProps {
  readonly topicName: string;
  readonly email: string;
}

/**
 * The OMS alarm topic when the deployment names an address (`-c alarmEmail=…`). The other stacks
 * refer to it by its deterministic ARN (`alarmTopicArnFor`) and deploy after it.
 */
export class AlarmsStack extends Stack {
  readonly alarmTopic: AlarmTopic;

  constructor(scope: Construct, id: string, props: AlarmsStackProps) {
    super(scope, id, props);
    this.alarmTopic = new AlarmTopic(this, 'Alarms', {
      topicName: props.topicName,
      email: props.email,
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topic.topicArn });
  }
}
