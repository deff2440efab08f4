// ESLint flat config. Formatting is Prettier's (eslint-config-prettier turns off every rule it owns);
// ESLint checks what a formatter cannot: dead code, type-only imports, unhandled promises, and size.
//
// Size limits: a file may opt out of one with a comment that says why, at the top of the file
// (`/* eslint-disable max-lines -- reason */`) or on the function (`// eslint-disable-next-line complexity -- reason`).
// A disable without its `-- reason` is an error (eslint-comments/require-description), and so is one
// that no longer disables anything (reportUnusedDisableDirectives).
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'logs/**',
      'demo-logs/**',
      '.bench-tmp/**',
      'tmp/**',
      'docs/**',
      'examples/python/**',
      'bench/results*.json',
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: { globals: { ...globals.node } },
  },
  js.configs.recommended,
  comments.recommended,
  {
    rules: {
      '@eslint-community/eslint-comments/require-description': 'error',
      // A file-level opt-out sits at the top of the file and covers all of it.
      '@eslint-community/eslint-comments/disable-enable-pair': ['error', { allowWholeFile: true }],
    },
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['vitest.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Type-aware rules that are cheap and catch real bugs: a promise nobody awaits loses its error.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/consistent-type-exports': ['error', { fixMixedExportsWithInlineTypeSpecifier: true }],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      complexity: ['error', { max: 15, variant: 'modified' }],
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // A test file is a list of cases, and a describe() callback is its whole body: only complexity applies.
    // Tests probe parsed JSON (CLI output, HTTP bodies, metadata files) loosely, and expect() checks its shape.
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      'max-lines': 'off',
      'max-lines-per-function': 'off',
    },
  },
  prettier,
);
