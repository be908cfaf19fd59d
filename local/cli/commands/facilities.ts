import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadFacilities } from '../../../shared/jobs/load-facilities.ts';
import { dynamo, table as tableName } from '../../../shared/store/dynamo-client.ts';
import { FacilityStore } from '../../../shared/store/facility-store.ts';
import { print, table } from '../output.ts';

const store = () => new FacilityStore(dynamo(), tableName('control'));

export function facilityCommands(program: Command): void {
  const facility = program
    .command('facility')
    .description('facilities and their NetSuite location ids');
  facility
    .command('load <file>')
    .description('load facilities from a JSON array (see docs/examples/facilities.json)')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const report = await loadFacilities(store(), readFileSync(file, 'utf8'), file);
      print(!!opts.json, report, () =>
        [
          `loaded ${report.loaded} facilities from ${file}`,
          ...report.errors.map((e) => `  refused ${e.field}: ${e.reason}`),
        ].join('\n'),
      );
      if (report.errors.length) process.exitCode = 1;
    });
  facility
    .command('list')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const all = await store().list();
      print(!!opts.json, all, () =>
        table(
          all.map((f) => ({
            facility: f.facilityId,
            netsuiteLocation: f.externalId,
            name: f.name,
            kind: f.kind,
            groups: f.groups.join(' '),
            subsidiary: f.subsidiary ?? '',
          })),
        ),
      );
    });
}
