/**
 * Where the shell's log lines and metric documents go. On AWS: stdout/stderr, one JSON line each
 * (CloudWatch Logs Insights and the EMF extractor read them). On one machine: the process console
 * (read at call time, so a test's `vi.spyOn(console, …)` sees them), the log lines readable unless
 * `OMS_LOG_FORMAT=json`, and no metric documents unless asked for. Tests capture both.
 */
export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';

export interface ShellOutput {
  /** One finished log line (a JSON object on AWS, a readable line locally). */
  log(level: LogLevelName, line: string): void;
  /** One EMF document (only when metrics are on). */
  metrics(emf: Record<string, unknown>): void;
}

/** Local cloud (the S3 endpoint is set) unless OMS_LOG_FORMAT says otherwise. */
export const prettyLogs = (env: NodeJS.ProcessEnv = process.env): boolean =>
  env.OMS_LOG_FORMAT ? env.OMS_LOG_FORMAT === 'pretty' : !!env.OMS_S3_ENDPOINT;

/**
 * Metrics are published on AWS; on the local cloud only when asked (`OMS_METRICS=emf`, or
 * Powertools' own `POWERTOOLS_METRICS_DISABLED=false`): EMF documents are noise on a terminal.
 */
export function metricsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const disabled = env.POWERTOOLS_METRICS_DISABLED?.trim().toLowerCase();
  if (disabled !== undefined && disabled !== '')
    return !['1', 'true', 'yes', 'on'].includes(disabled);
  if (env.OMS_METRICS) return env.OMS_METRICS === 'emf';
  return !env.OMS_S3_ENDPOINT;
}

const consoleOutput: ShellOutput = {
  log: (level, line) => {
    if (level === 'error') console.error(line);
    else if (level === 'warn') console.warn(line);
    else console.log(line);
  },
  metrics: (emf) => console.log(JSON.stringify(emf)),
};

let current: ShellOutput = consoleOutput;

export const shellOutput = (): ShellOutput => current;

/** Sends the shell's output elsewhere (tests); returns the function that puts it back. */
export function setShellOutput(output: ShellOutput): () => void {
  const before = current;
  current = output;
  return () => {
    current = before;
  };
}
