/**
 * Powertools Metrics in EMF, one instance per invocation (the local cloud runs invocations of one
 * handler side by side in one process), published through the shell's output — or not at all
 * when metrics are off (locally, unless asked).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { metricsEnabled, shellOutput } from './output.ts';

/** The CloudWatch namespace of every OMS metric. */
export const METRICS_NAMESPACE = 'OMS';

export class OmsMetrics extends Metrics {
  /** Publishes what was added (nothing when nothing was: no "no metrics" warning either). */
  override publishStoredMetrics(): this {
    try {
      if (this.hasStoredMetrics() && metricsEnabled())
        shellOutput().metrics(this.serializeMetrics());
    } finally {
      this.clearMetrics();
      this.clearDimensions();
      this.clearMetadata();
    }
    return this;
  }
}

export const newInvocationMetrics = (service: string): OmsMetrics =>
  new OmsMetrics({
    namespace: METRICS_NAMESPACE,
    serviceName: service,
    defaultDimensions: { service },
  });

export { MetricUnit };
