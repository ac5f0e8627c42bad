/**
 * The compare view's pure logic: a colour per run, the selection as a URL
 * query, the metric keys to offer and pre-select, and chart lines built from runs.compareSeries' wire format (non-finite
 * values decoded, optional relative time, debiased or time-weighted EMA smoothing).
 */
import { decodeWireNumber, type CompareSeries, type RunMetricSummaries } from '../../main/common/domain';
import { emaDebiased, emaTimeWeighted } from '../../main/common/series';
import { familyDescriptors, isFamily } from '../../workers/common/families/registry';

/** The golden angle: consecutive ids land far apart on the colour wheel and never repeat exactly. */
const GOLDEN_ANGLE = 137.50776405;

/** A run's hue in degrees, from its id alone, so it is the same in every chart, view and reload. */
export function runHue(id: number): number {
  return (((id * GOLDEN_ANGLE) % 360) + 360) % 360;
}

/**
 * A run's colour. The lightness alternates with the id's parity, so even two
 * runs whose hues come out close (ids far apart) differ in brightness; the
 * mid lightness reads on both the light and the dark theme.
 */
export function runColor(id: number): string {
  const lightness = id % 2 === 0 ? 42 : 55;
  return `hsl(${runHue(id).toFixed(1)}, 68%, ${lightness}%)`;
}

/** Run ids from the `runs` query value ("3,1,2"): positive integers, first occurrence kept, in the URL's order. */
export function parseRunIds(query: unknown): number[] {
  const text = Array.isArray(query) ? query.join(',') : typeof query === 'string' ? query : '';
  const ids: number[] = [];
  for (const part of text.split(',')) {
    const t = part.trim();
    if (!/^\d+$/.test(t)) continue;
    const id = Number(t);
    if (id >= 1 && Number.isSafeInteger(id) && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** Tags from the editor's comma-separated text: trimmed, empty ones dropped, first occurrence kept. */
export function parseTagsText(text: string): string[] {
  const tags: string[] = [];
  for (const part of text.split(',')) {
    const t = part.trim();
    if (t && !tags.includes(t)) tags.push(t);
  }
  return tags;
}

/** Every metric key any of the runs has a summary of, sorted. */
export function metricKeysOf(summaries: readonly RunMetricSummaries[]): string[] {
  const keys = new Set<string>();
  for (const s of summaries) for (const k of Object.keys(s.metrics)) keys.add(k);
  return [...keys].sort();
}

/**
 * The metrics a compare view opens with: for each family among the runs, its
 * catalogue's first per-step metric (the batch loss) and its headline metrics,
 * in that order, kept only where some run has the key.
 */
export function defaultCompareKeys(families: readonly string[], available: readonly string[]): string[] {
  const have = new Set(available);
  const keys: string[] = [];
  const add = (k: string | undefined) => { if (k !== undefined && have.has(k) && !keys.includes(k)) keys.push(k); };
  for (const f of new Set(families)) {
    if (!isFamily(f)) continue;
    const d = familyDescriptors[f];
    add(d.metrics.find((m) => m.x === 'step')?.key);
    for (const h of d.headline) add(h.key);
  }
  return keys;
}

/**
 * What the compare chart's x axis shows: the step, the epoch (a step metric's
 * steps placed by the run's epoch ends, on the server: main/common/series/epochAxis.ts),
 * the wall clock, or seconds since the run's first point.
 */
export type CompareX = 'step' | 'epoch' | 'wall' | 'relative';

/** The axis runs.compareSeries is asked for: relative time is wall time less each run's first point, done here. */
export function serverAxis(x: CompareX): 'step' | 'epoch' | 'wall' {
  return x === 'relative' ? 'wall' : x;
}

/** One run's line of one metric, ready for the chart: [x, y] pairs, non-finite y as NaN (a gap). */
export interface CompareLine {
  runId: number;
  key: string;
  raw: [number, number][];
  /** `raw` smoothed (debiased or time-weighted EMA) at the same x, or null when smoothing is off. */
  smoothed: [number, number][] | null;
  /** Non-finite values among the points (NaN, ±Infinity), which the chart leaves as gaps. */
  nonFinite: number;
  /** Points of the run's whole series before downsampling. */
  total: number;
}

/**
 * The half-life, in units of x, that the time-weighted EMA uses for the
 * slider's weight w on these x: g / log2(1/w), where g is the mean x gap
 * between the points ((last − first) / (points − 1)). On evenly spaced points
 * that makes each step's decay exactly w, so both kinds draw the same curve
 * there; on uneven ones the decay follows the x distance instead. 0 (no
 * smoothing) when w is 0 or there are fewer than two distinct x.
 */
export function timeWeightedHalfLife(xs: readonly number[], weight: number): number {
  const first = xs[0];
  const last = xs[xs.length - 1];
  if (!(weight > 0) || first === undefined || last === undefined || !(last > first)) return 0;
  const gap = (last - first) / (xs.length - 1);
  return gap / Math.log2(1 / weight);
}

/**
 * Chart lines from runs.compareSeries' answer (fetched with x = 'wall' for
 * 'relative'): the wire's 'NaN'/'Inf' decoded, relative x in seconds from the
 * series' first point, and each series smoothed on its own with emaDebiased,
 * or with emaTimeWeighted at timeWeightedHalfLife's half-life (both pass
 * non-finite values through, so a NaN stays a NaN at its x).
 *
 * @param smoothing the EMA weight in [0, 1); 0 leaves `smoothed` null.
 */
export function compareLines(series: readonly CompareSeries[], x: CompareX, smoothing: number, kind: 'ema' | 'time-weighted' = 'ema'): CompareLine[] {
  return series.map((s) => {
    const ys = s.ys.map(decodeWireNumber);
    const x0 = s.xs[0] ?? 0;
    const xs = x === 'relative' ? s.xs.map((v) => (v - x0) / 1000) : s.xs;
    const pair = (values: readonly number[]): [number, number][] =>
      xs.map((xv, i) => [xv, Number.isFinite(values[i]) ? values[i]! : Number.NaN]);
    const nonFinite = ys.reduce((n, v) => (Number.isFinite(v) ? n : n + 1), 0);
    const smooth = (): number[] => (kind === 'ema' ? emaDebiased(ys, smoothing) : emaTimeWeighted(xs, ys, timeWeightedHalfLife(xs, smoothing)));
    return {
      runId: s.runId,
      key: s.key,
      raw: pair(ys),
      smoothed: smoothing > 0 ? pair(smooth()) : null,
      nonFinite,
      total: s.total,
    };
  });
}

/** The compare query's smoothing value: a number in [0, 0.99], else 0. */
export function parseSmoothing(query: unknown): number {
  const v = typeof query === 'string' ? Number(query) : Number.NaN;
  return Number.isFinite(v) && v >= 0 ? Math.min(v, 0.99) : 0;
}

/** The compare query's x axis, 'step' unless it names another. */
export function parseCompareX(query: unknown): CompareX {
  return query === 'wall' || query === 'relative' || query === 'epoch' ? query : 'step';
}
