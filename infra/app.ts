/**
 * CDK entry point (`cdk.json`: `npx tsx infra/app.ts`). Synthesizes offline, without credentials:
 * the stacks are environment-agnostic. Settings come from context; see `infra/config.ts`.
 */
import { createOmsApp } from './oms-app.ts';

createOmsApp();
