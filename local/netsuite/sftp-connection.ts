/**
 * NetSuite's SFTP connection (the `N/sftp` module) to the OMS server, as the NetSuite user, rooted
 * at `/home/<user>/netsuite`. A real SFTP client: the simulator sees exactly what NetSuite sees.
 */
import SftpClient from 'ssh2-sftp-client';

export interface SftpLogin {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
  readonly privateKey?: string | Buffer;
  readonly passphrase?: string;
}

export interface RemoteFile {
  readonly name: string;
  readonly size: number;
  /** Modification time in ms (SFTP gives whole seconds). */
  readonly modifiedMs: number;
}

/** `home/<user>/netsuite`: NetSuite's SFTP root (its configuration record's default directory). */
export const netsuiteRoot = (user: string): string => `home/${user}/netsuite`;

/** What the SuiteScripts do with NetSuite's SFTP connection (NetsuiteSftp, or MemorySftp in unit tests). */
export interface SftpFolders {
  /** Files of a folder (below the root) sorted by modification date, then name. */
  listFiles(folder: string): Promise<RemoteFile[]>;
  read(folder: string, name: string): Promise<Buffer>;
  /** Moves a file to a subfolder (`archive`, `failed`), replacing a file of the same name there. */
  moveInto(folder: string, name: string, subfolder: string): Promise<void>;
  /** Writes a file so that it appears complete or not at all; refuses to replace one. */
  writeAtomically(folder: string, name: string, text: string): Promise<void>;
  close(): Promise<void>;
}

export class NetsuiteSftp implements SftpFolders {
  /** `/home/<user>/netsuite` */
  readonly root: string;
  private client: SftpClient | undefined;
  private readonly knownFolders = new Set<string>();

  constructor(private readonly login: SftpLogin) {
    this.root = `/${netsuiteRoot(login.user)}`;
  }

  /** The absolute path of a folder below the root (and of a file in it). */
  path(folder: string, name?: string): string {
    return name === undefined ? `${this.root}/${folder}` : `${this.root}/${folder}/${name}`;
  }

  private async connected(): Promise<SftpClient> {
    if (this.client) return this.client;
    const client = new SftpClient('netsuite-simulator');
    await client.connect({
      host: this.login.host,
      port: this.login.port,
      username: this.login.user,
      password: this.login.password,
      privateKey: this.login.privateKey,
      passphrase: this.login.passphrase,
      readyTimeout: 20_000,
    });
    // Small SFTP requests one after another (open, write, close; stat, list) on a socket with
    // Nagle's algorithm on wait for the server's delayed ACK — ~40 ms each on loopback, most of
    // the demo's NetSuite cycle. ssh2 leaves it on; ssh2-sftp-client keeps its ssh2 client (untyped).
    (client as unknown as { client: { setNoDelay(noDelay: boolean): void } }).client.setNoDelay(
      true,
    );
    this.client = client;
    return client;
  }

  /** Drops the connection (after an error, or at stop); the next call reconnects. */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.knownFolders.clear();
    if (client) await client.end().catch(() => undefined);
  }

  /** Files of a folder sorted by modification date, then name; directories skipped. */
  async listFiles(folder: string): Promise<RemoteFile[]> {
    const client = await this.connected();
    const dir = this.path(folder);
    if (!(await client.exists(dir))) return [];
    const entries = await client.list(dir);
    return entries
      .filter((e) => e.type !== 'd')
      .map((e) => ({ name: e.name, size: e.size, modifiedMs: e.modifyTime }))
      .sort(
        (a, b) => a.modifiedMs - b.modifiedMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
      );
  }

  async read(folder: string, name: string): Promise<Buffer> {
    const client = await this.connected();
    const data = await client.get(this.path(folder, name));
    if (!Buffer.isBuffer(data)) throw new Error(`unexpected download result for ${name}`);
    return data;
  }

  /**
   * Moves a file to a subfolder (`archive`, `failed`), replacing a file of the same name there:
   * a rename, or — when the name is taken — the file written over it and the original deleted
   * (the SFTP user may not delete anything in a subfolder: infra/constructs/netsuite-sftp-access.ts).
   */
  async moveInto(folder: string, name: string, subfolder: string): Promise<void> {
    const client = await this.connected();
    const target = `${folder}/${subfolder}`;
    await this.ensureFolder(target);
    const from = this.path(folder, name);
    const to = this.path(target, name);
    if (await client.exists(to)) {
      await client.put(await this.read(folder, name), to);
      await client.delete(from);
      return;
    }
    await client.rename(from, to);
  }

  /**
   * Writes a file so that it appears complete or not at all: uploaded straight into place (the
   * SFTP server stores an upload in S3 when it is closed, as Transfer Family does). Refuses to
   * replace an existing file (NetSuite names every file it writes by its time).
   */
  async writeAtomically(folder: string, name: string, text: string): Promise<void> {
    const client = await this.connected();
    await this.ensureFolder(folder);
    const to = this.path(folder, name);
    if (await client.exists(to)) throw new Error(`${to} exists: NetSuite does not replace a file`);
    await client.put(Buffer.from(text, 'utf8'), to);
  }

  private async ensureFolder(folder: string): Promise<void> {
    if (this.knownFolders.has(folder)) return;
    const client = await this.connected();
    const dir = this.path(folder);
    if (!(await client.exists(dir))) await client.mkdir(dir, true);
    this.knownFolders.add(folder);
  }
}
