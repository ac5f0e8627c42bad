/**
 * The runs export shared by the compare view and the CLI: CSV fields quoted
 * per RFC 4180 (commas, quotes, line breaks, edge spaces), formulas guarded
 * but negative numbers left as numbers, NaN and infinities spelt out, a
 * column order that does not depend on the runs' key order, the long-format
 * metrics rows, and the JSON document.
 */
import { describe, expect, it } from 'vitest';
import type { RunMetricSummaries } from '../../../main/common/domain';
import {
  csvField, exportCsv, exportJson, exportLongCsv, exportMetricSeries, exportRows, guardFormula, jsonPoints, longCsvRows, toCsv, type ExportRun,
} from '../../../main/common/runExport';
import { metricSummary } from '../../helpers/runFixtures';

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

  it('writes numbers exactly, non-finite ones as NaN, Inf and -Inf, and null as an empty cell', () => {
    expect(csvField(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(csvField(1e-7)).toBe('1e-7');
    expect(csvField(-2.5)).toBe('-2.5');
    expect(csvField(null)).toBe('');
    expect(csvField(Number.NaN)).toBe('NaN');
    expect(csvField(Number.POSITIVE_INFINITY)).toBe('Inf');
    expect(csvField(Number.NEGATIVE_INFINITY)).toBe('-Inf');
    expect(csvField(true)).toBe('true');
  });

  it('prefixes text a spreadsheet would run as a formula with an apostrophe, but not negative numbers', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvField('+1+2')).toBe("'+1+2");
    expect(csvField('-cmd|calc')).toBe("'-cmd|calc");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tx')).toBe("'\tx");
    expect(guardFormula('-0.5')).toBe('-0.5');
    expect(guardFormula('-1e-3')).toBe('-1e-3');
    expect(guardFormula('+3')).toBe('+3');
    expect(guardFormula('-')).toBe("'-");
    expect(guardFormula('a=b')).toBe('a=b');
  });

  it('ends every line with CRLF', () => {
    expect(toCsv(['a', 'b'], [[1, 'x,y'], [null, 2]])).toBe('a,b\r\n1,"x,y"\r\n,2\r\n');
  });
});

describe('the selection as CSV and JSON', () => {
  const runs: ExportRun[] = [
    { id: 2, name: 'lr, "fast"', experimentId: 1, family: 'classifier', status: 'done', seed: 11, datasetId: 'mnist', tags: ['baseline', 'sweep'], params: { seed: 11, learningRate: 0.01 } },
    { id: 5, name: '=slow\nrun', experimentId: 3, family: 'classifier', status: 'failed', seed: 12, datasetId: 'fashion', tags: [], params: { learningRate: 0.001, dropout: 0.5, seed: 12, optimizer: '-sgd' } },
  ];
  const summaries: RunMetricSummaries[] = [
    { runId: 5, metrics: { loss: metricSummary({ last: null, lastStep: 9, best: 0.4, min: 0.4, max: 2.3, count: 10, nonFinite: 1 }) } },
    { runId: 2, metrics: {
      loss: metricSummary({ last: 0.2, lastStep: 9, best: 0.2, min: 0.2, max: 2.1, count: 10 }),
      test_accuracy: metricSummary({ last: 0.9, best: 0.9, min: 0.9, max: 0.9 }),
    } },
  ];
  const keys = ['loss', 'test_accuracy'];

  it('writes one row per run: attributes, every param (sorted), each metric\'s last, best, min and max', () => {
    const csv = exportCsv(exportRows(runs, summaries, keys), keys);
    expect(csv.split('\r\n')).toEqual([
      'id,name,experiment,family,status,seed,dataset,tags,params.dropout,params.learningRate,params.optimizer,params.seed,'
        + 'metrics.loss.last,metrics.loss.best,metrics.loss.min,metrics.loss.max,'
        + 'metrics.test_accuracy.last,metrics.test_accuracy.best,metrics.test_accuracy.min,metrics.test_accuracy.max',
      '2,"lr, ""fast""",1,classifier,done,11,mnist,baseline; sweep,,0.01,,11,0.2,0.2,0.2,2.1,0.9,0.9,0.9,0.9',
      '5,"\'=slow\nrun",3,classifier,failed,12,fashion,,0.5,0.001,\'-sgd,12,,0.4,0.4,2.3,,,,',
      '',
    ]);
  });

  it('keeps the columns in the same order whatever order the runs list their params in', () => {
    const header = (rs: ExportRun[]) => exportCsv(exportRows(rs, [], keys), keys).split('\r\n')[0];
    expect(header([...runs].reverse())).toBe(header(runs));
  });

  it('puts the same rows, the view and the displayed series in the JSON, NaN as null', () => {
    const rows = exportRows(runs, summaries, ['loss']);
    const doc = JSON.parse(exportJson(rows, { view: { group: 'seed' }, series: [
      { key: 'loss', runIds: [2, 5], label: 'g', kind: 'group-mean', points: jsonPoints([[0, 1], [1, Number.NaN]]) },
    ] })) as { format: string; view: unknown; runs: unknown[]; series: { points: unknown }[]; metrics?: unknown };
    expect(doc.format).toBe('latent-runs');
    expect(doc.view).toEqual({ group: 'seed' });
    expect(doc.runs).toEqual(JSON.parse(JSON.stringify(rows)));
    expect(doc.series[0]!.points).toEqual([[0, 1], [1, null]]);
    expect(doc.metrics).toBeUndefined();
    expect(rows[1]!.metrics['loss']).toEqual({ last: null, best: 0.4, min: 0.4, max: 2.3 });
  });

  it('carries full-resolution series in the JSON with non-finite values spelt as on the wire', () => {
    const metrics = exportMetricSeries(2, [{ key: 'loss', steps: [1, 2, 3], values: [0.5, Number.NaN, Number.NEGATIVE_INFINITY], wallTimes: [10, 20, 30] }]);
    const doc = JSON.parse(exportJson([], { metrics })) as { metrics: unknown; view?: unknown; series?: unknown };
    expect(doc.metrics).toEqual([{ runId: 2, key: 'loss', steps: [1, 2, 3], wallTimes: [10, 20, 30], values: [0.5, 'NaN', '-Inf'] }]);
    expect(doc.view).toBeUndefined();
    expect(doc.series).toBeUndefined();
  });
});

describe('the long-format metrics CSV', () => {
  it('writes one row per point, keys sorted, non-finite and null values spelt out', () => {
    const csv = exportLongCsv([
      { id: 7, name: 'a, b', series: [
        { key: 'val_loss', steps: [1], values: [0.25], wallTimes: [1_700_000_000_000] },
        { key: 'loss', steps: [1, 2, 3], values: [1.5, Number.POSITIVE_INFINITY, null], wallTimes: [100, 200, 300] },
      ] },
      { id: 9, name: '@run', series: [{ key: 'loss', steps: [5], values: [Number.NaN], wallTimes: [900] }] },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'run_id,run_name,key,step,wall_time,value',
      '7,"a, b",loss,1,100,1.5',
      '7,"a, b",loss,2,200,Inf',
      '7,"a, b",loss,3,300,NaN',
      '7,"a, b",val_loss,1,1700000000000,0.25',
      "9,'@run,loss,5,900,NaN",
      '',
    ]);
  });

  it('writes nothing for a run without points, so runs can be appended one by one after the header', () => {
    expect(longCsvRows({ id: 1, name: 'empty' }, [])).toBe('');
    expect(exportLongCsv([])).toBe('run_id,run_name,key,step,wall_time,value\r\n');
  });
});
