import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

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
  { files: ['src/webview/**'], languageOptions: { globals: { ...globals.browser } } },
  // Dependencies run one way: api → model → views and commands; views never reach for commands.
  {
    files: ['src/api/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/api runs without VS Code.' }],
          patterns: [{ group: ['../model/*', '../views/*', '../commands/*'], message: 'src/api depends on nothing of ours above it.' }],
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
          patterns: [
            {
              group: ['**/views/*', '**/commands/*', '**/webview/*'],
              message: 'src/model is used by views and commands, not the reverse.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/views/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/commands/*'], message: 'Views never import commands.' }] }] },
  },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
