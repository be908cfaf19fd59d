import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  TreatMissingData,
  type IAlarmAction,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, MetricFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface JobAlarmsProps {
  /** When set, alarms notify this address through an encrypted SNS topic. */
  readonly email?: string;
}

/**
 * The alarms of the jobs: a DLQ holds anything (a file or a run was given up on), a function
 * reported errors. Optionally routed to an e-mail address through a KMS-encrypted, TLS-only topic.
 */
export class JobAlarms extends Construct {
  readonly topic?: Topic;
  private readonly action?: IAlarmAction;

  constructor(scope: Construct, id: string, props: JobAlarmsProps = {}) {
    super(scope, id);
    if (props.email) {
      // CloudWatch can publish to an encrypted topic only with a customer managed key it may use.
      const key = new Key(this, 'TopicKey', {
        enableKeyRotation: true,
        description: 'Encrypts the OMS alarm topic',
      });
      key.grant(
        new ServicePrincipal('cloudwatch.amazonaws.com'),
        'kms:Decrypt',
        'kms:GenerateDataKey*',
      );
      this.topic = new Topic(this, 'Topic', {
        displayName: 'OMS job alarms',
        masterKey: key,
        enforceSSL: true,
      });
      this.topic.addSubscription(new EmailSubscription(props.email));
      this.action = new SnsAction(this.topic);
    }
  }

  /** Alarm as soon as one message waits in the dead-letter queue. */
  addDeadLetterQueueAlarm(id: string, queue: IQueue, what: string): Alarm {
    return this.add(
      new Alarm(this, `${id}DlqNotEmpty`, {
        alarmDescription: `${what}: messages in the dead-letter queue (given up after retries)`,
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /** Alarm on any function error in a 5-minute window. */
  addErrorAlarm(id: string, fn: IFunction, what: string): Alarm {
    return this.add(
      new Alarm(this, `${id}Errors`, {
        alarmDescription: `${what}: Lambda errors`,
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /**
   * Alarm while a job writes log lines containing `term` (its error line for something a person
   * must look at): a metric filter on the job's log group counts them, any line in a 15-minute
   * window alarms, and a window without one is OK again.
   */
  addLogLineAlarm(id: string, logGroup: ILogGroup, term: string, what: string): Alarm {
    const filter = new MetricFilter(this, `${id}${term}Filter`, {
      logGroup,
      filterPattern: FilterPattern.allTerms(term),
      metricNamespace: 'OMS',
      metricName: term,
      metricValue: '1',
    });
    return this.add(
      new Alarm(this, `${id}${term}`, {
        alarmDescription: what,
        metric: filter.metric({ period: Duration.minutes(15), statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  private add(alarm: Alarm): Alarm {
    if (this.action) {
      alarm.addAlarmAction(this.action);
      alarm.addOkAction(this.action);
    }
    return alarm;
  }
}
