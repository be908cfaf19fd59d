/**
 * The running invocation's logger and metrics, kept in an AsyncLocalStorage scope (not module
 * state: the local cloud runs several invocations of one handler at once in one process, and
 * their keys must not cross). The Lambda shell opens the scope; everything else logs through it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { OmsLogger, rootLogger, safeFields, type LogFields } from './logger.ts';
import { MetricUnit, type OmsMetrics } from './metrics.ts';
import { prettyLogs } from './output.ts';

export type MetricUnitName = (typeof MetricUnit)[keyof typeof MetricUnit];

/** Adds a metric of the invocation (a count unless said otherwise). */
export type AddMetric = (name: string, value: number, unit?: MetricUnitName) => void;

export interface Scope {
  readonly name: string;
  /** When the invocation started (ms), for its run record. */
  startedAt?: number;
  logger?: OmsLogger;
  metrics?: OmsMetrics;
}

export const scopes = new AsyncLocalStorage<Scope>();

/** The logger of the running invocation, or the process's logger outside one. */
export const currentLogger = (): OmsLogger => scopes.getStore()?.logger ?? rootLogger;

/** Appends correlation keys to every later line of the running invocation (no-op outside one). */
export function appendKeys(keys: LogFields): void {
  const logger = scopes.getStore()?.logger;
  if (!logger) return;
  const defined = Object.fromEntries(
    Object.entries(safeFields(keys)).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  );
  if (Object.keys(defined).length > 0) logger.appendKeys(defined);
}

/** Removes correlation keys that no longer hold (e.g. `file` once a file is done). */
export function removeKeys(keys: readonly string[]): void {
  scopes.getStore()?.logger?.removeKeys([...keys]);
}

/** Adds a metric to the running invocation (no-op outside one, and for non-finite values). */
export const addMetric: AddMetric = (name, value, unit = MetricUnit.Count) => {
  const metrics = scopes.getStore()?.metrics;
  if (metrics && Number.isFinite(value)) metrics.addMetric(name, unit, value);
};

const describe = (err: unknown): { error: string; errorName?: string; stack?: string } =>
  err instanceof Error
    ? { error: err.message, errorName: err.name, stack: err.stack }
    : { error: String(err) };

/**
 * Logs a failure with the invocation's context: the one error line of the shell, also used by the
 * SQS loop for a message it reports failed (retried by SQS through the partial batch response).
 */
export function logFailure(message: string, err: unknown, fields: LogFields = {}): void {
  const { error, errorName, stack } = describe(err);
  // The readable local line stays one line (as before); the JSON line carries name and stack.
  currentLogger().error(
    message,
    prettyLogs() ? { ...fields, error } : { ...fields, error, errorName, stack },
  );
}
