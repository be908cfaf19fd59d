/**
 * The data folder (state of the local cloud: the SFTP password and host key, the API token, the
 * tables, every feed file) is private: created with mode 0700, and an existing one that others
 * may read or enter is tightened to 0700.
 */
import { chmodSync, mkdirSync, statSync } from 'node:fs';

export function ensurePrivateDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mode = statSync(dir).mode & 0o777;
  if (mode === 0o700) return;
  try {
    chmodSync(dir, 0o700);
  } catch (err) {
    throw new Error(
      `the data folder ${dir} is open to other users (mode ${mode.toString(8)}) and could not be made private: ${(err as Error).message}`,
    );
  }
}
