/**
 * What the snapshot fault tests share: a local cloud with warehouses, the stores they read back
 * and a real SFTP session in the inventory snapshot's folder.
 */
import SftpClient from 'ssh2-sftp-client';
import { feedById } from '../../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../../shared/feeds/paths.ts';
import { FeedFileStore } from '../../../shared/files/feed-file-store.ts';
import { createS3Client } from '../../../shared/files/s3-client.ts';
import { createDynamoClient } from '../../../shared/store/dynamo-client.ts';
import { FacilityStore } from '../../../shared/store/facility-store.ts';
import { ImportLedger } from '../../../shared/store/import-ledger.ts';
import { InventoryStore } from '../../../shared/store/inventory-store.ts';
import { tableName } from '../../../shared/store/tables.ts';
import { startTestCloud, TEST_PASSWORD } from '../../support/local-cloud.ts';

export const SNAPSHOT_HEADER = 'Item,externalFacilityId,availableQty,idValue';
export const snapshotFeed = feedById('inventory-snapshot-import');

export interface SnapshotFixture {
  readonly cloud: Awaited<ReturnType<typeof startTestCloud>>;
  readonly sftp: SftpClient;
  readonly inventory: InventoryStore;
  readonly ledger: ImportLedger;
  readonly files: FeedFileStore;
  /** The snapshot folder as the SFTP user sees it (`/home/<user>/…`). */
  readonly dir: string;
  stop(): Promise<void>;
}

/** Starts a local cloud with warehouses `facilityIds` and connects an SFTP client to it. */
export async function startSnapshotFixture(
  facilityIds: readonly string[] = ['101', '102'],
): Promise<SnapshotFixture> {
  const cloud = await startTestCloud();
  const dynamo = createDynamoClient(cloud.config);
  await new FacilityStore(dynamo, tableName(cloud.config.tablePrefix, 'control')).save(
    facilityIds.map((id) => ({
      facilityId: id,
      externalId: id,
      name: `Warehouse ${id}`,
      kind: 'warehouse' as const,
      groups: [],
    })),
  );
  const sftp = new SftpClient();
  await sftp.connect({
    host: cloud.sftp.host,
    port: cloud.sftp.port,
    username: cloud.sftp.user,
    password: TEST_PASSWORD,
  });
  return {
    cloud,
    sftp,
    inventory: new InventoryStore(dynamo, tableName(cloud.config.tablePrefix, 'inventory')),
    ledger: new ImportLedger(dynamo, tableName(cloud.config.tablePrefix, 'control')),
    files: new FeedFileStore(createS3Client(cloud.config), cloud.bucket, cloud.sftp.user),
    dir: `/${feedPrefix(cloud.sftp.user, snapshotFeed)}`,
    async stop() {
      await sftp.end();
      await cloud.cleanup();
    },
  };
}
