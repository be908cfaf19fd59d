/**
 * The operator console's read routes (`GET /console/...`): one route per view of the page —
 * health, failures, waiting records, activity (the audit), a kept file's text, a SKU lookup.
 * Read only; operators and admins (`shared/auth/route-access.ts`).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { BadRequest, json } from '../shared/api/http.ts';
import { consoleCharts } from '../shared/console/charts.ts';
import { consoleFailures } from '../shared/console/failures.ts';
import { locateKept } from '../shared/console/files.ts';
import { consoleHealth } from '../shared/console/health.ts';
import { skuLookup } from '../shared/console/lookup.ts';
import { consoleWaiting } from '../shared/console/waiting.ts';
import { auditStore, consoleDeps, root, skuLookupDeps, waitingDeps } from '../shared/app/root.ts';
import { lambdaShell } from '../shared/lambda-shell/shell.ts';

/** The largest kept file the console hands to the page (larger ones: over SFTP, or S3). */
const MAX_FILE_BYTES = 5 * 1024 * 1024;

export const handler = lambdaShell(
  { name: 'api-console', kind: 'api' },
  async (event: APIGatewayProxyEventV2) => {
    const deps = consoleDeps(root());
    switch (event.routeKey) {
      case 'GET /console/health':
        return json(200, await consoleHealth(deps));
      case 'GET /console/failures':
        return json(200, await consoleFailures(deps));
      case 'GET /console/waiting':
        return json(200, await consoleWaiting(waitingDeps(root())));
      case 'GET /console/charts':
        return json(200, await consoleCharts(deps));
      case 'GET /console/activity':
        return json(200, { entries: await auditStore(root()).recent({ days: 7, limit: 100 }) });
      case 'GET /console/file': {
        const key = event.queryStringParameters?.key ?? '';
        if (!locateKept(key, deps.user, deps.feeds))
          throw new BadRequest(
            'key must name a file in archive/, error/ or failed/ of an inbound feed',
          );
        const head = await deps.files.head(key);
        if (!head) return json(404, { error: 'NOT_FOUND', message: `there is no file ${key}` });
        if (head.size > MAX_FILE_BYTES)
          throw new BadRequest(
            `${key} has ${head.size} bytes; the console shows files up to ${MAX_FILE_BYTES}: fetch it over SFTP`,
          );
        return json(200, { key, size: head.size, content: (await deps.files.readText(key)) ?? '' });
      }
      case 'GET /console/skus/{sku}':
        return json(200, await skuLookup(event.pathParameters?.sku ?? '', skuLookupDeps(root())));
      default:
        return json(404, { error: 'NOT_FOUND', message: `no console view ${event.routeKey}` });
    }
  },
);
