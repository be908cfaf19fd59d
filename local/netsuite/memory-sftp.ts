/**
 * An in-memory stand-in for NetSuite's SFTP connection, for unit tests: the same folder
 * operations as NetsuiteSftp (list sorted by modification order then name, read, move into a
 * subfolder, write atomically and never over an existing file), plus what a test needs to put
 * files where the OMS would and to read what NetSuite wrote.
 */
import type { RemoteFile, SftpFolders } from './sftp-connection.ts';

interface StoredFile {
  readonly text: string;
  readonly modifiedMs: number;
}

export class MemorySftp implements SftpFolders {
  private readonly folders = new Map<string, Map<string, StoredFile>>();
  private clock = 0;

  private folder(path: string): Map<string, StoredFile> {
    let folder = this.folders.get(path);
    if (!folder) this.folders.set(path, (folder = new Map()));
    return folder;
  }

  /** Puts a file as the OMS would (replacing one of the same name). */
  put(folder: string, name: string, text: string): void {
    this.folder(folder).set(name, { text, modifiedMs: ++this.clock });
  }

  /** File names of a folder, sorted. */
  files(folder: string): string[] {
    return [...(this.folders.get(folder)?.keys() ?? [])].sort();
  }

  /** A file's text (throws when absent). */
  text(folder: string, name: string): string {
    const file = this.folders.get(folder)?.get(name);
    if (!file) throw new Error(`no file ${folder}/${name}`);
    return file.text;
  }

  listFiles(folder: string): Promise<RemoteFile[]> {
    const entries = [...(this.folders.get(folder) ?? new Map<string, StoredFile>())];
    return Promise.resolve(
      entries
        .map(([name, f]) => ({ name, size: Buffer.byteLength(f.text), modifiedMs: f.modifiedMs }))
        .sort(
          (a, b) => a.modifiedMs - b.modifiedMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
        ),
    );
  }

  read(folder: string, name: string): Promise<Buffer> {
    return Promise.resolve(Buffer.from(this.text(folder, name), 'utf8'));
  }

  moveInto(folder: string, name: string, subfolder: string): Promise<void> {
    const from = this.folder(folder);
    const file = from.get(name);
    if (!file) return Promise.reject(new Error(`no file ${folder}/${name}`));
    from.delete(name);
    this.folder(`${folder}/${subfolder}`).set(name, file);
    return Promise.resolve();
  }

  writeAtomically(folder: string, name: string, text: string): Promise<void> {
    const target = this.folder(folder);
    if (target.has(name)) return Promise.reject(new Error(`${folder}/${name} exists`));
    target.set(name, { text, modifiedMs: ++this.clock });
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
