/**
 * Small state objects the OMS keeps in the feeds bucket, outside every SFTP home (`oms-state/`),
 * so no SFTP user can see or change them.
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { STATE_PREFIX } from './state-prefix.ts';

export { STATE_PREFIX };

/** The inventory snapshot digest (see shared/jobs/inventory-snapshot-importer.ts). */
export const SNAPSHOT_DIGEST_OBJECT = 'inventory/snapshot-digest.bin';
/** Per-file sets of the keys a snapshot file listed (the bucket expires them after a week). */
export const SNAPSHOT_LISTED_PREFIX = 'inventory/imports/';

export class StateObjects {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async get(name: string): Promise<Buffer | undefined> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: `${STATE_PREFIX}${name}` }),
      );
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey')
        return undefined;
      throw err;
    }
  }

  async put(name: string, body: Buffer): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: `${STATE_PREFIX}${name}`,
        Body: body,
        ContentType: 'application/octet-stream',
      }),
    );
  }
}
