/** Where the OMS keeps its own objects in the bucket (no SFTP user reaches them). */
/**
 * `oms-state/` — the OMS's own objects (staging, digests, listings): outside every SFTP home, so
 * no SFTP user can read, write or replace them.
 */
export const STATE_PREFIX = 'oms-state/';

/**
 * Where the OMS stages files (outbound files before they move into a folder NetSuite reads, held
 * copies of imported versions, error report parts): below the OMS's own state prefix, outside
 * every SFTP home, so the SuiteScripts never list a half-written file and no SFTP user can rewrite
 * a staged export or a held import.
 */
export const stagingPrefix = (): string => `${STATE_PREFIX}staging/`;
