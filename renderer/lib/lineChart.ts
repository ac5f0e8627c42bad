/**
 * The pure part of the one line chart (components/LineChart.vue) that the run
 * page and the compare view share: a stable colour per metric key, a run's
 * metric series turned into drawn lines (smoothed over the faint raw line),
 * the x axis's name and the labelled tooltip text ("step 120 / loss: 0.2345",
 * never a bare number). The compare view's own lines (a colour per run,
 * groups, bands) come from compareChart.ts in the same DrawnLine shape.
 */
import { emaDebiased } from '../../main/common/series/smoothing';
import type { CompareX } from './compare';
import type { DrawnLine } from './compareChart';

/** The golden angle: keys whose hashes are neighbours land far apart on the colour wheel. */
const GOLDEN_ANGLE = 137.50776405;

/** A string's 32-bit FNV-1a hash: the same key gives the same number in every chart, page and reload. */
function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * A metric's colour from its key alone, so `loss` is the same colour in every
 * chart of the page (and of every run page), whichever chart draws it with
 * which others.
 */
export function metricColor(key: string): string {
  const h = hashKey(key);
  const hue = ((h % 360) * GOLDEN_ANGLE) % 360;
  const lightness = h % 2 === 0 ? 42 : 52;
  return `hsl(${hue.toFixed(1)}, 68%, ${lightness}%)`;
}

/** One metric of one run as the run page holds it: parallel x and value columns. */
export interface MetricLineInput {
  key: string;
  label: string;
  xs: readonly number[];
  values: readonly number[];
}

/**
 * A run's metrics as drawn lines: each in its metric's colour, non-finite
 * values as NaN (a gap); with `smoothing` > 0 the debiased EMA (the compare
 * view's) is the main line and the raw points are drawn faint under it.
 */
export function metricLines(inputs: readonly MetricLineInput[], smoothing: number): DrawnLine[] {
  return inputs.map((s) => {
    const n = Math.min(s.xs.length, s.values.length);
    const pair = (ys: ArrayLike<number>): [number, number][] => {
      const out: [number, number][] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = [s.xs[i]!, Number.isFinite(ys[i]) ? ys[i]! : Number.NaN];
      return out;
    };
    const raw = pair(s.values);
    const smooth = smoothing > 0 ? pair(emaDebiased(s.values.slice(0, n), smoothing)) : null;
    return { id: `metric:${s.key}`, name: s.label, color: metricColor(s.key), runIds: [], main: smooth ?? raw, faint: smooth ? raw : null, band: null };
  });
}

/** A chart value as text: percent metrics in %, tiny values in exponent form, else four significant digits. */
export function formatChartValue(v: number, percent: boolean): string {
  if (!Number.isFinite(v)) return String(v);
  if (percent) return `${(v * 100).toFixed(2)}%`;
  return Math.abs(v) >= 1e-3 || v === 0 ? String(Number(v.toPrecision(4))) : v.toExponential(2);
}

/** What the x axis is called: a step axis says what its steps count (an epoch metric's steps are epochs). */
export function xAxisName(x: CompareX, stepName: string): string {
  if (x === 'wall') return 'wall time';
  if (x === 'relative') return 'seconds since the run’s first point';
  if (x === 'epoch') return 'epoch';
  return stepName;
}

/** An x value as the tooltip's first line says it ("step 120", "epoch 2.5", "14.2 s"); `formatTime` for wall clock values. */
export function formatX(v: number, x: CompareX, stepName: string, formatTime: (ms: number) => string): string {
  if (x === 'wall') return formatTime(v);
  if (x === 'relative') return `${Number(v.toPrecision(4))} s`;
  if (x === 'epoch') return `epoch ${Number(v.toPrecision(4))}`;
  return `${stepName} ${v}`;
}

/** One line's value at the hovered x. */
export interface TooltipRow {
  name: string;
  y: number;
}

/**
 * The axis tooltip's text: the x (as `formatX` says it), then each line's
 * name and value, highest first (NaN last), with "(smoothed)" after the
 * values when smoothing is on, so a quoted value is never mistaken for a raw
 * one. Empty when no line has a value there.
 */
export function tooltipText(xText: string, rows: readonly TooltipRow[], percent: boolean, smoothed: boolean): string {
  if (rows.length === 0) return '';
  const sorted = [...rows].sort((a, b) => (Number.isNaN(b.y) ? -1 : Number.isNaN(a.y) ? 1 : b.y - a.y));
  const suffix = smoothed ? ' (smoothed)' : '';
  return [xText, ...sorted.map((r) => `${r.name}: ${formatChartValue(r.y, percent)}${suffix}`)].join('\n');
}
