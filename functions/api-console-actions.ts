/**
 * The operator console's actions (`POST /console/...`): re-drive dead letters, re-import a
 * corrected file, re-send records NetSuite refused. Operators only; each audited
 * (`shared/console/actions.ts`).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { json } from '../shared/api/http.ts';
import { postCommand } from '../shared/auth/command-route.ts';
import {
  redriveDeadLetters,
  reimportFile,
  resendRefusedRecords,
} from '../shared/console/actions.ts';
import { consoleDeps, root } from '../shared/app/root.ts';
import { lambdaShell } from '../shared/lambda-shell/shell.ts';

const ACTIONS = {
  'POST /console/dead-letters/redrive': postCommand('ids?, all?', (_p, body, actor) =>
    redriveDeadLetters(consoleDeps(root()), actor, body),
  ),
  'POST /console/files/reimport': postCommand('key, content', (_p, body, actor) =>
    reimportFile(consoleDeps(root()), actor, body),
  ),
  'POST /console/refusals/resend': postCommand('outbox, id?, all?', (_p, body, actor) =>
    resendRefusedRecords(consoleDeps(root()), actor, body),
  ),
} as const;

export const handler = lambdaShell(
  { name: 'api-console-actions', kind: 'api' },
  async (event: APIGatewayProxyEventV2) => {
    const action = ACTIONS[event.routeKey as keyof typeof ACTIONS];
    if (!action)
      return json(404, { error: 'NOT_FOUND', message: `no console action ${event.routeKey}` });
    return action(event);
  },
);
