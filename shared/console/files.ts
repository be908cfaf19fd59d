/**
 * Which object keys the operator's console may read or act on: the files an import kept in its
 * feed's `archive/`, `error/` and `failed/` folders (direct children only), never anything else
 * of the bucket. Pure: keys in, answers out.
 */
import { INBOUND_SUBFOLDERS, type FeedDefinition } from '../feeds/catalog.ts';
import { feedPrefix, type InboundSubfolder } from '../feeds/paths.ts';

export interface KeptFile {
  readonly feed: FeedDefinition;
  readonly sub: InboundSubfolder;
  /** The kept name (`x~1a2b3c4d.csv`, `x~1a2b3c4d.csv.errors.csv`). */
  readonly name: string;
}

/** A key of a kept file of an inbound feed, or undefined for any other key. */
export function locateKept(
  key: string,
  user: string,
  feeds: readonly FeedDefinition[],
): KeptFile | undefined {
  if (typeof key !== 'string' || key.length > 1024 || key.includes('..')) return undefined;
  for (const feed of feeds) {
    if (feed.direction !== 'inbound') continue;
    const prefix = feedPrefix(user, feed);
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const slash = rest.indexOf('/');
    const sub = rest.slice(0, slash) as InboundSubfolder;
    const name = rest.slice(slash + 1);
    if (slash < 0 || !INBOUND_SUBFOLDERS.includes(sub) || !name || name.includes('/')) continue;
    if (name.startsWith('.')) continue;
    return { feed, sub, name };
  }
  return undefined;
}

/** `x~1a2b3c4d.csv` → `x.csv` (the name the partner sent; see `versionedName`). */
export const originalName = (keptName: string): string =>
  keptName
    .replace(/\.errors\.csv$/, '')
    .replace(/~[0-9a-z]{1,8}(\.[A-Za-z][A-Za-z0-9]{0,7})?$/, '$1');

/** `x~tag.csv.errors.csv` → `x~tag.csv`: the kept version an error report describes. */
export const reportedName = (reportName: string): string =>
  reportName.replace(/\.errors\.csv$/, '');
