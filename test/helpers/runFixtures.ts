/**
 * Run summaries and metric summaries for tests, so a field added to
 * RunSummary or RunMetricSummary is added here once, not in every test that
 * builds one. The defaults are a plain finished classifier run and a metric
 * with one finite point; a test passes, as overrides, the values it is about.
 */
import type { RunMetricSummary, RunSummary } from '../../main/common/domain';

/** A finished classifier run (id 1 unless given; named r<id>) with no params, metrics, tags or annotations. */
export function runSummary(overrides: Partial<RunSummary> = {}): RunSummary {
  const id = overrides.id ?? 1;
  return {
    id, experimentId: 1, name: `r${id}`, family: 'classifier', status: 'done', error: null, backend: 'wasm', seed: 1, datasetId: 'mnist',
    createdAt: 1, startedAt: 1, endedAt: 2, params: {}, latest: {}, best: {}, chosenBy: null, progress: null, tags: [], notes: '',
    starred: false, archived: false, originRunId: null, architectureRef: { id: null, version: null, name: 'mlp' },
    ...overrides,
  };
}

/** A metric's summary from one finite point, 1 at step 1, unless overridden. */
export function metricSummary(overrides: Partial<RunMetricSummary> = {}): RunMetricSummary {
  return {
    last: 1, lastStep: 1, best: 1, min: 1, max: 1, count: 1, nonFinite: 0, minStep: 1, maxStep: 1, selectedBy: null,
    ...overrides,
  };
}
