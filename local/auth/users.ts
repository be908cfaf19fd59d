/**
 * The local cloud's people (Cognito's users on AWS): `<data>/users.json` (mode 0600), written by
 * `npx oms user add|remove` and read at every sign-in, so a new user can sign in at once. Each has
 * groups, the stores a store associate acts for, and a scrypt hash of the password.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { GROUPS, isGroup, parseStores, type Group } from '../../shared/auth/groups.ts';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number) => Promise<Buffer>;

export interface LocalUser {
  readonly username: string;
  readonly groups: readonly Group[];
  readonly stores: readonly string[];
  readonly createdAt: string;
}

interface StoredUser extends LocalUser {
  /** `scrypt:<salt b64>:<hash b64>` */
  readonly password: string;
}

export const usersFile = (dataDir: string): string => join(dataDir, 'users.json');

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;
export const MIN_PASSWORD_LENGTH = 12;

/** Why a password is too weak (Cognito's strong policy: 12+ characters, four kinds), or undefined. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH)
    return `a password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  const kinds = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  if (kinds < 4) return 'a password needs lower and upper case letters, a digit and a symbol';
  return undefined;
}

/** A random password that passes the policy. */
export function generatePassword(): string {
  return `${randomBytes(12).toString('base64url')}-aA1`;
}

async function hash(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 32);
  return `scrypt:${salt.toString('base64')}:${key.toString('base64')}`;
}

async function matches(password: string, stored: string): Promise<boolean> {
  const [kind, salt, key] = stored.split(':');
  if (kind !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length);
  return timingSafeEqual(actual, expected);
}

export class LocalUsers {
  constructor(private readonly dataDir: string) {}

  private read(): StoredUser[] {
    const file = usersFile(this.dataDir);
    if (!existsSync(file)) return [];
    const data = JSON.parse(readFileSync(file, 'utf8')) as { users?: StoredUser[] };
    return data.users ?? [];
  }

  private write(users: readonly StoredUser[]): void {
    const file = usersFile(this.dataDir);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ users }, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, file);
  }

  list(): LocalUser[] {
    return this.read().map(({ password: _password, ...user }) => user);
  }

  find(username: string): LocalUser | undefined {
    return this.list().find((u) => u.username === username);
  }

  /** Adds (or replaces) a user; throws saying why the input is refused. */
  async add(input: {
    username: string;
    password: string;
    groups: readonly string[];
    stores?: readonly string[];
  }): Promise<LocalUser> {
    if (!USERNAME.test(input.username))
      throw new Error(`a user name is letters, digits and . _ @ + - (got ${input.username})`);
    const weak = passwordProblem(input.password);
    if (weak) throw new Error(weak);
    const unknown = input.groups.filter((g) => !isGroup(g));
    if (unknown.length || input.groups.length === 0)
      throw new Error(
        `groups must be some of ${GROUPS.join(', ')}${unknown.length ? ` (not ${unknown.join(', ')})` : ''}`,
      );
    const groups = [...new Set(input.groups)] as Group[];
    const stores = parseStores([...(input.stores ?? [])]);
    if ((input.stores ?? []).length !== stores.length)
      throw new Error(`a store is a facility id (got ${(input.stores ?? []).join(', ')})`);
    if (groups.includes('store-associate') && stores.length === 0)
      throw new Error('a store associate needs at least one store (--store STORE1)');
    const user: StoredUser = {
      username: input.username,
      groups,
      stores,
      createdAt: new Date().toISOString(),
      password: await hash(input.password),
    };
    this.write([...this.read().filter((u) => u.username !== user.username), user]);
    const { password: _password, ...shown } = user;
    return shown;
  }

  remove(username: string): boolean {
    const users = this.read();
    const kept = users.filter((u) => u.username !== username);
    if (kept.length === users.length) return false;
    this.write(kept);
    return true;
  }

  /** The user when the password is theirs. */
  async verify(username: string, password: string): Promise<LocalUser | undefined> {
    const user = this.read().find((u) => u.username === username);
    if (!user || !(await matches(password, user.password))) return undefined;
    const { password: _password, ...shown } = user;
    return shown;
  }
}
