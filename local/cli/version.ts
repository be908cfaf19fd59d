import { readFileSync } from 'node:fs';

/** `oms --version`: the package's name and version, and the Node that runs the command line. */
export function versionLine(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    name: string;
    version: string;
  };
  return `${pkg.name} ${pkg.version} (Node ${process.version})`;
}
