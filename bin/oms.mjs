#!/usr/bin/env node
/* global process */
// `npx oms …`: the operator's command line. Runs the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

// The SDK's notice that its releases after January 2027 need Node 22, when run on Debian's Node 20
// directly (through npx it runs on the project's Node 24).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../local/cli/main.ts');
