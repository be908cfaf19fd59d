/**
 * Core job `netsuite-exceptions`: reads what NetSuite did with the OMS's files (archive/, error/,
 * failed/ of every folder it imports), puts refused records back in their outbox, and logs an
 * error line (`NetsuiteRefusedRecords`, watched by an alarm) while records wait for a fix.
 */
import { randomBytes } from 'node:crypto';
import { appendKeys, lambdaShell } from '../shared/lambda-shell/shell.ts';
import { log } from '../shared/platform/log.ts';
import {
  exceptionsRun,
  runNetsuiteExceptions,
  type ExceptionsReport,
} from '../shared/sync/netsuite-exceptions.ts';
import { exceptionsDeps, root } from '../shared/app/root.ts';
import { REFUSED_RECORDS_ALARM } from '../shared/jobs/core-jobs.ts';

export const handler = lambdaShell<unknown, ExceptionsReport>(
  {
    name: 'netsuite-exceptions',
    kind: 'job',
    metrics: (report, add) => {
      add('RecordsRefusedByNetsuite', report.recordsRefused);
      add('RecordsWaitingForFix', report.waitingForFix);
      add('RecordsRequeued', report.requeued);
    },
  },
  async () => {
    const deps = exceptionsDeps(root());
    const runId = randomBytes(3).toString('hex');
    appendKeys({ runId });
    const report = await runNetsuiteExceptions(deps);
    log.info('netsuite exceptions run', {
      filesTaken: report.filesTaken,
      reflectEntries: report.reflectEntries,
      reflectDropped: report.reflectDropped,
      errorFilesRead: report.errorFilesRead,
      errorRows: report.errorRows,
      failedFiles: report.failedFiles,
      recordsRefused: report.recordsRefused,
      requeued: report.requeued,
      autoResend: report.autoResend,
      unexplained: report.unexplained,
      resolved: report.resolved,
      waitingForFix: report.waitingForFix,
      ms: report.ms,
    });
    if (report.waitingForFix > 0) {
      const first = report.waiting[0]!;
      log.error('records refused by NetSuite wait for a fix', {
        alarm: REFUSED_RECORDS_ALARM,
        waitingForFix: report.waitingForFix,
        first: `${first.outbox} ${first.id}`,
        reason: first.message,
        file: first.file,
        lines: first.lines.join(' '),
        attempts: first.attempts,
      });
    }
    await deps.sync.recordRun(exceptionsRun(report, runId));
    return report;
  },
);
