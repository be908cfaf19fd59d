/**
 * The user's home as infra needs it (IAM scope and the logical home-directory mapping).
 *
 * The SFTP path and the S3 key are the same string (key = path without the leading slash) through
 * the LOGICAL mapping `/home/<user>` → `/<bucket>/home/<user>`. Everything a feed writes or reads
 * (partner roots, feed folders, the staging area) lies below that home; feed folder prefixes come
 * from `shared/feeds/paths.ts`, the one place that spells them.
 */
export { feedPrefix } from '../shared/feeds/paths.ts';

/** `home/<user>`: the user's home, as an S3 key prefix (no slashes at either end). */
export const userHomeKey = (user: string): string => `home/${user}`;

/** `/home/<user>`: the same home as an SFTP path (the logical mapping's entry). */
export const userHomePath = (user: string): string => `/${userHomeKey(user)}`;
