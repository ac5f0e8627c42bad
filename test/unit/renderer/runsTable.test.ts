import { describe, expect, it } from 'vitest';
import type { RunMetricSummary, RunSummary } from '../../../main/common/domain';
import { defaultRunsTableState, parseRunColumn, type RunColumn, type RunsTableState } from '../../../main/common/savedView';
import { compareColumnValues as compareCells } from '../../../main/common/runColumns';
import { cellValue, chooserColumns, columnLabel, formatCell, metricKeysOf, sortRuns, type CellContext } from '../../../renderer/lib/runsTable/columns';
import { groupRows, meanStd } from '../../../renderer/lib/runsTable/groups';
import { searchRuns } from '../../../renderer/lib/runsTable/search';
import { clickSelect, emptySelection } from '../../../renderer/lib/runsTable/selection';
import { defaultAllRunsTableState, moveColumn, moveColumnTo, readTableState, resizeColumn, setColumnShown, toggleSort } from '../../../renderer/lib/runsTable/tableState';
import { virtualWindow } from '../../../renderer/lib/runsTable/virtualWindow';
import { metricSummary, runSummary } from '../../helpers/runFixtures';

function run(id: number, more: Partial<RunSummary> = {}): RunSummary {
  return runSummary({ id, seed: id, createdAt: id, startedAt: 1000, endedAt: 1000 + id * 1000, ...more });
}

const summary = (last: number | null, min: number | null = last, max: number | null = last, best: number | null = last): RunMetricSummary =>
  metricSummary({ last, min, max, best, nonFinite: last === null ? 1 : 0 });

function ctx(metrics: Record<number, Record<string, RunMetricSummary>> = {}): CellContext {
  return { metrics: (id) => metrics[id], experimentName: (id) => (id === 1 ? 'sweep' : undefined), now: 5000 };
}

const col = (id: string): RunColumn => {
  const c = parseRunColumn(id);
  if (!c) throw new Error(`bad column ${id}`);
  return c;
};

describe('runs table columns', () => {
  it('reads attributes, params and metric summaries, null when absent', () => {
    const r = run(3, { params: { learningRate: 0.01 }, tags: ['a', 'b'], architectureRef: { id: 4, version: 2, name: 'wide' }, endedAt: null, experimentId: 9 });
    const c = ctx({ 3: { loss: summary(0.5, 0.2, 0.9, 0.2) } });
    expect(cellValue(r, col('params.learningRate'), c)).toBe(0.01);
    expect(cellValue(r, col('params.missing'), c)).toBeNull();
    expect(cellValue(r, col('metrics.loss.best'), c)).toBe(0.2);
    expect(cellValue(r, col('metrics.loss.max'), c)).toBe(0.9);
    expect(cellValue(r, col('metrics.acc.last'), c)).toBeNull();
    expect(cellValue(r, col('architecture'), c)).toBe('wide v2');
    expect(cellValue(r, col('tags'), c)).toBe('a, b');
    expect(cellValue(r, col('duration'), c)).toBe(4000);
    expect(cellValue(r, col('experiment'), c)).toBe('#9');
    expect(cellValue(run(1), col('experiment'), c)).toBe('sweep');
    expect(cellValue(run(1, { name: '' }), col('name'), c)).toBe('run 1');
  });

  it('labels and formats columns', () => {
    expect(columnLabel('params.batchSize')).toBe('batchSize');
    expect(columnLabel('metrics.val_accuracy.best')).toBe('val_accuracy (best)');
    expect(columnLabel('duration')).toBe('Duration');
    expect(formatCell(col('duration'), 61_000)).toBe('1m 01s');
    expect(formatCell(col('metrics.loss.last'), 0.123456)).toBe('0.1235');
    expect(formatCell(col('params.x'), null)).toBe('—');
  });

  it('puts null and NaN last in both directions', () => {
    const values = [3, null, Number.NaN, 1, 2];
    expect([...values].sort((a, b) => compareCells(a, b, 'asc')).slice(0, 3)).toEqual([1, 2, 3]);
    expect([...values].sort((a, b) => compareCells(a, b, 'desc')).slice(0, 3)).toEqual([3, 2, 1]);
    expect([...values].sort((a, b) => compareCells(a, b, 'desc')).slice(3).every((v) => v === null || Number.isNaN(v))).toBe(true);
    expect(compareCells('run 2', 'run 10', 'asc')).toBeLessThan(0);
    expect(compareCells(5, 'adam', 'asc')).toBeLessThan(0);
  });

  it('sorts runs stably by a column, reading summaries', () => {
    const runs = [run(1), run(2), run(3), run(4)];
    const c = ctx({ 1: { acc: summary(0.5) }, 2: { acc: summary(0.9) }, 4: { acc: summary(0.5) } });
    expect(sortRuns(runs, { column: 'metrics.acc.last', dir: 'desc' }, c).map((r) => r.id)).toEqual([2, 1, 4, 3]);
    expect(sortRuns(runs, { column: 'metrics.acc.last', dir: 'asc' }, c).map((r) => r.id)).toEqual([1, 4, 2, 3]);
    expect(sortRuns(runs, null, c).map((r) => r.id)).toEqual([1, 2, 3, 4]);
  });

  it('offers every attribute, param key and metric key × aggregate; and names the metric keys to fetch', () => {
    const cols = chooserColumns([run(1, { params: { lr: 1 }, latest: { loss: 1 } }), run(2, { params: { batch: 2 }, latest: { acc: 1 } })]);
    expect(cols.attributes).toContain('architecture');
    expect(cols.params).toEqual(['params.batch', 'params.lr']);
    expect(cols.metrics).toEqual(['metrics.acc.last', 'metrics.acc.best', 'metrics.acc.min', 'metrics.acc.max', 'metrics.loss.last', 'metrics.loss.best', 'metrics.loss.min', 'metrics.loss.max']);
    expect(metricKeysOf(['name', 'metrics.loss.min', 'metrics.loss.max', null, 'metrics.acc.best'])).toEqual(['acc', 'loss']);
  });
});

describe('runs table search', () => {
  it('matches name, tags, notes, family and param values, case-insensitively', () => {
    const runs = [run(1, { name: 'Baseline' }), run(2, { tags: ['keep'] }), run(3, { notes: 'Lower LR next' }), run(4, { params: { optimizer: 'adam' } }), run(5)];
    expect(searchRuns(runs, 'BASE').map((r) => r.id)).toEqual([1]);
    expect(searchRuns(runs, 'kee').map((r) => r.id)).toEqual([2]);
    expect(searchRuns(runs, 'lower lr').map((r) => r.id)).toEqual([3]);
    expect(searchRuns(runs, 'adam').map((r) => r.id)).toEqual([4]);
    expect(searchRuns(runs, 'classifier')).toHaveLength(5);
    expect(searchRuns(runs, '  ')).toHaveLength(5);
  });
});

describe('runs table grouping', () => {
  it('computes mean and population std of the finite values', () => {
    expect(meanStd([1, 3, null, Number.NaN])).toEqual({ mean: 2, std: 1, n: 2 });
    expect(meanStd([null])).toEqual({ mean: null, std: null, n: 0 });
  });

  it('groups by one param with count and mean ± std, missing values last, runs in their order', () => {
    const runs = [run(1, { params: { opt: 'sgd' } }), run(2, { params: { opt: 'adam' } }), run(3), run(4, { params: { opt: 'sgd' } })];
    const c = ctx({ 1: { acc: summary(0.5) }, 4: { acc: summary(0.7) }, 2: { acc: summary(0.9) } });
    const rows = groupRows(runs, ['params.opt'], 'metrics.acc.last', c);
    expect(rows.map((r) => (r.kind === 'group' ? `${String(r.value)}:${r.count}` : r.run.id))).toEqual(['adam:1', 2, 'sgd:2', 1, 4, 'null:1', 3]);
    const sgd = rows[2];
    expect(sgd?.kind === 'group' && sgd.mean).toBeCloseTo(0.6);
    expect(sgd?.kind === 'group' && sgd.std).toBeCloseTo(0.1);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
  });

  it('nests a second key, and without keys lists the runs', () => {
    const runs = [run(1, { params: { a: 1, b: 'x' } }), run(2, { params: { a: 1, b: 'y' } }), run(3, { params: { a: 2, b: 'x' } })];
    const rows = groupRows(runs, ['params.a', 'params.b'], null, ctx());
    expect(rows.map((r) => `${r.depth}:${r.kind === 'group' ? String(r.value) : r.run.id}`)).toEqual(['0:1', '1:x', '2:1', '1:y', '2:2', '0:2', '1:x', '2:3']);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
    expect(groupRows(runs, [], null, ctx()).map((r) => r.kind)).toEqual(['run', 'run', 'run']);
  });
});

describe('runs table selection', () => {
  const shown = [10, 11, 12, 13, 14];
  it('toggles on a plain or ctrl click, and shift selects the range from the anchor', () => {
    let s = clickSelect(emptySelection(), 11, shown, { shift: false, toggle: false });
    expect([...s.ids]).toEqual([11]);
    s = clickSelect(s, 14, shown, { shift: true, toggle: false });
    expect([...s.ids].sort()).toEqual([11, 12, 13, 14]);
    s = clickSelect(s, 12, shown, { shift: false, toggle: true });
    expect([...s.ids].sort()).toEqual([11, 13, 14]);
    expect(s.anchor).toBe(12);
    s = clickSelect(s, 10, shown, { shift: true, toggle: false });
    expect([...s.ids].sort()).toEqual([10, 11, 12, 13, 14]);
  });
  it('treats shift without an anchor as a toggle', () => {
    expect([...clickSelect(emptySelection(), 13, shown, { shift: true, toggle: false }).ids]).toEqual([13]);
  });
});

describe('runs table virtual window', () => {
  it('renders the visible rows plus overscan, with spacers for the rest', () => {
    const w = virtualWindow({ scrollTop: 3200, viewportHeight: 400, rowHeight: 32, count: 10_000, overscan: 5 });
    expect(w.start).toBe(95);
    expect(w.end).toBe(100 + 14 + 5);
    expect(w.padTop).toBe(95 * 32);
    expect(w.padTop + (w.end - w.start) * 32 + w.padBottom).toBe(10_000 * 32);
  });
  it('clamps at both ends and for an empty list', () => {
    expect(virtualWindow({ scrollTop: 0, viewportHeight: 400, rowHeight: 32, count: 3, overscan: 5 })).toEqual({ start: 0, end: 3, padTop: 0, padBottom: 0 });
    const last = virtualWindow({ scrollTop: 1e9, viewportHeight: 400, rowHeight: 32, count: 100, overscan: 5 });
    expect(last.end).toBe(100);
    expect(last.padBottom).toBe(0);
    expect(virtualWindow({ scrollTop: 0, viewportHeight: 400, rowHeight: 32, count: 0, overscan: 5 })).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0 });
  });
});

describe('runs table state', () => {
  const base = (): RunsTableState => ({ ...defaultRunsTableState(), columns: [{ id: 'name', width: null }, { id: 'status', width: null }, { id: 'tags', width: 90 }] });
  it('reads a remembered state, and the default for anything invalid', () => {
    const s = { ...base(), sort: { column: 'status', dir: 'desc' as const } };
    expect(readTableState(JSON.stringify(s))).toEqual(s);
    expect(readTableState(null)).toEqual(defaultRunsTableState());
    expect(readTableState('{not json')).toEqual(defaultRunsTableState());
    expect(readTableState(JSON.stringify({ ...s, columns: [{ id: 'bogus', width: null }] }))).toEqual(defaultRunsTableState());
  });
  it('cycles a sort asc → desc → none', () => {
    let s = toggleSort(base(), 'status');
    expect(s.sort).toEqual({ column: 'status', dir: 'asc' });
    s = toggleSort(s, 'status');
    expect(s.sort).toEqual({ column: 'status', dir: 'desc' });
    expect(toggleSort(s, 'status').sort).toBeNull();
    expect(toggleSort(s, 'name').sort).toEqual({ column: 'name', dir: 'asc' });
  });
  it('shows, hides, moves and resizes columns', () => {
    const ids = (s: RunsTableState): string[] => s.columns.map((c) => c.id);
    expect(ids(setColumnShown(base(), 'params.lr', true))).toEqual(['name', 'status', 'tags', 'params.lr']);
    expect(ids(setColumnShown(base(), 'status', false))).toEqual(['name', 'tags']);
    expect(ids(moveColumn(base(), 'tags', -1))).toEqual(['name', 'tags', 'status']);
    expect(ids(moveColumn(base(), 'name', -1))).toEqual(['name', 'status', 'tags']);
    expect(ids(moveColumnTo(base(), 'tags', 'name'))).toEqual(['tags', 'name', 'status']);
    expect(resizeColumn(base(), 'name', 12.4).columns[0]?.width).toBe(40);
    expect(resizeColumn(base(), 'name', 151.6).columns[0]?.width).toBe(152);
  });
});

describe('runs table defaults', () => {
  it('the all-runs page starts with the experiment column after the name, and falls back to it', () => {
    const all = defaultAllRunsTableState();
    expect(all.columns.slice(0, 2).map((c) => c.id)).toEqual(['name', 'experiment']);
    expect(readTableState('nonsense', defaultAllRunsTableState)).toEqual(all);
  });
});
