/** The SFTP server's password policy, key-type policy and log escaping, as pure functions. */
import { describe, expect, it } from 'vitest';
import { parseAuthorizedKeys, weakPassword } from '../../local/sftp/auth.ts';
import { printable } from '../../local/sftp/printable.ts';

describe('weakPassword', () => {
  it('refuses short, repetitive and user-name passwords', () => {
    expect(weakPassword('short-pw', 'netsuite')).toMatch(/8 characters; use at least 12/);
    expect(weakPassword('aaaaaaaaaaaaaaaa', 'netsuite')).toMatch(/fewer than 4 different/);
    expect(weakPassword('NetSuite-2025-xyz', 'netsuite')).toMatch(/contains the user name/);
  });

  it('accepts a long one and the generated kind', () => {
    expect(weakPassword('correct horse battery staple', 'netsuite')).toBeUndefined();
    expect(weakPassword('Vx3k_9QpZr2LmN8w', 'netsuite')).toBeUndefined();
  });
});

describe('authorized_keys', () => {
  it('ignores ssh-dss keys, saying why', () => {
    const skipped: string[] = [];
    const keys = parseAuthorizedKeys('ssh-dss AAAAB3NzaC1kc3MAAACBAP== old-key', (_l, why) =>
      skipped.push(why),
    );
    expect(keys).toEqual([]);
    expect(skipped).toEqual(['ssh-dss (DSA) keys are refused: use ECDSA, Ed25519 or RSA']);
  });
});

describe('printable', () => {
  it('escapes every control character and the backslash, keeps the rest', () => {
    expect(printable('a\r\nb\u001b[2Jc\u0000d\u007fe\u0085f\u2028g\\h\ti')).toBe(
      'a\\r\\nb\\x1b[2Jc\\x00d\\x7fe\\x85f\\u2028g\\\\h\\ti',
    );
    expect(printable('Wed Jul 02 2025 03:15:00 GMT-0700 (PDT)-é.csv')).toBe(
      'Wed Jul 02 2025 03:15:00 GMT-0700 (PDT)-é.csv',
    );
  });
});
