/**
 * Grouping in the compare view: which runs form a group (by seed, by a key,
 * not at all), the default, and a group's mean line and band against values
 * computed by hand — runs of different lengths, a NaN in one run, several
 * points at one x.
 */
import { describe, expect, it } from 'vitest';
import { defaultGroupBy, groupableKeys, groupLine, groupRuns, type GroupableRun } from '../../../renderer/lib/compareGroups';

function run(id: number, learningRate: number, seed: number, extra: Record<string, number | string> = {}): GroupableRun {
  return { id, name: `r${id}`, family: 'classifier', seed, params: { learningRate, seed, epochs: 1, ...extra } };
}

describe('grouping runs', () => {
  const runs = [run(1, 0.01, 11), run(2, 0.003, 12), run(3, 0.01, 14), run(4, 0.001, 13)];

  it('by seed puts together runs equal in everything but the seed, in first-run order', () => {
    const groups = groupRuns(runs, { kind: 'seed' });
    expect(groups.map((g) => g.runIds)).toEqual([[1, 3], [2], [4]]);
    expect(groups[0]!.label).toBe('r1 · seeds 11, 14');
    expect(groups[1]!.label).toBe('r2');
  });

  it('by seed keeps runs of different families or other differing keys apart', () => {
    const other = { ...run(5, 0.01, 15), family: 'vae' };
    const wider = run(6, 0.01, 16, { batchSize: 64 });
    expect(groupRuns([runs[0]!, other, wider], { kind: 'seed' }).map((g) => g.runIds)).toEqual([[1], [5], [6]]);
  });

  it('by a key groups by its value, a run without the key in a group of its own', () => {
    const groups = groupRuns([...runs, run(5, 0.003, 15, { dropout: 0.5 })], { kind: 'param', key: 'dropout' });
    expect(groups.map((g) => g.runIds)).toEqual([[1, 2, 3, 4], [5]]);
    expect(groups.map((g) => g.label)).toEqual(['dropout = —', 'dropout = 0.5']);
    expect(groupRuns(runs, { kind: 'param', key: 'learningRate' }).map((g) => [g.label, g.runIds])).toEqual([
      ['learningRate = 0.01', [1, 3]], ['learningRate = 0.003', [2]], ['learningRate = 0.001', [4]],
    ]);
  });

  it('tells 1 from "1" when grouping by a key', () => {
    const a = { ...run(1, 0.1, 1), params: { k: 1 } };
    const b = { ...run(2, 0.1, 2), params: { k: '1' } };
    expect(groupRuns([a, b], { kind: 'param', key: 'k' })).toHaveLength(2);
  });

  it('none gives every run its own group', () => {
    expect(groupRuns(runs, { kind: 'none' }).map((g) => g.runIds)).toEqual([[1], [2], [3], [4]]);
  });

  it('opens grouped by seed only when that puts two runs together', () => {
    expect(defaultGroupBy(runs)).toEqual({ kind: 'seed' });
    expect(defaultGroupBy([runs[0]!, runs[1]!, runs[3]!])).toEqual({ kind: 'none' });
  });

  it('offers every hyperparameter key, sorted', () => {
    expect(groupableKeys([run(1, 0.1, 1, { dropout: 0.5 }), run(2, 0.1, 2)])).toEqual(['dropout', 'epochs', 'learningRate', 'seed']);
  });
});

describe('a group\'s line', () => {
  // A spans x 0–4; B spans 1–3 and is NaN at 2.
  const a: [number, number][] = [[0, 2], [2, 4], [4, 6]];
  const b: [number, number][] = [[1, 1], [2, Number.NaN], [3, 3]];

  it('averages the runs on the union of their x, interpolating each, skipping a run outside its data or at its NaN', () => {
    const g = groupLine([a, b], 'minmax');
    // x=0: A alone (B starts at 1). x=1: A interpolated 3, B 1. x=2: B is NaN, A alone. x=3: A 5, B 3. x=4: A alone.
    expect(g.mean).toEqual([[0, 2], [1, 2], [2, 4], [3, 4], [4, 6]]);
    expect(g.counts).toEqual([1, 2, 1, 2, 1]);
    expect(g.lower).toEqual([[0, 2], [1, 1], [2, 4], [3, 3], [4, 6]]);
    expect(g.upper).toEqual([[0, 2], [1, 3], [2, 4], [3, 5], [4, 6]]);
  });

  it('gives mean ± the population standard deviation as the std band (zero width for one run)', () => {
    const g = groupLine([a, b], 'std');
    // x=1: values 3 and 1, mean 2, sd 1. x=3: 5 and 3, mean 4, sd 1.
    expect(g.lower).toEqual([[0, 2], [1, 1], [2, 4], [3, 3], [4, 6]]);
    expect(g.upper).toEqual([[0, 2], [1, 3], [2, 4], [3, 5], [4, 6]]);
    const three = groupLine([[[0, 1]], [[0, 2]], [[0, 6]]], 'std');
    // mean 3; squared deviations 4, 1, 9; variance 14/3.
    expect(three.mean).toEqual([[0, 3]]);
    expect(three.lower[0]![1]).toBeCloseTo(3 - Math.sqrt(14 / 3), 12);
    expect(three.upper[0]![1]).toBeCloseTo(3 + Math.sqrt(14 / 3), 12);
  });

  it('does not interpolate across a NaN: between the NaN and its neighbours the run drops out', () => {
    const c: [number, number][] = [[1.5, 10], [2.5, 20]];
    const g = groupLine([b, c], 'minmax');
    // Grid 1, 1.5, 2, 2.5, 3. B at 1.5 and 2.5 sits next to its NaN at 2: only C counts there.
    expect(g.mean).toEqual([[1, 1], [1.5, 10], [2, 15], [2.5, 20], [3, 3]]);
    expect(g.counts).toEqual([1, 1, 1, 1, 1]);
  });

  it('leaves a gap where no run has a value', () => {
    const g = groupLine([[[0, 1], [1, Number.NaN]], [[1, Number.NaN]]], 'minmax');
    expect(g.counts).toEqual([1, 0]);
    expect(Number.isNaN(g.mean[1]![1])).toBe(true);
    expect(Number.isNaN(g.lower[1]![1])).toBe(true);
    expect(Number.isNaN(g.upper[1]![1])).toBe(true);
  });

  it('takes the mean of several points at one x (a downsampled bucket)', () => {
    const g = groupLine([[[0, 1], [0, 3], [1, 5]], [[0, 4], [1, 6]]], 'minmax');
    expect(g.mean).toEqual([[0, 3], [1, 5.5]]);
    expect(g.lower).toEqual([[0, 2], [1, 5]]);
  });

  it('is empty for no lines', () => {
    expect(groupLine([], 'std')).toEqual({ mean: [], lower: [], upper: [], counts: [] });
  });
});
