import { S3Client } from '@aws-sdk/client-s3';
import { config, type RuntimeConfig } from '../platform/config.ts';
import { withoutSdkLogging } from '../platform/sdk-logging.ts';

/** Builds an S3 client; local endpoints get the settings the emulator needs (never used on AWS). */
export function createS3Client(cfg: RuntimeConfig): S3Client {
  const local = cfg.s3Endpoint
    ? {
        endpoint: cfg.s3Endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        // Without these, streamed uploads are stored with aws-chunked framing inside the file.
        requestChecksumCalculation: 'WHEN_REQUIRED' as const,
        responseChecksumValidation: 'WHEN_REQUIRED' as const,
      }
    : {};
  return withoutSdkLogging(new S3Client({ region: cfg.region, ...local }));
}

let client: S3Client | undefined;

/** The process-wide S3 client (created once, at first use). */
export function s3(): S3Client {
  client ??= createS3Client(config());
  return client;
}
