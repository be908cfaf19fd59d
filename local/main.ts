/** `npm start`: runs the whole OMS on this machine, until Ctrl-C. */
import { JavaMissingError } from './dynamodb-local.ts';
import { startLocalCloud } from './cloud.ts';
import { readStartSettings, LOCAL_ENV } from './settings.ts';
import { feedPrefix } from '../shared/feeds/paths.ts';
import { implementedFeeds } from '../shared/feeds/catalog.ts';
import { rmSync } from 'node:fs';
import { endpointsFile, writeEndpoints } from './cli/connect.ts';
import { ROUTES, routeKey } from '../shared/api/routes.ts';
import { MERCHANDISER_PAGE, CONSOLE_PAGE, pageUrl, STORE_PAGE } from './http/pages.ts';

// The SDK's notice that its releases after January 2027 need Node 22; our pins are tested on 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const stamp = () => new Date().toISOString().slice(11, 19);
const say = (line: string) => console.log(`${stamp()} ${line}`);

async function main(): Promise<void> {
  const settings = readStartSettings();
  say(
    `starting the local cloud (data in ${settings.dataDir}${settings.inMemory ? ', DynamoDB in memory' : ''})`,
  );
  const cloud = await startLocalCloud({
    dataDir: settings.dataDir,
    inMemoryDb: settings.inMemory,
    host: settings.host,
    ports: { s3: settings.s3Port, dynamo: settings.dynamoPort, sftp: settings.sftpPort },
    sftpUser: settings.sftpUser,
    sftpPassword: settings.sftpPassword,
    sftpAuthorizedKeys: settings.sftpAuthorizedKeys,
    schedules: true,
    api: { token: settings.apiToken, port: settings.apiPort },
    log: say,
  });
  const { sftp } = cloud;
  // The CLI (`npx oms`) finds this running OMS through this file.
  writeEndpoints(settings.dataDir, {
    bucket: cloud.bucket,
    tablePrefix: cloud.tablePrefix,
    netsuiteUser: sftp.user,
    s3Endpoint: cloud.s3Endpoint,
    dynamoEndpoint: cloud.dynamoEndpoint,
    sftpPort: sftp.port,
    apiUrl: cloud.api?.url,
    apiToken: settings.apiToken,
  });
  console.log(
    [
      '',
      'OMS local cloud is up',
      `  SFTP      sftp -P ${sftp.port} ${sftp.user}@${sftp.host}   (Transfer Family stand-in)`,
      `            password: ${settings.sftpPassword}${settings.sftpPasswordSource === 'generated' ? ` (generated; set ${LOCAL_ENV.sftpPassword} to choose)` : ''}`,
      `            public keys: ${settings.sftpAuthorizedKeysFile ?? `none (set ${LOCAL_ENV.sftpAuthorizedKeys})`}`,
      `            host key: ${sftp.hostKeyFingerprint}`,
      `  NetSuite  /home/${sftp.user}/netsuite/`,
      ...implementedFeeds().map(
        (f) =>
          `            ${f.direction === 'inbound' ? '→' : '←'} /${feedPrefix(sftp.user, f)}  (${f.id})`,
      ),
      `  HTTP API  ${cloud.api?.url ?? '(off)'}  (${ROUTES.map(routeKey).join(', ')})`,
      `            header: Authorization: Bearer ${settings.apiToken}${settings.apiTokenSource === 'generated' ? ` (generated; set ${LOCAL_ENV.apiToken} to choose)` : ''}`,
      `  Pages     ${cloud.api ? pageUrl(cloud.api.url, STORE_PAGE) : '(off)'}  (store fulfilment)`,
      `            ${cloud.api ? pageUrl(cloud.api.url, MERCHANDISER_PAGE) : '(off)'}  (purchase orders, pre-order allocation)`,
      `            ${cloud.api ? pageUrl(cloud.api.url, CONSOLE_PAGE) : '(off)'}  (operator console: feeds, failures, waiting records; group operator)`,
      `            sign in as a user of \`npx oms user add <name> --group store-associate --store <facility>\` (${cloud.api?.auth.users.list().length ?? 0} now; \`npx oms user list\`)`,
      `  S3        ${cloud.s3Endpoint}  bucket ${cloud.bucket}`,
      `  DynamoDB  ${cloud.dynamoEndpoint}  tables ${cloud.tablePrefix}-*`,
      `  Jobs      ${cloud.jobs.length ? cloud.jobs.map((j) => `${j.id} ${j.expression}`).join(', ') : 'none scheduled yet'}`,
      `  Data      ${cloud.dataDir}`,
      '',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );

  const parked = cloud.deadLetters.list();
  if (parked.length) {
    say(
      `${parked.length} message(s) wait in the dead-letter queue: \`npx oms dlq list\`, then \`npx oms dlq redrive --all\` (or <id>) once the cause is fixed`,
    );
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping`);
    rmSync(endpointsFile(settings.dataDir), { force: true });
    await cloud.stop();
    say('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof JavaMissingError) console.error(err.message);
  else console.error(`could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
