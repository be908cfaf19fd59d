import type { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import S3rver from 's3rver';
import { freePort, assertPortFree } from './free-port.ts';

/** An S3 ObjectCreated/ObjectRemoved record as s3rver emits it (the real S3 event shape). */
export interface S3EmulatorEvent {
  Records: Array<{
    eventName: string;
    s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } };
  }>;
}

export interface S3Emulator {
  readonly endpoint: string;
  readonly port: number;
  /** Subscribes to the emulator's bucket events. */
  onEvent(listener: (event: S3EmulatorEvent) => void): void;
  close(): Promise<void>;
}

export interface S3EmulatorOptions {
  /** Folder where objects are persisted. */
  directory: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  buckets: string[];
}

/** Starts s3rver persisted under `directory`, with the buckets created if missing. */
export async function startS3Emulator(options: S3EmulatorOptions): Promise<S3Emulator> {
  const host = options.host ?? '127.0.0.1';
  mkdirSync(options.directory, { recursive: true });
  const port = options.port ? options.port : await freePort(host);
  if (options.port) await assertPortFree(port, 'the S3 emulator', host);
  const server = new S3rver({
    address: host,
    port,
    directory: options.directory,
    silent: true,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [] })),
  });
  // s3rver reads x-amz-copy-source with decodeURI, which leaves %3A, %2B and the like encoded,
  // while S3 decodes them. Re-encode the header so s3rver sees the key S3 would.
  await server.configureBuckets();
  const handle = server.callback();
  const http = createServer((req, res) => {
    const source = req.headers['x-amz-copy-source'];
    if (typeof source === 'string')
      req.headers['x-amz-copy-source'] = encodeURI(decodeURIComponent(source));
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => resolve());
  });
  return {
    endpoint: `http://${host}:${port}`,
    port,
    onEvent(listener) {
      // s3rver is a Koa app (an EventEmitter); its typings omit that.
      (server as unknown as EventEmitter).on('event', listener);
    },
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
