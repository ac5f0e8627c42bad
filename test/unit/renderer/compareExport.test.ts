/**
 * Exporting a compare selection: CSV fields quoted per RFC 4180 (commas,
 * quotes, line breaks, edge spaces), empty cells for null and non-finite
 * numbers, a column order that does not depend on the runs' key order, and the
 * JSON document's rows and series.
 */
import { describe, expect, it } from 'vitest';
import type { RunMetricSummaries } from '../../../main/common/domain';
import { csvField, exportCsv, exportJson, exportRows, jsonPoints, toCsv, type ExportRun } from '../../../renderer/lib/compareExport';

describe('CSV fields', () => {
  it('quotes commas, quotes, line breaks and edge spaces, doubling inner quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField('')).toBe('');
  });

  it('writes numbers exactly and leaves null, NaN and infinities empty', () => {
    expect(csvField(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(csvField(1e-7)).toBe('1e-7');
    expect(csvField(null)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField(Number.POSITIVE_INFINITY)).toBe('');
    expect(csvField(true)).toBe('true');
  });

  it('ends every line with CRLF', () => {
    expect(toCsv(['a', 'b'], [[1, 'x,y'], [null, 2]])).toBe('a,b\r\n1,"x,y"\r\n,2\r\n');
  });
});

describe('the selection as CSV and JSON', () => {
  const runs: ExportRun[] = [
    { id: 2, name: 'lr, "fast"', family: 'classifier', status: 'done', tags: ['baseline', 'sweep'], params: { seed: 11, learningRate: 0.01 } },
    { id: 5, name: 'slow\nrun', family: 'classifier', status: 'failed', tags: [], params: { learningRate: 0.001, dropout: 0.5, seed: 12 } },
  ];
  const summaries: RunMetricSummaries[] = [
    { runId: 5, metrics: { loss: { last: null, lastStep: 9, best: 0.4, min: 0.4, max: 2.3, count: 10, nonFinite: 1, minStep: 1, maxStep: 1, selectedBy: null } } },
    { runId: 2, metrics: {
      loss: { last: 0.2, lastStep: 9, best: 0.2, min: 0.2, max: 2.1, count: 10, nonFinite: 0, minStep: 1, maxStep: 1, selectedBy: null },
      test_accuracy: { last: 0.9, lastStep: 1, best: 0.9, min: 0.9, max: 0.9, count: 1, nonFinite: 0, minStep: 1, maxStep: 1, selectedBy: null },
    } },
  ];
  const keys = ['loss', 'test_accuracy'];

  it('writes one row per run: attributes, every param (sorted), each metric\'s last, best, min and max', () => {
    const csv = exportCsv(exportRows(runs, summaries, keys), keys);
    expect(csv.split('\r\n')).toEqual([
      'id,name,family,status,tags,params.dropout,params.learningRate,params.seed,'
        + 'metrics.loss.last,metrics.loss.best,metrics.loss.min,metrics.loss.max,'
        + 'metrics.test_accuracy.last,metrics.test_accuracy.best,metrics.test_accuracy.min,metrics.test_accuracy.max',
      '2,"lr, ""fast""",classifier,done,baseline; sweep,,0.01,11,0.2,0.2,0.2,2.1,0.9,0.9,0.9,0.9',
      '5,"slow\nrun",classifier,failed,,0.5,0.001,12,,0.4,0.4,2.3,,,,',
      '',
    ]);
  });

  it('keeps the columns in the same order whatever order the runs list their params in', () => {
    const header = (rs: ExportRun[]) => exportCsv(exportRows(rs, [], keys), keys).split('\r\n')[0];
    expect(header([...runs].reverse())).toBe(header(runs));
  });

  it('puts the same rows and the displayed series in the JSON, NaN as null', () => {
    const rows = exportRows(runs, summaries, ['loss']);
    const doc = JSON.parse(exportJson({ group: 'seed' }, rows, [
      { key: 'loss', runIds: [2, 5], label: 'g', kind: 'group-mean', points: jsonPoints([[0, 1], [1, Number.NaN]]) },
    ])) as { view: unknown; runs: unknown[]; series: { points: unknown }[] };
    expect(doc.view).toEqual({ group: 'seed' });
    expect(doc.runs).toEqual(JSON.parse(JSON.stringify(rows)));
    expect(doc.series[0]!.points).toEqual([[0, 1], [1, null]]);
    expect(rows[1]!.metrics['loss']).toEqual({ last: null, best: 0.4, min: 0.4, max: 2.3 });
  });
});
