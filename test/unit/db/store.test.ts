import { families, type MetricKey } from '../../../workers/common/families/registry';
import type { MetricPoint } from '../../../workers/common/protocol';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../db/openStore';
import type { Store } from '../../../db/storeTypes';
import { removeTempDirs, sampleConfig, sampleGraph, sampleRun, tempDir } from './helpers';
import { compileRunFilter } from '../../../db/queries/runFilter';
import { parseRunFilter } from '../../../main/common/runFilter';
import { CURRENT_RUN_CONFIG_VERSION } from '../../../workers/common/runConfigVersion';
import { defaultRunsTableState, type SavedViewState } from '../../../main/common/savedView';

let store: Store;
let clock: number;

beforeEach(() => {
  clock = 1_000;
  store = openStore(path.join(tempDir(), 'nested', 'dir', 'workbench.db'), { appVersion: 'test', now: () => clock++ });
});

afterEach(() => {
  store.close();
  removeTempDirs();
});

describe('experiments', () => {
  it('creates, lists, gets and counts runs', () => {
    const a = store.createExperiment('Baselines', 'MLP vs LeNet');
    const b = store.createExperiment('GANs', '');
    expect(a).toEqual({ id: a.id, name: 'Baselines', description: 'MLP vs LeNet', createdAt: 1_000, runCount: 0, lastActivityAt: null });
    store.createRun(sampleRun(a.id));
    store.createRun(sampleRun(a.id, { name: 'second' }));
    // The clock ticks once per write: the runs were created at 1002 and 1003, the latest is the last activity.
    expect(store.listExperiments().map((e) => [e.name, e.runCount, e.lastActivityAt])).toEqual([['Baselines', 2, 1_003], ['GANs', 0, null]]);
    expect(store.getExperiment(b.id)).toEqual(b);
    expect(store.getExperiment(9999)).toBeUndefined();
  });

  it('renames, describes and deletes an experiment with its runs', () => {
    const a = store.createExperiment('Old', '');
    store.createExperiment('Taken', '');
    const run = store.createRun(sampleRun(a.id));
    expect(store.updateExperiment(a.id, { name: ' New ' })).toMatchObject({ name: 'New', description: '' });
    expect(store.updateExperiment(a.id, { description: 'why' })).toMatchObject({ name: 'New', description: 'why' });
    expect(() => store.updateExperiment(a.id, { name: 'Taken' })).toThrow(/already exists/);
    expect(store.updateExperiment(9999, { name: 'x' })).toBeUndefined();
    expect(store.deleteExperiment(a.id)).toBe(true);
    expect(store.getRun(run.id)).toBeUndefined();
    expect(store.deleteExperiment(a.id)).toBe(false);
  });

  it('rejects duplicate and empty names', () => {
    store.createExperiment('Same', '');
    expect(() => store.createExperiment('Same', 'again')).toThrow(/already exists/);
    expect(() => store.createExperiment('  ', '')).toThrow(/needs a name/);
  });

  it('ensureExperiment creates once and then returns the same one', () => {
    const first = store.ensureExperiment('Default');
    const second = store.ensureExperiment('Default');
    expect(second.id).toBe(first.id);
    expect(store.listExperiments()).toHaveLength(1);
  });
});

describe('runs', () => {
  it('stores a run with its config, graph and params of all three types', () => {
    const exp = store.ensureExperiment('Default');
    const run = store.createRun(sampleRun(exp.id, {
      architectureId: null,
      params: { learningRate: 0.0005, optimizer: 'sgd', shuffle: false, augment: true, epochs: 3 },
    }));
    expect(run).toMatchObject({
      experimentId: exp.id, name: 'mlp-adam', family: 'classifier', status: 'queued', error: null,
      architectureId: null, architectureVersion: null, seed: 7, datasetId: 'mnist', datasetHash: 'sha256:abc',
      backend: null, appVersion: '0.1.0-test', startedAt: null, endedAt: null,
    });
    expect(run.config).toEqual(sampleConfig());
    expect(run.architecture).toEqual(sampleGraph());
    expect(store.getRun(run.id)).toEqual(run);
    const params = store.getParams(run.id);
    expect(params).toEqual({ learningRate: 0.0005, optimizer: 'sgd', shuffle: false, augment: true, epochs: 3 });
    expect(typeof params['shuffle']).toBe('boolean');
    expect(typeof params['epochs']).toBe('number');
    expect(store.getParams(9999)).toEqual({});
  });

  it('writes new runs with the current config version, no notes, no star and no archive', () => {
    const run = store.createRun(sampleRun(store.ensureExperiment('Default').id));
    expect(run).toMatchObject({ notes: '', starred: false, archived: false });
    const raw = new Database(store.path, { readonly: true });
    try {
      expect(raw.prepare('SELECT config_version FROM runs WHERE id = ?').get(run.id)).toEqual({ config_version: CURRENT_RUN_CONFIG_VERSION });
    } finally {
      raw.close();
    }
  });

  it('renames, annotates, stars and archives a run, changing only the fields given', () => {
    const exp = store.ensureExperiment('Default');
    const run = store.createRun(sampleRun(exp.id));
    const other = store.createRun(sampleRun(exp.id, { name: 'other' }));
    expect(store.updateRun(run.id, { name: 'renamed', notes: '# Why\nlower lr' })).toBe(true);
    expect(store.getRun(run.id)).toMatchObject({ name: 'renamed', notes: '# Why\nlower lr', starred: false, archived: false });
    expect(store.updateRun(run.id, { starred: true, archived: true })).toBe(true);
    expect(store.getRun(run.id)).toMatchObject({ name: 'renamed', notes: '# Why\nlower lr', starred: true, archived: true });
    expect(store.updateRun(run.id, { notes: '', starred: false })).toBe(true);
    expect(store.getRun(run.id)).toMatchObject({ name: 'renamed', notes: '', starred: false, archived: true });
    expect(store.getRun(other.id)).toMatchObject({ name: 'other', notes: '', starred: false, archived: false });
    expect(store.listRuns().map((r) => r.id)).toEqual([other.id, run.id]);
    expect(store.listRuns({ excludeArchived: true }).map((r) => r.id)).toEqual([other.id]);
    expect(store.listRuns({ excludeArchived: true, where: compileRunFilter(parseRunFilter('name ~ "e"')) }).map((r) => r.id)).toEqual([other.id]);
    expect(store.updateRun(9999, { name: 'x' })).toBe(false);
  });

  it('deletes a run with every row that names it, leaving the other runs alone', () => {
    const exp = store.ensureExperiment('Default');
    const run = store.createRun(sampleRun(exp.id));
    const kept = store.createRun(sampleRun(exp.id, { name: 'kept' }));
    for (const id of [run.id, kept.id]) {
      store.appendMetrics(id, [{ key: 'loss', step: 1, value: 0.5, wallTime: 1 }]);
      store.appendLog(id, 'info', 'hello', 1);
      store.addArtifact(id, 'checkpoint', 1, `runs/${id}/checkpoints/epoch-0001`, { epoch: 1, step: 1 });
      store.setRunTags(id, ['t']);
    }
    expect(store.deleteRun(run.id)).toBe(true);
    expect(store.getRun(run.id)).toBeUndefined();
    expect(store.deleteRun(run.id)).toBe(false);
    const raw = new Database(store.path, { readonly: true });
    try {
      for (const table of ['params', 'metrics', 'latest_metrics', 'artifacts', 'logs', 'run_tags']) {
        const count = (id: number): unknown => raw.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE run_id = ?`).get(id);
        expect(count(run.id), table).toEqual({ n: 0 });
        expect(count(kept.id), table).not.toEqual({ n: 0 });
      }
    } finally {
      raw.close();
    }
    expect(store.listRuns().map((r) => r.name)).toEqual(['kept']);
  });

  it('links a run to a saved architecture version', () => {
    const exp = store.ensureExperiment('Default');
    const arch = store.saveArchitecture({ name: 'net', family: 'classifier', architecture: sampleGraph('net') });
    const run = store.createRun(sampleRun(exp.id, { architectureId: arch.id, architectureVersion: arch.version }));
    expect(store.getRun(run.id)).toMatchObject({ architectureId: arch.id, architectureVersion: 1 });
  });

  it('lists newest first, optionally by experiment', () => {
    const a = store.createExperiment('A', '');
    const b = store.createExperiment('B', '');
    const r1 = store.createRun(sampleRun(a.id, { name: 'r1' }));
    const r2 = store.createRun(sampleRun(b.id, { name: 'r2' }));
    const r3 = store.createRun(sampleRun(a.id, { name: 'r3' }));
    expect(store.listRuns().map((r) => r.id)).toEqual([r3.id, r2.id, r1.id]);
    expect(store.listRuns({ experimentId: a.id }).map((r) => r.name)).toEqual(['r3', 'r1']);
    expect(store.listRuns({ experimentId: 9999 })).toEqual([]);
  });

  it('lists the runs a compiled filter keeps, within an experiment, in one query with its values bound', () => {
    const a = store.createExperiment('A', '');
    const b = store.createExperiment('B', '');
    const slow = store.createRun(sampleRun(a.id, { name: 'slow', params: { learningRate: 0.0001 } }));
    store.createRun(sampleRun(a.id, { name: 'fast', params: { learningRate: 0.1 } }));
    const other = store.createRun(sampleRun(b.id, { name: 'other', params: { learningRate: 0.0001 } }));
    store.setRunTags(other.id, ['baseline']);
    const where = compileRunFilter(parseRunFilter('params.lr < 1e-3 or tags has "baseline"'));
    expect(store.listRuns({ where }).map((r) => r.name)).toEqual(['other', 'slow']);
    expect(store.listRuns({ experimentId: a.id, where }).map((r) => r.id)).toEqual([slow.id]);
    // A quote in a value is bound, not spliced into the SQL.
    expect(store.listRuns({ where: compileRunFilter(parseRunFilter('name = "x\\" or 1=1 --"')) })).toEqual([]);
    expect(store.runFamilies([other.id, 9999, slow.id])).toEqual(new Map([[other.id, 'classifier'], [slow.id, 'classifier']]));
    expect(store.runFamilies([])).toEqual(new Map());
  });

  it('parses a stored config when read, and lists a run whose config no longer parses with its status and the reason', () => {
    const exp = store.ensureExperiment('Default');
    const good = store.createRun(sampleRun(exp.id, { name: 'good' }));
    const unknownFamily = store.createRun(sampleRun(exp.id, { name: 'unknown family' }));
    const badField = store.createRun(sampleRun(exp.id, { name: 'bad field' }));
    const newer = store.createRun(sampleRun(exp.id, { name: 'newer' }));
    const notJson = store.createRun(sampleRun(exp.id, { name: 'not json' }));
    store.setRunStatus(unknownFamily.id, 'done', null, 5);
    const raw = new Database(store.path);
    try {
      const set = raw.prepare<[string, number, number]>('UPDATE runs SET config_json = ?, config_version = ? WHERE id = ?');
      set.run(JSON.stringify({ family: 'quantum', hyper: { k: 1 } }), 1, unknownFamily.id);
      set.run(JSON.stringify({ ...sampleConfig(), hyper: { ...sampleConfig().hyper, learningRate: -1 } }), 1, badField.id);
      set.run(JSON.stringify(sampleConfig()), 7, newer.id);
      set.run('{"family": "classifier",', 1, notJson.id);
    } finally {
      raw.close();
    }
    const runs = store.listRuns();
    expect(runs.map((r) => r.name)).toEqual(['not json', 'newer', 'bad field', 'unknown family', 'good']);
    expect(store.getRun(good.id)).toMatchObject({ config: sampleConfig(), configError: null });
    const byId = new Map(runs.map((r) => [r.id, r]));
    expect(byId.get(unknownFamily.id)).toMatchObject({ status: 'done', config: null, family: 'classifier' });
    expect(byId.get(unknownFamily.id)?.configError).toBe(`Run ${unknownFamily.id}'s stored config cannot be read: Stored run config names the family "quantum", which this app does not know (it knows ${families.join(', ')}). Its records are kept, but it cannot be resumed or analysed`);
    expect(byId.get(badField.id)?.configError).toMatch(/does not fit this app's run config schema: hyper\.learningRate: learningRate must be greater than 0/);
    expect(byId.get(newer.id)?.configError).toMatch(new RegExp(`version 7, newer than the latest this app knows \\(${CURRENT_RUN_CONFIG_VERSION}\\)`));
    expect(byId.get(notJson.id)?.configError).toMatch(/Stored run config is not valid JSON/);
    for (const r of [unknownFamily, badField, newer, notJson]) expect(store.getRun(r.id)?.config).toBeNull();
  });

  it('lists the same runs for a runs table without their documents, with each one\'s params in one query', () => {
    const exp = store.ensureExperiment('Default');
    const other = store.createExperiment('Other', '');
    store.createRun(sampleRun(exp.id, { name: 'a', params: { learningRate: 0.1, optimizer: 'sgd', shuffle: false } }));
    store.createRun(sampleRun(other.id, { name: 'b', architecture: sampleGraph('wide', 64) }));
    store.createRun(sampleRun(exp.id, { name: 'c', params: {} }));
    const bad = store.createRun(sampleRun(exp.id, { name: 'bad' }));
    const raw = new Database(store.path);
    raw.prepare('UPDATE runs SET config_json = ? WHERE id = ?').run('{', bad.id);
    raw.close();
    for (const filter of [{}, { experimentId: exp.id }, { where: compileRunFilter(parseRunFilter('params.lr >= 0.01')) }]) {
      const full = store.listRuns(filter);
      const listed = store.listRunSummaries(filter);
      expect(listed).toEqual(full.map(({ config: _c, architecture, ...rest }) => ({ ...rest, architectureName: architecture.name })));
    }
    expect(store.listRunSummaries().find((r) => r.name === 'b')?.architectureName).toBe('wide');
    const ids = store.listRuns().map((r) => r.id);
    expect(store.paramsOf([...ids, 999])).toEqual(new Map([...ids.map((id) => [id, store.getParams(id)] as const), [999, {}]]));
    expect(store.paramsOf([]).size).toBe(0);
    // A limit keeps the first of the same order.
    expect(store.listRunSummaries({ limit: 2 }).map((r) => r.id)).toEqual(store.listRunSummaries().slice(0, 2).map((r) => r.id));
    expect(store.listRunSummaries({ experimentId: exp.id, limit: 1 }).map((r) => r.name)).toEqual(['bad']);
  });

  it('reads a listed run\'s documents once (they are written once), and again for a new uuid under the same id', () => {
    const exp = store.ensureExperiment('Default');
    const run = store.createRun(sampleRun(exp.id, { name: 'once', architecture: sampleGraph('first', 8) }));
    expect(store.listRunSummaries()[0]).toMatchObject({ configError: null, architectureName: 'first' });
    const raw = new Database(store.path);
    try {
      // Never done by the app (documents are write-once): shows the listing answers from what it read the first time.
      raw.prepare('UPDATE runs SET config_json = ?, architecture_json = ? WHERE id = ?').run('{', JSON.stringify(sampleGraph('second', 8)), run.id);
      expect(store.listRunSummaries()[0]).toMatchObject({ configError: null, architectureName: 'first' });
      // An id reused by a new run comes with a new uuid: its documents are read.
      raw.prepare('UPDATE runs SET uuid = ? WHERE id = ?').run('00000000-0000-4000-8000-000000000001', run.id);
    } finally {
      raw.close();
    }
    const relisted = store.listRunSummaries()[0];
    expect(relisted?.architectureName).toBe('second');
    expect(relisted?.configError).toMatch(/^Run \d+'s stored config cannot be read: Stored run config is not valid JSON/);
  });

  it('rejects a run in a missing experiment', () => {
    expect(() => store.createRun(sampleRun(9999))).toThrow(/FOREIGN KEY/);
    expect(store.listRuns()).toEqual([]);
  });

  it('moves through started, failed, resumed and done', () => {
    const run = store.createRun(sampleRun(store.ensureExperiment('Default').id));
    store.markRunStarted(run.id, 'cpu', 5_000);
    expect(store.getRun(run.id)).toMatchObject({ status: 'running', backend: 'cpu', startedAt: 5_000, endedAt: null });

    store.setRunStatus(run.id, 'failed', 'loss became NaN', 6_000);
    expect(store.getRun(run.id)).toMatchObject({ status: 'failed', error: 'loss became NaN', endedAt: 6_000 });

    store.setRunStatus(run.id, 'queued');
    expect(store.getRun(run.id)).toMatchObject({ status: 'queued', error: null, endedAt: null, startedAt: 5_000 });

    store.markRunStarted(run.id, 'wasm', 7_000);
    store.setRunStatus(run.id, 'done', null, 8_000);
    expect(store.getRun(run.id)).toMatchObject({ status: 'done', error: null, backend: 'wasm', startedAt: 7_000, endedAt: 8_000 });
  });

  it('keeps the error when a terminal status is set without one, and stamps the time', () => {
    const run = store.createRun(sampleRun(store.ensureExperiment('Default').id));
    store.setRunStatus(run.id, 'failed', 'out of memory', 10);
    store.setRunStatus(run.id, 'cancelled');
    const after = store.getRun(run.id);
    expect(after?.status).toBe('cancelled');
    expect(after?.error).toBe('out of memory');
    expect(after?.endedAt).toBeGreaterThanOrEqual(1_000);
  });

  it('reports a missing run on status changes', () => {
    expect(() => store.setRunStatus(4242, 'done')).toThrow(/Run 4242 does not exist/);
    expect(() => store.markRunStarted(4242, 'cpu', 1)).toThrow(/Run 4242 does not exist/);
  });

  it('interruptStaleRuns marks running and queued runs, and leaves finished ones', () => {
    const exp = store.ensureExperiment('Default');
    const running = store.createRun(sampleRun(exp.id));
    const queued = store.createRun(sampleRun(exp.id));
    const done = store.createRun(sampleRun(exp.id));
    store.markRunStarted(running.id, 'cpu', 100);
    store.markRunStarted(done.id, 'cpu', 100);
    store.setRunStatus(done.id, 'done', null, 200);

    expect(store.interruptStaleRuns(9_000).sort((x, y) => x - y)).toEqual([running.id, queued.id]);
    expect(store.getRun(running.id)).toMatchObject({
      status: 'interrupted', error: 'The app stopped while this run was running', endedAt: 9_000,
    });
    expect(store.getRun(queued.id)).toMatchObject({
      status: 'interrupted', error: 'The app stopped while this run was queued', endedAt: 9_000,
    });
    expect(store.getRun(done.id)).toMatchObject({ status: 'done', endedAt: 200, error: null });
    expect(store.interruptStaleRuns(9_500)).toEqual([]);
  });
});

describe('metrics', () => {
  it('appends a batch, reads series by step and keeps the latest per key', () => {
    const run = store.createRun(sampleRun(store.ensureExperiment('Default').id));
    store.appendMetrics(run.id, [
      { key: 'loss', step: 2, value: 0.8, wallTime: 102 },
      { key: 'loss', step: 1, value: 1.2, wallTime: 101 },
      { key: 'accuracy', step: 1, value: 0.5, wallTime: 101 },
    ]);
    store.appendMetrics(run.id, [
      { key: 'loss', step: 3, value: 0.6, wallTime: 103 },
      { key: 'val_loss', step: 3, value: 0.7, wallTime: 103 },
    ]);
    store.appendMetrics(run.id, []);

    expect(store.getMetrics(run.id)).toEqual([
      { key: 'accuracy', steps: [1], values: [0.5], wallTimes: [101] },
      { key: 'loss', steps: [1, 2, 3], values: [1.2, 0.8, 0.6], wallTimes: [101, 102, 103] },
      { key: 'val_loss', steps: [3], values: [0.7], wallTimes: [103] },
    ]);
    expect(store.getMetrics(run.id, ['loss', 'missing']).map((s) => s.key)).toEqual(['loss']);
    expect(store.getMetrics(run.id, [])).toEqual([]);
    expect(store.latestMetrics([run.id]).get(run.id)).toEqual({ loss: 0.6, accuracy: 0.5, val_loss: 0.7 });
  });

  it('latest is the highest step, ties going to the newest write; an older step never wins', () => {
    const run = store.createRun(sampleRun(store.ensureExperiment('Default').id));
    store.appendMetrics(run.id, [{ key: 'loss', step: 10, value: 1, wallTime: 1 }]);
    store.appendMetrics(run.id, [{ key: 'loss', step: 5, value: 2, wallTime: 2 }]);
    expect(store.latestMetrics([run.id]).get(run.id)).toEqual({ loss: 1 });
    store.appendMetrics(run.id, [{ key: 'loss', step: 10, value: 3, wallTime: 3 }]);
    expect(store.latestMetrics([run.id]).get(run.id)).toEqual({ loss: 3 });
    // A re-logged step (after a resume) appears once in the series, with the newest value.
    expect(store.getMetrics(run.id, ['loss'])).toEqual([{ key: 'loss', steps: [5, 10], values: [2, 3], wallTimes: [2, 3] }]);
  });

  it('round-trips NaN and infinities', () => {
    const run = store.createRun(sampleRun(store.ensureExperiment('Default').id));
    store.appendMetrics(run.id, [
      { key: 'loss', step: 1, value: Number.POSITIVE_INFINITY, wallTime: 1 },
      { key: 'loss', step: 2, value: Number.NEGATIVE_INFINITY, wallTime: 2 },
      { key: 'loss', step: 3, value: Number.NaN, wallTime: 3 },
    ]);
    const [series] = store.getMetrics(run.id);
    expect(series?.values[0]).toBe(Number.POSITIVE_INFINITY);
    expect(series?.values[1]).toBe(Number.NEGATIVE_INFINITY);
    expect(Number.isNaN(series?.values[2])).toBe(true);
    expect(Number.isNaN(store.latestMetrics([run.id]).get(run.id)?.['loss'])).toBe(true);
  });

  it('latestMetrics covers several runs, with an empty record for runs without metrics', () => {
    const exp = store.ensureExperiment('Default');
    const a = store.createRun(sampleRun(exp.id));
    const b = store.createRun(sampleRun(exp.id));
    const c = store.createRun(sampleRun(exp.id));
    store.appendMetrics(a.id, [{ key: 'loss', step: 1, value: 0.1, wallTime: 1 }]);
    store.appendMetrics(b.id, [{ key: 'loss', step: 1, value: 0.2, wallTime: 1 }, { key: 'kl', step: 1, value: 3, wallTime: 1 }]);
    const latest = store.latestMetrics([a.id, b.id, c.id]);
    expect([...latest.keys()]).toEqual([a.id, b.id, c.id]);
    expect(latest.get(a.id)).toEqual({ loss: 0.1 });
    expect(latest.get(b.id)).toEqual({ loss: 0.2, kl: 3 });
    expect(latest.get(c.id)).toEqual({});
    expect(store.latestMetrics([]).size).toBe(0);
  });

  it('bestMetrics takes the max of accuracies and the min of losses over all finite points, from the summaries', () => {
    const exp = store.ensureExperiment('Default');
    const a = store.createRun(sampleRun(exp.id));
    const b = store.createRun(sampleRun(exp.id));
    const p = (key: MetricKey, step: number, value: number) => ({ key, step, value, wallTime: step });
    store.appendMetrics(a.id, [p('test_accuracy', 1, 0.9), p('test_accuracy', 2, 0.95), p('test_accuracy', 3, 0.93), p('val_loss', 1, 0.4), p('val_loss', 2, 0.2), p('val_loss', 3, 0.3)]);
    store.appendMetrics(b.id, [p('test_accuracy', 1, Number.NaN), p('test_accuracy', 2, 0.5)]);
    const best = store.bestMetrics([a.id, b.id], [{ key: 'test_accuracy', mode: 'max' }, { key: 'val_loss', mode: 'min' }]);
    expect(best.get(a.id)).toEqual({ test_accuracy: 0.95, val_loss: 0.2 });
    expect(best.get(b.id)).toEqual({ test_accuracy: 0.5 });
    expect(store.latestMetrics([a.id]).get(a.id)).toMatchObject({ test_accuracy: 0.93 });
    // It reads the kept summaries, not the points: with the points gone the answer stands, and an infinite point is never best.
    store.appendMetrics(b.id, [p('val_loss', 1, Number.NEGATIVE_INFINITY), p('val_loss', 2, 0.7)]);
    const raw = new Database(store.path);
    raw.prepare('DELETE FROM metrics').run();
    raw.close();
    expect(store.bestMetrics([a.id, b.id], [{ key: 'test_accuracy', mode: 'max' }, { key: 'val_loss', mode: 'min' }]))
      .toEqual(new Map([[a.id, { test_accuracy: 0.95, val_loss: 0.2 }], [b.id, { test_accuracy: 0.5, val_loss: 0.7 }]]));
  });

  it('writes nothing from a batch that fails part-way', () => {
    const run = store.createRun(sampleRun(store.ensureExperiment('Default').id));
    const bad = { key: 'loss', step: 2, value: 1, wallTime: null } as unknown as MetricPoint;
    expect(() => store.appendMetrics(run.id, [{ key: 'loss', step: 1, value: 1, wallTime: 1 }, bad])).toThrow(/NOT NULL/);
    expect(store.getMetrics(run.id)).toEqual([]);
    expect(store.latestMetrics([run.id]).get(run.id)).toEqual({});
    expect(() => store.appendMetrics(9999, [{ key: 'loss', step: 1, value: 1, wallTime: 1 }])).toThrow(/FOREIGN KEY/);
  });
});

describe('artifacts and checkpoints', () => {
  it('adds and lists artifacts, optionally by kind', () => {
    const run = store.createRun(sampleRun(store.ensureExperiment('Default').id));
    const png = store.addArtifact(run.id, 'samples', 100, 'runs/1/samples/100.png', { rows: 4, cols: 4 });
    const plain = store.addArtifact(run.id, 'confusion', 200, 'runs/1/confusion.json');
    expect(png).toEqual({ id: png.id, runId: run.id, kind: 'samples', step: 100, path: 'runs/1/samples/100.png', meta: { rows: 4, cols: 4 }, createdAt: png.createdAt });
    expect(plain.meta).toEqual({});
    expect(store.listArtifacts(run.id)).toEqual([png, plain]);
    expect(store.listArtifacts(run.id, 'samples')).toEqual([png]);
    expect(store.listArtifacts(run.id, 'nothing')).toEqual([]);
  });

  it('latestCheckpoint returns the newest checkpoint with its epoch and step', () => {
    const run = store.createRun(sampleRun(store.ensureExperiment('Default').id));
    expect(store.latestCheckpoint(run.id)).toBeUndefined();
    store.addArtifact(run.id, 'checkpoint', 100, 'runs/1/checkpoints/epoch-1', { epoch: 1, step: 100 });
    const second = store.addArtifact(run.id, 'checkpoint', 200, 'runs/1/checkpoints/epoch-2', { epoch: 2, step: 200 });
    store.addArtifact(run.id, 'samples', 300, 'runs/1/samples/300.png', { epoch: 3, step: 300 });
    store.addArtifact(run.id, 'checkpoint', 250, 'runs/1/checkpoints/broken', { note: 'no epoch' });
    expect(store.latestCheckpoint(run.id)).toEqual({ dir: 'runs/1/checkpoints/epoch-2', epoch: 2, step: 200, artifactId: second.id });
  });

  it('falls back to the artifact step when the meta has none', () => {
    const run = store.createRun(sampleRun(store.ensureExperiment('Default').id));
    store.addArtifact(run.id, 'checkpoint', 640, 'runs/1/checkpoints/epoch-5', { epoch: 5 });
    expect(store.latestCheckpoint(run.id)).toMatchObject({ epoch: 5, step: 640 });
  });
});

describe('logs', () => {
  it('appends and reads lines, after an id', () => {
    const exp = store.ensureExperiment('Default');
    const run = store.createRun(sampleRun(exp.id));
    const other = store.createRun(sampleRun(exp.id));
    const first = store.appendLog(run.id, 'info', 'Using backend cpu', 10);
    store.appendLog(other.id, 'warn', 'elsewhere', 11);
    const second = store.appendLog(run.id, 'warn', 'Slow epoch', 12);
    const third = store.appendLog(run.id, 'error', 'Loss became NaN', 13);
    expect(first).toEqual({ id: first.id, runId: run.id, time: 10, level: 'info', message: 'Using backend cpu' });
    expect(store.getLogs(run.id)).toEqual([first, second, third]);
    expect(store.getLogs(run.id, first.id)).toEqual([second, third]);
    expect(store.getLogs(run.id, third.id)).toEqual([]);
    expect(second.id).toBeGreaterThan(first.id);
  });
});

describe('architectures', () => {
  it('saves versions under one name and reads latest or a given version', () => {
    const v1 = store.saveArchitecture({ name: 'conv-net', family: 'classifier', architecture: sampleGraph('conv-net', 10) });
    const v2 = store.saveArchitecture({ name: 'conv-net', family: 'classifier', architecture: sampleGraph('conv-net', 20) });
    const other = store.saveArchitecture({ name: 'autoencoder', family: 'classifier', architecture: sampleGraph('autoencoder', 5) });
    expect(v1).toMatchObject({ name: 'conv-net', version: 1 });
    expect(v2).toMatchObject({ id: v1.id, name: 'conv-net', version: 2 });
    expect(other).toMatchObject({ version: 1 });
    expect(other.id).not.toBe(v1.id);

    expect(store.getArchitecture(v1.id)?.version).toBe(2);
    expect(store.getArchitecture(v1.id)?.architecture).toEqual(sampleGraph('conv-net', 20));
    expect(store.getArchitecture(v1.id, 1)?.architecture).toEqual(sampleGraph('conv-net', 10));
    expect(store.getArchitecture(v1.id, 3)).toBeUndefined();
    expect(store.getArchitecture(9999)).toBeUndefined();

    expect(store.listArchitectures().map((a) => [a.name, a.version])).toEqual([['autoencoder', 1], ['conv-net', 2]]);
  });
});

describe('saved views', () => {
  const state = (filter: string): SavedViewState => ({ version: 1, filter, table: defaultRunsTableState(), compare: {} });

  it('replaces by name within a scope, keeping id and created time, and lists each scope by name', () => {
    const e = store.createExperiment('E', '').id;
    const b = store.saveView(e, '  b  ', state('x'));
    const a = store.saveView(e, 'a', state(''));
    const replaced = store.saveView(e, 'b', state('y'));
    expect(replaced).toEqual({ ...b, state: state('y'), updatedAt: replaced.updatedAt });
    expect(replaced.updatedAt).toBeGreaterThan(b.updatedAt);
    expect(store.listSavedViews(e).map((v) => v.id)).toEqual([a.id, b.id]);
    expect(store.listSavedViews(null)).toEqual([]);
    expect(store.getSavedView(b.id)?.name).toBe('b');
    expect(store.deleteSavedView(b.id)).toBe(true);
    expect(store.deleteSavedView(b.id)).toBe(false);
  });

  it('leaves out a view whose stored state this app cannot read (a later version), without failing the list', () => {
    const kept = store.saveView(null, 'kept', state(''));
    const later = store.saveView(null, 'later', state(''));
    store.close();
    const raw = new Database(store.path);
    raw.prepare('UPDATE saved_views SET state_json = ? WHERE id = ?').run(JSON.stringify({ ...state(''), version: 2 }), later.id);
    raw.close();
    store = openStore(store.path);
    expect(store.listSavedViews(null).map((v) => v.name)).toEqual([kept.name]);
    expect(store.getSavedView(later.id)).toBeUndefined();
  });
});

describe('settings', () => {
  it('gets, sets and overwrites', () => {
    expect(store.getSetting('backend')).toBeUndefined();
    store.setSetting('backend', 'wasm');
    expect(store.getSetting('backend')).toBe('wasm');
    store.setSetting('backend', 'auto');
    expect(store.getSetting('backend')).toBe('auto');
  });
});

describe('store', () => {
  it('reports its absolute path and schema version', () => {
    expect(path.isAbsolute(store.path)).toBe(true);
    expect(store.path.endsWith(path.join('nested', 'dir', 'workbench.db'))).toBe(true);
    expect(store.schemaVersion()).toBeGreaterThanOrEqual(1);
  });
});
