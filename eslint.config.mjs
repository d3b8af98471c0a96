/**
 * The linter `npm test` runs (`npm run lint`): the rules that catch real
 * faults, not style. Formatting is Prettier's (`npm run format:check`, also in
 * `npm test`; `npm run format` rewrites).
 *   - no explicit `any` in the product (src/, commands/): zod at every boundary instead;
 *   - no floating or misused promises in the product: an unawaited promise
 *     loses its error, a promise where a callback returns void is never
 *     awaited, and awaiting a non-promise hides a missing call (typed linting,
 *     through the TypeScript project: about 13 s);
 *   - no unused variables, imports or parameters anywhere (prefix `_` for a
 *     parameter a signature needs but the body does not).
 */
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'commands/**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
);
