/**
 * What a compare chart draws: a line per run (smoothed over raw), or a mean
 * line per group with a band from two runs up; and log axes leaving out (and
 * counting) the points they cannot show.
 */
import { describe, expect, it } from 'vitest';
import { runColor, type CompareLine } from '../../../renderer/lib/compare';
import { drawnLines, forLogAxes } from '../../../renderer/lib/compareChart';

function line(runId: number, raw: [number, number][], smoothed: [number, number][] | null = null): CompareLine {
  return { runId, key: 'loss', raw, smoothed, nonFinite: 0, total: raw.length };
}

const names = { 1: 'a', 2: 'b', 3: 'c' };

describe('drawn lines', () => {
  it('draws each run\'s smoothed line over its raw one when ungrouped', () => {
    const d = drawnLines([line(1, [[0, 2]], [[0, 1]]), line(2, [[0, 3]])], null, 'minmax', names);
    expect(d.map((l) => [l.id, l.name, l.main, l.faint, l.band])).toEqual([
      ['run:1', 'a', [[0, 1]], [[0, 2]], null],
      ['run:2', 'b', [[0, 3]], null, null],
    ]);
    expect(d[1]!.color).toBe(runColor(2));
  });

  it('draws a group as the mean of its runs\' smoothed lines, with a band from two runs and n in the name', () => {
    const groups = [{ key: 'g1', label: 'lr 0.1', runIds: [1, 2] }, { key: 'g2', label: 'lr 0.2', runIds: [3] }, { key: 'g3', label: 'empty', runIds: [9] }];
    const d = drawnLines([line(1, [[0, 9]], [[0, 2]]), line(2, [[0, 4]]), line(3, [[0, 5]])], groups, 'minmax', names);
    expect(d.map((l) => l.name)).toEqual(['lr 0.1 (n = 2)', 'lr 0.2 (n = 1)']);
    expect(d[0]!.main).toEqual([[0, 3]]);
    expect(d[0]!.band).toEqual({ lower: [[0, 2]], upper: [[0, 4]] });
    expect(d[0]!.color).toBe(runColor(1));
    expect(d[1]!.band).toBeNull();
  });
});

describe('log axes', () => {
  const drawn = drawnLines([line(1, [[0, 1], [1, -2], [2, 0], [3, 4]])], null, 'minmax', names);

  it('leaves non-positive y out of a log y axis as gaps, counting them', () => {
    const { lines, omitted } = forLogAxes(drawn, false, true);
    expect(omitted).toBe(2);
    expect(lines[0]!.main).toEqual([[0, 1], [1, Number.NaN], [2, Number.NaN], [3, 4]]);
  });

  it('drops points at x ≤ 0 from a log x axis, bands alike', () => {
    const grouped = drawnLines([line(1, [[0, 1], [1, 2]]), line(2, [[0, 3], [1, 4]])], [{ key: 'g', label: 'g', runIds: [1, 2] }], 'minmax', names);
    const { lines, omitted } = forLogAxes(grouped, true, false);
    expect(omitted).toBe(1);
    expect(lines[0]!.main).toEqual([[1, 3]]);
    expect(lines[0]!.band).toEqual({ lower: [[1, 2]], upper: [[1, 4]] });
  });

  it('changes nothing on linear axes', () => {
    expect(forLogAxes(drawn, false, false)).toEqual({ lines: drawn, omitted: 0 });
  });
});
