/** The demo's final summary as text: the day, the storefront, each flow, problems, the data. */
import { join } from 'node:path';
import type { DemoSummary } from './run.ts';

export interface RenderedFlow {
  readonly title: string;
  readonly lines: readonly string[];
}

export function renderSummary(
  s: DemoSummary,
  flows: readonly RenderedFlow[],
  where: { readonly bucket: string; readonly user: string },
): string {
  const { day, intake, referenceData: ref } = s;
  const out = [
    `Demo day ${day.date} ${day.from} → ${day.to} UTC: ${day.steps} steps of ${day.stepMinutes} min, ${day.jobRuns} job runs, ${day.wallSeconds} s`,
    `Reference data: ${ref.products} products with NetSuite item ids, ${ref.facilities} facilities (${ref.netsuiteFulfilled} NETSUITE_FULFILLED), ${ref.mappings} mappings`,
    `Storefront: ${intake.submitted} submissions → ${intake.created} orders created, ${intake.duplicates} duplicate ignored, ${intake.rejected.length} rejected${intake.notSubmitted ? `, ${intake.notSubmitted} NOT SUBMITTED` : ''}`,
    ...intake.rejected.map((r) => `  rejected ${r.order}: ${r.messages.join('; ')}`),
  ];
  for (const flow of flows) out.push('', flow.title, ...flow.lines.map((l) => (l ? `  ${l}` : l)));
  out.push('');
  if (s.failures.length) {
    out.push(`Job failures (${s.failures.length}):`);
    for (const f of s.failures.slice(0, 10))
      out.push(`  ${f.at.slice(11, 16)} ${f.job}: ${f.error}`);
  }
  if (s.logs.errors.length) {
    out.push(`Errors logged (${s.logs.errors.length}):`, ...s.logs.errors.map((e) => `  ${e}`));
  }
  if (s.logs.hidden) {
    out.push(
      `${s.logs.hidden} log lines hidden (${s.logs.warnings} warnings); --verbose shows them`,
    );
  }
  if (s.dataDir) {
    const root = join(s.dataDir, 's3', where.bucket, 'home', where.user, 'netsuite');
    out.push(
      `Data kept in ${s.dataDir}`,
      `  look around: OMS_DATA_DIR=${s.dataDir} npm start, then npx oms sync status, npx oms order show <id>, or sftp (/home/${where.user}/netsuite/)`,
      `  feed files on disk: ${root}/ (the S3 emulator keeps each file as <name>._S3rver_object)`,
      `  NetSuite simulator account: ${join(s.dataDir, 'netsuite-account.json')}`,
    );
  } else {
    out.push('Data folder removed (--keep keeps it)');
  }
  return out.join('\n');
}
