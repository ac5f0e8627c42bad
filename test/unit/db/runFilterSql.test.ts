/**
 * The runs filter compiled to SQL selects exactly the runs the in-memory
 * evaluator accepts, on a real store: ~40 runs made through the store API
 * (every status, null backends and durations, params of all three types and
 * of the wrong type, a family the registry does not know), with metric
 * summaries (NaN as NULL, ±Infinity, all-NaN keys) and tags written straight
 * into the tables migration 0005 adds, and notes, stars and archives (0006).
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../db/openStore';
import { getParams } from '../../../db/queries/params';
import { compileRunFilter } from '../../../db/queries/runFilter';
import type { Db } from '../../../db/sqlite';
import type { RunStatus } from '../../../main/common/domain';
import { evaluateRunFilter, parseRunFilter, type FilterableMetric, type FilterableRun } from '../../../main/common/runFilter';
import { families, type Family } from '../../../workers/common/families/registry';
import { removeTempDirs, sampleRun, tempDir } from './helpers';

/** mulberry32: the same runs on every machine. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RUNS = 40;
const names = ['mlp-adam', 'MLP-adam', 'lenet-sgd', 'Été run', "it's a run", 'gan-wgan', 'x\' OR 1=1 --', 'vae-beta4', 'ae-stacked', 'rbm-h64-cd1'];
const statuses: RunStatus[] = ['queued', 'running', 'done', 'done', 'failed', 'cancelled', 'interrupted'];
const tagPool = ['baseline', 'Baseline-v2', 'sweep', "it's", 'BEST'];
const noteTexts = ['Baseline: **lr 1e-3**', 'diverged at epoch 3\nretry with lower lr', 'Été — compare to #12', "it's the best one", ''];
const metricKeys = ['test_accuracy', 'loss', 'd_loss', 'frechet_distance', 'kl_dim/3', 'pretrain_loss/layer2', 'elbo'];

function pick<T>(rand: () => number, list: readonly T[]): T {
  const v = list[Math.floor(rand() * list.length)];
  if (v === undefined) throw new Error('empty list');
  return v;
}

function paramsFor(rand: () => number, i: number): Record<string, number | string | boolean> {
  const p: Record<string, number | string | boolean> = { epochs: 1 + (i % 5) };
  const lr = rand();
  if (lr < 0.7) p['learningRate'] = pick(rand, [1e-3, 5e-4, 1e-2, 2e-4, 0.001]);
  else if (lr < 0.85) p['learningRate'] = '0.001';
  if (rand() < 0.8) p['optimizer'] = pick(rand, ['adam', 'sgd', 'Adam', 'adamw']);
  if (rand() < 0.7) p['shuffle'] = rand() < 0.5;
  if (rand() < 0.4) p['beta'] = pick(rand, [0.5, 1, 4]);
  return p;
}

/** One metric summary: a sorted triple, sometimes NaN last, an infinite max, or no finite point at all. */
function summaryFor(rand: () => number): FilterableMetric {
  const count = Math.floor(rand() * 120);
  if (rand() < 0.1) return { last: null, min: null, max: null, count };
  const a = Math.round((rand() * 4 - 1) * 100) / 100;
  const b = Math.round((rand() * 4 - 1) * 100) / 100;
  const min = Math.min(a, b);
  const max = rand() < 0.08 ? Number.POSITIVE_INFINITY : Math.max(a, b);
  const last = rand() < 0.1 ? null : rand() < 0.5 ? min : max;
  return { last, min, max, count };
}

let file: string;
let db: Db;

/** Runs, params and lifecycle through the store; then summaries, tags and an unknown family straight into the tables. */
function seedStore(): void {
  const rand = prng(11);
  let clock = 100_000;
  const store = openStore(file, { appVersion: 'test', now: () => (clock += 1_000) });
  const experiments = [store.createExperiment('one', ''), store.createExperiment('two', '')];
  const runFamilies: Family[] = [];
  for (let i = 0; i < RUNS; i++) {
    const family = families[i % families.length] ?? 'classifier';
    runFamilies.push(family);
    const r = store.createRun(sampleRun(pick(rand, experiments).id, {
      name: names[i % names.length] ?? 'run', family, seed: Math.floor(rand() * 50), datasetId: pick(rand, ['mnist', 'fashion', 'toy-2d']), params: paramsFor(rand, i),
    }));
    const status = statuses[i % statuses.length] ?? 'done';
    if (status === 'queued') continue;
    if (status === 'cancelled' && rand() < 0.5) {
      store.setRunStatus(r.id, status, null, clock + 500);
      continue;
    }
    store.markRunStarted(r.id, pick(rand, ['wasm', 'cpu', 'tensorflow']), clock + 100);
    if (status !== 'running') store.setRunStatus(r.id, status, null, clock + 100 + Math.floor(rand() * 10_000));
  }
  // Annotations (0006) through the store: notes with case and non-ASCII letters, stars and archives.
  for (let id = 1; id <= RUNS; id++) {
    store.updateRun(id, {
      ...(rand() < 0.5 ? { notes: pick(rand, noteTexts) } : {}),
      ...(rand() < 0.3 ? { starred: true } : {}),
      ...(rand() < 0.25 ? { archived: true } : {}),
    });
  }
  store.close();
  db = new Database(file);
  const insertMetric = db.prepare('INSERT INTO latest_metrics (run_id, key, step, value, min_value, max_value, count) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insertTag = db.prepare('INSERT INTO run_tags (run_id, tag) VALUES (?, ?)');
  for (let id = 1; id <= RUNS; id++) {
    for (const key of metricKeys) {
      if (rand() < 0.35) continue;
      const s = summaryFor(rand);
      insertMetric.run(id, key, s.count, s.last, s.min, s.max, s.count);
    }
    for (const tag of tagPool) if (rand() < 0.3) insertTag.run(id, tag);
  }
  db.prepare("UPDATE runs SET family = 'a-newer-family' WHERE id IN (3, 17)").run();
}

/** Each run as the evaluator sees it, read back from the same rows. */
function filterableRuns(): FilterableRun[] {
  const rows = db.prepare<[], { id: number; name: string; status: string; family: string; backend: string | null; dataset_id: string; experiment_id: number; seed: number; created_at: number; started_at: number | null; ended_at: number | null; notes: string; starred: number; archived: number }>(
    'SELECT id, name, status, family, backend, dataset_id, experiment_id, seed, created_at, started_at, ended_at, notes, starred, archived FROM runs ORDER BY id').all();
  const metrics = db.prepare<[number], { key: string; value: number | null; min_value: number | null; max_value: number | null; count: number }>(
    'SELECT key, value, min_value, max_value, count FROM latest_metrics WHERE run_id = ?');
  const tags = db.prepare<[number], { tag: string }>('SELECT tag FROM run_tags WHERE run_id = ?');
  return rows.map((r) => ({
    id: r.id, name: r.name, status: r.status, family: r.family, backend: r.backend, dataset: r.dataset_id, experiment: r.experiment_id,
    seed: r.seed, created: r.created_at, started: r.started_at, ended: r.ended_at,
    notes: r.notes, starred: r.starred === 1, archived: r.archived === 1,
    params: getParams(db, r.id),
    tags: tags.all(r.id).map((t) => t.tag),
    metrics: Object.fromEntries(metrics.all(r.id).map((m) => [m.key, { last: m.value, min: m.min_value, max: m.max_value, count: m.count }])),
  }));
}

function sqlMatches(filter: string): number[] {
  const { sql, params } = compileRunFilter(parseRunFilter(filter));
  return db.prepare<unknown[], { id: number }>(`SELECT r.id FROM runs r WHERE ${sql} ORDER BY r.id`).all(...params).map((r) => r.id);
}

let runs: FilterableRun[];

beforeAll(() => {
  file = path.join(tempDir(), 'filter.db');
  seedStore();
  runs = filterableRuns();
});

afterAll(() => {
  db.close();
  removeTempDirs();
});

/** Filters that keep some runs and drop others (each is checked to be neither none nor all). */
const filters = [
  'family = "classifier" and (params.lr <= 1e-3 or tags has "baseline") and metrics.test_accuracy.best > 0.5',
  'params.lr <= 1e-3',
  'params.lr = 0.001',
  'params.lr != 0.001',
  'not params.lr = 0.001',
  'params.learningRate = "0.001"',
  'params.optimizer = "adam"',
  'params.optimizer ~ "ADAM"',
  'params.shuffle = true',
  'params.shuffle != false',
  'not params.shuffle = true',
  'params.beta >= 1 or params.epochs = 3',
  'status = "done" or status = "failed"',
  'not (status = "queued" or status = "running")',
  'backend != "wasm"',
  'backend ~ "WA" or backend ~ "flow"',
  'duration > 5000',
  'not duration > 5000',
  'started >= 110000 and ended < 140000',
  'created > 120000',
  'name ~ "mlp"',
  'name ~ "été" or name ~ "ÉTÉ" or name ~ "Été"',
  'name ~ "it\'s"',
  'name = "MLP-adam"',
  'id > 10 and id <= 30',
  'experiment = 2 and not seed < 25',
  'seed < 5 or seed >= 40',
  'dataset = "fashion"',
  'family != "gan" and family ~ "a"',
  'tags has "baseline"',
  'tags ~ "BASE"',
  'not tags has "sweep"',
  'tags has "it\'s" or tags has "BEST"',
  'metrics.test_accuracy > 0.9',
  'metrics.test_accuracy.best > 1',
  'metrics.loss.best < 0.2',
  'metrics.loss.best > 2',
  'metrics.d_loss.best > 0.5',
  'metrics.kl_dim/3.best >= 0.1',
  'metrics."pretrain_loss/layer2".best < 1',
  'metrics.frechet_distance.best < 0 or metrics.elbo.best > 2',
  'metrics.loss.max > 1e300 or metrics.elbo.max > 1e300 or metrics.d_loss.max > 1e300',
  'metrics.elbo.min != 0.5',
  'not metrics.loss.last != 0.5',
  'metrics.loss.count = 0',
  'metrics.loss.count > 50',
  'family = "vae" or not (params.beta > 1 or metrics.elbo.best < 0)',
  'starred = true',
  'starred != true',
  'archived = false',
  'not archived = true and status = "done"',
  'starred = true or archived = true',
  'notes ~ "baseline"',
  'notes ~ "LR" and not notes ~ "**"',
  'notes ~ "été" or notes = ""',
  'notes != "" and starred = false',
];

describe('compileRunFilter on a real store', () => {
  it('has the runs the cases need: every status, null backends and durations, an unknown family, NaN and infinite summaries', () => {
    expect(runs).toHaveLength(RUNS);
    expect(new Set(runs.map((r) => r.status))).toEqual(new Set(['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted']));
    expect(runs.some((r) => r.backend === null) && runs.some((r) => r.started !== null && r.ended === null)).toBe(true);
    expect(runs.filter((r) => r.family === 'a-newer-family')).toHaveLength(2);
    const summaries = runs.flatMap((r) => Object.values(r.metrics));
    expect(summaries.some((m) => m.last === null) && summaries.some((m) => m.max === Number.POSITIVE_INFINITY)).toBe(true);
    expect(runs.some((r) => r.starred) && runs.some((r) => r.archived) && runs.some((r) => r.notes.includes('\n'))).toBe(true);
  });

  it.each(filters)('%s', (filter) => {
    const expected = runs.filter((r) => evaluateRunFilter(parseRunFilter(filter), r)).map((r) => r.id);
    expect(sqlMatches(filter)).toEqual(expected);
    expect(expected.length, 'a filter that keeps none or all of the runs proves little').toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(RUNS);
  });

  it('keeps every run with the empty filter', () => {
    expect(compileRunFilter(parseRunFilter(''))).toEqual({ sql: '1', params: [] });
    expect(sqlMatches('')).toHaveLength(RUNS);
  });

  it('binds every value: quotes in a filter match text, never change the query', () => {
    const attempts = ['name ~ "x\' OR 1=1 --"', 'name = "\\" OR 1=1 --"', 'tags has "\') OR 1=1 --"', 'params."k\' OR 1=1 --" = 1'];
    for (const filter of attempts) {
      const { sql } = compileRunFilter(parseRunFilter(filter));
      expect(sql).not.toMatch(/OR 1=1/);
      expect(sqlMatches(filter)).toEqual(runs.filter((r) => evaluateRunFilter(parseRunFilter(filter), r)).map((r) => r.id));
    }
    // The one run named x' OR 1=1 -- is the one the first attempt finds, and the others find none.
    expect(sqlMatches(attempts[0] ?? '').map((id) => runs[id - 1]?.name)).toEqual(runs.filter((r) => r.name === "x' OR 1=1 --").map((r) => r.name));
    expect(sqlMatches(attempts[1] ?? '')).toEqual([]);
  });

  it('runs a filter of thousands of terms (a selection as a filter) within SQLite\'s expression depth', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => (i * 7) % 45);
    const filter = ids.map((id) => `id = ${id}`).join(' or ');
    expect(sqlMatches(filter)).toEqual(runs.filter((r) => ids.includes(r.id)).map((r) => r.id));
    expect(sqlMatches(`not (${filter})`)).toEqual(runs.filter((r) => !ids.includes(r.id)).map((r) => r.id));
  });

  it('compiles best as a CASE over the families whose catalogues give the key a direction', () => {
    const { sql, params } = compileRunFilter(parseRunFilter('metrics.loss.best < 1'));
    expect(sql).toContain('CASE WHEN r.family IN (?, ?, ?, ?, ?) THEN lm.min_value ELSE lm.value END');
    expect(params).toEqual(['loss', 'classifier', 'autoencoder', 'vae', 'sequence', 'pixelcnn', 1]);
    expect(compileRunFilter(parseRunFilter('metrics.d_loss.best < 1')).sql).not.toContain('CASE');
  });
});
