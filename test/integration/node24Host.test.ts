/**
 * Electron 41 runs the native training host on Node 24, where tfjs-node 4.22
 * cannot load without the util helpers Node 23 removed. Here, on the Node 24
 * binary scripts/ensureNode24.cjs fetched (linux x64 only):
 * - the polyfill (workers/host/nodeCompat.ts, built to dist/) restores each
 *   removed helper with Node 20's results on a table of edge cases, evaluated
 *   again in this test's own Node (20, which still has them);
 * - a small MNIST classifier (wasm, seed 7, 1 epoch of 300 images) trains in a
 *   process host forked on Node 24 through the real services, reaching 'done'
 *   with its metrics in the run's SQLite file.
 */
import * as path from 'node:path';
import * as util from 'node:util';
import * as vm from 'node:vm';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createServices, type AppServices } from '../../main/services/appServices';
import { createHostLauncher, nodeProcessHost } from '../../main/services/trainingHost';
import { mlpConfig } from '../helpers/configs';
import { node24Binary, runOnNode24 } from '../helpers/node24';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

const node24 = node24Binary();
if ('skip' in node24) console.log(node24.skip);
const describeOn24 = 'skip' in node24 ? describe.skip : describe;

const helpers = ['isArray', 'isBoolean', 'isBuffer', 'isDate', 'isError', 'isFunction', 'isNull', 'isNullOrUndefined', 'isNumber', 'isObject', 'isPrimitive', 'isRegExp', 'isString', 'isSymbol', 'isUndefined'] as const;

/** JavaScript expressions, evaluated in each Node (with `vm` in scope for values from another realm). */
const values = [
  'null', 'undefined', '0', 'NaN', '""', '"text"', 'true', 'new Boolean(false)', 'new String("s")', '10n', 'Symbol("s")',
  '[]', '{}', 'Object.create(null)', '() => 1', 'class A {}', 'new Date(0)', '/x/', 'new RegExp("y")', 'new Error("e")',
  'new TypeError("t")', 'vm.runInNewContext("new Error(\'other realm\')")', 'vm.runInNewContext("[1]")', 'vm.runInNewContext("new Date(0)")',
  '({ [Symbol.toStringTag]: "Error" })', 'Object.create(Error.prototype)', 'Buffer.from("a")', 'new Uint8Array(2)', 'arguments',
];

/** Source of a function table(util, vm) → { helper: [result per value] }; run as is in Node 24 and here. */
const tableSource = `function table(util, vm) {
  const helpers = ${JSON.stringify(helpers)};
  const values = ${JSON.stringify(values)}.map((e) => new Function('vm', 'return (' + e + ')')(vm));
  return Object.fromEntries(helpers.map((h) => [h, values.map((v) => util[h](v))]));
}`;

const resultSchema = z.object({
  version: z.string(),
  before: z.array(z.string()),
  added: z.array(z.string()),
  addedAgain: z.array(z.string()),
  capturedCall: z.array(z.boolean()),
  table: z.record(z.string(), z.array(z.boolean())),
});

describeOn24('the training host on Node 24 (Electron 41\'s Node)', () => {
  const binary = 'path' in node24 ? node24.path : '';

  it('restores exactly the util helpers Node 23 removed, with Node 20\'s results', () => {
    requireBuilt();
    const compat = path.join(repoRoot, 'dist', 'workers', 'host', 'nodeCompat.js');
    const script = `
      const util = require('util');
      const captured = require('util'); // as tfjs-node holds it: util_1, read at call time
      const before = ${JSON.stringify(helpers)}.filter((h) => typeof util[h] === 'function');
      const { restoreRemovedUtilHelpers } = require(${JSON.stringify(compat)});
      const added = restoreRemovedUtilHelpers();
      const addedAgain = restoreRemovedUtilHelpers();
      const capturedCall = [(0, captured.isNullOrUndefined)(undefined), (0, captured.isNullOrUndefined)(0)];
      ${tableSource}
      console.log(JSON.stringify({ version: process.version, before, added, addedAgain, capturedCall, table: table(util, require('vm')) }));`;
    const r = resultSchema.parse(runOnNode24(binary, script));

    expect(r.version).toMatch(/^v24\./);
    // Node 24 keeps only isArray (and isDeepStrictEqual, not one of these).
    expect(r.before).toEqual(['isArray']);
    expect(r.added).toEqual(helpers.filter((h) => h !== 'isArray'));
    expect(r.addedAgain).toEqual([]);
    expect(r.capturedCall).toEqual([true, false]);

    // The reference: this test's own Node, which must still have the helpers (Node ≤ 22).
    const own = z.record(z.string(), z.array(z.boolean())).parse(new Function('util', 'vm', `${tableSource}; return table(util, vm);`)(util, vm));
    expect(Object.keys(own)).toEqual([...helpers]);
    expect(r.table).toEqual(own);
    // The edge cases the issue names, by hand: isObject(null), isPrimitive(Symbol()), an Error from another realm.
    const at = (h: string, expr: string): boolean | undefined => r.table[h]?.[values.indexOf(expr)];
    expect(at('isObject', 'null')).toBe(false);
    expect(at('isPrimitive', 'Symbol("s")')).toBe(true);
    expect(at('isError', 'vm.runInNewContext("new Error(\'other realm\')")')).toBe(true);
    expect(at('isError', '({ [Symbol.toStringTag]: "Error" })')).toBe(true);
    expect(at('isFunction', 'class A {}')).toBe(true);
    expect(at('isPrimitive', '10n')).toBe(true);
  });

  describe('a wasm MNIST run in a process host on Node 24', () => {
    let s: AppServices | undefined;
    afterAll(async () => { await s?.close(); });

    it('reaches done with its metrics in SQLite, and the host says it ran on v24', async () => {
      requireBuilt();
      const dataDir = tempDir();
      s = createServices({
        dataDir,
        env: { LATENT_BACKEND: 'wasm', LATENT_HOST: 'process' },
        launchHost: createHostLauncher({ processHost: (entry) => nodeProcessHost(entry, { execPath: binary }) }),
      });
      const experimentId = s.experiments.create('node 24', '').id;
      const run = s.runs.start(experimentId, mlpConfig({ epochs: 1, batchSize: 32, seed: 7 }, { trainSize: 300, testSize: 100 }));
      await expect(s.runs.waitForEnd(run.id)).resolves.toBe('done');

      const logs = s.runs.logs(run.id).map((l) => l.message).join('\n');
      expect(logs).toMatch(/Host: Node v24\.\d+\.\d+ \(child process, pid \d+\); restored util\.isBoolean, .*util\.isNullOrUndefined/);
      expect(logs).toContain('Training on backend wasm (child process)');

      // Read the real file, not the service's cache.
      const db = new Database(path.join(dataDir, 'workbench.sqlite'), { readonly: true });
      try {
        const keys = z.array(z.object({ key: z.string(), n: z.number() })).parse(db.prepare('SELECT key, count(*) AS n FROM metrics WHERE run_id = ? GROUP BY key ORDER BY key').all(run.id));
        const status = z.object({ status: z.string() }).parse(db.prepare('SELECT status FROM runs WHERE id = ?').get(run.id));
        expect(status.status).toBe('done');
        expect(keys.map((k) => k.key)).toEqual(expect.arrayContaining(['loss', 'epoch_loss', 'test_accuracy']));
        expect(keys.every((k) => k.n > 0)).toBe(true);
      } finally {
        db.close();
      }
    });
  });
});
