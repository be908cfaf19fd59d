/**
 * `oms user add|list|remove`: the local cloud's people (Cognito users on AWS: see the README's
 * "People and sign-in"). Users live in `<data>/users.json`; the running `npm start` reads it at
 * every sign-in, so a user added now signs in at once. `add` prints how to sign in.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { GROUPS, GROUP_DESCRIPTIONS } from '../../../shared/auth/groups.ts';
import { LocalUsers, generatePassword } from '../../auth/users.ts';
import { MERCHANDISER_PAGE, STORE_PAGE } from '../../http/pages.ts';
import { SIGN_IN_PATH } from '../../http/sign-in.ts';
import { endpointsFile, type LocalEndpoints } from '../connect.ts';
import { print, table } from '../output.ts';

const collect = (value: string, previous: string[] = []) => [
  ...previous,
  ...value.split(',').map((v) => v.trim()),
];

/** The data folder the command works on (the root program's --data-dir, OMS_DATA_DIR, .oms-data). */
function dataDir(cmd: Command): string {
  let root = cmd;
  while (root.parent) root = root.parent;
  return resolve(
    root.opts<{ dataDir?: string }>().dataDir ?? process.env.OMS_DATA_DIR ?? '.oms-data',
  );
}

/** The running (or last) local HTTP API's address, or the default one. */
function apiUrl(dir: string): string {
  const file = endpointsFile(dir);
  if (existsSync(file)) {
    const e = JSON.parse(readFileSync(file, 'utf8')) as LocalEndpoints;
    if (e.apiUrl) return e.apiUrl;
  }
  return `http://127.0.0.1:${process.env.OMS_API_PORT ?? 3000}`;
}

export function userCommands(program: Command): void {
  const user = program
    .command('user')
    .description('people of the local cloud: sign-in users with groups and stores');

  user
    .command('add <username>')
    .description(
      `add (or replace) a user; groups: ${GROUPS.map((g) => `${g} (${GROUP_DESCRIPTIONS[g]})`).join('; ')}`,
    )
    .requiredOption('--group <group>', 'a group (repeat, or comma-separated)', collect)
    .option(
      '--store <facilityId>',
      'a store the user acts for (repeat, or comma-separated)',
      collect,
    )
    .option('--password <password>', 'the password (default: generated and printed once)')
    .option('--json', 'print JSON')
    .action(
      async (
        username: string,
        opts: { group: string[]; store?: string[]; password?: string; json?: boolean },
        cmd: Command,
      ) => {
        const dir = dataDir(cmd);
        const password = opts.password ?? generatePassword();
        const added = await new LocalUsers(dir).add({
          username,
          password,
          groups: opts.group,
          stores: opts.store ?? [],
        });
        const url = apiUrl(dir);
        const signIn = {
          storePage: `${url}${STORE_PAGE.path}`,
          merchandiserPage: `${url}${MERCHANDISER_PAGE.path}`,
          endpoint: `POST ${url}${SIGN_IN_PATH}`,
        };
        print(!!opts.json, { ...added, ...(opts.password ? {} : { password }), signIn }, () =>
          [
            `user ${added.username} added: ${added.groups.join(', ')}${added.stores.length ? `; stores ${added.stores.join(', ')}` : ''}`,
            opts.password
              ? 'password: as given'
              : `password: ${password}   (generated; shown once)`,
            'sign in (with npm start running):',
            `  store fulfilment  ${signIn.storePage}`,
            `  purchase orders   ${signIn.merchandiserPage}`,
            `  scripts           curl -s -X POST ${url}${SIGN_IN_PATH} -H 'content-type: application/json' \\`,
            `                      -d '{"username":"${added.username}","password":"…"}'   # → {"idToken": …}`,
            `  then              Authorization: Bearer <idToken>  (valid one hour)`,
          ].join('\n'),
        );
      },
    );

  user
    .command('list')
    .description('the users, their groups and stores (never their passwords)')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }, cmd: Command) => {
      const users = new LocalUsers(dataDir(cmd)).list();
      print(!!opts.json, users, () =>
        table(
          users.map((u) => ({
            user: u.username,
            groups: u.groups.join(','),
            stores: u.stores.join(','),
            since: u.createdAt,
          })),
        ),
      );
    });

  user
    .command('remove <username>')
    .description('remove a user (tokens already issued stay valid until they expire, ≤ 1 hour)')
    .option('--json', 'print JSON')
    .action((username: string, opts: { json?: boolean }, cmd: Command) => {
      const removed = new LocalUsers(dataDir(cmd)).remove(username);
      if (!removed) throw new Error(`there is no user ${username}`);
      print(!!opts.json, { username, removed }, () => `user ${username} removed`);
    });
}
