/**
 * The embedded local cloud: DynamoDB Local, the S3 emulator, the SFTP server acting as Transfer
 * Family, S3 event dispatch to the import handlers, and the scheduler — wired as CDK wires AWS.
 * `npm start` runs it persisted; the tests run it in memory on free ports.
 *
 * Supervised: a DynamoDB Local JVM that dies is restarted on the same port (persisted: on the same
 * files); while a service does not answer, the event dispatch holds its queued messages and
 * delivers them once it is back, instead of dead-lettering them.
 */
import { join } from 'node:path';
import { DEFAULTS, ENV, type RuntimeConfig } from '../shared/platform/config.ts';
import { implementedFeeds } from '../shared/feeds/catalog.ts';
import { feedPrefix } from '../shared/feeds/paths.ts';
import { netsuiteObjectRules } from '../shared/feeds/netsuite-folder-rules.ts';
import { createS3Client } from '../shared/files/s3-client.ts';
import { FeedFileStore } from '../shared/files/feed-file-store.ts';
import { createDynamoClient } from '../shared/store/dynamo-client.ts';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { superviseDynamoLocal, type SupervisedDynamoLocal } from './dynamodb-local.ts';
import { DeadLetterStore, LocalDeadLetterQueue } from './dead-letters.ts';
import { EventDispatcher, type DispatchOptions } from './event-dispatch.ts';
import { HealthMonitor, type CloudHealth } from './health.ts';
import { ensurePrivateDataDir } from './data-dir.ts';
import { ensureFeedFolders } from './folders.ts';
import { invoke, localRoutes, localScheduledFunctions } from './handlers.ts';
import { LOCAL_PAGES } from './http/pages.ts';
import { LocalIssuer } from './auth/issuer.ts';
import { LocalUsers } from './auth/users.ts';
import { startHttpApi, type HttpApi } from './http/server.ts';
import { startS3Emulator, type S3Emulator } from './s3-emulator.ts';
import { startScheduler, type LocalScheduler, type ScheduledJob } from './scheduler.ts';
import { startSftpServer, type SftpServer } from './sftp/server.ts';
import { ensureTables } from './tables.ts';
import { ImportLedger } from '../shared/store/import-ledger.ts';
import { tableName } from '../shared/store/tables.ts';
import { setLocalContinuationSink, setLocalFailureSink } from '../shared/queue/continuation.ts';
import { setLocalDeadLetterQueue } from '../shared/queue/dead-letter-queue.ts';
import { applyLocalSettingDefaults } from './settings.ts';

export interface LocalCloudOptions {
  /** State folder: S3 objects, DynamoDB files, SFTP host key, dead letters. */
  readonly dataDir: string;
  /** Keep DynamoDB in memory (tests, benchmarks) instead of under dataDir. */
  readonly inMemoryDb?: boolean;
  /** Fixed ports; 0 or absent picks free ones. */
  readonly ports?: { readonly s3?: number; readonly dynamo?: number; readonly sftp?: number };
  readonly host?: string;
  readonly bucket?: string;
  readonly tablePrefix?: string;
  readonly sftpUser?: string;
  readonly sftpPassword?: string;
  /** OpenSSH authorized_keys content for the SFTP user. */
  readonly sftpAuthorizedKeys?: string;
  /** Run scheduled jobs on their schedules (off in tests, which run jobs explicitly). */
  readonly schedules?: boolean;
  /** Serve the HTTP API (the registry's routes) with this bearer token; port 0 or absent picks a free one. */
  readonly api?: { readonly token: string; readonly port?: number };
  /** Deliver S3 events to the handlers (default true; benchmarks run the handler themselves). */
  readonly dispatch?: boolean;
  /** DynamoDB Local's JVM heap limit, e.g. `3g`. */
  readonly dynamoHeap?: string;
  /** Extra scheduled jobs beyond the catalog (tests). */
  readonly extraJobs?: readonly ScheduledJob[];
  /** The dispatch's retry settings (tests): receives before the DLQ, first visibility timeout. */
  readonly retry?: Pick<DispatchOptions, 'maxReceives' | 'retryDelayMs' | 'maxRetryDelayMs'>;
  readonly log?: (line: string) => void;
}

export interface LocalCloud {
  readonly bucket: string;
  readonly tablePrefix: string;
  readonly s3Endpoint: string;
  readonly dynamoEndpoint: string;
  /** The runtime configuration the handlers see (for building clients in tests and benchmarks). */
  readonly config: RuntimeConfig;
  readonly sftp: {
    readonly host: string;
    readonly port: number;
    readonly user: string;
    readonly password?: string;
    readonly hostKeyFingerprint: string;
  };
  readonly dataDir: string;
  readonly dispatcher: EventDispatcher;
  /** The dead-letter queue on disk (`npx oms dlq`). */
  readonly deadLetters: DeadLetterStore;
  /** Whether DynamoDB Local and the S3 emulator answer. */
  readonly health: CloudHealth;
  /** DynamoDB Local's JVM: its pid now, and how often it was restarted. */
  readonly dynamo: { readonly pid: number; readonly restarts: number; readonly up: boolean };
  /** The HTTP API, when started. */
  readonly api?: {
    readonly url: string;
    readonly token: string;
    /** People: the users of `npx oms user` and the issuer of their ID tokens (`local/auth/`). */
    readonly auth: { readonly issuer: LocalIssuer; readonly users: LocalUsers };
  };
  readonly scheduler: LocalScheduler;
  /** Jobs the scheduler knows, with their expressions. */
  readonly jobs: ReadonlyArray<{ id: string; expression: string }>;
  stop(): Promise<void>;
}

export const LOCAL_BUCKET = 'oms-feeds-local';

/**
 * Scheduled jobs: the function registry's exports and core jobs (`shared/registry/`), each run
 * through the handler CDK deploys with the input its EventBridge schedule sends.
 */
export function catalogJobs(): ScheduledJob[] {
  return localScheduledFunctions().map((fn) => ({
    id: fn.id,
    expression: fn.schedule,
    run: () => invoke(fn.handler, { job: fn.id }),
  }));
}

export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const log = options.log ?? (() => undefined);
  const host = options.host ?? '127.0.0.1';
  const bucket = options.bucket ?? LOCAL_BUCKET;
  const tablePrefix = options.tablePrefix ?? DEFAULTS.tablePrefix;
  const user = options.sftpUser ?? DEFAULTS.netsuiteUser;
  ensurePrivateDataDir(options.dataDir);

  const stops: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (err) {
        log(`stop failed: ${err instanceof Error ? err.message : err}`);
      }
    }
  };

  try {
    // Set once the clients exist: a JVM restarted after that re-creates missing tables.
    let onDynamoRestarted: () => Promise<void> = async () => undefined;
    const watcher: { health?: HealthMonitor } = {};
    const dynamoLocal: SupervisedDynamoLocal = await superviseDynamoLocal({
      host,
      port: options.ports?.dynamo,
      dbPath: options.inMemoryDb ? undefined : join(options.dataDir, 'dynamodb'),
      // In memory too: the next start stops a JVM a killed `npm start` left running.
      pidFile: options.inMemoryDb ? join(options.dataDir, 'dynamodb-local.pid') : undefined,
      heap: options.dynamoHeap,
      log,
      onDown: (why) => watcher.health?.markDown('DynamoDB Local', why),
      onRestarted: () => onDynamoRestarted(),
    });
    stops.push(() => dynamoLocal.stop());

    const s3Emulator: S3Emulator = await startS3Emulator({
      host,
      port: options.ports?.s3,
      directory: join(options.dataDir, 's3'),
      buckets: [bucket],
    });
    stops.push(() => s3Emulator.close());

    // The handlers run in this process and read their configuration from the environment,
    // exactly as a Lambda reads what CDK set.
    process.env[ENV.bucket] = bucket;
    process.env[ENV.tablePrefix] = tablePrefix;
    process.env[ENV.netsuiteUser] = user;
    process.env[ENV.s3Endpoint] = s3Emulator.endpoint;
    process.env[ENV.dynamoEndpoint] = dynamoLocal.endpoint;
    process.env[ENV.region] ??= DEFAULTS.region;
    applyLocalSettingDefaults(process.env);

    const cfg: RuntimeConfig = {
      bucket,
      tablePrefix,
      netsuiteUser: user,
      region: process.env[ENV.region]!,
      s3Endpoint: s3Emulator.endpoint,
      dynamoEndpoint: dynamoLocal.endpoint,
    };
    const s3Client = createS3Client(cfg);
    const dynamoClient = createDynamoClient(cfg);
    stops.push(() => {
      s3Client.destroy();
      dynamoClient.destroy();
    });
    const created = await ensureTables(dynamoClient, tablePrefix);
    if (created.length) log(`created tables ${created.join(', ')}`);
    onDynamoRestarted = async () => {
      const again = await ensureTables(dynamoClient, tablePrefix);
      if (again.length) log(`created tables ${again.join(', ')}`);
    };
    await ensureFeedFolders(s3Client, bucket, user);

    // Probes with their own clients: one attempt each, so that an outage is seen at once.
    const dynamoProbe = new DynamoDBClient({
      endpoint: dynamoLocal.endpoint,
      region: cfg.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    const s3Probe = new S3Client({
      endpoint: s3Emulator.endpoint,
      region: cfg.region,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      forcePathStyle: true,
      maxAttempts: 1,
    });
    const monitor = new HealthMonitor(
      [
        {
          name: 'DynamoDB Local',
          probe: async () => {
            if (!dynamoLocal.up) throw new Error('restarting');
            await dynamoProbe.send(new ListTablesCommand({ Limit: 1 }));
          },
        },
        {
          name: 'the S3 emulator',
          probe: async () => {
            await s3Probe.send(new HeadBucketCommand({ Bucket: bucket }));
          },
        },
      ],
      log,
    );
    watcher.health = monitor;
    stops.push(() => {
      monitor.stop();
      dynamoProbe.destroy();
      s3Probe.destroy();
    });

    const deadLetters = new DeadLetterStore(options.dataDir);
    const ledger = new ImportLedger(dynamoClient, tableName(tablePrefix, 'control'));
    const dispatcher = new EventDispatcher({
      user,
      deadLetters,
      health: monitor,
      log,
      // Without dispatch (benchmarks), re-driven messages wait for an OMS that delivers.
      redrivePollMs: options.dispatch === false ? 0 : undefined,
      describeKey: (key) => ledger.versions(key),
      ...options.retry,
    });
    if (options.dispatch !== false) s3Emulator.onEvent((event) => dispatcher.onS3Event(event));
    setLocalContinuationSink(async (feedId, body, send) =>
      dispatcher.enqueueBody(feedId, body, {
        delayMs: (send?.delaySeconds ?? 0) * 1000,
        attributes: send?.attributes,
      }),
    );
    setLocalFailureSink((id, error) => dispatcher.noteFailure(id, error));
    setLocalDeadLetterQueue(new LocalDeadLetterQueue(deadLetters));
    stops.push(() => {
      setLocalContinuationSink(undefined);
      setLocalFailureSink(undefined);
      setLocalDeadLetterQueue(undefined);
      return dispatcher.stop();
    });

    const sftp: SftpServer = await startSftpServer({
      s3: s3Client,
      bucket,
      host,
      port: options.ports?.sftp ?? 0,
      users: [
        { name: user, password: options.sftpPassword, authorizedKeys: options.sftpAuthorizedKeys },
      ],
      hostKeyPath: join(options.dataDir, 'sftp_host_ecdsa_key'),
      log,
      // What AWS's role for the NetSuite user allows, folder by folder (infra/constructs/).
      objectRules: { [user]: netsuiteObjectRules(user) },
    });
    stops.push(() => sftp.close());

    let api: HttpApi | undefined;
    let auth: { issuer: LocalIssuer; users: LocalUsers } | undefined;
    if (options.api) {
      auth = {
        issuer: await LocalIssuer.open(options.dataDir),
        users: new LocalUsers(options.dataDir),
      };
      api = await startHttpApi({
        token: options.api.token,
        auth,
        host,
        port: options.api.port,
        routes: localRoutes(),
        log,
        pages: LOCAL_PAGES,
      });
      stops.push(() => api!.close());
    }

    const jobs = [...catalogJobs(), ...(options.extraJobs ?? [])];
    const scheduler = startScheduler(jobs, log, { onSchedule: options.schedules ?? false });
    stops.push(() => scheduler.stop());

    // Files that arrived while the cloud was down: S3 would have queued their events.
    const files = new FeedFileStore(s3Client, bucket, user);
    const sweep = options.dispatch === false ? [] : implementedFeeds();
    for (const feed of sweep.filter((f) => f.trigger.kind === 'object-created')) {
      for (const o of await files.list(feedPrefix(user, feed))) {
        if (dispatcher.enqueueKey(bucket, o.key, o.size, o.eTag))
          log(`queued waiting file ${o.key}`);
      }
    }

    return {
      bucket,
      tablePrefix,
      s3Endpoint: s3Emulator.endpoint,
      dynamoEndpoint: dynamoLocal.endpoint,
      sftp: {
        host,
        port: sftp.port,
        user,
        password: options.sftpPassword,
        hostKeyFingerprint: sftp.hostKeyFingerprint,
      },
      dataDir: options.dataDir,
      config: cfg,
      dispatcher,
      deadLetters,
      health: monitor,
      dynamo: {
        get pid() {
          return dynamoLocal.pid;
        },
        get restarts() {
          return dynamoLocal.restarts;
        },
        get up() {
          return dynamoLocal.up;
        },
      },
      api:
        api && options.api && auth ? { url: api.url, token: options.api.token, auth } : undefined,
      scheduler,
      jobs: jobs.map((j) => ({ id: j.id, expression: j.expression })),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
