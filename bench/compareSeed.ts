/**
 * Bulk seeding for the compare benchmark: classifier-shaped runs with varied
 * hyperparameters and tags, and their metric points in training order,
 * written through the Store in the batches a training host flushes (≤ 256
 * points), so latest_metrics' summaries are kept exactly as in production.
 * The same points (a seeded PRNG per run) can be written again with a plain
 * INSERT into `metrics` only, on a copy of the database taken before any
 * point was written: the ingest rate without the summaries, for comparison.
 *
 * Only the time spent in the store calls (or the plain inserts) is counted;
 * generating the points is not.
 */
import { copyFileSync, existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { openStore } from '../db';
import { checkpoint, configureConnection } from '../db/wal';
import type { Store } from '../db/storeTypes';
import { flattenParams } from '../main/services/runService';
import { classifierConfigSchema, type ClassifierConfig } from '../workers/common/families/classifier/config';
import { classifierTemplate } from '../workers/common/families/classifier/templates';
import type { MetricPoint } from '../workers/common/protocol';
import { mulberry32 } from '../workers/engine/prng';

/** What the host's MetricBatcher flushes at most (workers/engine/metricBatcher.ts). */
export const INGEST_BATCH = 256;
/** A training step every 100 ms of wall time. */
const STEP_MS = 100;
const BASE_TIME = Date.UTC(2026, 0, 5, 9, 0, 0);
const TAGS = ['baseline', 'lr-sweep', 'ablation', 'keep', 'flaky'] as const;
const BATCH_SIZES = [32, 64, 128, 256] as const;
const OPTIMIZERS = ['adam', 'sgd', 'momentum'] as const;


function gauss(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)]!;
}

export interface SeedPlan {
  runs: number;
  experiments: number;
  points: number;
}

export interface PlannedRun {
  index: number;
  experiment: number;
  config: ClassifierConfig;
  tags: string[];
  /** Points this run gets (the total is exactly plan.points). */
  points: number;
  epochs: number;
  startedAt: number;
  /** The one run (of the whole database) with a NaN in its loss. */
  hasNaN: boolean;
}

/**
 * Experiment sizes follow Zipf (weight 1/k): experiment 0 is the largest
 * (about 28 % of the runs with 20 experiments), as a long sweep beside
 * smaller studies. Runs are dealt to experiments by these shares in order.
 */
export function experimentOf(plan: SeedPlan, index: number): number {
  const weights = Array.from({ length: plan.experiments }, (_, k) => 1 / (k + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const u = ((index * 0.6180339887) % 1) * total; // well spread, deterministic
  let acc = 0;
  for (let k = 0; k < weights.length; k++) {
    acc += weights[k]!;
    if (u < acc) return k;
  }
  return plan.experiments - 1;
}

/** Run `index`'s hyperparameters, tags and size; run 0 (in experiment 0) holds the one NaN. */
export function planRun(plan: SeedPlan, index: number): PlannedRun {
  const rand = mulberry32(0x5eed + index * 7919);
  const base = Math.floor(plan.points / plan.runs);
  const points = base + (index < plan.points % plan.runs ? 1 : 0);
  const epochs = Math.max(1, Math.min(5 + Math.floor(rand() * 16), Math.floor(points / 8)));
  const learningRate = Number((10 ** (-5 + 4 * rand())).toPrecision(3));
  const seed = Math.floor(rand() * 100_000);
  const config = classifierConfigSchema.parse({
    family: 'classifier',
    name: `clf-${index}`,
    dataset: { id: 'mnist', trainSize: 60_000 },
    architecture: { template: rand() < 0.7 ? 'mlp' : 'lenet' },
    hyper: { epochs, batchSize: pick(rand, BATCH_SIZES), optimizer: pick(rand, OPTIMIZERS), learningRate, seed },
  });
  const tags = TAGS.filter((t, k) => rand() < [0.05, 0.4, 0.1, 0.02, 0.03][k]!);
  return { index, experiment: experimentOf(plan, index), config, tags, points, epochs, startedAt: BASE_TIME + index * 60_000, hasNaN: index === 0 };
}

/**
 * The run's points in the order training logs them: `loss` every step (noisy,
 * decreasing towards a floor set by how far the learning rate is from 1e-3,
 * with an occasional ×4 spike), and at each epoch's end `accuracy`,
 * `val_accuracy` and `test_accuracy` at step = epoch (the catalogue's epoch metrics).
 */
export function runPoints(run: PlannedRun): MetricPoint[] {
  const rand = mulberry32(0xda7a + run.index * 104_729);
  const lossSteps = run.points - 3 * run.epochs;
  const perEpoch = lossSteps / run.epochs;
  const off = Math.abs(Math.log10(run.config.hyper.learningRate) + 3);
  const floor = 0.04 + 0.35 * off;
  const tau = lossSteps / 4;
  const spikeAt = rand() < 0.3 ? 1 + Math.floor(rand() * lossSteps) : -1;
  const nanAt = run.hasNaN ? Math.max(1, Math.floor(lossSteps / 2)) : -1;
  const accFinal = Math.min(0.995, 0.99 - 0.12 * off + 0.01 * gauss(rand));
  const out: MetricPoint[] = [];
  let epoch = 1;
  for (let step = 1; step <= lossSteps; step++) {
    const clean = floor + (2.3 - floor) * Math.exp(-step / tau);
    let value = Math.max(1e-4, clean * (1 + 0.08 * gauss(rand)));
    if (step === spikeAt) value *= 4;
    if (step === nanAt) value = Number.NaN;
    out.push({ key: 'loss', step, value, wallTime: run.startedAt + step * STEP_MS });
    while (epoch <= run.epochs && step >= Math.round(epoch * perEpoch)) {
      const wallTime = run.startedAt + step * STEP_MS;
      const acc = accFinal - (accFinal - 0.1) * Math.exp(-epoch / 1.5);
      const noisy = (d: number): number => Math.min(1, Math.max(0, acc - d + 0.004 * gauss(rand)));
      out.push({ key: 'accuracy', step: epoch, value: noisy(-0.005), wallTime });
      out.push({ key: 'val_accuracy', step: epoch, value: noisy(0.01), wallTime });
      out.push({ key: 'test_accuracy', step: epoch, value: noisy(0.012), wallTime });
      epoch++;
    }
  }
  return out;
}

function* batches(points: readonly MetricPoint[]): Generator<readonly MetricPoint[]> {
  for (let i = 0; i < points.length; i += INGEST_BATCH) yield points.slice(i, i + INGEST_BATCH);
}

export interface SeededRun {
  id: number;
  experimentId: number;
  index: number;
}

/** The experiments and runs (status done, with tags), no points yet; created_at follows each run's start. */
export function createRuns(file: string, plan: SeedPlan): SeededRun[] {
  let clock = BASE_TIME;
  const store = openStore(file, { appVersion: 'bench', now: () => clock });
  try {
    const experimentIds = Array.from({ length: plan.experiments }, (_, k) =>
      store.createExperiment(`sweep-${String(k + 1).padStart(2, '0')}`, `Benchmark experiment ${k + 1} (classifier sweep)`).id);
    const graphs = { mlp: classifierTemplate('mlp', [28, 28, 1], 10), lenet: classifierTemplate('lenet', [28, 28, 1], 10) };
    const out: SeededRun[] = [];
    for (let i = 0; i < plan.runs; i++) {
      const run = planRun(plan, i);
      clock = run.startedAt;
      const arch = 'template' in run.config.architecture ? run.config.architecture.template : 'mlp';
      const created = store.createRun({
        experimentId: experimentIds[run.experiment]!,
        name: `clf-${arch}-${run.config.hyper.optimizer}-lr${run.config.hyper.learningRate}-s${run.config.hyper.seed}`,
        family: 'classifier',
        config: run.config,
        architecture: arch === 'lenet' ? graphs.lenet : graphs.mlp,
        seed: run.config.hyper.seed,
        datasetId: 'mnist',
        datasetHash: 'sha256:bench',
        appVersion: 'bench',
        params: flattenParams(run.config),
      });
      store.markRunStarted(created.id, 'wasm', run.startedAt);
      store.setRunStatus(created.id, 'done', null, run.startedAt + run.points * STEP_MS);
      if (run.tags.length) store.setRunTags(created.id, run.tags);
      out.push({ id: created.id, experimentId: created.experimentId, index: i });
    }
    return out;
  } finally {
    store.close();
  }
}

export interface IngestResult {
  points: number;
  batches: number;
  /** Time inside the write calls only. */
  seconds: number;
  nanRunId: number;
}

/** Every run's points, batch by batch, through `write`; only the time inside `write` counts. */
function timedIngest(plan: SeedPlan, runs: readonly SeededRun[], progress: (done: number) => void, write: (runId: number, batch: readonly MetricPoint[], batchNumber: number) => void): IngestResult {
  let ns = 0n;
  let points = 0;
  let count = 0;
  for (const r of runs) {
    const all = runPoints(planRun(plan, r.index));
    for (const b of batches(all)) {
      const t0 = process.hrtime.bigint();
      write(r.id, b, ++count);
      ns += process.hrtime.bigint() - t0;
    }
    points += all.length;
    progress(points);
  }
  return { points, batches: count, seconds: Number(ns) / 1e9, nanRunId: runs[0]?.id ?? 0 };
}

/** Every run's points through store.appendMetrics (points and summaries, one transaction a batch). */
export function ingestWithSummaries(file: string, plan: SeedPlan, runs: readonly SeededRun[], progress: (done: number) => void): IngestResult {
  const store: Store = openStore(file, { appVersion: 'bench' });
  try {
    const result = timedIngest(plan, runs, progress, (runId, batch) => store.appendMetrics(runId, batch));
    store.checkpointWal();
    return result;
  } finally {
    store.close();
  }
}

/**
 * The same points into `metrics` only: the INSERT appendMetrics runs, one
 * transaction a batch, the same periodic WAL checkpoint (every 200 batches),
 * no latest_metrics upsert.
 */
export function ingestWithoutSummaries(file: string, plan: SeedPlan, runs: readonly SeededRun[], progress: (done: number) => void): IngestResult {
  const db = new Database(file);
  configureConnection(db);
  const insert = db.prepare<[number, string, number, number, number]>('INSERT INTO metrics (run_id, key, step, value, wall_time) VALUES (?, ?, ?, ?, ?)');
  try {
    const result = timedIngest(plan, runs, progress, (runId, batch, n) => {
      db.transaction(() => {
        for (const p of batch) insert.run(runId, p.key, p.step, p.value, p.wallTime);
      }).immediate();
      if (n % 200 === 0) checkpoint(db, false);
    });
    checkpoint(db, true);
    return result;
  } finally {
    db.close();
  }
}

/** A consistent copy of a closed store's file (its WAL was checkpointed away on close). */
export function copyDatabase(from: string, to: string): void {
  copyFileSync(from, to);
}

/** The database's size on disk in MB (its WAL included, if one is left). */
export function databaseMb(file: string): number {
  const wal = `${file}-wal`;
  const bytes = statSync(file).size + (existsSync(wal) ? statSync(wal).size : 0);
  return bytes / 2 ** 20;
}
