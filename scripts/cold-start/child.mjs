/* global process, console, performance */
// One cold start, as Lambda does it: a fresh Node process imports the bundle (index.mjs) and calls
// its handler once with the event in the given JSON file. Prints one RESULT line (milliseconds):
// `ready` is the time from this process's start to the handler being imported, `invoke` the first
// invocation. Plain JavaScript, no loader: nothing but the bundle is loaded.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, eventFile] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const { handler } = await import(pathToFileURL(bundle).href);
const ready = performance.now();
const deadline = Date.now() + 900_000;
const response = await handler(event, {
  awsRequestId: 'cold-start',
  functionName: 'cold-start',
  getRemainingTimeInMillis: () => deadline - Date.now(),
});
const invoke = performance.now() - ready;
const failures = response?.batchItemFailures?.length ?? 0;
console.log(`RESULT ${JSON.stringify({ node: process.version, ready, invoke, failures })}`);
