/** The `oms` command line: inspect orders and inventory, run jobs. `--json` on every listing. */
import { Command } from 'commander';
import { connect } from './connect.ts';
import { brokerCommands } from './commands/broker.ts';
import { dlqCommands } from './commands/dlq.ts';
import { facilityCommands } from './commands/facilities.ts';
import { inventoryCommands } from './commands/inventory.ts';
import { jobCommands } from './commands/jobs.ts';
import { orderCommands } from './commands/orders.ts';
import { productCommands } from './commands/products.ts';
import { mappingCommands, syncCommands } from './commands/sync.ts';
import { purchaseOrderCommands } from './commands/purchase-orders.ts';
import { storeCommands } from './commands/stores.ts';
import { userCommands } from './commands/users.ts';
import { versionLine } from './version.ts';
import { errorBody, RequestError } from '../../shared/domain/input/request-error.ts';

const program = new Command('oms')
  .description('NetSuite OMS operator tool (talks to `npm start` on this machine, or to AWS)')
  .version(versionLine(), '-V, --version', 'the OMS version and the Node that runs it')
  .option('--data-dir <dir>', 'data folder of the local OMS (default OMS_DATA_DIR or .oms-data)')
  .hook('preAction', (cmd, action) => {
    // `oms user` works on the data folder alone (npm start need not run).
    if (action.parent?.name() === 'user') return;
    connect(cmd.opts<{ dataDir?: string }>().dataDir);
  });

brokerCommands(program);
dlqCommands(program);
facilityCommands(program);
inventoryCommands(program);
jobCommands(program);
orderCommands(program);
productCommands(program);
mappingCommands(program);
syncCommands(program);
purchaseOrderCommands(program);
storeCommands(program);
userCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  // A refusal (bad input, an order command refused) prints as the API answers it under --json.
  if (err instanceof RequestError && process.argv.includes('--json'))
    console.error(JSON.stringify(errorBody(err)));
  else console.error(`oms: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
