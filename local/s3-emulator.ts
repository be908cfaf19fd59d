import crypto from 'node:crypto';
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

/**
 * s3rver seals ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node 18+) no longer
 * offers: every listing longer than one page (1,000 keys) failed with InternalError. Its `des`
 * cipher becomes AES-128-CTR (key and IV padded to 16 bytes; any length, same token layout).
 * Only that algorithm name changes, and only when the runtime lacks it.
 */
function keepListingTokensWorking(): void {
  if (crypto.getCiphers().includes('des') || (crypto as { omsDesPatched?: boolean }).omsDesPatched)
    return;
  const pad = (b: crypto.BinaryLike) =>
    Buffer.concat([Buffer.from(b as Buffer), Buffer.alloc(16)]).subarray(0, 16);
  const { createCipheriv, createDecipheriv } = crypto;
  Object.assign(crypto, {
    omsDesPatched: true,
    createCipheriv: ((algorithm: string, key: Buffer, iv: Buffer, options?: unknown) =>
      algorithm === 'des'
        ? createCipheriv('aes-128-ctr', pad(key), pad(iv))
        : createCipheriv(algorithm, key, iv, options as never)) as typeof createCipheriv,
    createDecipheriv: ((algorithm: string, key: Buffer, iv: Buffer, options?: unknown) =>
      algorithm === 'des'
        ? createDecipheriv('aes-128-ctr', pad(key), pad(iv))
        : createDecipheriv(algorithm, key, iv, options as never)) as typeof createDecipheriv,
  });
}

/** Starts s3rver persisted under `directory`, with the buckets created if missing. */
export async function startS3Emulator(options: S3EmulatorOptions): Promise<S3Emulator> {
  const host = options.host ?? '127.0.0.1';
  mkdirSync(options.directory, { recursive: true });
  keepListingTokensWorking();
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
