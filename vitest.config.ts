import { configDefaults, defineConfig } from 'vitest/config';

/** Tests that drive a real browser: their project installs Chromium first when it is missing. */
const BROWSER_TESTS = [
  'test/e2e/merchandiser-page.test.ts',
  'test/e2e/store-fulfillment-page.test.ts',
  'test/e2e/operator-console.test.ts',
];

export default defineConfig({
  test: {
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    allowOnly: false,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...BROWSER_TESTS],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: BROWSER_TESTS,
          globalSetup: ['test/support/chromium-setup.ts'],
        },
      },
    ],
  },
});
