import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { FilterPattern, MetricFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface SftpAuthFailureAlarmProps {
  /** The Transfer server's log group (`/aws/transfer/<server-id>`). */
  readonly logGroup: ILogGroup;
  /** The topic the alarm notifies. */
  readonly topicArn?: string;
  /** Failed logins in 15 minutes that alarm. Default 5 (a mistyped key is one or two). */
  readonly threshold?: number;
}

/**
 * Failed SFTP logins: Transfer Family logs each as `AUTH_FAILURE` (legacy and JSON structured
 * logs alike); a metric filter counts them and the alarm fires on a burst (password guessing,
 * a NetSuite key that no longer matches).
 */
export class SftpAuthFailureAlarm extends Construct {
  readonly filter: MetricFilter;
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, props: SftpAuthFailureAlarmProps) {
    super(scope, id);
    this.filter = new MetricFilter(this, 'Filter', {
      logGroup: props.logGroup,
      filterPattern: FilterPattern.anyTerm('AUTH_FAILURE'),
      metricNamespace: 'OMS/Transfer',
      metricName: 'AuthFailures',
      metricValue: '1',
    });
    const threshold = props.threshold ?? 5;
    this.alarm = new Alarm(this, 'Alarm', {
      alarmDescription: `SFTP: ${threshold} or more failed logins in 15 minutes`,
      metric: this.filter.metric({ period: Duration.minutes(15), statistic: 'Sum' }),
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (props.topicArn) {
      const action = new SnsAction(Topic.fromTopicArn(this, 'Topic', props.topicArn));
      this.alarm.addAlarmAction(action);
      this.alarm.addOkAction(action);
    }
  }
}
