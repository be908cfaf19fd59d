/** Loads a job's Lambda handler module from `functions/` — the same code CDK bundles for AWS. */
import type { Handler } from 'aws-lambda';

const cache = new Map<string, Promise<Handler>>();

export function loadHandler(name: string): Promise<Handler> {
  let loaded = cache.get(name);
  if (!loaded) {
    loaded = import(`../functions/${name}.ts`).then((m: { handler?: Handler }) => {
      if (typeof m.handler !== 'function')
        throw new Error(`functions/${name}.ts exports no handler`);
      return m.handler;
    });
    cache.set(name, loaded);
  }
  return loaded;
}

/**
 * Invokes a handler the way Lambda does (a context object, promise style). The context carries
 * what Lambda's does, so the shell's JSON log lines (`OMS_LOG_FORMAT=json`) have the same keys
 * locally as on AWS (`function_name`, `function_arn`, `function_memory_size`, `function_request_id`).
 */
export async function invoke<TResult = unknown>(name: string, event: unknown): Promise<TResult> {
  const handler = await loadHandler(name);
  const context = {
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: crypto.randomUUID(),
    getRemainingTimeInMillis: () => 15 * 60_000,
  };
  return (await handler(event, context as never, () => undefined)) as TResult;
}
