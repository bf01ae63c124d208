import tseslint from 'typescript-eslint';

/**
 * The layer boundaries of DESIGN.md. Each layer's tsconfig already hides the other
 * runtimes' types; these rules catch the imports the compiler would still allow.
 */
const nodeBuiltins = ['fs', 'fs/promises', 'path', 'os', 'child_process', 'crypto', 'http', 'net', 'url', 'util', 'events', 'stream'];

function forbid({ modules = [], layers = [] }) {
  return [
    'error',
    {
      paths: modules.filter((name) => !name.includes('*')),
      patterns: [
        ...modules.filter((name) => name.includes('*')).map((group) => ({ group: [group], message: 'not in this layer' })),
        ...layers.map(([layer, message]) => ({ group: [`**/${layer}/**`, `**/${layer}`], message })),
      ],
    },
  ];
}

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', '.tools/**', 'test-results/**', 'playwright-report/**', 'tests/fixtures/generated/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['core/**/*.ts'],
    ignores: ['core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': forbid({
        modules: ['node:*', ...nodeBuiltins, 'electron', 'electron-store', 'react', 'react-dom', 'tone', 'howler'],
        layers: [
          ['electron', 'core imports nothing of ours'],
          ['renderer', 'core imports nothing of ours'],
          ['tests', 'core imports nothing of ours'],
        ],
      }),
    },
  },
  {
    files: ['renderer/audio/**/*.ts'],
    ignores: ['renderer/**/*.test.ts'],
    rules: {
      'no-restricted-imports': forbid({
        modules: ['node:*', ...nodeBuiltins, 'electron', 'electron-store'],
        layers: [['electron', 'the renderer reaches the host only through the contract']],
      }),
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/audio/**', 'renderer/**/*.test.ts'],
    rules: {
      'no-restricted-imports': forbid({
        modules: ['node:*', ...nodeBuiltins, 'electron', 'electron-store', 'tone', 'howler'],
        layers: [['electron', 'the renderer reaches the host only through the contract']],
      }),
    },
  },
  {
    // The co-facilitator's page: no audio code (it never makes a sound) and no host contract (it speaks only core/pairing).
    files: ['renderer/device/**/*.ts', 'renderer/device/**/*.tsx'],
    ignores: ['renderer/**/*.test.ts'],
    rules: {
      'no-restricted-imports': forbid({
        modules: ['node:*', ...nodeBuiltins, 'electron', 'electron-store', 'tone', 'howler'],
        layers: [
          ['electron', 'the device page reaches the host only through core/pairing'],
          ['audio', 'the device page makes no sound'],
          ['bridge', 'the device page reaches the host only through core/pairing'],
          ['features', 'the device page is its own small entry'],
        ],
      }),
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
      'no-restricted-imports': forbid({
        modules: ['electron'],
        layers: [['renderer', 'the Node side never imports renderer code']],
      }),
    },
  },
  {
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid({ layers: [['renderer', 'the Node side never imports renderer code']] }),
    },
  },
);
