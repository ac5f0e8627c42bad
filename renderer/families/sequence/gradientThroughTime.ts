/**
 * The gradient-through-time panel's pure logic: checking a
 * 'gradient-through-time' document, the points of ‖∂L/∂h_t‖ against t for a
 * log axis (which cannot draw zero), the first-to-last ratio and its
 * plain-words reading, and the ECharts option. The x axis runs from T at the
 * left back to 1 at the right, so the picture reads as the gradient flowing
 * back through time. No Vue, no DOM.
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { GradientThroughTimeDocument } from '../../../workers/common/families/sequence/artifacts';
import { chartTooltip } from '../../lib/chartTooltip';
import type { axisStyle, chartTheme } from '../../lib/echarts';
import { isFiniteNumber, listField, numberField, record, stringField } from './sequenceArtifacts';

const WHAT = 'The gradient-through-time data';

function parseLayer(raw: unknown, i: number, length: number): GradientThroughTimeDocument['layers'][number] {
  const what = `Layer ${i + 1} of the gradient-through-time data`;
  const r = record(raw, what);
  const norms = listField(r, 'norms', what);
  if (norms.length !== length) throw new Error(`${what} has ${norms.length} norms for a sequence of length ${length}`);
  const id = stringField(r, 'id', what);
  // A non-finite norm (a diverged step, or null in JSON) is kept as NaN and drawn as a gap.
  return { id, label: typeof r['label'] === 'string' ? r['label'] : id, norms: norms.map((v) => (isFiniteNumber(v) ? v : Number.NaN)) };
}

/** Check a 'gradient-through-time' document; throws with a message naming what is wrong. */
export function parseGradientThroughTime(raw: unknown): GradientThroughTimeDocument {
  const r = record(raw, WHAT);
  const length = numberField(r, 'length', WHAT);
  if (!Number.isInteger(length) || length < 1) throw new Error(`${WHAT} has a sequence length of ${length}; it must be a whole number ≥ 1`);
  const layers = listField(r, 'layers', WHAT).map((l, i) => parseLayer(l, i, length));
  if (layers.length === 0) throw new Error(`${WHAT} has no recurrent layer`);
  return {
    step: numberField(r, 'step', WHAT),
    epoch: numberField(r, 'epoch', WHAT),
    loss: typeof r['loss'] === 'string' ? r['loss'] : '',
    length,
    layers,
    globalNorm: isFiniteNumber(r['globalNorm']) ? r['globalNorm'] : Number.NaN,
  };
}

/** The smallest positive finite norm over the given lists ÷ 10 (1e-12 when there is none): where a log axis draws a zero. */
export function logFloor(lists: readonly (readonly number[])[]): number {
  let min = Infinity;
  for (const list of lists) for (const v of list) if (Number.isFinite(v) && v > 0 && v < min) min = v;
  return min === Infinity ? 1e-12 : min / 10;
}

/** One point: [t, the value drawn, the value measured]. The measured value goes to the tooltip. */
export type GttPoint = [number, number | null, number];

/**
 * A layer's norms as points for a log axis: norms[t−1] at x = t. A zero (or
 * negative) norm is drawn at `floor` so the line reaches the bottom instead
 * of breaking the axis; a non-finite one is a gap (null).
 */
export function logAxisPoints(norms: readonly number[], floor: number): GttPoint[] {
  return norms.map((v, i) => [i + 1, !Number.isFinite(v) ? null : v > 0 ? v : floor, v]);
}

/** ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖; NaN when a norm is missing or the last one is zero. */
export function firstToLastRatio(norms: readonly number[]): number {
  const first = norms[0];
  const last = norms[norms.length - 1];
  if (first === undefined || last === undefined || !Number.isFinite(first) || !Number.isFinite(last) || last === 0) return Number.NaN;
  return first / last;
}

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** The power of ten nearest a positive number, written as 10 with a superscript exponent: 2.3e-5 → "10⁻⁵". */
export function powerOfTen(v: number): string {
  const e = Math.round(Math.log10(v));
  return `10${String(e).split('').map((c) => SUPERSCRIPT[c] ?? c).join('')}`;
}

/** How the ratio reads: below 1e-3 the gradient vanishes on its way back, above 1e3 it explodes, between it flows back. */
export function gradientReading(ratio: number): { verdict: 'vanishing' | 'exploding' | 'flows back' | 'unknown'; text: string } {
  if (!Number.isFinite(ratio) || ratio < 0) return { verdict: 'unknown', text: 'no reading: the last step\'s gradient is zero or a norm is missing' };
  if (ratio < 1e-3) {
    return { verdict: 'vanishing', text: `vanishing: the first steps receive ${ratio === 0 ? 'none' : powerOfTen(ratio)} of the last step's gradient` };
  }
  if (ratio > 1e3) return { verdict: 'exploding', text: `exploding: the first steps receive ${powerOfTen(ratio)} times the last step's gradient` };
  return { verdict: 'flows back', text: `flows back: the first step receives ${Number(ratio.toPrecision(2))}× the last step's gradient` };
}

/** "2.3e-5" or "0.42": a ratio spanning orders of magnitude, short. */
export function formatNorm(v: number): string {
  if (!Number.isFinite(v)) return '—';
  return v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4) ? v.toExponential(1) : String(Number(v.toPrecision(3)));
}

/** The shared theme colours and axis look (lib/echarts chartTheme and axisStyle, read by the component: this module touches no DOM). */
export interface GttStyle {
  theme: ReturnType<typeof chartTheme>;
  axis: ReturnType<typeof axisStyle>;
}

/**
 * The chart of one document: a line per recurrent layer against t (T at the
 * left, 1 at the right), log y. With `baseline` (the run's first logged
 * step), its first layer is drawn dashed and lighter for comparison.
 */
export function gttOption(doc: GradientThroughTimeDocument, baseline: GradientThroughTimeDocument | null, { theme, axis }: GttStyle): EChartsCoreOption {
  const baseLayer = baseline && baseline.step !== doc.step ? baseline.layers[0] : undefined;
  const base = baseline && baseLayer ? { step: baseline.step, label: baseLayer.label, norms: baseLayer.norms } : undefined;
  const floor = logFloor([...doc.layers.map((l) => l.norms), ...(base ? [base.norms] : [])]);
  const series: Record<string, unknown>[] = doc.layers.map((l, i) => ({
    id: `layer-${l.id}`, name: l.label, type: 'line', data: logAxisPoints(l.norms, floor), encode: { x: 0, y: 1 },
    showSymbol: doc.length <= 40, symbolSize: 4, connectNulls: false, emphasis: { disabled: true },
    lineStyle: { width: 2 }, color: theme.palette[i % theme.palette.length],
  }));
  if (base) {
    series.push({
      id: 'baseline', name: `${base.label} at step ${base.step}`, type: 'line', data: logAxisPoints(base.norms, floor), encode: { x: 0, y: 1 },
      showSymbol: false, connectNulls: false, emphasis: { disabled: true }, color: theme.palette[0], lineStyle: { width: 1.5, type: 'dashed', opacity: 0.45 },
    });
  }
  return {
    backgroundColor: 'transparent',
    animation: false,
    textStyle: { fontFamily: theme.fontFamily, color: theme.text },
    grid: { left: 60, right: 20, top: 30, bottom: 40 },
    legend: { top: 0, left: 'center', itemWidth: 14, itemHeight: 8, textStyle: { color: theme.text, fontSize: 11 } },
    tooltip: {
      ...chartTooltip(theme, 'axis'),
      formatter: (params: { seriesName?: string; value?: unknown }[]) => {
        const rows = Array.isArray(params) ? params : [params];
        const t = Array.isArray(rows[0]?.value) ? (rows[0]!.value as unknown[])[0] : '';
        return [`t = ${String(t)}`, ...rows.map((p) => {
          const measured = Array.isArray(p.value) ? Number((p.value as unknown[])[2]) : Number.NaN;
          return `${p.seriesName ?? ''}: ${formatNorm(measured)}`;
        })].join('\n');
      },
    },
    xAxis: {
      type: 'value', name: 'time step t', nameLocation: 'middle', nameGap: 24, min: 1, max: Math.max(2, doc.length), inverse: true, minInterval: 1,
      ...axis, splitLine: { show: false },
    },
    yAxis: {
      type: 'log', name: '‖∂L/∂hₜ‖', nameLocation: 'middle', nameGap: 46, logBase: 10, ...axis,
      axisLabel: { ...axis.axisLabel, formatter: (v: number) => formatNorm(v) },
    },
    series,
  };
}
