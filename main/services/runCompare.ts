/**
 * The compare view's reads over many runs at once: metric summaries with
 * each metric's best by its family's direction, test metrics read where
 * validation chose (runs.summaries), and the
 * runs' series cut to a range and min/max-downsampled for drawing
 * (runs.compareSeries). Both read only what the store keeps for them: the
 * summaries come from latest_metrics, never from the points.
 */
import type { Store } from '../../db/storeTypes';
import { ApiError } from '../common/api';
import {
  encodeWireNumber, type CompareAxis, type CompareSeries, type MetricSeries, type MetricSummary, type RunMetricSummaries, type RunMetricSummary,
} from '../common/domain';
import { bestMode } from '../common/runFilter';
import { downsampleMinMax, sliceRange } from '../common/series';
import { epochKnots, stepToEpoch, type EpochKnot } from '../common/series/epochAxis';
import { CHECKPOINT_KIND, isFamily, metricSpec, selectingChoice } from '../../workers/common/families/registry';
import { chosenOnValidation, type ChosenOnValidation } from './validationChoice';

/** Each id once, in the order first given. */
function unique(ids: readonly number[]): number[] {
  return [...new Set(ids)];
}

/** The families of the runs, refusing the whole request when one does not exist (naming every missing id). */
function familiesOf(store: Store, ids: readonly number[]): Map<number, string> {
  const families = store.runFamilies(ids);
  const missing = ids.filter((id) => !families.has(id));
  if (missing.length > 0) {
    throw new ApiError('not-found', missing.length === 1 ? `Run ${missing[0]!} does not exist` : `Runs ${missing.join(', ')} do not exist`);
  }
  return families;
}

function finiteOrNull(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}

/**
 * A stored summary as the wire carries it, with `best` by the family's
 * direction for the key, or, for a test metric the run's validation metric
 * chose, its value at the chosen step.
 */
export function wireSummary(family: string, key: string, m: MetricSummary, chosen?: ChosenOnValidation): RunMetricSummary {
  const last = finiteOrNull(m.last);
  if (chosen && Object.hasOwn(chosen.values, key) && selectingChoice(family, key)) {
    return { ...m, last, best: finiteOrNull(chosen.values[key] ?? null), selectedBy: { key: chosen.key, step: chosen.step } };
  }
  const mode = bestMode(family, key);
  return { ...m, last, best: mode === 'max' ? m.max : mode === 'min' ? m.min : last, selectedBy: null };
}

/**
 * Each run's summaries (of `keys` only, when given), in request order: one
 * query for the families and one for the summaries, whatever the number of runs.
 */
export function metricSummaries(store: Store, runIds: readonly number[], keys?: readonly string[]): RunMetricSummaries[] {
  const ids = unique(runIds);
  const families = familiesOf(store, ids);
  const stored = store.metricSummaries(ids, keys);
  const chosen = chosenOnValidation(store, ids.map((id) => ({ id, family: families.get(id) ?? '' })));
  return ids.map((runId) => {
    const family = families.get(runId) ?? '';
    const metrics: Record<string, RunMetricSummary> = {};
    for (const [key, m] of Object.entries(stored.get(runId) ?? {})) metrics[key] = wireSummary(family, key, m, chosen.get(runId));
    return { runId, metrics };
  });
}

export interface CompareSeriesRequest {
  ids: readonly number[];
  keys: readonly string[];
  x: CompareAxis;
  buckets: number;
  range?: { min: number; max: number } | undefined;
}

/**
 * A series' points in wall-time order. Series come in step order, in which
 * wall time rises too, except after a resume from an earlier checkpoint that
 * stopped before overwriting every later step: then the points are sorted by
 * time (ties by step), as the downsampler needs its x ascending.
 */
function byWallTime(s: MetricSeries): { xs: number[]; ys: number[] } {
  const sorted = s.wallTimes.every((t, i) => i === 0 || t >= (s.wallTimes[i - 1] ?? t));
  if (sorted) return { xs: s.wallTimes, ys: s.values };
  const order = s.wallTimes.map((_, i) => i).sort((a, b) => (s.wallTimes[a] ?? 0) - (s.wallTimes[b] ?? 0) || (s.steps[a] ?? 0) - (s.steps[b] ?? 0));
  return { xs: order.map((i) => s.wallTimes[i] ?? 0), ys: order.map((i) => s.values[i] ?? Number.NaN) };
}

/**
 * A series' x on the epoch axis: an epoch metric (its family catalogue's x)
 * is logged at step = epoch already; a step metric's steps become epochs
 * through the run's checkpoints (epochAxis.ts). Null when the run has no
 * epoch end recorded yet, so the series cannot be placed.
 */
function byEpoch(s: MetricSeries, family: string, knots: readonly EpochKnot[]): { xs: number[]; ys: number[] } | null {
  if (isFamily(family) && metricSpec(family, s.key)?.x === 'epoch') return { xs: s.steps, ys: s.values };
  const xs: number[] = [];
  for (const step of s.steps) {
    const e = stepToEpoch(step, knots);
    if (e === null) return null;
    xs.push(e);
  }
  return { xs, ys: s.values };
}

/** The run's epoch ends, from its checkpoint artifacts' meta ({epoch, step}). */
function runEpochKnots(store: Store, runId: number): EpochKnot[] {
  const found: EpochKnot[] = [];
  for (const a of store.listArtifacts(runId, CHECKPOINT_KIND)) {
    const epoch = a.meta['epoch'];
    const step = a.meta['step'];
    if (typeof epoch === 'number') found.push({ epoch, step: typeof step === 'number' ? step : a.step });
  }
  return epochKnots(found);
}

function drawable(runId: number, s: MetricSeries, all: { xs: number[]; ys: number[] }, req: CompareSeriesRequest): CompareSeries {
  const window = req.range ? sliceRange(all.xs, all.ys, req.range.min, req.range.max) : all;
  const picked = downsampleMinMax(window.xs, window.ys, req.buckets);
  return { runId, key: s.key, xs: picked.xs, ys: picked.ys.map(encodeWireNumber), total: s.steps.length };
}

/**
 * The runs' series of the keys, one entry per run and key with points stored
 * (runs in request order, keys sorted); a range holding none of a series'
 * points gives it empty xs and ys, its total still counted. Points are read with one query per run
 * (getMetrics with the keys); the compare benchmark may ask for one bulk
 * query over all the runs instead. On the epoch axis a run whose first
 * epoch has not ended leaves its step metrics out (nothing says how many
 * steps an epoch has yet).
 */
export function compareSeries(store: Store, req: CompareSeriesRequest): CompareSeries[] {
  const ids = unique(req.ids);
  const families = familiesOf(store, ids);
  const out: CompareSeries[] = [];
  for (const runId of ids) {
    const knots = req.x === 'epoch' ? runEpochKnots(store, runId) : [];
    for (const s of store.getMetrics(runId, req.keys)) {
      if (s.steps.length === 0) continue;
      const all = req.x === 'step' ? { xs: s.steps, ys: s.values } : req.x === 'wall' ? byWallTime(s) : byEpoch(s, families.get(runId) ?? '', knots);
      if (all !== null) out.push(drawable(runId, s, all, req));
    }
  }
  return out;
}
