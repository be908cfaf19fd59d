#!/usr/bin/env node
// `npx oms …`: the operator's command line. Runs the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../local/cli/main.ts');
