/** `npm run demo`: one accelerated day of the OMS and a simulated NetSuite (see run.ts). */
import { JavaMissingError } from '../dynamodb-local.ts';
import { parseDemoArgs, USAGE } from './options.ts';
import { noProgress, progressDisplay } from './progress.ts';
import { runDemo } from './run.ts';

// The SDK's notice that its releases after January 2027 need Node 22; our pins are tested on 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Ctrl-C: stop between two jobs, then stop the cloud (DynamoDB Local's JVM included) and clean up.
const stop = new AbortController();

async function main(): Promise<number> {
  let options;
  try {
    options = parseDemoArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : err}\n\n${USAGE}`);
    return 2;
  }
  if (!options) {
    console.log(USAGE);
    return 0;
  }
  const progress =
    options.json && !process.stderr.isTTY ? noProgress : progressDisplay(process.stderr);
  progress.note(
    `demo: ${options.orders} orders, ${options.from} → ${options.to} UTC in ${options.stepMinutes}-minute steps${options.keep ? ', data kept' : ''}; starting the local cloud…`,
  );
  process.on('SIGINT', () => {
    if (stop.signal.aborted) process.exit(130);
    progress.note('interrupted: stopping (Ctrl-C again to quit at once)');
    stop.abort(new Error('interrupted'));
  });
  const { summary, text } = await runDemo(options, progress, stop.signal);
  console.log(options.json ? JSON.stringify(summary, null, 2) : text);
  return summary.failures.length || summary.logs.errors.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (stop.signal.aborted) console.error('demo interrupted; everything stopped');
    else if (err instanceof JavaMissingError) console.error(err.message);
    else
      console.error(
        `demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
    process.exit(stop.signal.aborted ? 130 : 1);
  },
);
