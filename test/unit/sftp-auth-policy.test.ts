/** The SFTP server's password policy, key-type policy and log escaping, as pure functions. */
import { randomBytes } from 'node:crypto';
import ssh2, { type AuthContext, type ParsedKey } from 'ssh2';
import { describe, expect, it } from 'vitest';
import {
  createAuthenticator,
  parseAuthorizedKeys,
  refusedSignature,
  signatureAlgorithm,
  weakPassword,
} from '../../local/sftp/auth.ts';
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

describe('public-key signature algorithms', () => {
  it('names the algorithm from what ssh2 passes on (key type, hash)', () => {
    expect(signatureAlgorithm('ssh-rsa', undefined)).toBe('ssh-rsa');
    expect(signatureAlgorithm('ssh-rsa', 'sha256')).toBe('rsa-sha2-256');
    expect(signatureAlgorithm('ssh-rsa', 'sha512')).toBe('rsa-sha2-512');
    expect(signatureAlgorithm('ssh-ed25519', undefined)).toBe('ssh-ed25519');
    expect(signatureAlgorithm('ecdsa-sha2-nistp256', undefined)).toBe('ecdsa-sha2-nistp256');
  });

  it('refuses SHA-1 ssh-rsa only', () => {
    expect(refusedSignature('ssh-rsa', undefined)).toMatch(
      /ssh-rsa \(SHA-1\) signatures are refused/,
    );
    expect(refusedSignature('ssh-rsa', 'sha1')).toMatch(/refused/);
    for (const [algo, hash] of [
      ['ssh-rsa', 'sha256'],
      ['ssh-rsa', 'sha512'],
      ['ssh-ed25519', undefined],
      ['ecdsa-sha2-nistp256', undefined],
      ['ecdsa-sha2-nistp384', undefined],
      ['ecdsa-sha2-nistp521', undefined],
    ] as const)
      expect(refusedSignature(algo, hash), `${algo} ${hash}`).toBeUndefined();
  });

  describe('the authenticator', () => {
    const { utils } = ssh2;
    const rsa = utils.generateKeyPairSync('rsa', { bits: 2048 });
    const ed25519 = utils.generateKeyPairSync('ed25519');
    const ecdsa = utils.generateKeyPairSync('ecdsa', { bits: 256 });
    const authenticate = createAuthenticator([
      {
        name: 'netsuite',
        authorizedKeys: [rsa.public, ed25519.public, ecdsa.public].join('\n'),
      },
    ]);
    const blob = randomBytes(64);

    /** A public-key request as ssh2's server hands it over, signed (or a query). */
    function request(pair: { private: string }, hashAlgo?: string, signed = true): AuthContext {
      const key = utils.parseKey(pair.private) as ParsedKey;
      return {
        username: 'netsuite',
        method: 'publickey',
        key: { algo: key.type, data: key.getPublicSSH() },
        hashAlgo,
        signature: signed
          ? key.sign(blob, hashAlgo ?? (key.type === 'ssh-rsa' ? 'sha1' : undefined))
          : undefined,
        blob: signed ? blob : undefined,
      } as unknown as AuthContext;
    }

    it('refuses a valid SHA-1 ssh-rsa signature and an ssh-rsa query, saying why', () => {
      const sha1 = request(rsa) as unknown as { signature: Buffer };
      // The signature itself is good: only its algorithm is refused.
      expect((utils.parseKey(rsa.public) as ParsedKey).verify(blob, sha1.signature, 'sha1')).toBe(
        true,
      );
      expect(authenticate(request(rsa))).toMatchObject({
        result: 'refused',
        reason: expect.stringMatching(/ssh-rsa \(SHA-1\) signatures are refused/),
      });
      expect(authenticate(request(rsa, undefined, false))).toMatchObject({ result: 'refused' });
    });

    it('accepts the same RSA key signing with rsa-sha2-256 or rsa-sha2-512', () => {
      expect(authenticate(request(rsa, 'sha256', false))).toMatchObject({ result: 'key-ok' });
      expect(authenticate(request(rsa, 'sha256'))).toEqual({
        result: 'accepted',
        user: 'netsuite',
        method: 'publickey ssh-rsa (rsa-sha2-256)',
      });
      expect(authenticate(request(rsa, 'sha512'))).toMatchObject({
        result: 'accepted',
        method: 'publickey ssh-rsa (rsa-sha2-512)',
      });
    });

    it('accepts Ed25519 and ECDSA signatures', () => {
      expect(authenticate(request(ed25519))).toMatchObject({ result: 'accepted' });
      expect(authenticate(request(ecdsa))).toMatchObject({
        result: 'accepted',
        method: 'publickey ecdsa-sha2-nistp256 (ecdsa-sha2-nistp256)',
      });
    });
  });
});
