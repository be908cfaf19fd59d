/**
 * The AWS SDK's logger middleware, taken out of our clients. With no logger configured the SDK
 * still calls its default no-op logger's `info` with the request's input and output run through
 * the schema's sensitive-data filter: a walk over every attribute of every item of every call
 * (≈ 5 % of the sales order export's CPU in a `--cpu-prof` profile, `schemaLogFilter` and the
 * schema iterators it calls). The OMS writes its own log lines; the SDK's were never used.
 */
export interface HasMiddlewareStack {
  readonly middlewareStack: { remove(name: string): boolean };
}

/** The SDK middleware's name (`loggerMiddlewareOptions.name` in `@aws-sdk/core`). */
export const SDK_LOGGER_MIDDLEWARE = 'loggerMiddleware';

export function withoutSdkLogging<C extends HasMiddlewareStack>(client: C): C {
  client.middlewareStack.remove(SDK_LOGGER_MIDDLEWARE);
  return client;
}
