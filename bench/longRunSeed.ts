/**
 * One long run for the run page's benchmark (issue 17's "a 200k-point run opens
 * in 2.3 s sending 8.3 MB of JSON"): a classifier run in its own experiment
 * (so the seeded experiments' sizes stay as planned) with `steps` loss points,
 * one a step, decreasing with noise and a ×5 spike at step 123,457 (or the
 * middle step of a shorter run), plus test_accuracy once every 10,000 steps.
 * Created once per data folder: a run named `long-<steps>` is reused.
 */
import { openStore } from '../db';
import { flattenParams } from '../main/services/runService';
import type { MetricPoint } from '../workers/common/protocol';
import { mulberry32 } from '../workers/engine/prng';
import { INGEST_BATCH } from './compareSeed';

const BASE_TIME = 1_750_000_000_000;
const STEP_MS = 5;

function longRunPoints(steps: number): MetricPoint[] {
  const rand = mulberry32(17);
  const spike = steps > 123_457 ? 123_457 : Math.ceil(steps / 2);
  const points: MetricPoint[] = [];
  for (let step = 1; step <= steps; step++) {
    const loss = 0.05 + 2.3 * Math.exp(-step / (steps / 8)) + 0.05 * rand();
    points.push({ key: 'loss', step, value: step === spike ? 5 * loss : loss, wallTime: BASE_TIME + step * STEP_MS });
    if (step % 10_000 === 0) points.push({ key: 'test_accuracy', step: step / 10_000, value: 0.9 + 0.09 * (1 - Math.exp(-step / steps)), wallTime: BASE_TIME + step * STEP_MS });
  }
  return points;
}

/** The long run's id, creating it (with a copy of `templateRunId`'s config and architecture) when the folder has none. */
export function ensureLongRun(file: string, templateRunId: number, steps: number): number {
  const name = `long-${steps}`;
  const store = openStore(file, { appVersion: 'bench', now: () => BASE_TIME });
  try {
    const existing = store.listRunSummaries({}).find((r) => r.name === name);
    if (existing) return existing.id;
    const template = store.getRun(templateRunId);
    const config = template?.config;
    if (!template || config?.family !== 'classifier') throw new Error(`run ${templateRunId} has no readable classifier config to copy`);
    const experimentId = store.createExperiment(`long run (${steps} steps)`, 'Benchmark: one long run for the run page').id;
    const run = store.createRun({
      experimentId, name, family: 'classifier', config, architecture: template.architecture, seed: template.seed,
      datasetId: template.datasetId, datasetHash: template.datasetHash, appVersion: 'bench', params: flattenParams(config),
    });
    store.markRunStarted(run.id, 'wasm', BASE_TIME);
    const points = longRunPoints(steps);
    for (let i = 0; i < points.length; i += INGEST_BATCH) store.appendMetrics(run.id, points.slice(i, i + INGEST_BATCH));
    store.setRunStatus(run.id, 'done', null, BASE_TIME + steps * STEP_MS);
    return run.id;
  } finally {
    store.close();
  }
}
