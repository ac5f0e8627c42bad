/** Shared fixtures for the db tests: temp folders and a representative run. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../../../db/sqlite';
import type { NewRun } from '../../../db/storeTypes';
import type { MetricSummary } from '../../../main/common/domain';
import type { GraphDocument, ModelDocument } from '../../../workers/common/graph';
import type { RunConfig } from '../../../workers/common/runConfig';

const made: string[] = [];

export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-db-'));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export const sourceMigrationsDir = path.join(__dirname, '..', '..', '..', 'db', 'migrations');

export function sampleGraph(name = 'mlp', units = 10): GraphDocument {
  return {
    format: 'latent-graph',
    version: 1,
    name,
    nodes: [
      { id: 'in', kind: 'input', params: { shape: [28, 28, 1] } },
      { id: 'flat', kind: 'flatten', params: {} },
      { id: 'out', kind: 'dense', params: { units, activation: 'softmax' } },
    ],
    edges: [
      { from: 'in', to: 'flat', toPort: 0 },
      { from: 'flat', to: 'out', toPort: 0 },
    ],
  };
}

/** A small model document with a family's parts (encoder/decoder, or generator/discriminator for 'gan'). */
export function sampleModel(name = 'model', family: 'autoencoder' | 'vae' | 'gan' = 'vae'): ModelDocument {
  const [a, b] = family === 'gan' ? ['generator', 'discriminator'] : ['encoder', 'decoder'];
  return { format: 'latent-model', version: 1, name, parts: { [a]: sampleGraph(`${name} ${a}`, 4), [b]: sampleGraph(`${name} ${b}`, 1) } };
}

export function sampleConfig(learningRate = 0.001): RunConfig {
  return {
    family: 'classifier',
    name: 'sample',
    dataset: { id: 'mnist', trainSize: 1000 },
    architecture: { template: 'mlp' },
    hyper: { epochs: 2, batchSize: 64, optimizer: 'adam', learningRate, momentum: 0.9, validationSplit: 0.1, seed: 7, parallelReplicas: 1 },
  };
}

export function sampleRun(experimentId: number, overrides: Partial<NewRun> = {}): NewRun {
  return {
    experimentId,
    name: 'mlp-adam',
    family: 'classifier',
    config: sampleConfig(),
    architecture: sampleGraph(),
    seed: 7,
    datasetId: 'mnist',
    datasetHash: 'sha256:abc',
    appVersion: '0.1.0-test',
    params: { learningRate: 0.001, optimizer: 'adam', shuffle: true, epochs: 2 },
    ...overrides,
  };
}

/** A copy of the first `count` real migrations (plus any extra files) in a fresh folder. */
export function migrationsDirWith(count: number, extra: Record<string, string> = {}): string {
  const dir = tempDir();
  const files = fs.readdirSync(sourceMigrationsDir).filter((f) => f.endsWith('.sql')).sort().slice(0, count);
  for (const f of files) fs.copyFileSync(path.join(sourceMigrationsDir, f), path.join(dir, f));
  for (const [name, sql] of Object.entries(extra)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}

export function backupsOf(file: string): string[] {
  const base = path.basename(file);
  return fs.readdirSync(path.dirname(file))
    .filter((f) => f.startsWith(`${base}.backup-v`))
    .map((f) => path.join(path.dirname(file), f));
}

/** A summary as latest_metrics holds it since 0005: MetricSummary without 0007's steps, plus the wall-time span (not exposed by the store). */
export type StoredSummary = Omit<MetricSummary, 'minStep' | 'maxStep'> & { firstWallTime: number; lastWallTime: number };

/**
 * What the store should summarise for these points, written in this order,
 * computed in plain TypeScript (independently of the SQL): last is the highest
 * step, ties going to the later point; min and max over finite values; every
 * point counted, NaN and ±Infinity also as non-finite.
 */
export function expectedSummaries(points: readonly { key: string; step: number; value: number; wallTime: number }[]): Record<string, StoredSummary> {
  const out: Record<string, StoredSummary> = {};
  for (const p of points) {
    const finite = Number.isFinite(p.value);
    const s = out[p.key];
    if (!s) {
      out[p.key] = {
        last: p.value, lastStep: p.step, min: finite ? p.value : null, max: finite ? p.value : null,
        count: 1, nonFinite: finite ? 0 : 1, firstWallTime: p.wallTime, lastWallTime: p.wallTime,
      };
      continue;
    }
    if (p.step >= s.lastStep) {
      s.last = p.value;
      s.lastStep = p.step;
    }
    if (finite) {
      s.min = s.min === null ? p.value : Math.min(s.min, p.value);
      s.max = s.max === null ? p.value : Math.max(s.max, p.value);
    }
    s.count++;
    if (!finite) s.nonFinite++;
    s.firstWallTime = Math.min(s.firstWallTime, p.wallTime);
    s.lastWallTime = Math.max(s.lastWallTime, p.wallTime);
  }
  return out;
}

/** Where each key's finite min and max were first reached (the lowest step holding that value), computed plainly. */
function extremeSteps(points: readonly { key: string; step: number; value: number }[], key: string, min: number | null, max: number | null): { minStep: number | null; maxStep: number | null } {
  const at = (v: number | null): number | null => {
    const steps = v === null ? [] : points.filter((p) => p.key === key && p.value === v).map((p) => p.step);
    return steps.length === 0 ? null : Math.min(...steps);
  };
  return { minStep: at(min), maxStep: at(max) };
}

/** What Store.metricSummaries returns for these points: the summaries without the wall-time span, with 0007's steps of the extremes. */
export function expectedStoreSummaries(points: readonly { key: string; step: number; value: number; wallTime: number }[]): Record<string, MetricSummary> {
  return Object.fromEntries(Object.entries(expectedSummaries(points)).map(([key, { firstWallTime: _f, lastWallTime: _l, ...rest }]) => [
    key, { ...rest, ...extremeSteps(points, key, rest.min, rest.max) },
  ]));
}

/**
 * Deterministic points with the shapes the summaries must survive: a noisy
 * falling loss with a spike, NaN and ±Infinity points, and steps written twice
 * (a resumed run). `seed` varies the values.
 */
export function awkwardPoints(seed: number, steps: number): { key: 'loss' | 'accuracy'; step: number; value: number; wallTime: number }[] {
  let state = seed;
  const noise = (): number => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const points: { key: 'loss' | 'accuracy'; step: number; value: number; wallTime: number }[] = [];
  for (let step = 1; step <= steps; step++) {
    let loss = 2 / step + noise() * 0.1;
    if (step === 7) loss = 50;
    if (step === 11) loss = Number.NaN;
    if (step === 13) loss = Number.POSITIVE_INFINITY;
    if (step === 17) loss = Number.NEGATIVE_INFINITY;
    points.push({ key: 'loss', step, value: loss, wallTime: 1_000 + step * 10 + seed });
    if (step % 5 === 0) points.push({ key: 'accuracy', step, value: 0.5 + step / (2 * steps), wallTime: 1_000 + step * 10 + seed });
  }
  // A resume from step steps-5: those steps are logged again, with other values and later wall times.
  for (let step = steps - 5; step <= steps; step++) {
    points.push({ key: 'loss', step, value: 1 / step + noise() * 0.01, wallTime: 1_000 + (steps + step) * 10 + seed });
  }
  return points;
}

interface SummaryRow {
  key: string;
  step: number;
  value: number | null;
  min_value: number | null;
  max_value: number | null;
  count: number;
  nonfinite_count: number;
  first_wall_time: number;
  last_wall_time: number;
}

/** A run's latest_metrics rows (schema 5) as StoredSummary by key, read with plain SQL. */
export function readStoredSummaries(db: Db, runId: number): Record<string, StoredSummary> {
  const rows = db.prepare<[number], SummaryRow>(
    'SELECT key, step, value, min_value, max_value, count, nonfinite_count, first_wall_time, last_wall_time FROM latest_metrics WHERE run_id = ?').all(runId);
  return Object.fromEntries(rows.map((r) => [r.key, {
    last: r.value ?? Number.NaN, lastStep: r.step, min: r.min_value, max: r.max_value, count: r.count,
    nonFinite: r.nonfinite_count, firstWallTime: r.first_wall_time, lastWallTime: r.last_wall_time,
  }]));
}
