/**
 * Security review (issue 16 §4): the data folder holds the SFTP password, the API token, the host
 * key, the tables and every feed file: it is created private (mode 0700), and an existing one
 * readable by others is tightened at start.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensurePrivateDataDir } from '../../local/data-dir.ts';
import { readStartSettings } from '../../local/settings.ts';

const base = mkdtempSync(join(tmpdir(), 'oms-data-mode-'));
const mode = (path: string) => statSync(path).mode & 0o777;

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('the data folder is private', () => {
  it('is created with mode 0700 (whatever the umask)', () => {
    const dir = join(base, 'fresh', '.oms-data');
    readStartSettings({ OMS_DATA_DIR: dir });
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'sftp-password'))).toBe(0o600);
  });

  it('an existing folder open to others is tightened to 0700', () => {
    const dir = join(base, 'existing');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    readStartSettings({ OMS_DATA_DIR: dir });
    expect(mode(dir)).toBe(0o700);
  });

  it('the local cloud tightens the folder it is given', () => {
    const dir = join(base, 'cloud');
    mkdirSync(dir);
    chmodSync(dir, 0o775);
    ensurePrivateDataDir(dir);
    expect(mode(dir)).toBe(0o700);
  });
});
