/**
 * The operator's view of the NetSuite sync (`oms sync status`): per feed its last runs (files
 * written or read, rows, errors), and per outbox the records still waiting for a NetSuite id —
 * with those waiting longer than a threshold listed, oldest first. NetSuite reports row-level
 * failures nowhere, so this is where a record that never came back shows up.
 */
import { FEEDS } from '../feeds/catalog.ts';
import type { FeedFileRun, ImportLedger } from '../store/import-ledger.ts';
import type { OutboxFeed, SyncRun, SyncStore } from '../store/sync-store.ts';

export const SYNC_FEEDS = {
  outbound: [
    'customer-export',
    'sales-order-export',
    'customer-deposit-export',
    'allocation-update-export',
    'inventory-adjustment-export',
  ],
  inbound: [
    'customer-id-import',
    'order-id-import',
    'order-line-id-import',
    'deposit-id-import',
    'rejected-item-import',
  ],
} as const;

export interface WaitingRecord {
  readonly id: string;
  readonly since: string;
  readonly minutes: number;
  readonly sends: number;
  readonly lastSentAt?: string;
  readonly heldBack?: string;
}

export interface SyncStatus {
  readonly at: string;
  readonly thresholdMinutes: number;
  readonly outbound: { feed: string; runs: SyncRun[] }[];
  readonly inbound: { feed: string; files: FeedFileRun[] }[];
  readonly approval: SyncRun[];
  readonly waiting: {
    readonly outbox: OutboxFeed;
    readonly total: number;
    readonly overThreshold: number;
    readonly heldBack: number;
    /** Those over the threshold, oldest first (at most `limit`). */
    readonly oldest: WaitingRecord[];
  }[];
}

const OUTBOXES: readonly OutboxFeed[] = [
  'customer',
  'salesorder',
  'deposit',
  'allocation',
  'invadj',
];

export async function syncStatus(
  deps: { sync: SyncStore; ledger: ImportLedger },
  opts: { thresholdMinutes?: number; runs?: number; limit?: number; now?: Date } = {},
): Promise<SyncStatus> {
  const now = opts.now ?? new Date();
  const threshold = opts.thresholdMinutes ?? 60;
  const runs = opts.runs ?? 3;
  const [outbound, inbound, approval, waiting] = await Promise.all([
    Promise.all(
      SYNC_FEEDS.outbound.map(async (feed) => ({ feed, runs: await deps.sync.runs(feed, runs) })),
    ),
    Promise.all(
      SYNC_FEEDS.inbound.map(async (feed) => ({
        feed,
        files: await deps.ledger.recentFeedRuns(feed, runs),
      })),
    ),
    deps.sync.runs('approve-orders', runs),
    Promise.all(
      OUTBOXES.map(async (outbox) => {
        const records: WaitingRecord[] = [];
        for await (const page of deps.sync.entries(outbox)) {
          for (const e of page) {
            records.push({
              id: e.id,
              since: e.createdAt,
              minutes: Math.floor((now.getTime() - Date.parse(e.createdAt)) / 60_000),
              sends: e.state.sends,
              lastSentAt: e.state.lastSentAt,
              heldBack: e.state.heldBack,
            });
          }
        }
        const over = records
          .filter((r) => r.minutes >= threshold)
          .sort((a, b) => (a.since < b.since ? -1 : 1));
        return {
          outbox,
          total: records.length,
          overThreshold: over.length,
          heldBack: records.filter((r) => r.heldBack).length,
          oldest: over.slice(0, opts.limit ?? 20),
        };
      }),
    ),
  ]);
  return {
    at: now.toISOString(),
    thresholdMinutes: threshold,
    outbound,
    inbound,
    approval,
    waiting,
  };
}

/** The feed's title, for people. */
export const feedTitle = (id: string): string => FEEDS.find((f) => f.id === id)?.title ?? id;
