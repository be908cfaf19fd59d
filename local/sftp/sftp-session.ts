/**
 * Serves the SFTP requests of one logged-in user over the S3 file-system view: path mapping and
 * chroot (paths.ts), the user's object rules (`may`), open handles, and the mapping of outcomes
 * to SFTP status codes.
 */
import ssh2, { type Attributes, type FileEntry, type SFTPWrapper } from 'ssh2';
import { attributes, fileEntry } from './attrs.ts';
import { normalizePath, resolvePath, type ResolvedPath } from './paths.ts';
import { FsError, type S3FileSystem } from './s3-filesystem.ts';
import type { S3RangeReader } from './s3-reader.ts';
import type { S3UploadHandle } from './s3-upload.ts';
import type { ObjectAction } from '../../shared/feeds/netsuite-folder-rules.ts';

// ssh2 is CommonJS: Node's ESM loader only sees its default export.
const { STATUS_CODE, OPEN_MODE } = ssh2.utils.sftp;

/** Largest READ answered (OpenSSH clients accept packets up to 256 KiB). */
const MAX_READ = 255 * 1024;
/** Budget of one READDIR answer, in entries and name bytes. */
const MAX_DIR_ENTRIES = 256;
const MAX_DIR_BYTES = 64 * 1024;
const EPOCH = new Date(0);

export interface SessionContext {
  readonly user: string;
  readonly fs: S3FileSystem;
  readonly log: (line: string) => void;
  /** On a dropped session, upload what arrived of unfinished files instead of discarding them. */
  readonly keepPartialUploads?: boolean;
  /**
   * What the user may do to an object (a directory marker ends in `/`), as the user's IAM role
   * allows on AWS (e.g. NetSuite's folder rules, shared/feeds/netsuite-folder-rules.ts). Listing
   * is always allowed below the home. Without it: everything below the home.
   */
  readonly may?: (action: ObjectAction, key: string) => boolean;
}

type OpenHandle =
  | { readonly kind: 'read'; readonly path: string; readonly reader: S3RangeReader; served: number }
  | { readonly kind: 'write'; readonly path: string; readonly upload: S3UploadHandle }
  | { readonly kind: 'dir'; readonly path: string; readonly listing: DirListing };

interface Page {
  readonly entries: FileEntry[];
  readonly next?: string;
}

/**
 * The entries of one open directory, fetched page by page and answered in chunks. READDIRs on
 * one handle are answered one after the other, in the order they came: a client may send several
 * at once, and each must get the chunk after the previous one's.
 */
class DirListing {
  private buffer: FileEntry[] = [];
  /** Names already given (a name is never given twice, whatever a page repeats). */
  private readonly seen = new Set<string>();
  private token: string | undefined;
  private done = false;
  private turn: Promise<unknown> = Promise.resolve();

  constructor(private readonly load: (token?: string) => Promise<Page>) {}

  static of(entries: FileEntry[]): DirListing {
    return new DirListing(async () => ({ entries }));
  }

  /** The next chunk of entries; undefined once all were given. */
  next(): Promise<FileEntry[] | undefined> {
    const chunk = this.turn.then(() => this.take());
    this.turn = chunk.catch(() => undefined);
    return chunk;
  }

  private async take(): Promise<FileEntry[] | undefined> {
    while (this.buffer.length === 0 && !this.done) {
      const page = await this.load(this.token);
      for (const entry of page.entries) {
        if (this.seen.has(entry.filename)) continue;
        this.seen.add(entry.filename);
        this.buffer.push(entry);
      }
      this.token = page.next;
      this.done = page.next === undefined;
    }
    if (this.buffer.length === 0) return undefined;
    let bytes = 0;
    let count = 0;
    for (const entry of this.buffer) {
      bytes += Buffer.byteLength(entry.filename) + Buffer.byteLength(entry.longname) + 64;
      if (count > 0 && (bytes > MAX_DIR_BYTES || count >= MAX_DIR_ENTRIES)) break;
      count++;
    }
    return this.buffer.splice(0, count);
  }
}

/** A refusal decided before touching S3. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function statusOf(err: unknown): { status: number; message: string } {
  if (err instanceof Refusal) return { status: err.status, message: err.message };
  if (err instanceof FsError) {
    const status =
      err.code === 'not-found'
        ? STATUS_CODE.NO_SUCH_FILE
        : err.code === 'unsupported'
          ? STATUS_CODE.OP_UNSUPPORTED
          : STATUS_CODE.FAILURE;
    return { status, message: err.message };
  }
  const e = err as { name?: string; message?: string };
  if (e?.name === 'AccessDenied') {
    return { status: STATUS_CODE.PERMISSION_DENIED, message: 'access denied' };
  }
  return { status: STATUS_CODE.FAILURE, message: e?.message ?? String(err) };
}

const dirAttributes = (): Attributes => attributes('dir', 0, EPOCH);

/** Attaches the request handlers of one SFTP channel. */
export function serveSftp(sftp: SFTPWrapper, ctx: SessionContext): void {
  const { user, fs, log } = ctx;
  const handles = new Map<number, OpenHandle>();
  let nextHandle = 1;
  /** The channel is closed: nothing can be answered any more. */
  let closed = false;
  /** The client sent EOF: it will send no more requests. */
  let eof = false;
  /** Requests being served. */
  let inFlight = 0;

  const safely = (reply: () => void): void => {
    if (closed) return;
    try {
      reply();
    } catch (err) {
      log(`sftp: ${user}: could not answer: ${(err as Error).message}`);
    }
  };
  const ok = (reqId: number) => safely(() => sftp.status(reqId, STATUS_CODE.OK));

  /** Runs one request; failures become a status answer. */
  const serve = (reqId: number, op: string, target: string, work: () => Promise<void>): void => {
    inFlight++;
    work()
      .catch((err: unknown) => {
        const { status, message } = statusOf(err);
        if (status !== STATUS_CODE.NO_SUCH_FILE) {
          log(`sftp: ${user}: ${op} ${target} refused: ${message}`);
        }
        safely(() => sftp.status(reqId, status, message));
      })
      .finally(() => {
        inFlight--;
        if (eof && inFlight === 0) closeChannel();
      });
  };

  const resolve = (path: string): Exclude<ResolvedPath, { access: 'denied' }> => {
    const resolved = resolvePath(user, path);
    if (resolved.access === 'denied') {
      throw new Refusal(STATUS_CODE.PERMISSION_DENIED, `permission denied: ${resolved.reason}`);
    }
    return resolved;
  };
  /** A path strictly inside the home (where files live); anything else is refused. */
  const inside = (path: string): string => {
    const resolved = resolve(path);
    if (resolved.access !== 'inside') {
      throw new Refusal(STATUS_CODE.PERMISSION_DENIED, 'permission denied');
    }
    return resolved.key;
  };

  /** Refuses `action` on `key` unless the user's rules allow it (as AWS's role would). */
  const allowed = (action: ObjectAction, key: string): void => {
    if (ctx.may && !ctx.may(action, key)) {
      throw new Refusal(
        STATUS_CODE.PERMISSION_DENIED,
        `permission denied: ${user} may not ${action} /${key}`,
      );
    }
  };

  const newHandle = (reqId: number, handle: OpenHandle): void => {
    if (closed || eof) {
      // The client left while the file was being opened: it will never close this handle.
      if (handle.kind === 'write') void handle.upload.abort();
      return;
    }
    const id = nextHandle++;
    handles.set(id, handle);
    const buf = Buffer.alloc(4);
    buf.writeUInt32BE(id);
    safely(() => sftp.handle(reqId, buf));
  };
  const lookup = (buf: Buffer): [number, OpenHandle] => {
    const id = buf.length === 4 ? buf.readUInt32BE(0) : -1;
    const handle = handles.get(id);
    if (!handle) throw new Refusal(STATUS_CODE.FAILURE, 'invalid handle');
    return [id, handle];
  };

  sftp.on('OPEN', (reqId, filename, flags) => {
    serve(reqId, 'open', filename, async () => {
      const resolved = resolve(filename);
      const path = resolved.path;
      if (flags & OPEN_MODE.WRITE) {
        if (resolved.access !== 'inside') {
          throw new Refusal(STATUS_CODE.PERMISSION_DENIED, 'permission denied');
        }
        if (flags & OPEN_MODE.APPEND) {
          throw new Refusal(STATUS_CODE.OP_UNSUPPORTED, 'append is not supported on S3');
        }
        allowed('write', resolved.key);
        const upload = await fs.openWrite(resolved.key, {
          create: (flags & OPEN_MODE.CREAT) !== 0,
          exclusive: (flags & OPEN_MODE.EXCL) !== 0,
        });
        newHandle(reqId, { kind: 'write', path, upload });
        return;
      }
      if (resolved.access !== 'inside') throw new Refusal(STATUS_CODE.FAILURE, 'is a directory');
      allowed('read', resolved.key);
      const reader = await fs.openRead(resolved.key);
      newHandle(reqId, { kind: 'read', path, reader, served: 0 });
    });
  });

  sftp.on('READ', (reqId, handleBuf, offset, length) => {
    serve(reqId, 'read', 'handle', async () => {
      const [, handle] = lookup(handleBuf);
      if (handle.kind !== 'read') {
        throw new Refusal(STATUS_CODE.OP_UNSUPPORTED, 'the handle is not open for reading');
      }
      const data = await handle.reader.read(offset, Math.min(length, MAX_READ));
      if (!data) return safely(() => sftp.status(reqId, STATUS_CODE.EOF));
      handle.served += data.length;
      safely(() => sftp.data(reqId, data));
    });
  });

  sftp.on('WRITE', (reqId, handleBuf, offset, data) => {
    serve(reqId, 'write', 'handle', async () => {
      const [, handle] = lookup(handleBuf);
      if (handle.kind !== 'write') {
        throw new Refusal(STATUS_CODE.OP_UNSUPPORTED, 'the handle is not open for writing');
      }
      await handle.upload.write(offset, data);
      ok(reqId);
    });
  });

  sftp.on('FSTAT', (reqId, handleBuf) => {
    serve(reqId, 'fstat', 'handle', async () => {
      const [, handle] = lookup(handleBuf);
      const attrs =
        handle.kind === 'read'
          ? attributes('file', handle.reader.size, handle.reader.info.mtime)
          : handle.kind === 'write'
            ? attributes('file', handle.upload.size, new Date())
            : dirAttributes();
      safely(() => sftp.attrs(reqId, attrs));
    });
  });

  sftp.on('FSETSTAT', (reqId, handleBuf) => {
    serve(reqId, 'fsetstat', 'handle', async () => {
      lookup(handleBuf);
      ok(reqId); // S3 objects have no mode, owner or settable times.
    });
  });

  sftp.on('CLOSE', (reqId, handleBuf) => {
    serve(reqId, 'close', 'handle', async () => {
      const [id, handle] = lookup(handleBuf);
      handles.delete(id);
      if (handle.kind === 'write') {
        let bytes: number;
        try {
          bytes = await handle.upload.close();
        } catch (err) {
          throw new Refusal(
            STATUS_CODE.FAILURE,
            `upload of ${handle.path} failed: ${(err as Error).message}`,
          );
        }
        log(`sftp: ${user} uploaded ${handle.path} (${bytes} bytes)`);
      } else if (handle.kind === 'read') {
        log(`sftp: ${user} downloaded ${handle.path} (${handle.served} bytes)`);
      }
      ok(reqId);
    });
  });

  sftp.on('OPENDIR', (reqId, path) => {
    serve(reqId, 'opendir', path, async () => {
      const resolved = resolve(path);
      if (resolved.access === 'virtual') {
        const entries = resolved.children.map((name) => fileEntry(name, dirAttributes(), user));
        return newHandle(reqId, {
          kind: 'dir',
          path: resolved.path,
          listing: DirListing.of(entries),
        });
      }
      if (resolved.access === 'inside') {
        const entry = await fs.stat(resolved.key);
        if (!entry) throw new FsError('not-found', 'no such directory');
        if (entry.type !== 'dir') throw new FsError('not-a-directory', 'not a directory');
      }
      const key = resolved.key;
      const listing = new DirListing(async (token) => {
        const page = await fs.listPage(key, token);
        const entries = page.entries.map((e) =>
          fileEntry(e.name, attributes(e.type, e.size, e.mtime), user),
        );
        return { entries, next: page.next };
      });
      newHandle(reqId, { kind: 'dir', path: resolved.path, listing });
    });
  });

  sftp.on('READDIR', (reqId, handleBuf) => {
    serve(reqId, 'readdir', 'handle', async () => {
      const [, handle] = lookup(handleBuf);
      if (handle.kind !== 'dir') throw new Refusal(STATUS_CODE.FAILURE, 'not a directory handle');
      const entries = await handle.listing.next();
      if (!entries) return safely(() => sftp.status(reqId, STATUS_CODE.EOF));
      safely(() => sftp.name(reqId, entries));
    });
  });

  const stat = (reqId: number, path: string): void => {
    serve(reqId, 'stat', path, async () => {
      const resolved = resolve(path);
      if (resolved.access !== 'inside') return safely(() => sftp.attrs(reqId, dirAttributes()));
      const entry = await fs.stat(resolved.key);
      if (!entry) throw new FsError('not-found', 'no such file or directory');
      safely(() => sftp.attrs(reqId, attributes(entry.type, entry.size, entry.mtime)));
    });
  };
  sftp.on('STAT', stat);
  sftp.on('LSTAT', stat); // S3 has no symbolic links.

  sftp.on('SETSTAT', (reqId, path) => {
    serve(reqId, 'setstat', path, async () => {
      resolve(path);
      ok(reqId); // Accepted and ignored, as OpenSSH's sftp sends it after uploads.
    });
  });

  sftp.on('REMOVE', (reqId, path) => {
    serve(reqId, 'remove', path, async () => {
      const key = inside(path);
      allowed('delete', key);
      await fs.removeFile(key);
      log(`sftp: ${user} removed ${resolvePath(user, path).path}`);
      ok(reqId);
    });
  });

  sftp.on('MKDIR', (reqId, path) => {
    serve(reqId, 'mkdir', path, async () => {
      if (resolve(path).access === 'home') throw new FsError('exists', 'already exists');
      const key = inside(path);
      allowed('write', `${key}/`);
      await fs.makeDir(key);
      ok(reqId);
    });
  });

  sftp.on('RMDIR', (reqId, path) => {
    serve(reqId, 'rmdir', path, async () => {
      const key = inside(path);
      allowed('delete', `${key}/`);
      await fs.removeDir(key);
      ok(reqId);
    });
  });

  sftp.on('RENAME', (reqId, from, to) => {
    serve(reqId, 'rename', `${from} -> ${to}`, async () => {
      const [source, target] = [inside(from), inside(to)];
      // S3 has no rename: a copy (read the source, write the target) and a delete of the source.
      allowed('read', source);
      allowed('delete', source);
      allowed('write', target);
      await fs.rename(source, target);
      log(`sftp: ${user} renamed ${resolvePath(user, from).path} to ${resolvePath(user, to).path}`);
      ok(reqId);
    });
  });

  sftp.on('REALPATH', (reqId, path) => {
    serve(reqId, 'realpath', path, async () => {
      const normalized = normalizePath(user, path);
      if (normalized === undefined) throw new FsError('not-found', 'invalid path');
      // OpenSSH answers a REALPATH with empty attributes.
      const entry = { filename: normalized, longname: normalized, attrs: {} as Attributes };
      safely(() => sftp.name(reqId, [entry]));
    });
  });

  const unsupported = (reqId: number) =>
    safely(() => sftp.status(reqId, STATUS_CODE.OP_UNSUPPORTED, 'S3 has no symbolic links'));
  sftp.on('READLINK', unsupported);
  sftp.on('SYMLINK', unsupported);

  /** Uploads the client will never close: discarded (or kept partial when configured). */
  const dropUnfinished = (): void => {
    for (const handle of handles.values()) {
      if (handle.kind !== 'write') continue;
      if (ctx.keepPartialUploads) {
        handle.upload.finishPartial().then(
          (bytes) =>
            log(`sftp: ${user} session dropped: kept partial ${handle.path} (${bytes} bytes)`),
          (err: Error) => log(`sftp: ${user} session dropped: ${handle.path} lost: ${err.message}`),
        );
      } else {
        log(`sftp: ${user} session dropped: unfinished upload of ${handle.path} discarded`);
        void handle.upload.abort();
      }
    }
    handles.clear();
  };
  const closeChannel = (): void => {
    if (closed) return;
    closed = true;
    try {
      sftp.end();
    } catch {
      // Already closed by the other side.
    }
  };
  // EOF from the client (OpenSSH's sftp on exit): close our side once the last answer is sent,
  // or the client waits for ever.
  sftp.on('end', () => {
    eof = true;
    dropUnfinished();
    if (inFlight === 0) closeChannel();
  });
  sftp.on('close', () => {
    closed = true;
    dropUnfinished();
  });
}
