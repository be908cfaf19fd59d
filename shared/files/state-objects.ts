/**
 * Small state objects the OMS keeps in the feeds bucket, outside every SFTP home (`oms-state/`),
 * so no SFTP user can see or change them.
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export const STATE_PREFIX = 'oms-state/';

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
