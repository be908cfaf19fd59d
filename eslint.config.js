import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'cdk.out/**',
      '.oms-data/**',
      'coverage/**',
      '.bench/**',
      '.scratch/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly' },
    },
  },
  {
    files: ['shared/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', 'aws-cdk-lib', 'aws-cdk-lib/*'],
              message: 'domain code stays free of AWS',
            },
          ],
        },
      ],
    },
  },
  {
    // Lifecycle statuses are named (STATUS.RELEASED), never bare numbers, outside their own table.
    files: [
      'shared/**/*.ts',
      'functions/**/*.ts',
      'local/**/*.ts',
      'infra/**/*.ts',
      'bench/**/*.ts',
    ],
    ignores: ['shared/domain/lifecycle/status.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'Literal[raw=/^(1100|1200|1250|1300|1400|1500|3200|3350|3700|3800|9000|9100)$/]',
          message:
            'a lifecycle status number: use STATUS.<NAME> from shared/domain/lifecycle/status.ts',
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[property.name='only']", message: 'no .only' },
      ],
    },
  },
);
