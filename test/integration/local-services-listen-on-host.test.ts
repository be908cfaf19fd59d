/**
 * Security review (issue 16 §4): every service of the local cloud listens on `OMS_HOST` only
 * (127.0.0.1 by default), never on every interface: DynamoDB Local has no `-host` option and used
 * to listen on 0.0.0.0, which let anyone on the network read and write the tables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud } from '../support/local-cloud.ts';
import { listeningAddresses } from '../support/listening.ts';

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
const portOf = (url: string) => Number(new URL(url).port);

beforeAll(async () => {
  cloud = await startTestCloud({ host: '127.0.0.1', api: { token: 'listen-test-token' } });
});

afterAll(async () => {
  await cloud?.cleanup();
});

describe('the local cloud listens on OMS_HOST only', () => {
  it('DynamoDB Local is bound to 127.0.0.1, not to every interface', () => {
    expect(listeningAddresses(portOf(cloud.dynamoEndpoint))).toEqual(['127.0.0.1']);
  });

  it('the S3 emulator is bound to 127.0.0.1', () => {
    expect(listeningAddresses(portOf(cloud.s3Endpoint))).toEqual(['127.0.0.1']);
  });

  it('the SFTP server and the HTTP API are bound to 127.0.0.1', () => {
    expect(listeningAddresses(cloud.sftp.port)).toEqual(['127.0.0.1']);
    expect(listeningAddresses(portOf(cloud.api!.url))).toEqual(['127.0.0.1']);
  });
});
