/**
 * What the NetSuite SFTP user may do, folder by folder, as the contract (docs/netsuite-contract.md) says
 * NetSuite behaves — one rule read by CDK (the Transfer user's role,
 * infra/constructs/netsuite-sftp-access.ts) and by the local SFTP server (local/sftp/), so the
 * local cloud refuses what AWS refuses:
 *
 * - **inbound folders** (NetSuite → OMS: NetSuite uploads): read everything below; create, replace
 *   and delete its own uploads in the folder itself; never write or delete in a subfolder
 *   (`archive/`, `error/`, `failed/` are the OMS's record of what it imported).
 * - **outbound folders** (OMS → NetSuite: the OMS writes): read everything below; delete a file of
 *   the folder itself (NetSuite moves what it imported to `archive/`, or to `failed/` with an
 *   exception file in `error/`); create files in `archive/`, `error/` and `failed/` only; never
 *   write in the folder NetSuite imports from, never delete in a subfolder.
 *
 * Anything else below the home: listed, not read or written. No AWS imports.
 */
import { FEEDS, INBOUND_SUBFOLDERS, type FeedDefinition } from './catalog.ts';
import { feedPrefix } from './paths.ts';

export interface NetsuiteFolders {
  /** Key prefixes (with trailing slash) of the folders NetSuite uploads to. */
  readonly inbound: readonly string[];
  /** Key prefixes of the folders the OMS writes and NetSuite imports from. */
  readonly outbound: readonly string[];
}

/** The NetSuite folders of the catalog (planned feeds included: the contract is the same). */
export function netsuiteFolders(
  user: string,
  feeds: readonly FeedDefinition[] = FEEDS,
): NetsuiteFolders {
  const ns = feeds.filter((f) => (f.partner ?? 'netsuite') === 'netsuite');
  const of = (dir: FeedDefinition['direction']) =>
    [...new Set(ns.filter((f) => f.direction === dir).map((f) => feedPrefix(user, f)))].sort();
  const folders = { inbound: of('inbound'), outbound: of('outbound') };
  const all = [...folders.inbound, ...folders.outbound];
  for (const a of all) {
    for (const b of all) {
      if (a !== b && b.startsWith(a)) {
        throw new Error(
          `NetSuite folder ${b} lies inside ${a}: the SFTP user's folder rules cannot tell them apart`,
        );
      }
    }
  }
  return folders;
}

/** What an SFTP request does to an S3 object: GetObject, PutObject, DeleteObject. */
export type ObjectAction = 'read' | 'write' | 'delete';

/** Whether NetSuite's SFTP user may `action` the object `key` (a directory marker ends in `/`). */
export function netsuiteMay(folders: NetsuiteFolders, action: ObjectAction, key: string): boolean {
  const inbound = folders.inbound.find((p) => key.startsWith(p));
  if (inbound !== undefined) {
    const rest = key.slice(inbound.length);
    return action === 'read' || !rest.includes('/');
  }
  const outbound = folders.outbound.find((p) => key.startsWith(p));
  if (outbound !== undefined) {
    const rest = key.slice(outbound.length);
    if (action === 'read') return true;
    if (action === 'delete') return !rest.includes('/');
    const slash = rest.indexOf('/');
    return slash > 0 && (INBOUND_SUBFOLDERS as readonly string[]).includes(rest.slice(0, slash));
  }
  return false;
}

/** The rule of NetSuite's user `user` as one function (the local SFTP server's `objectRules`). */
export function netsuiteObjectRules(
  user: string,
  feeds: readonly FeedDefinition[] = FEEDS,
): (action: ObjectAction, key: string) => boolean {
  const folders = netsuiteFolders(user, feeds);
  return (action, key) => netsuiteMay(folders, action, key);
}
