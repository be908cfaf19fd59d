/**
 * The one logger: Powertools Logger (JSON lines with `level`, `message`, `timestamp`, `service`,
 * `cold_start`, `function_name`, `function_request_id` and the correlation keys appended during the
 * invocation), printed through the shell's output. On the local cloud the same calls print the
 * readable line the terminal always had — `14:11:17 info  export run feed=… rows=3` — made of the
 * message and the call's own fields only: the Lambda context and correlation keys would make every
 * line three times longer, and `OMS_LOG_FORMAT=json` shows the AWS line with all of them.
 */
import { Logger, LogLevelThreshold } from '@aws-lambda-powertools/logger';
import type {
  ConstructorOptions,
  LogItemExtraInput,
  LogItemMessage,
} from '@aws-lambda-powertools/logger/types';
import type { LogItem } from '@aws-lambda-powertools/logger';
import { prettyLogs, shellOutput, type LogLevelName } from './output.ts';

export type LogFields = Record<string, string | number | boolean | undefined | null>;

/** Keys Powertools reserves for itself: a field of that name is kept under `<name>_`. */
const RESERVED = new Set(['level', 'message', 'sampling_rate', 'service', 'timestamp']);

export const safeFields = (fields: LogFields): LogFields => {
  let out: LogFields | undefined;
  for (const k of Object.keys(fields)) {
    if (RESERVED.has(k)) {
      out ??= { ...fields };
      out[`${k}_`] = out[k];
      delete out[k];
    }
  }
  return out ?? fields;
};

const levelName = (n: number): LogLevelName =>
  n >= LogLevelThreshold.ERROR
    ? 'error'
    : n >= LogLevelThreshold.WARN
      ? 'warn'
      : n >= LogLevelThreshold.INFO
        ? 'info'
        : 'debug';

/** The readable local line: time, level, message, `key=value` for every field that has a value. */
export function prettyLine(level: LogLevelName, msg: string, fields: LogFields): string {
  const parts = Object.entries(fields)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${k}=${typeof v === 'string' && /\s/.test(v) ? JSON.stringify(v) : v}`);
  return `${new Date().toISOString().slice(11, 19)} ${level.padEnd(5)} ${msg} ${parts.join(' ')}`.trimEnd();
}

export class OmsLogger extends Logger {
  /** Cold start as the shell counts it (per handler, per process); Powertools' own otherwise. */
  coldStartOverride: boolean | undefined;

  override getColdStart(): boolean {
    return this.coldStartOverride ?? super.getColdStart();
  }

  protected override createLogger(options?: ConstructorOptions): OmsLogger {
    return new OmsLogger(options);
  }

  protected override processLogItem(
    logLevel: number,
    input: LogItemMessage,
    extraInput: LogItemExtraInput,
  ): void {
    if (!prettyLogs()) return super.processLogItem(logLevel, input, extraInput);
    const threshold = LogLevelThreshold[this.getLevelName()] ?? LogLevelThreshold.INFO;
    if (logLevel < threshold) return;
    const msg = typeof input === 'string' ? input : String(input.message);
    const fields: LogFields = {};
    for (const extra of extraInput) {
      if (extra instanceof Error) fields.error = extra.message;
      else if (extra && typeof extra === 'object') Object.assign(fields, extra);
      else if (typeof extra === 'string') fields.extra = extra;
    }
    const level = levelName(logLevel);
    shellOutput().log(level, prettyLine(level, msg, fields));
  }

  protected override printLog(logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    shellOutput().log(
      levelName(logLevel),
      JSON.stringify(log.getAttributes(), this.getJsonReplacer()),
    );
  }
}

/** The process's logger: used outside any invocation (the local cloud, the CLI) and as the parent. */
export const rootLogger = new OmsLogger({ serviceName: 'oms' });
