/**
 * What a feed is: the shape of an entry of the feed catalog (`catalog.ts`, which lists them), its
 * layouts and triggers, and the defaults an entry may leave out. Re-exported by the catalog, which
 * every reader imports.
 */
import type { TableNeeds } from '../store/needs.ts';

export type FeedDirection = 'inbound' | 'outbound';
export type FeedFormat = 'csv' | 'json';
export type FeedPartner = 'netsuite' | 'storefront';

/** An inbound feed is started by the S3 ObjectCreated event; an outbound feed by a schedule. */
export type FeedTrigger =
  | { readonly kind: 'object-created' }
  /** An EventBridge Scheduler expression: `cron(min hour dom month dow year)` or `rate(n unit)`. */
  | { readonly kind: 'schedule'; readonly expression: string };

export interface FeedDefinition {
  /** Stable id, also the handler's job name. */
  readonly id: string;
  readonly title: string;
  readonly direction: FeedDirection;
  /**
   * Who is on the other side: NetSuite (default; folders below `/home/{user}/netsuite/`) or the
   * storefront (folders below `/home/{user}/storefront/`).
   */
  readonly partner?: FeedPartner;
  /** Folder below the partner's root, without leading or trailing slash. */
  readonly folder: string;
  readonly format: FeedFormat;
  /** Exact, case-sensitive header (CSV) or top-level keys (JSON). */
  readonly columns: readonly string[];
  /**
   * Inbound CSV only: other files the same folder receives, each recognised by its own exact
   * header (any column order). The import tells the importer which layout a file has (`columns`
   * is the layout named `main`). E.g. `alc-audit-data` holds invoice and credit-memo reports.
   */
  readonly layouts?: readonly FeedLayout[];
  readonly trigger: FeedTrigger;
  /**
   * The handler module in `functions/` (without extension) once the feed is implemented.
   * Feeds without one are listed as planned: CDK deploys no function and the local runner
   * routes no event for them.
   */
  readonly handler?: string;
  /** The module that does the work (`shared/...`), for the function registry. */
  readonly module?: string;
  /** The tables the handler reads or writes (its IAM policy grants exactly these). */
  readonly tables?: TableNeeds;
  /** Sub-prefixes of `oms-state/` the handler reads and writes (e.g. `inventory/`). */
  readonly state?: readonly string[];
  /**
   * Inbound only: the largest file accepted, in bytes; a larger one goes to failed/ unread, with
   * an error file saying so. Default by format: `DEFAULT_MAX_FILE_BYTES`.
   */
  readonly maxBytes?: number;
  /**
   * The function's memory (MB) when its kind's default does not suit it; set only from a
   * measurement, with the reason beside the value.
   */
  readonly memoryMb?: number;
}

export const MB = 1024 * 1024;

/**
 * The largest inbound file of a feed that declares none: CSV 1 GiB (the daily snapshot, a million
 * rows, is about 50 MB), JSON 16 MB (read whole into memory).
 */
export const DEFAULT_MAX_FILE_BYTES: Readonly<Record<FeedFormat, number>> = {
  csv: 1024 * MB,
  json: 16 * MB,
};

/** The largest file the feed accepts (its `maxBytes`, else its format's default). */
export const maxFileBytes = (feed: FeedDefinition): number =>
  feed.maxBytes ?? DEFAULT_MAX_FILE_BYTES[feed.format];

/** One more header an inbound folder receives (see `FeedDefinition.layouts`). */
export interface FeedLayout {
  /** Stable name, handed to the importer (`main` is the feed's own `columns`). */
  readonly id: string;
  readonly title: string;
  /** Exact, case-sensitive header. */
  readonly columns: readonly string[];
}

/** The main layout's id: the feed's own `columns`. */
export const MAIN_LAYOUT = 'main';
