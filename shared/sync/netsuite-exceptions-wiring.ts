/** Builds the exception-file watcher from the process-wide clients and configuration. */
import { config } from '../config.ts';
import { feedFiles } from '../files/feed-file-store.ts';
import type { ExceptionsDeps } from './netsuite-exceptions.ts';
import { syncStore } from './wiring.ts';

export const exceptionsDeps = (): ExceptionsDeps => {
  const sync = syncStore();
  return { files: feedFiles(), store: sync.netsuiteFiles(), sync, user: config().netsuiteUser };
};
