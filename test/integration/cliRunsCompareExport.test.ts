/**
 * The CLI's `runs list --sort/--columns`, `runs compare` and `runs export`
 * against a real SQLite file: three classifier runs and their points are
 * written straight into the store (no training), then the built CLI entry
 * runs as a child process on the same data folder.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type AppServices } from '../../main/services/appServices';
import type { MetricKey } from '../../workers/common/families/registry';
import type { MetricPoint } from '../../workers/common/protocol';
import { sampleRun } from '../unit/db/helpers';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

const dataDir = tempDir();
let s: AppServices;
const ids = { slow: 0, fast: 0, mid: 0 };
let experimentId = 0;

const pt = (key: MetricKey, step: number, value: number): MetricPoint => ({ key, step, value, wallTime: 1_700_000_000_000 + step * 100 });

beforeAll(() => {
  requireBuilt();
  s = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' } });
  experimentId = s.store.createExperiment('sweep', '').id;
  const params = (learningRate: number, seed: number) => ({ learningRate, seed, optimizer: 'adam', epochs: 2 });
  ids.slow = s.store.createRun(sampleRun(experimentId, { name: 'slow', seed: 1, params: params(0.0001, 1) })).id;
  ids.fast = s.store.createRun(sampleRun(experimentId, { name: 'fast', seed: 2, params: params(0.1, 2) })).id;
  ids.mid = s.store.createRun(sampleRun(experimentId, { name: '=mid, "c"', seed: 3, params: params(0.01, 3) })).id;
  // Done, so that the CLI's start (which interrupts runs left queued) leaves them as they are.
  for (const id of Object.values(ids)) s.store.setRunStatus(id, 'done', null, 1);
  s.store.appendMetrics(ids.slow, [pt('test_accuracy', 1, 0.9), pt('test_accuracy', 2, 0.98), pt('test_accuracy', 3, 0.97), pt('loss', 1, 0.8), pt('loss', 2, 0.3)]);
  s.store.appendMetrics(ids.fast, [pt('test_accuracy', 1, 0.6), pt('loss', 1, 2), pt('loss', 2, Number.NaN)]);
});
afterAll(async () => {
  await s.close();
});

const cli = path.join(repoRoot, 'dist', 'main', 'cli', 'cliMain.js');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args, '--data', dataDir], { env: { ...process.env, LATENT_BACKEND: 'wasm' }, encoding: 'utf8' });
const lines = (text: string) => text.trimEnd().split('\n');
/** The first cell of each table row: the run names, in the order printed. */
const firstCells = (text: string) => lines(text).slice(1).map((l) => l.split(/\s{2,}/)[0]);

describe('runs list --sort and --columns', () => {
  it('sorts by a metric summary either way, runs without one last, and shows the chosen columns', () => {
    const cols = 'name,params.learningRate,metrics.test_accuracy.best';
    const desc = run('runs', 'list', '--sort', 'metrics.test_accuracy.best:desc', '--columns', cols);
    expect(desc.status).toBe(0);
    expect(lines(desc.stdout)[0]).toMatch(/^name\s+params\.learningRate\s+metrics\.test_accuracy\.best$/);
    expect(firstCells(desc.stdout)).toEqual(['slow', 'fast', '=mid, "c"']);
    expect(lines(desc.stdout)[1]).toMatch(/^slow\s+0\.0001\s+0\.98$/);
    expect(lines(desc.stdout)[3]).toMatch(/^=mid, "c"\s+0\.01\s+-$/);
    const asc = run('runs', '--sort', 'metrics.test_accuracy.best', '--columns', cols);
    expect(firstCells(asc.stdout)).toEqual(['fast', 'slow', '=mid, "c"']);
  });

  it('gives the chosen columns as JSON objects keyed by column id', () => {
    const res = run('runs', 'list', '--sort', 'params.learningRate:desc', '--columns', 'id, params.learningRate,metrics.loss.last', '--json');
    expect(JSON.parse(res.stdout)).toEqual([
      { 'id': ids.fast, 'params.learningRate': 0.1, 'metrics.loss.last': null },
      { 'id': ids.mid, 'params.learningRate': 0.01, 'metrics.loss.last': null },
      { 'id': ids.slow, 'params.learningRate': 0.0001, 'metrics.loss.last': 0.3 },
    ]);
  });

  it('refuses a bad column id with exit 2, naming it and the valid forms', () => {
    const res = run('runs', 'list', '--columns', 'name,metrics.loss.mean');
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('unknown column "metrics.loss.mean"');
    expect(res.stderr).toContain('params.<key> or metrics.<key>.<last|best|min|max>');
    expect(run('runs', '--sort', 'lr:desc').stderr).toContain('--sort: unknown column "lr"');
  });
});

describe('runs compare', () => {
  it('shows only the hyperparameters that differ, then the headline metric\'s summaries', () => {
    const res = run('runs', 'compare', String(ids.slow), String(ids.fast));
    expect(res.status).toBe(0);
    const text = res.stdout;
    expect(text).toContain('Hyperparameters that differ (2 of 4; --all lists them all):');
    expect(text).toMatch(/\nlearningRate\s+0\.0001\s+0\.1\n/);
    expect(text).toMatch(/\nseed\s+1\s+2\n/);
    expect(text).not.toContain('optimizer');
    expect(text).toMatch(new RegExp(`\\ntest_accuracy\\s+${ids.slow}\\s+slow\\s+0\\.97\\s+0\\.98\\s+0\\.9\\s+0\\.98\\n`));
    expect(text).toMatch(new RegExp(`\\ntest_accuracy\\s+${ids.fast}\\s+fast\\s+0\\.6\\s+0\\.6\\s+0\\.6\\s+0\\.6\\n`));
    expect(text).not.toMatch(/\nloss\s/);
    expect(run('runs', 'compare', String(ids.slow), String(ids.fast), '--all').stdout).toMatch(/\noptimizer\s+adam\s+adam\n/);
  });

  it('compares the metrics asked for, as JSON too, and refuses one no run has', () => {
    const doc = JSON.parse(run('runs', 'compare', String(ids.slow), String(ids.fast), '--metric', 'loss', '--json').stdout) as {
      params: { key: string }[]; metrics: string[]; summaries: { runId: number; metrics: Record<string, unknown> }[];
    };
    expect(doc.params.map((p) => p.key)).toEqual(['learningRate', 'seed']);
    expect(doc.metrics).toEqual(['loss']);
    expect(doc.summaries).toEqual([
      { runId: ids.slow, metrics: { loss: { last: 0.3, best: 0.3, min: 0.3, max: 0.8 } } },
      { runId: ids.fast, metrics: { loss: { last: null, best: 2, min: 2, max: 2 } } },
    ]);
    const bad = run('runs', 'compare', String(ids.slow), String(ids.fast), '--metric', 'los');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--metric "los": no such metric among these runs; they have loss, test_accuracy');
    expect(run('runs', 'compare', String(ids.slow)).status).toBe(2);
    expect(run('runs', 'compare', String(ids.slow), String(ids.slow)).stderr).toContain('runs compare needs two or more different run ids');
    expect(run('runs', 'compare', String(ids.slow), '4242').status).toBe(1);
  });
});

describe('runs export', () => {
  it('writes the wide CSV, one row per run, text quoted and guarded', () => {
    const res = run('runs', 'export', '--experiment', String(experimentId), '--csv');
    expect(res.status).toBe(0);
    const rows = res.stdout.split('\r\n');
    expect(rows[0]).toBe('id,name,experiment,family,status,seed,dataset,tags,params.epochs,params.learningRate,params.optimizer,params.seed,'
      + 'metrics.loss.last,metrics.loss.best,metrics.loss.min,metrics.loss.max,'
      + 'metrics.test_accuracy.last,metrics.test_accuracy.best,metrics.test_accuracy.min,metrics.test_accuracy.max');
    // runs.list gives the newest first.
    expect(rows.slice(1)).toEqual([
      `${ids.mid},"'=mid, ""c""",${experimentId},classifier,done,3,mnist,,2,0.01,adam,3,,,,,,,,`,
      `${ids.fast},fast,${experimentId},classifier,done,2,mnist,,2,0.1,adam,2,,2,2,2,0.6,0.6,0.6,0.6`,
      `${ids.slow},slow,${experimentId},classifier,done,1,mnist,,2,0.0001,adam,1,0.3,0.3,0.3,0.8,0.97,0.98,0.9,0.98`,
      '',
    ]);
  });

  it('writes the long-format metrics to a file, every point with NaN spelt out', () => {
    const file = path.join(dataDir, 'points.csv');
    const res = run('runs', 'export', String(ids.fast), String(ids.slow), '--csv', '--long', '--metric', 'loss', '--out', file);
    expect(res.status).toBe(0);
    expect(res.stdout).toBe(`Exported 2 runs to ${file}\n`);
    expect(fs.readFileSync(file, 'utf8').split('\r\n')).toEqual([
      'run_id,run_name,key,step,wall_time,value',
      `${ids.fast},fast,loss,1,1700000000100,2`,
      `${ids.fast},fast,loss,2,1700000000200,NaN`,
      `${ids.slow},slow,loss,1,1700000000100,0.8`,
      `${ids.slow},slow,loss,2,1700000000200,0.3`,
      '',
    ]);
  });

  it('writes JSON of a filter\'s runs with their full-resolution series, and needs one format', () => {
    const res = run('runs', 'export', '--filter', 'params.learningRate >= 0.1', '--json', '--long');
    const doc = JSON.parse(res.stdout) as { runs: { id: number; params: Record<string, unknown> }[]; metrics: unknown[] };
    expect(doc.runs.map((r) => [r.id, r.params['learningRate']])).toEqual([[ids.fast, 0.1]]);
    expect(doc.metrics).toEqual([
      { runId: ids.fast, key: 'loss', steps: [1, 2], wallTimes: [1_700_000_000_100, 1_700_000_000_200], values: [2, 'NaN'] },
      { runId: ids.fast, key: 'test_accuracy', steps: [1], wallTimes: [1_700_000_000_100], values: [0.6] },
    ]);
    const neither = run('runs', 'export', String(ids.fast));
    expect(neither.status).toBe(2);
    expect(neither.stderr).toContain('runs export needs one of --csv or --json');
    expect(run('runs', 'export', '--csv').stderr).toContain('runs export needs run ids, --filter EXPR or --experiment ID');
  });
});
