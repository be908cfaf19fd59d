/**
 * A failure after a claim (or a lock) was taken, but before the step that would give it up on
 * failure, must give it up itself: otherwise the file's next delivery — or every other snapshot
 * and delta file — waits out a lease of minutes that no one alive holds, and `idle()` with it.
 */
import { describe, expect, it, vi } from 'vitest';
import { feedById } from '../../shared/feeds/catalog.ts';
import { claimInboundFile } from '../../shared/feeds/inbound-file.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { inventorySnapshotImporter } from '../../shared/jobs/inventory-snapshot-importer.ts';

describe('claims and locks are given up when the import fails before it begins', () => {
  it('a claimed file whose bytes cannot be held gives its claim up (no lease left behind)', async () => {
    const feed = feedById('inventory-snapshot-import');
    const key = `${feedPrefix('netsuite', feed)}snap.csv`;
    const ledger = {
      versions: vi.fn(async () => []),
      claim: vi.fn(async () => ({ outcome: 'claimed' as const })),
      fail: vi.fn(async () => undefined),
    };
    const files = {
      head: vi.fn(async () => ({ size: 10, eTag: 'e1' })),
      // The S3 emulator did not answer while the version was being held.
      metadata: vi.fn(async () => {
        throw new Error('socket hang up');
      }),
    };
    await expect(
      claimInboundFile({ bucket: 'b', key, eTag: 'e1' } as never, {
        files: files as never,
        ledger: ledger as never,
        user: 'netsuite',
        importerFor: () => ({}),
        leaseMs: 300_000,
      }),
    ).rejects.toThrow('socket hang up');
    expect(ledger.claim).toHaveBeenCalledTimes(1);
    expect(ledger.fail).toHaveBeenCalledWith(key, 'e1', expect.stringContaining('socket hang up'));
  });

  it('a snapshot file that fails while opening releases the snapshot lock', async () => {
    const lock = {
      acquire: vi.fn(async () => ({})),
      markDirty: vi.fn(async () => undefined),
      release: vi.fn(async () => undefined),
    };
    const importer = inventorySnapshotImporter({
      deltas: {
        snapshotInForce: async () => undefined,
        loggedSince: async () => [],
        setSnapshotInForce: async () => undefined,
      },
      lagMs: 0,
      facilities: {
        byExternalId: async () => {
          throw new Error('DynamoDB Local did not answer');
        },
      },
      state: { get: async () => undefined, put: async () => undefined },
      lock,
      staleKeys: { list: async () => [], clear: async () => undefined },
      listing: { record: async () => undefined },
      inventory: {},
      leaseMs: 300_000,
      lockWaitMs: 600_000,
      fullWrite: true,
    } as never);
    await expect(
      importer.open({ key: 'k', fileName: 'snap.csv', eTag: 'e1', resumed: false }),
    ).rejects.toThrow('DynamoDB Local did not answer');
    expect(lock.acquire).toHaveBeenCalledTimes(1);
    expect(lock.release).toHaveBeenCalledWith('k#e1', false);
  });
});
