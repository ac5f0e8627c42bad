import { describe, expect, it } from 'vitest';
import type { ArtifactInfo } from '../../../main/common/domain';
import type { ToyScatterData } from '../../../workers/common/gallery';
import {
  heatmapCells, indexForStep, modesCoveredText, parseToyScatter, plotExtent, plotLayout, surfaceCoord, surfaceLegend, surfaceRange,
  toyDensityOption, toyIndex, toyScatterArtifacts,
} from '../../../renderer/families/gan/toyDensity';

let nextId = 1;
function art(kind: string, step: number): ArtifactInfo {
  const id = nextId++;
  return { id, runId: 1, kind, step, meta: {}, createdAt: 1000 + id, mime: kind === 'toy-scatter' ? 'application/json' : 'image/png' };
}

/** A 3×2 surface over [-3, 3] × [-3, 3], values[j·nx + i] at (x_i, y_j). */
function doc(over: Partial<ToyScatterData> = {}, surface: Partial<ToyScatterData['surface']> = {}): ToyScatterData {
  return {
    toy: 'ring8',
    centres: [[2, 0], [0, 2], [-2, 0], [0, -2]],
    sigma: 0.02,
    generated: [[1.9, 0.1], [0.1, 1.95]],
    real: [[2, 0.01], [-2, 0], [0, -2.02]],
    surface: { xMin: -3, xMax: 3, yMin: -3, yMax: 3, nx: 3, ny: 2, values: [0.1, 0.2, 0.3, 0.4, 0.5, 0.9], kind: 'probability', ...surface },
    modesCovered: 2,
    modeDistance: 0.0312,
    perMode: [1, 1, 0, 0],
    ...over,
  };
}

const theme = { text: '#555', axis: '#999', fg: '#111', tooltipBg: '#fff', fontFamily: 'sans-serif', dark: false };

describe('toy-scatter artifacts by step', () => {
  it('keeps the toy-scatter kind only, in step order', () => {
    const list = toyScatterArtifacts([art('toy-scatter', 50), art('samples', 10), art('toy-scatter', 0), art('checkpoint', 100), art('toy-scatter', 25)]);
    expect(list.map((a) => a.step)).toEqual([0, 25, 50]);
    expect(list.every((a) => a.kind === 'toy-scatter')).toBe(true);
  });

  it('shows the last artifact logged at or before a step', () => {
    const list = [{ step: 0 }, { step: 25 }, { step: 50 }, { step: 100 }];
    expect(indexForStep(list, 0)).toBe(0);
    expect(indexForStep(list, 25)).toBe(1);
    expect(indexForStep(list, 49)).toBe(1);
    expect(indexForStep(list, 1000)).toBe(3);
    expect(indexForStep(list, -5)).toBe(0);
    expect(indexForStep([], 10)).toBe(-1);
  });

  it('follows the newest unless a step was chosen, and keeps the chosen step when new ones arrive', () => {
    const list = [{ step: 0 }, { step: 25 }, { step: 50 }];
    expect(toyIndex(list, null, true)).toBe(2);
    expect(toyIndex(list, 25, false)).toBe(1);
    expect(toyIndex([...list, { step: 75 }], 25, false)).toBe(1);
    expect(toyIndex([...list, { step: 75 }], 50, true)).toBe(3);
    expect(toyIndex([], null, true)).toBe(-1);
  });
});

describe('checking a toy-scatter document', () => {
  it('accepts what the GAN worker writes', () => {
    const d = doc();
    expect(parseToyScatter(JSON.parse(JSON.stringify(d)))).toEqual(d);
  });

  it('drops undrawable points and empties non-finite surface cells', () => {
    const raw = JSON.parse(JSON.stringify(doc())) as Record<string, unknown>;
    raw['generated'] = [[1, 2], [null, 1], 'x', [3]];
    (raw['surface'] as Record<string, unknown>)['values'] = [0.1, null, 0.3, 0.4, 0.5, 0.9];
    const d = parseToyScatter(raw);
    expect(d.generated).toEqual([[1, 2]]);
    expect(Number.isNaN(d.surface.values[1])).toBe(true);
    expect(heatmapCells(d.surface)[1]).toEqual([1, 0, '-']);
  });

  it('refuses documents whose surface cannot be drawn, saying why', () => {
    expect(() => parseToyScatter(null)).toThrow(/not an object/);
    expect(() => parseToyScatter({ ...doc(), surface: undefined })).toThrow(/no decision surface/);
    expect(() => parseToyScatter(doc({}, { values: [1, 2, 3] }))).toThrow(/3 values for a 3×2 grid/);
    expect(() => parseToyScatter(doc({}, { xMax: -4 }))).toThrow(/bounds/);
    expect(() => parseToyScatter(doc({}, { kind: 'logit' as 'score' }))).toThrow(/Unknown decision surface kind "logit"/);
  });
});

describe('the decision surface', () => {
  it('uses a fixed [0, 1] scale for a probability, the data range for raw scores', () => {
    expect(surfaceRange({ kind: 'probability', values: [0.2, 0.3] })).toEqual([0, 1]);
    expect(surfaceRange({ kind: 'critic', values: [-4, 2.5, Number.NaN, 1] })).toEqual([-4, 2.5]);
    expect(surfaceRange({ kind: 'score', values: [0.5, 0.5] })).toEqual([0, 1]);
    expect(surfaceRange({ kind: 'score', values: [Number.NaN] })).toEqual([0, 1]);
    expect(surfaceLegend('probability').title).toContain('P(real)');
    expect(surfaceLegend('critic').title).toContain('critic');
    expect(surfaceLegend('score').title).toContain('LSGAN');
  });

  it('lays the row-major values out as heatmap cells, i along x and j along y', () => {
    const cells = heatmapCells(doc().surface);
    expect(cells).toHaveLength(6);
    expect(cells[0]).toEqual([0, 0, 0.1]);
    expect(cells[2]).toEqual([2, 0, 0.3]);
    expect(cells[3]).toEqual([0, 1, 0.4]);
    expect(cells[5]).toEqual([2, 1, 0.9]);
    expect(surfaceCoord(-3, 3, 3, 1)).toBe(0);
    expect(surfaceCoord(-3, 3, 2, 1)).toBe(3);
  });

  it('extends the value axes by half a cell so points line up with the cells\' centres', () => {
    expect(plotExtent(doc().surface)).toEqual({ xMin: -4.5, xMax: 4.5, yMin: -6, yMax: 6 });
  });
});

describe('the chart option', () => {
  interface Series { id: string; type: string; data: unknown[]; xAxisIndex: number; yAxisIndex: number; symbolSize?: number }
  interface Option {
    series: Series[];
    visualMap: { min: number; max: number; seriesIndex: number; text: string[] };
    xAxis: { type: string; data?: string[]; min?: number; max?: number }[];
    yAxis: { type: string; data?: string[]; min?: number; max?: number }[];
    grid: { left: number; top: number; width: number; height: number };
  }

  it('draws the surface as a heatmap on category axes and the points on value axes over the same square grid', () => {
    const o = toyDensityOption(doc(), 700, 520, theme) as unknown as Option;
    expect(o.series.map((s) => [s.id, s.type])).toEqual([['surface', 'heatmap'], ['real', 'scatter'], ['generated', 'scatter'], ['centres', 'scatter']]);
    const [surface, real, generated, centres] = o.series;
    expect(surface).toMatchObject({ xAxisIndex: 0, yAxisIndex: 0 });
    expect(surface!.data).toHaveLength(6);
    expect(real).toMatchObject({ xAxisIndex: 1, yAxisIndex: 1, data: doc().real });
    expect(generated!.data).toEqual(doc().generated);
    expect(centres!.data).toEqual(doc().centres);
    expect(o.xAxis[0]).toMatchObject({ type: 'category' });
    expect(o.xAxis[0]!.data).toHaveLength(3);
    expect(o.yAxis[0]!.data).toHaveLength(2);
    expect(o.xAxis[1]).toMatchObject({ type: 'value', min: -4.5, max: 4.5 });
    expect(o.yAxis[1]).toMatchObject({ type: 'value', min: -6, max: 6 });
    expect(o.grid.width).toBe(o.grid.height);
    expect(o.grid.top + o.grid.height).toBeLessThanOrEqual(520);
    expect(o.grid.left + o.grid.width).toBeLessThanOrEqual(700);
  });

  it('maps colours over [0, 1] for a probability and over the values for a critic', () => {
    const p = toyDensityOption(doc(), 700, 520, theme) as unknown as Option;
    expect(p.visualMap).toMatchObject({ min: 0, max: 1, seriesIndex: 0 });
    expect(p.visualMap.text).toEqual(['1 real', '0 fake']);
    const c = toyDensityOption(doc({}, { kind: 'critic', values: [-2, -1, 0, 1, 2, 3.5] }), 700, 520, theme) as unknown as Option;
    expect(c.visualMap).toMatchObject({ min: -2, max: 3.5 });
    expect(c.visualMap.text[0]).toContain('3.5');
  });

  it('keeps the plot square in wide and tall boxes', () => {
    const wide = plotLayout(1200, 500);
    expect(wide.side).toBe(500 - 34 - 40);
    expect(wide.left).toBeGreaterThan(46);
    const tall = plotLayout(400, 900);
    expect(tall.side).toBe(400 - 46 - 112);
    expect(plotLayout(10, 10).side).toBe(80);
  });

  it('says how many modes are covered', () => {
    expect(modesCoveredText(doc())).toBe('2 / 4 modes');
  });
});
