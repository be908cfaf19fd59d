/**
 * The local stand-in for AWS Transfer Family: an SFTP server on `ssh2` backed by the feeds bucket
 * through the given S3 client, with Transfer Family's LOGICAL home-directory mapping
 * (`Entry /home/{user}` → `Target /{bucket}/home/{user}`), chroot, and password/public-key users.
 */
import { createServer, type Socket } from 'node:net';
import type { S3Client } from '@aws-sdk/client-s3';
import ssh2, { type Connection } from 'ssh2';
import { AUTH_METHODS, createAuthenticator, weakPassword, type SftpUser } from './auth.ts';
import { loadOrCreateHostKey } from './host-key.ts';
import { isValidUserName } from './paths.ts';
import { printable } from './printable.ts';
import { S3FileSystem } from './s3-filesystem.ts';
import { serveSftp } from './sftp-session.ts';
import type { ObjectAction } from '../../shared/feeds/netsuite-folder-rules.ts';

export type { SftpUser } from './auth.ts';

export interface SftpServerOptions {
  s3: S3Client;
  bucket: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  users: SftpUser[];
  /** Private host key file; an ECDSA P-256 key is generated there if missing, and reused afterwards. */
  hostKeyPath: string;
  log?: (line: string) => void;
  /**
   * When a session drops mid-upload, store what arrived (as Transfer Family can, and still fire
   * ObjectCreated) instead of discarding it. Default false.
   */
  keepPartialUploads?: boolean;
  /**
   * Per user: what they may do to an object, as their IAM role allows on AWS (the NetSuite user:
   * shared/feeds/netsuite-folder-rules.ts). A user without an entry may do anything in their home.
   */
  objectRules?: Readonly<Record<string, (action: ObjectAction, key: string) => boolean>>;
}

export interface SftpServer {
  host: string;
  port: number;
  /** `SHA256:...`, as `ssh-keygen -lf` prints it. */
  hostKeyFingerprint: string;
  close(): Promise<void>;
}

/** Failed authentications (wrong password, bad key signature) a connection gets before it is cut. */
export const MAX_AUTH_FAILURES = 3;
/** Authentication requests of any kind (key queries included) a connection may make. */
const MAX_AUTH_REQUESTS = 12;

/**
 * The algorithms offered, strongest first: no SHA-1 (key exchange, MACs, `ssh-rsa` signatures),
 * no MD5, no CBC or arcfour ciphers, no `ssh-dss`. OpenSSH 8.8+, PuTTY and NetSuite's SFTP
 * client all speak these.
 */
export const SFTP_ALGORITHMS = {
  kex: [
    'curve25519-sha256',
    'curve25519-sha256@libssh.org',
    'ecdh-sha2-nistp256',
    'ecdh-sha2-nistp384',
    'ecdh-sha2-nistp521',
    'diffie-hellman-group-exchange-sha256',
    'diffie-hellman-group14-sha256',
    'diffie-hellman-group16-sha512',
    'diffie-hellman-group18-sha512',
  ],
  cipher: [
    'aes128-gcm@openssh.com',
    'aes256-gcm@openssh.com',
    'chacha20-poly1305@openssh.com',
    'aes128-ctr',
    'aes192-ctr',
    'aes256-ctr',
  ],
  serverHostKey: [
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
    'rsa-sha2-512',
    'rsa-sha2-256',
  ],
  hmac: [
    'hmac-sha2-256-etm@openssh.com',
    'hmac-sha2-512-etm@openssh.com',
    'hmac-sha2-256',
    'hmac-sha2-512',
  ],
  compress: ['none'],
} as const;

/** How long close() lets clients say goodbye before cutting their sockets. */
const CLOSE_GRACE_MS = 1000;

// ssh2 is CommonJS: Node's ESM loader only sees its default export.
const { Server } = ssh2;

function checkUsers(users: readonly SftpUser[]): void {
  const seen = new Set<string>();
  for (const user of users) {
    if (!isValidUserName(user.name)) {
      throw new Error(
        `SFTP user name "${user.name}" is invalid: use 3-100 characters of letters, digits, _ @ . - (not starting with @ . -)`,
      );
    }
    if (seen.has(user.name)) throw new Error(`SFTP user "${user.name}" is configured twice`);
    const weak = user.password === undefined ? undefined : weakPassword(user.password, user.name);
    if (weak) throw new Error(`the password of SFTP user "${user.name}" is too weak: ${weak}`);
    seen.add(user.name);
  }
}

async function listen(server: ReturnType<typeof createServer>, port: number, host: string) {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(
              `port ${port} for the SFTP server is already in use; set another port or stop the other process`,
            )
          : err,
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export async function startSftpServer(o: SftpServerOptions): Promise<SftpServer> {
  const host = o.host ?? '127.0.0.1';
  const sink = o.log ?? (() => {});
  // Lines carry what clients sent (user names, paths): escaped, they cannot forge or hide lines.
  const log = (line: string) => sink(printable(line));
  checkUsers(o.users);
  const hostKey = loadOrCreateHostKey(o.hostKeyPath);
  const authenticate = createAuthenticator(o.users, log);
  const fs = new S3FileSystem(o.s3, o.bucket);

  const ssh = new Server({
    hostKeys: [hostKey.privateKey],
    ident: 'OMS-local-SFTP',
    algorithms: {
      kex: [...SFTP_ALGORITHMS.kex],
      cipher: [...SFTP_ALGORITHMS.cipher],
      serverHostKey: [...SFTP_ALGORITHMS.serverHostKey],
      hmac: [...SFTP_ALGORITHMS.hmac],
      compress: [...SFTP_ALGORITHMS.compress],
    },
  });
  const connections = new Set<Connection>();
  const sockets = new Set<Socket>();

  ssh.on('connection', (client: Connection, info) => {
    connections.add(client);
    let user: string | undefined;
    let method = '';
    let failures = 0;
    let requests = 0;
    client.on('authentication', (ctx) => {
      const outcome = authenticate(ctx);
      requests++;
      if (outcome.result === 'refused') {
        // 'none' probes and 'publickey' queries for keys not listed are routine.
        if (outcome.reason) {
          failures++;
          log(
            `sftp: login refused for ${ctx.username} (${ctx.method}) from ${info.ip}: ${outcome.reason}`,
          );
        } else if (ctx.method === 'password' || (ctx.method === 'publickey' && ctx.signature)) {
          failures++;
          log(`sftp: login refused for ${ctx.username} (${ctx.method}) from ${info.ip}`);
        }
        if (failures >= MAX_AUTH_FAILURES || requests >= MAX_AUTH_REQUESTS) {
          log(
            `sftp: too many failed authentications from ${info.ip} (${failures} failed, ${requests} requests): disconnected`,
          );
          return client.end();
        }
        return ctx.reject(AUTH_METHODS);
      }
      if (outcome.result === 'accepted') {
        // Before accept(): ssh2 emits 'ready' from inside it.
        user = outcome.user;
        method = outcome.method;
      }
      ctx.accept();
    });
    client.on('ready', () => {
      const login = user;
      if (!login) return client.end();
      log(`sftp: ${login} logged in from ${info.ip} (${method})`);
      client.on('session', (accept) => {
        const session = accept();
        session.on('sftp', (acceptSftp) => {
          serveSftp(acceptSftp(), {
            user: login,
            fs,
            log,
            keepPartialUploads: o.keepPartialUploads,
            may: o.objectRules?.[login],
          });
        });
      });
    });
    client.on('error', (err) => log(`sftp: connection from ${info.ip}: ${err.message}`));
    client.on('close', () => connections.delete(client));
  });

  // Own the listening socket so close() can cut lingering connections.
  const tcp = createServer((socket) => {
    // SFTP answers are many small packets sent as work completes: Nagle + delayed ACKs would
    // stall each round trip by ~40 ms.
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    ssh.injectSocket(socket);
  });
  await listen(tcp, o.port, host);
  const address = tcp.address();
  const port = address && typeof address === 'object' ? address.port : o.port;

  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    hostKeyFingerprint: hostKey.fingerprint,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => tcp.close(() => resolve()));
        for (const client of connections) client.end();
        const timer = setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, CLOSE_GRACE_MS);
        timer.unref();
        await stopped;
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}
