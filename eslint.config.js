import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** The layer boundaries of DESIGN.md: the compiler catches most, these catch the rest. */
const nodeBuiltins = ['fs', 'fs/promises', 'path', 'os', 'child_process', 'crypto', 'http', 'net', 'url', 'util', 'events', 'stream'];
const forbid = (...names) => ({ patterns: ['node:*'], paths: [...nodeBuiltins, ...names] });

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', '.tools/**', 'test-results/**', 'playwright-report/**', 'tests/fixtures/generated/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: './core', from: ['./electron', './renderer', './tests'], message: 'core imports nothing of ours' },
            { target: './renderer', from: ['./electron'], message: 'the renderer reaches the host only through the contract' },
            { target: './electron', from: ['./renderer'], message: 'the Node side never imports renderer code' },
          ],
        },
      ],
    },
  },
  {
    files: ['core/**/*.ts'],
    ignores: ['core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', forbid('electron', 'react', 'react-dom', 'tone', 'howler')],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', forbid('electron', 'electron-store')],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/audio/**'],
    rules: {
      'no-restricted-imports': ['error', forbid('electron', 'electron-store', 'tone', 'howler')],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/bridge/**'],
    rules: {
      'no-restricted-properties': ['error', { object: 'window', property: 'attune', message: 'only renderer/bridge touches window.attune' }],
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/main/**', 'electron/preload/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'only electron/main (and the preload) import electron' }] }],
    },
  },
);
