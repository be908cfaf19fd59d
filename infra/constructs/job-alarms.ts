import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  TreatMissingData,
  type IAlarmAction,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, MetricFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface JobAlarmsProps {
  /** The SNS topic every alarm (and its return to OK) notifies; none only when alarms=none. */
  readonly topicArn?: string;
}

/**
 * The alarms of the jobs: a DLQ holds anything (a file or a run was given up on) or holds a
 * message close to its retention, a feed queue's oldest message is too old, a function reported
 * errors, the HTTP API answered 5xx. Every alarm notifies the alarm topic (`alarm-target.ts`).
 */
export class JobAlarms extends Construct {
  private readonly action?: IAlarmAction;

  constructor(scope: Construct, id: string, props: JobAlarmsProps = {}) {
    super(scope, id);
    if (props.topicArn) {
      this.action = new SnsAction(Topic.fromTopicArn(this, 'Topic', props.topicArn));
    }
  }

  /** Every alarm made here, for tests and for the stack's own checks. */
  get alarms(): Alarm[] {
    return this.node.children.filter((c): c is Alarm => c instanceof Alarm);
  }

  /**
   * Alarm while the oldest message of a feed's queue is older than `maxAge`: files (or runs) wait
   * longer than their imports take, i.e. the function is throttled, failing or stuck.
   */
  addQueueAgeAlarm(id: string, queue: IQueue, maxAge: Duration, what: string): Alarm {
    return this.add(
      new Alarm(this, `${id}QueueAge`, {
        alarmDescription: `${what}: a message waits in the queue longer than ${maxAge.toHumanString()}`,
        metric: queue.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: maxAge.toSeconds(),
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /**
   * Alarm while a dead letter is within `margin` of its queue's retention: SQS deletes it at the
   * retention's end, and with it the only trace of the file or run that was given up on.
   */
  addDeadLetterRetentionAlarm(
    id: string,
    queue: IQueue,
    retention: Duration,
    margin: Duration,
    what: string,
  ): Alarm {
    const threshold = retention.toSeconds() - margin.toSeconds();
    if (threshold <= 0) throw new Error(`${what}: the margin must be shorter than the retention`);
    return this.add(
      new Alarm(this, `${id}DlqNearRetention`, {
        alarmDescription:
          `${what}: a dead letter is older than ${Duration.seconds(threshold).toHumanString()}; ` +
          `SQS deletes it ${margin.toHumanString()} later (retention ${retention.toHumanString()}): re-drive or save it`,
        metric: queue.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(15),
          statistic: 'Maximum',
        }),
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /** Alarm on any 5xx answer of the HTTP API in a 5-minute window. */
  addHttpApi5xxAlarm(id: string, api: HttpApi): Alarm {
    return this.add(
      new Alarm(this, `${id}5xx`, {
        alarmDescription: 'HTTP API: 5xx answers (a handler failed or timed out, or throttling)',
        metric: api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
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
