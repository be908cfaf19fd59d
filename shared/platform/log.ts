/**
 * One-line logs, through the one Powertools logger of the Lambda shell (`shared/lambda-shell/`):
 * inside an invocation a line carries its request id, cold start and correlation keys; JSON on
 * AWS (CloudWatch Logs Insights reads it); on the local cloud a readable line
 * (`14:11:17 info  export run feed=… rows=3`), unless OMS_LOG_FORMAT=json.
 */
import { safeFields, type LogFields } from './logger.ts';
import { currentLogger } from './invocation.ts';

export type { LogFields };

export const log = {
  info: (msg: string, fields: LogFields = {}) => currentLogger().info(msg, safeFields(fields)),
  warn: (msg: string, fields: LogFields = {}) => currentLogger().warn(msg, safeFields(fields)),
  error: (msg: string, fields: LogFields = {}) => currentLogger().error(msg, safeFields(fields)),
};
