import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The top-level modules that use VS Code's API: only views, commands and activation may import them. */
const EXTENSION_HOST = ['**/settings', '**/secrets', '**/extension', '**/demoServer'];
/** What src/api and src/model must never import: everything that builds on them. */
const ABOVE_MODEL = ['**/views/**', '**/commands/**', '**/webview/**', ...EXTENSION_HOST];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'tools/', 'test-results/', '*.vsix'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  // Dependencies run one way: api → model → views and commands; views never reach for commands. The
  // modules beside them at the top (settings, secrets, the demo server, activation) are VS Code's side.
  {
    files: ['src/api/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/api runs without VS Code.' }],
          patterns: [{ group: ['**/model/**', ...ABOVE_MODEL], message: 'src/api depends on nothing of ours above it.' }],
        },
      ],
    },
  },
  {
    files: ['src/model/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/model runs without VS Code.' }],
          patterns: [{ group: ABOVE_MODEL, message: 'src/model is used by views and commands, not the reverse.' }],
        },
      ],
    },
  },
  {
    files: ['src/views/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/commands/**'], message: 'Views never import commands.' }] }] },
  },
  {
    files: ['src/webview/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The details page runs in the panel, not in the extension host.' }],
          patterns: [
            {
              group: ['**/views/**', '**/commands/**', ...EXTENSION_HOST],
              message: 'The details page shares the model and api with the extension, nothing of VS Code.',
            },
          ],
        },
      ],
    },
  },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
