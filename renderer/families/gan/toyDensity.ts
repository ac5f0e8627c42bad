/**
 * The GAN toy-density view's pure logic: which artifacts are 'toy-scatter'
 * documents and which one a step shows, checking a document, and turning it
 * into an ECharts option like GAN Lab's: the discriminator's values over the
 * data's box as a heatmap (continuous colour scale), real and generated points
 * on top, the mixture's centres marked. No Vue, no DOM.
 */
import { chartTooltip } from '../../lib/chartTooltip';
import type { EChartsCoreOption } from 'echarts/core';
import type { ArtifactInfo } from '../../../main/common/domain';
import type { ToyScatterData } from '../../../workers/common/gallery';
import { compareArtifacts } from '../../lib/gallery';

export const TOY_SCATTER_KIND = 'toy-scatter';

type SurfaceKind = ToyScatterData['surface']['kind'];

/** A run's toy-scatter artifacts, in step order. */
export function toyScatterArtifacts(artifacts: readonly ArtifactInfo[]): ArtifactInfo[] {
  return artifacts.filter((a) => a.kind === TOY_SCATTER_KIND).sort(compareArtifacts);
}

/**
 * Index of the artifact to show for `step` in a step-ordered list: the last
 * one logged at or before it (the first one for a step before them all);
 * -1 for an empty list.
 */
export function indexForStep(list: readonly Pick<ArtifactInfo, 'step'>[], step: number): number {
  if (list.length === 0) return -1;
  let best = 0;
  for (let i = 0; i < list.length; i++) if (list[i]!.step <= step) best = i;
  return best;
}

/**
 * Where the slider stands: the newest artifact when following (or nothing
 * is chosen yet), else the one for the chosen step.
 */
export function toyIndex(list: readonly Pick<ArtifactInfo, 'step'>[], chosenStep: number | null, follow: boolean): number {
  if (list.length === 0) return -1;
  return follow || chosenStep === null ? list.length - 1 : indexForStep(list, chosenStep);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Pairs of finite numbers; anything else is dropped (a diverged generator's NaN point is not drawable). */
function pointList(v: unknown): [number, number][] {
  if (!Array.isArray(v)) return [];
  const out: [number, number][] = [];
  for (const p of v as unknown[]) {
    if (Array.isArray(p) && isFiniteNumber(p[0]) && isFiniteNumber(p[1])) out.push([p[0], p[1]]);
  }
  return out;
}

/**
 * Check a 'toy-scatter' document. Throws with a readable message when its
 * surface cannot be drawn; non-finite surface values become NaN (cells left
 * empty), non-finite points are dropped.
 */
export function parseToyScatter(raw: unknown): ToyScatterData {
  if (!isRecord(raw)) throw new Error('The toy scatter data is not an object');
  const s = raw['surface'];
  if (!isRecord(s)) throw new Error('The toy scatter data has no decision surface');
  const { xMin, xMax, yMin, yMax, nx, ny, values, kind } = s;
  if (!isFiniteNumber(xMin) || !isFiniteNumber(xMax) || !isFiniteNumber(yMin) || !isFiniteNumber(yMax) || !(xMax > xMin) || !(yMax > yMin)) {
    throw new Error('The decision surface has no valid bounds');
  }
  if (!Number.isInteger(nx) || !Number.isInteger(ny) || (nx as number) < 2 || (ny as number) < 2) throw new Error('The decision surface grid must be at least 2×2');
  if (!Array.isArray(values) || values.length !== (nx as number) * (ny as number)) {
    throw new Error(`The decision surface has ${Array.isArray(values) ? values.length : 0} values for a ${String(nx)}×${String(ny)} grid`);
  }
  if (kind !== 'probability' && kind !== 'score' && kind !== 'critic') throw new Error(`Unknown decision surface kind "${String(kind)}"`);
  const centres = pointList(raw['centres']);
  const perMode = Array.isArray(raw['perMode']) ? (raw['perMode'] as unknown[]).map((v) => (isFiniteNumber(v) ? v : 0)) : [];
  return {
    toy: typeof raw['toy'] === 'string' ? raw['toy'] : '?',
    centres,
    sigma: isFiniteNumber(raw['sigma']) ? raw['sigma'] : 0,
    generated: pointList(raw['generated']),
    real: pointList(raw['real']),
    surface: {
      xMin, xMax, yMin, yMax, nx: nx as number, ny: ny as number, kind,
      values: (values as unknown[]).map((v) => (isFiniteNumber(v) ? v : Number.NaN)),
    },
    modesCovered: isFiniteNumber(raw['modesCovered']) ? raw['modesCovered'] : 0,
    modeDistance: isFiniteNumber(raw['modeDistance']) ? raw['modeDistance'] : Number.NaN,
    perMode,
  };
}

/** The colour scale's range: [0, 1] for a probability, else the finite values' range (widened when flat). */
export function surfaceRange(surface: Pick<ToyScatterData['surface'], 'kind' | 'values'>): [number, number] {
  if (surface.kind === 'probability') return [0, 1];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of surface.values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return [0, 1];
  if (hi - lo < 1e-9) {
    const pad = Math.max(0.5, Math.abs(lo) * 0.1);
    return [lo - pad, hi + pad];
  }
  return [lo, hi];
}

/** What the colour scale shows, for its legend. */
export function surfaceLegend(kind: SurfaceKind): { title: string; high: string; low: string } {
  switch (kind) {
    case 'probability':
      return { title: 'D(x) = P(real), σ of the discriminator', high: 'real', low: 'fake' };
    case 'score':
      return { title: 'D(x), the LSGAN discriminator\'s raw score', high: 'real-like', low: 'fake-like' };
    case 'critic':
      return { title: 'f(x), the WGAN critic\'s raw value', high: 'real-like', low: 'fake-like' };
  }
}

/** One grid point's x or y: the surface is sampled at n evenly spaced points from min to max, both included. */
export function surfaceCoord(min: number, max: number, n: number, i: number): number {
  return min + ((max - min) * i) / (n - 1);
}

/**
 * Heatmap cells [i, j, value] on the two category axes (i along x, j along y,
 * both from the minimum); NaN values become '-' (an empty cell).
 */
export function heatmapCells(surface: Pick<ToyScatterData['surface'], 'nx' | 'ny' | 'values'>): [number, number, number | '-'][] {
  const out: [number, number, number | '-'][] = [];
  for (let j = 0; j < surface.ny; j++) {
    for (let i = 0; i < surface.nx; i++) {
      const v = surface.values[j * surface.nx + i]!;
      out.push([i, j, Number.isFinite(v) ? v : '-']);
    }
  }
  return out;
}

/**
 * The value axes' extent: the heatmap's cells are centred on the grid points,
 * so the drawn area reaches half a cell beyond the first and last of them.
 */
export function plotExtent(surface: Pick<ToyScatterData['surface'], 'xMin' | 'xMax' | 'yMin' | 'yMax' | 'nx' | 'ny'>): { xMin: number; xMax: number; yMin: number; yMax: number } {
  const dx = (surface.xMax - surface.xMin) / (surface.nx - 1);
  const dy = (surface.yMax - surface.yMin) / (surface.ny - 1);
  return { xMin: surface.xMin - dx / 2, xMax: surface.xMax + dx / 2, yMin: surface.yMin - dy / 2, yMax: surface.yMax + dy / 2 };
}

export interface ToyChartTheme {
  text: string;
  axis: string;
  fg: string;
  tooltipBg: string;
  fontFamily: string;
  dark: boolean;
}

/** Colours of the view: the surface from fake-like (purple) to real-like (green), as in GAN Lab. */
export function toyColors(dark: boolean): { surface: string[]; real: string; generated: string; generatedBorder: string } {
  return dark
    ? { surface: ['#5b3a8c', '#2a2d33', '#2f6b45'], real: '#6ee7a0', generated: '#e3b6ff', generatedBorder: '#2a0f45' }
    : { surface: ['#b89be0', '#f5f5f5', '#8fd1a4'], real: '#0f6b31', generated: '#6a1fb0', generatedBorder: '#ffffff' };
}

export interface PlotLayout {
  left: number;
  top: number;
  /** The plot's side in pixels (it is square, so both axes have one scale when the box is square). */
  side: number;
}

const PAD = { left: 46, right: 112, top: 34, bottom: 40 };

/** A square plot area centred in a chart of the given size, with room for the axes, legend and colour scale. */
export function plotLayout(width: number, height: number): PlotLayout {
  const availW = Math.max(0, width - PAD.left - PAD.right);
  const availH = Math.max(0, height - PAD.top - PAD.bottom);
  const side = Math.max(80, Math.floor(Math.min(availW, availH)));
  return { left: PAD.left + Math.max(0, Math.floor((availW - side) / 2)), top: PAD.top, side };
}

const fmt = (v: number, digits = 3): string => String(Number(v.toPrecision(digits)));

/** The full chart option for one toy-scatter document drawn in a chart of `width` × `height` pixels. */
export function toyDensityOption(data: ToyScatterData, width: number, height: number, theme: ToyChartTheme): EChartsCoreOption {
  const s = data.surface;
  const ext = plotExtent(s);
  const layout = plotLayout(width, height);
  const [lo, hi] = surfaceRange(s);
  const legend = surfaceLegend(s.kind);
  const colors = toyColors(theme.dark);
  const pxPerUnit = layout.side / Math.max(ext.xMax - ext.xMin, ext.yMax - ext.yMin);
  // The centre marker's ring: the 3σ disc modes are counted in, where that is big enough to see.
  const centreSize = Math.max(12, Math.min(60, 6 * data.sigma * pxPerUnit));
  const axisText = { color: theme.text, fontSize: 11 };
  const valueAxis = (name: string, min: number, max: number, gap: number): Record<string, unknown> => ({
    type: 'value', name, nameLocation: 'middle', nameGap: gap, nameTextStyle: axisText,
    min, max, position: name === 'x' ? 'bottom' : 'left',
    axisLine: { show: true, lineStyle: { color: theme.axis } },
    axisTick: { lineStyle: { color: theme.axis } },
    axisLabel: { ...axisText, showMinLabel: false, showMaxLabel: false, formatter: (v: number) => fmt(v) },
    splitLine: { show: false },
  });
  const categoryAxis = (n: number): Record<string, unknown> => ({
    type: 'category', show: false, boundaryGap: true, data: Array.from({ length: n }, (_, i) => String(i)),
  });
  const grid = { left: layout.left, top: layout.top, width: layout.side, height: layout.side, containLabel: false };
  return {
    backgroundColor: 'transparent',
    animation: false,
    textStyle: { fontFamily: theme.fontFamily, color: theme.text },
    grid,
    legend: {
      top: 0, left: 'center', itemWidth: 10, itemHeight: 10, textStyle: { color: theme.text, fontSize: 11 },
      data: ['real', 'generated', 'centres'],
    },
    tooltip: {
      ...chartTooltip(theme, 'item'),
      formatter: (p: { seriesId?: string; seriesName?: string; value?: unknown }) => {
        const v = Array.isArray(p.value) ? (p.value as unknown[]) : [];
        if (p.seriesId === 'surface') {
          const i = Number(v[0]);
          const j = Number(v[1]);
          const x = surfaceCoord(s.xMin, s.xMax, s.nx, i);
          const y = surfaceCoord(s.yMin, s.yMax, s.ny, j);
          return `D at (${fmt(x)}, ${fmt(y)}): ${typeof v[2] === 'number' ? fmt(v[2], 4) : '—'}`;
        }
        return `${p.seriesName ?? ''} (${v.map((x) => (typeof x === 'number' ? x.toFixed(2) : '?')).join(', ')})`;
      },
    },
    xAxis: [categoryAxis(s.nx), valueAxis('x', ext.xMin, ext.xMax, 24)],
    yAxis: [categoryAxis(s.ny), valueAxis('y', ext.yMin, ext.yMax, 30)],
    visualMap: {
      type: 'continuous',
      seriesIndex: 0,
      min: lo,
      max: hi,
      precision: 2,
      calculable: false,
      realtime: false,
      orient: 'vertical',
      left: layout.left + layout.side + 20,
      top: layout.top + 22,
      itemWidth: 14,
      itemHeight: Math.max(60, layout.side - 80),
      text: [`${fmt(hi)} ${legend.high}`, `${fmt(lo)} ${legend.low}`],
      textGap: 6,
      textStyle: { color: theme.text, fontSize: 11 },
      inRange: { color: colors.surface },
    },
    series: [
      {
        id: 'surface', name: legend.title, type: 'heatmap', xAxisIndex: 0, yAxisIndex: 0,
        data: heatmapCells(s), progressive: 0, emphasis: { disabled: true }, silent: false,
      },
      {
        id: 'real', name: 'real', type: 'scatter', xAxisIndex: 1, yAxisIndex: 1,
        data: data.real, symbolSize: 4, itemStyle: { color: colors.real, opacity: 0.75 }, emphasis: { disabled: true }, z: 3,
      },
      {
        id: 'generated', name: 'generated', type: 'scatter', xAxisIndex: 1, yAxisIndex: 1,
        data: data.generated, symbolSize: 5, itemStyle: { color: colors.generated, borderColor: colors.generatedBorder, borderWidth: 0.5, opacity: 0.9 },
        emphasis: { disabled: true }, z: 4,
      },
      {
        id: 'centres', name: 'centres', type: 'scatter', xAxisIndex: 1, yAxisIndex: 1,
        data: data.centres, symbol: 'circle', symbolSize: centreSize,
        itemStyle: { color: 'transparent', borderColor: theme.fg, borderWidth: 1.5, borderType: 'dashed' },
        emphasis: { disabled: true }, z: 5,
      },
    ],
  };
}

/** "6 / 8 modes" for the panel; the centres count is the number of modes. */
export function modesCoveredText(data: Pick<ToyScatterData, 'modesCovered' | 'centres'>): string {
  return `${data.modesCovered} / ${data.centres.length} modes`;
}
