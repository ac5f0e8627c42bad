/**
 * Grouping in the compare view: runs that are repeats of one configuration
 * (equal hyperparameters but the seed) or that share a chosen hyperparameter
 * are drawn as one line, the mean over the group's runs, with a band around it
 * (min–max or ± one standard deviation), so a sweep over seeds reads as one
 * result with its spread instead of a bundle of crossing lines.
 *
 * Pure: no DOM, no Vue; the view feeds it the runs and each run's (smoothed)
 * line of one metric.
 */
import type { ParamValue } from '../../main/common/domain';
import { runName } from '../../main/common/runColumns';

/** How runs are grouped: not at all, by everything but the seed, or by one hyperparameter's value. */
export type GroupBy = { kind: 'none' } | { kind: 'seed' } | { kind: 'param'; key: string };

/** The band drawn around a group's mean. */
export type BandKind = 'minmax' | 'std';

/** What grouping needs of a run. */
export interface GroupableRun {
  id: number;
  name: string;
  family: string;
  seed: number;
  params: Readonly<Record<string, ParamValue>>;
}

/** Runs drawn as one line: `runIds` in the runs' order; the group's colour is its first run's. */
export interface RunGroup {
  /** Stable identity within one grouping (the value or the configuration, as JSON). */
  key: string;
  label: string;
  runIds: number[];
}

/** The hyperparameter that holds the seed, left out when grouping "by seed". */
const SEED_KEY = 'seed';

/** A run's seed: its `seed` hyperparameter when it has one, else the run's own. */
function seedOf(run: GroupableRun): ParamValue {
  return Object.hasOwn(run.params, SEED_KEY) ? run.params[SEED_KEY]! : run.seed;
}

/** The configuration a seed group shares: family and every hyperparameter but the seed, keys sorted. */
function configKey(run: GroupableRun): string {
  const entries = Object.keys(run.params).filter((k) => k !== SEED_KEY).sort().map((k) => [k, run.params[k]]);
  return JSON.stringify([run.family, entries]);
}

/** Shows a value as the diff table does: numbers at up to 4 significant digits. */
function showValue(v: ParamValue | undefined): string {
  if (v === undefined) return '—';
  return typeof v === 'number' ? String(Number(v.toPrecision(4))) : String(v);
}

/**
 * The runs' groups, in the order of each group's first run. 'none' gives one
 * group per run. 'seed' puts runs together whose family and hyperparameters
 * other than the seed are all equal (labelled by the first run's name and the
 * seeds). A key groups by that hyperparameter's value (a run without the key
 * forms the group "—"; 1 and "1" are different values).
 */
export function groupRuns(runs: readonly GroupableRun[], by: GroupBy): RunGroup[] {
  const groups = new Map<string, { runs: GroupableRun[] }>();
  for (const run of runs) {
    const key = by.kind === 'none' ? `run:${run.id}`
      : by.kind === 'seed' ? configKey(run)
        : JSON.stringify(Object.hasOwn(run.params, by.key) ? [run.params[by.key]] : []);
    const g = groups.get(key);
    if (g) g.runs.push(run);
    else groups.set(key, { runs: [run] });
  }
  return [...groups].map(([key, g]) => {
    const first = g.runs[0]!;
    const label = by.kind === 'param' ? `${by.key} = ${showValue(first.params[by.key])}`
      : by.kind === 'seed' && g.runs.length > 1 ? `${runName(first)} · seeds ${g.runs.map((r) => showValue(seedOf(r))).join(', ')}`
        : runName(first);
    return { key, label, runIds: g.runs.map((r) => r.id) };
  });
}

/** The grouping a view opens with: by seed when that puts at least two runs together, else none. */
export function defaultGroupBy(runs: readonly GroupableRun[]): GroupBy {
  return groupRuns(runs, { kind: 'seed' }).some((g) => g.runIds.length >= 2) ? { kind: 'seed' } : { kind: 'none' };
}

/** The hyperparameter keys the group select offers: every key some run has, sorted. */
export function groupableKeys(runs: readonly { params: Readonly<Record<string, ParamValue>> }[]): string[] {
  const keys = new Set<string>();
  for (const r of runs) for (const k of Object.keys(r.params)) keys.add(k);
  return [...keys].sort();
}

/** A group's line of one metric: the mean and the band at each x of the grid, NaN where no run has a value. */
export interface GroupLine {
  mean: [number, number][];
  lower: [number, number][];
  upper: [number, number][];
  /** How many runs had a value at each x (0 where the line has a gap). */
  counts: number[];
}

/**
 * A run's value at x by linear interpolation between its own neighbouring
 * points, or undefined when x lies outside its points or either neighbour is
 * not finite (a NaN makes a hole in that run's contribution; the other runs
 * still count there). `line` is sorted by x; `from` is where to start looking.
 */
function valueAt(line: readonly (readonly [number, number])[], x: number, from: number): { value: number | undefined; next: number } {
  let i = from;
  while (i < line.length && line[i]![0] < x) i++;
  const right = line[i];
  if (right === undefined) return { value: undefined, next: i };
  if (right[0] === x) {
    // Several points at one x (a downsampled bucket's min and max): their finite mean.
    let sum = 0;
    let n = 0;
    for (let j = i; j < line.length && line[j]![0] === x; j++) {
      if (!Number.isFinite(line[j]![1])) return { value: undefined, next: i };
      sum += line[j]![1];
      n++;
    }
    return { value: sum / n, next: i };
  }
  const left = line[i - 1];
  if (left === undefined || !Number.isFinite(left[1]) || !Number.isFinite(right[1])) return { value: undefined, next: i };
  const t = (x - left[0]) / (right[0] - left[0]);
  return { value: left[1] + t * (right[1] - left[1]), next: i };
}

/**
 * One group's mean line and band from its runs' lines (each [x, y] sorted by
 * x, already smoothed; y NaN for a non-finite value). The grid is the sorted
 * union of the runs' x; at each x every run contributes its value there,
 * linearly interpolated between its neighbouring points, and a run contributes
 * nothing where it has no data on both sides (before its first or after its
 * last point, or next to a NaN). The mean is over the runs that contribute;
 * the band is their min and max, or the mean ± the population standard
 * deviation (so one run gives a band of zero width, not NaN). Where no run
 * contributes, every value is NaN: a gap.
 */
export function groupLine(lines: readonly (readonly (readonly [number, number])[])[], band: BandKind): GroupLine {
  const grid = [...new Set(lines.flatMap((l) => l.map((p) => p[0])).filter(Number.isFinite))].sort((a, b) => a - b);
  const cursors = lines.map(() => 0);
  const out: GroupLine = { mean: [], lower: [], upper: [], counts: [] };
  for (const x of grid) {
    const values: number[] = [];
    lines.forEach((line, r) => {
      const { value, next } = valueAt(line, x, cursors[r]!);
      cursors[r] = next;
      if (value !== undefined) values.push(value);
    });
    const n = values.length;
    const mean = n ? values.reduce((s, v) => s + v, 0) / n : Number.NaN;
    let lo = Number.NaN;
    let hi = Number.NaN;
    if (n && band === 'minmax') {
      lo = Math.min(...values);
      hi = Math.max(...values);
    } else if (n) {
      const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
      lo = mean - sd;
      hi = mean + sd;
    }
    out.mean.push([x, mean]);
    out.lower.push([x, lo]);
    out.upper.push([x, hi]);
    out.counts.push(n);
  }
  return out;
}
