/**
 * The layering rules of eslint.config.mjs, proved: a small source that breaks
 * each rule, linted as if it sat in the folder under test, must fail with
 * no-restricted-imports (or no-restricted-globals in the pure common folders),
 * and an allowed import per folder must pass. The sources are inline and the
 * paths virtual, so `eslint .` and tsc never see them.
 *
 * The rules once checked nothing for workers/common (a later workers/** entry
 * replaced the rule's options there) and could not see '../engine/x' at all
 * (only spellings containing 'workers/engine'): the cases below fail on that
 * config. The last test checks that every source file gets the rule, so a
 * folder nested deeper than the config's per-depth entries cannot slip out.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/tempDir';

type LayerRule = 'no-restricted-imports' | 'no-restricted-globals';

interface Case {
  /** The folder the source is linted in (a virtual file `layeringFixture.ts` there). */
  folder: string;
  code: string;
}

/** A source that imports `specifier` and uses what it imports. */
const importing = (specifier: string): string => `import * as imported from '${specifier}';\nexport const used = imported;\n`;

const badImports: Case[] = [
  // The pure common folders: no node, native modules, tfjs, DOM libraries or other layers.
  ...['node:fs', 'path', '@tensorflow/tfjs', 'electron', 'ws', 'vue', 'pinia', 'echarts/core',
    '../engine/x', '../../workers/engine/x', '../families/gan/run', '../host/trainWorker', '../data/mnist',
    '../../db/store', '../../main/services/runService', '../../renderer/lib/x'].map((s) => ({ folder: 'workers/common', code: importing(s) })),
  { folder: 'workers/common/families/gan', code: importing('../../../engine/x') },
  { folder: 'workers/common/families/gan', code: importing('../../../families/gan/run') },
  { folder: 'workers/common/interchange', code: importing('../../families/gan/run') },
  ...['node:path', 'better-sqlite3', '@tensorflow/tfjs', 'vue-router', '../services/runService', '../electron/main',
    '../server/httpServer', '../cli/commands', '../../db/store', '../../workers/engine/x', '../../renderer/stores/runs'].map((s) => ({ folder: 'main/common', code: importing(s) })),
  // The renderer: only main/common and workers/common from outside itself.
  ...['../../db/store', '../../main/services/runService', '../../main/electron/main', '../../workers/engine/x',
    '../../workers/families/gan/run', '../../workers/host/trainWorker', 'node:fs', 'electron', '@tensorflow/tfjs'].map((s) => ({ folder: 'renderer/lib', code: importing(s) })),
  { folder: 'renderer/lib/editor', code: importing('../../../db/store') },
  // The engine: families → engine → common, never back.
  ...['../families/gan/run', '../families/registry', '../host/trainWorker', '../../db/store', '../../main/common/api', 'electron', 'better-sqlite3']
    .map((s) => ({ folder: 'workers/engine', code: importing(s) })),
  // Every other worker folder: no db, main or electron.
  ...['../../../db/store', '../../../main/services/runService', 'electron', 'better-sqlite3'].map((s) => ({ folder: 'workers/families/gan', code: importing(s) })),
  { folder: 'workers/host', code: importing('../../main/services/trainingHost') },
  { folder: 'workers/data', code: importing('../../db/queries/datasets') },
  // Services, server and CLI: no electron, tfjs, engine (but imageGrid), families or host.
  ...['@tensorflow/tfjs', 'electron', '../../workers/families/gan/run', '../../workers/engine/backend', '../../workers/host/trainWorker', '../electron/main']
    .map((s) => ({ folder: 'main/services', code: importing(s) })),
  { folder: 'main/server', code: importing('../../workers/engine/trainLoop') },
  { folder: 'main/cli', code: importing('@tensorflow/tfjs-node') },
  // db: only contracts.
  ...['../main/services/x', '../main/server/httpServer', '../main/cli/commands', '../workers/engine/x', '../workers/host/x', '../workers/data/mnist', '../renderer/x', '@tensorflow/tfjs', 'electron']
    .map((s) => ({ folder: 'db', code: importing(s) })),
  { folder: 'db/queries', code: importing('../../main/services/runService') },
];

const badGlobals: Case[] = [
  { folder: 'main/common', code: 'export const width = window.innerWidth;\n' },
  { folder: 'main/common', code: 'export const home = process.env.HOME;\n' },
  { folder: 'workers/common', code: 'export const title = (): string => document.title;\n' },
  { folder: 'workers/common', code: 'export const saved = (): string | null => localStorage.getItem("x");\n' },
  { folder: 'workers/common/families/vae', code: 'export const language = (): string => navigator.language;\n' },
  { folder: 'workers/common', code: 'export const bytes = (s: string): Uint8Array => Buffer.from(s);\n' },
];

const goodImports: Case[] = [
  ...['zod', './graph', './families/registry', '../../workers/common/graph'].map((s) => ({ folder: s.startsWith('../../') ? 'main/common' : 'workers/common', code: importing(s) })),
  { folder: 'main/common', code: importing('./api') },
  // Spelled like a forbidden folder but resolving inside workers/common.
  { folder: 'workers/common/interchange', code: importing('../families/registry') },
  { folder: 'workers/common/families/gan', code: importing('../../graph') },
  ...['vue', 'pinia', 'echarts/core', '../../main/common/api', '../../workers/common/graph', '../stores/runs', './x']
    .map((s) => ({ folder: 'renderer/lib', code: importing(s) })),
  ...['@tensorflow/tfjs', '../common/graph', './prng', '../data/mnist', 'node:fs'].map((s) => ({ folder: 'workers/engine', code: importing(s) })),
  ...['@tensorflow/tfjs', '../../engine/trainLoop', '../../common/graph', '../registry'].map((s) => ({ folder: 'workers/families/gan', code: importing(s) })),
  { folder: 'workers/host', code: importing('../families/registry') },
  ...['better-sqlite3', 'node:fs', '../main/common/domain', './storeTypes'].map((s) => ({ folder: 'db', code: importing(s) })),
  ...['../../workers/engine/imageGrid', '../../workers/common/graph', '../../workers/data/mnist', '../../db/store', '../common/api', 'node:path', './runService']
    .map((s) => ({ folder: 'main/services', code: importing(s) })),
  { folder: 'main/server', code: importing('../services/appServices') },
  { folder: 'main/cli', code: importing('../services/appServices') },
  { folder: 'main/electron', code: importing('electron') },
  { folder: 'main/common', code: 'export const later = (f: () => void): void => { setTimeout(f, 0); };\n' },
];

let eslint: ESLint;
beforeAll(() => { eslint = new ESLint({ cwd: repoRoot }); });

async function lint({ folder, code }: Case): Promise<ESLint.LintResult> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, folder, 'layeringFixture.ts') });
  if (!result) throw new Error('ESLint returned no result');
  return result;
}

const describeCase = (c: Case): string => `${c.folder}: ${c.code.split('\n')[0]}`;

async function expectRule(c: Case, rule: LayerRule): Promise<void> {
  const result = await lint(c);
  const errors = result.messages.filter((m) => m.severity === 2);
  expect(errors.map((m) => m.ruleId), describeCase(c)).toContain(rule);
}

describe('the layering lint rules', () => {
  it.each(badImports.map((c) => [describeCase(c), c] as const))('forbid %s', async (_name, c) => {
    await expectRule(c, 'no-restricted-imports');
  });

  it.each(badGlobals.map((c) => [describeCase(c), c] as const))('forbid the global in %s', async (_name, c) => {
    await expectRule(c, 'no-restricted-globals');
  });

  it.each(goodImports.map((c) => [describeCase(c), c] as const))('allow %s', async (_name, c) => {
    const result = await lint(c);
    expect(result.messages.map((m) => `${m.ruleId}: ${m.message}`)).toEqual([]);
  });

  it('reach every source file of the layered folders', async () => {
    const layered = ['main/common', 'main/services', 'main/server', 'main/cli', 'workers', 'db', 'renderer'];
    const files = layered.flatMap((folder) => sourceFiles(path.join(repoRoot, folder)));
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) {
      const config = await eslint.calculateConfigForFile(file) as { rules?: Record<string, unknown> };
      const relative = path.relative(repoRoot, file);
      expect(config.rules?.['no-restricted-imports'], relative).toBeDefined();
      if (/^(main|workers)\/common\//.test(relative.split(path.sep).join('/'))) expect(config.rules?.['no-restricted-globals'], relative).toBeDefined();
    }
  });
});

/** Every .ts and .vue file under `dir`. */
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|vue)$/.test(entry.name) ? [full] : [];
  });
}
