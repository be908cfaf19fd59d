/** Core job `preorder-repromise`: earlier POs improve promised dates; over-allocation given back. */
import { lambdaShell } from '../shared/lambda-shell/shell.ts';
import { log } from '../shared/platform/log.ts';
import { preorderRuntime, root } from '../shared/app/root.ts';

export const handler = lambdaShell(
  {
    name: 'preorder-repromise',
    kind: 'job',
    runRecord: (r: { moved: readonly unknown[]; givenBack: readonly unknown[] }) => ({
      records: r.moved.length,
      details: { moved: r.moved.length, givenBack: r.givenBack.length },
    }),
  },
  async () => {
    const started = Date.now();
    const report = await preorderRuntime(root()).supply.repromise();
    log.info('job preorder-repromise', {
      moved: report.moved.length,
      givenBack: report.givenBack.length,
      reallocated: report.reallocated,
      ms: Date.now() - started,
    });
    return report;
  },
);
