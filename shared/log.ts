/**
 * One-line logs. JSON on AWS (CloudWatch Logs Insights reads it); on the local cloud a readable
 * line, unless OMS_LOG_FORMAT=json.
 */
export type LogFields = Record<string, string | number | boolean | undefined | null>;

const pretty = () =>
  process.env.OMS_LOG_FORMAT
    ? process.env.OMS_LOG_FORMAT === 'pretty'
    : !!process.env.OMS_S3_ENDPOINT;

function format(level: string, msg: string, fields: LogFields): string {
  if (!pretty()) return JSON.stringify({ level, msg, time: new Date().toISOString(), ...fields });
  const parts = Object.entries(fields)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${k}=${typeof v === 'string' && /\s/.test(v) ? JSON.stringify(v) : v}`);
  return `${new Date().toISOString().slice(11, 19)} ${level.padEnd(5)} ${msg} ${parts.join(' ')}`.trimEnd();
}

export const log = {
  info: (msg: string, fields: LogFields = {}) => console.log(format('info', msg, fields)),
  warn: (msg: string, fields: LogFields = {}) => console.warn(format('warn', msg, fields)),
  error: (msg: string, fields: LogFields = {}) => console.error(format('error', msg, fields)),
};
