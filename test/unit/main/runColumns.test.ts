/**
 * Runs by column: a column id's value for a run (attributes, params, metric
 * summaries), sorting with runs lacking a value last in both directions, the
 * hyperparameter diff; and the CLI's --sort / --columns parsing and its
 * aligned tables.
 */
import { describe, expect, it } from 'vitest';
import type { RunMetricSummary, RunSummary } from '../../../main/common/domain';
import { changedFromReference, columnValue, compareValues, paramRows, sortRuns, type ColumnMetrics } from '../../../main/common/runColumns';
import { parseRunColumn, type RunColumn } from '../../../main/common/savedView';
import { CliError } from '../../../main/cli/commands';
import { alignedTable, columnText, numberCell, parseColumnsArg, parseSortArg } from '../../../main/cli/runColumnsArgs';
import { metricSummary, runSummary } from '../../helpers/runFixtures';

function run(id: number, name: string, params: RunSummary['params'], extra: Partial<RunSummary> = {}): RunSummary {
  return runSummary({ id, experimentId: 4, name, backend: 'cpu', seed: id, createdAt: 1000 * id, startedAt: 2000, endedAt: 2000 + 65_000, params, ...extra });
}

const summary = (best: number | null): RunMetricSummary => metricSummary({ last: best, best, min: best, max: best });
const col = (id: string): RunColumn => {
  const c = parseRunColumn(id);
  if (!c) throw new Error(`bad test column ${id}`);
  return c;
};

describe('a column\'s value', () => {
  const r = run(3, 'a', { learningRate: 0.01, architecture: 'mlp' }, { tags: ['x', 'y'], endedAt: null });
  const metrics: ColumnMetrics = { loss: { ...summary(0.2), last: 0.5, max: 0.9 } };

  it('reads attributes, params and metric aggregates, null where the run has none', () => {
    expect(columnValue(r, metrics, col('experiment'))).toBe(4);
    expect(columnValue(r, metrics, col('dataset'))).toBe('mnist');
    expect(columnValue(r, metrics, col('tags'))).toBe('x, y');
    expect(columnValue(r, metrics, col('architecture'))).toBe('mlp');
    expect(columnValue(r, metrics, col('duration'))).toBeNull();
    expect(columnValue(run(1, 'b', {}), undefined, col('duration'))).toBe(65_000);
    expect(columnValue(r, metrics, col('params.learningRate'))).toBe(0.01);
    expect(columnValue(r, metrics, col('params.momentum'))).toBeNull();
    expect(columnValue(r, metrics, col('metrics.loss.last'))).toBe(0.5);
    expect(columnValue(r, metrics, col('metrics.loss.max'))).toBe(0.9);
    expect(columnValue(r, undefined, col('metrics.loss.best'))).toBeNull();
    expect(columnValue(r, metrics, col('params.constructor'))).toBeNull();
    expect(columnValue(r, metrics, col('metrics.constructor.last'))).toBeNull();
  });

  it('names the architecture by the run\'s record, not params.architecture', () => {
    const saved = run(5, 'c', { architecture: '#4' }, { architectureRef: { id: 4, version: 2, name: 'wide' } });
    expect(columnValue(saved, undefined, col('architecture'))).toBe('wide v2');
  });

  it('with a view, names the experiment and times a running run; without one, the id and no duration', () => {
    const view = { experimentName: (id: number) => (id === 4 ? 'sweep' : undefined), now: 10_000 };
    expect(columnValue(r, metrics, col('experiment'), view)).toBe('sweep');
    expect(columnValue(run(6, 'e', {}, { experimentId: 7 }), undefined, col('experiment'), view)).toBe('#7');
    expect(columnValue(r, metrics, col('duration'), view)).toBe(8000);
    expect(columnValue(run(8, '', {}), undefined, col('name'))).toBe('run 8');
  });
});

describe('sorting runs by a column', () => {
  const runs = [run(1, 'b', { lr: 0.1 }), run(2, 'a', {}), run(3, 'c', { lr: 0.001 }), run(4, 'd', { lr: 0.1 })];
  const metrics: Record<number, ColumnMetrics> = { 1: { acc: summary(0.7) }, 3: { acc: summary(0.9) }, 4: { acc: summary(null) } };
  const ids = (c: string, dir: 'asc' | 'desc') => sortRuns(runs, (id) => metrics[id], col(c), dir).map((r) => r.id);

  it('puts runs without a value last in both directions, ties in the given order', () => {
    expect(ids('params.lr', 'asc')).toEqual([3, 1, 4, 2]);
    expect(ids('params.lr', 'desc')).toEqual([1, 4, 3, 2]);
    expect(ids('metrics.acc.best', 'desc')).toEqual([3, 1, 2, 4]);
    expect(ids('metrics.acc.best', 'asc')).toEqual([1, 3, 2, 4]);
    expect(ids('name', 'asc')).toEqual([2, 1, 3, 4]);
  });

  it('puts NaN with the missing values, last in both directions', () => {
    const nan: Record<number, ColumnMetrics> = { 1: { acc: summary(Number.NaN) }, 2: { acc: summary(0.3) }, 4: { acc: summary(0.6) } };
    const by = (dir: 'asc' | 'desc') => sortRuns(runs, (id) => nan[id], col('metrics.acc.best'), dir).map((r) => r.id);
    expect(by('asc')).toEqual([2, 4, 1, 3]);
    expect(by('desc')).toEqual([4, 2, 1, 3]);
  });

  it('orders text naturally (case ignored, ties by code point) and mixed types booleans, numbers, then text', () => {
    expect(compareValues('B', 'a')).toBeGreaterThan(0);
    expect(compareValues('run 2', 'run 10')).toBeLessThan(0);
    expect(compareValues('A', 'a')).toBeLessThan(0);
    expect(compareValues(10, 9)).toBeGreaterThan(0);
    expect([true, 'x', 2, false].sort(compareValues)).toEqual([false, true, 2, 'x']);
  });
});

describe('the hyperparameter diff', () => {
  it('keeps the keys whose values differ (a missing key differs), all with showAll', () => {
    const runs: { params: RunSummary['params'] }[] = [{ params: { lr: 0.1, opt: 'adam', seed: 1 } }, { params: { lr: 0.01, opt: 'adam' } }];
    expect(paramRows(runs, false)).toEqual([
      { key: 'lr', values: [0.1, 0.01], differs: true },
      { key: 'seed', values: [1, undefined], differs: true },
    ]);
    expect(paramRows(runs, true).map((r) => [r.key, r.differs])).toEqual([['lr', true], ['opt', false], ['seed', true]]);
    // Against a pinned reference: only the cells that differ from its value, never its own.
    const row = { key: 'lr', values: [0.1, 0.01, 0.1, undefined], differs: true };
    expect(changedFromReference(row, 0)).toEqual([false, true, false, true]);
    expect(changedFromReference(row, 1)).toEqual([true, false, true, true]);
    expect(changedFromReference(row, 3)).toEqual([true, true, true, false]);
  });
});

describe('the CLI\'s --columns and --sort', () => {
  it('reads column lists with spaces around the commas', () => {
    expect(parseColumnsArg('name, params.lr ,metrics.loss.best')).toEqual([
      { kind: 'attribute', name: 'name' }, { kind: 'param', key: 'lr' }, { kind: 'metric', key: 'loss', agg: 'best' },
    ]);
  });

  it('refuses a bad id with exit 2, naming it and the valid forms', () => {
    expect(() => parseColumnsArg('name,metrics.loss.mean')).toThrow(/--columns: unknown column "metrics\.loss\.mean"; a column is an attribute \(name, status/);
    expect(() => parseColumnsArg('name,metrics.loss.mean')).toThrow(/params\.<key> or metrics\.<key>\.<last\|best\|min\|max>/);
    expect(() => parseColumnsArg(' , ')).toThrow(/--columns needs at least one column/);
    let thrown: unknown = null;
    try {
      parseColumnsArg('lr');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(CliError);
    expect(thrown).toMatchObject({ exitCode: 2 });
  });

  it('reads a sort column with an optional direction, ascending by default', () => {
    expect(parseSortArg('metrics.val_loss.min')).toEqual({ column: { kind: 'metric', key: 'val_loss', agg: 'min' }, dir: 'asc' });
    expect(parseSortArg('params.lr:desc')).toEqual({ column: { kind: 'param', key: 'lr' }, dir: 'desc' });
    expect(parseSortArg('started:ASC')).toEqual({ column: { kind: 'attribute', name: 'started' }, dir: 'asc' });
    expect(() => parseSortArg('params.lr:down')).toThrow(/--sort: unknown column "params\.lr:down"/);
    expect(() => parseSortArg(':desc')).toThrow(/--sort needs a column/);
  });
});

describe('the CLI\'s tables', () => {
  it('formats numbers to 6 significant digits, integers as they are, non-finite spelt out', () => {
    expect(numberCell(0.1 + 0.2)).toBe('0.3');
    expect(numberCell(123456789)).toBe('123456789');
    expect(numberCell(1e-7)).toBe('1e-7');
    expect(numberCell(-2 / 3)).toBe('-0.666667');
    expect(numberCell(Number.NaN)).toBe('NaN');
    expect(numberCell(Number.NEGATIVE_INFINITY)).toBe('-Inf');
  });

  it('shows times as UTC dates, durations as minutes and seconds, none as a dash', () => {
    expect(columnText(col('started'), Date.UTC(2024, 0, 2, 3, 4, 5))).toBe('2024-01-02 03:04:05');
    expect(columnText(col('duration'), 65_000)).toBe('1m05s');
    expect(columnText(col('params.lr'), null)).toBe('-');
    expect(columnText(col('params.shuffle'), true)).toBe('true');
  });

  it('aligns columns two spaces apart, numbers to the right, trailing space trimmed', () => {
    expect(alignedTable(['name', 'loss', 'tags'], [['a', '0.5', 'x'], ['longer', '12', '']], [false, true, false])).toBe(
      'name    loss  tags\n'
      + 'a        0.5  x\n'
      + 'longer    12\n',
    );
  });
});
