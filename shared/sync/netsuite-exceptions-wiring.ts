/** Builds the exception-file watcher from the process-wide clients and configuration. */
import { config } from '../platform/config.ts';
import { feedFiles } from '../files/feed-file-store.ts';
import { orderRuntime } from '../orders/runtime.ts';
import { dynamo, table } from '../store/dynamo-client.ts';
import { ReflectStore } from '../store/reflect-store.ts';
import type { ExceptionsDeps } from './netsuite-exceptions.ts';
import { syncStore } from './wiring.ts';

export const exceptionsDeps = (): ExceptionsDeps => {
  const sync = syncStore();
  return {
    files: feedFiles(),
    store: sync.netsuiteFiles(),
    sync,
    user: config().netsuiteUser,
    // Taken allocation, OMS-fulfilled and adjustment files are evidence for inventory holds.
    reflect: {
      entries: new ReflectStore(dynamo(), table('control')),
      lines: orderRuntime().orders,
    },
  };
};
