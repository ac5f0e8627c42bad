/**
 * Test metrics chosen on validation (0007): a classifier's test accuracy is
 * quoted where its validation accuracy was best, not at its own maximum —
 * through the store's selectedValues, runs.summaries' `best`, and the runs
 * filter in SQL and in memory alike, on a real SQLite file.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../db/openStore';
import { compileRunFilter } from '../../../db/queries/runFilter';
import type { Store } from '../../../db/storeTypes';
import { evaluateRunFilter, parseRunFilter, type FilterableRun } from '../../../main/common/runFilter';
import { metricSummaries } from '../../../main/services/runCompare';
import { families, familyDescriptors, metricSpec } from '../../../workers/common/families/registry';
import type { MetricPoint } from '../../../workers/common/protocol';
import { removeTempDirs, sampleRun, tempDir } from './helpers';

let store: Store;
beforeEach(() => {
  store = openStore(path.join(tempDir(), 'choice.db'), { appVersion: 'test' });
});
afterEach(() => {
  store.close();
  removeTempDirs();
});

const epochs = (key: MetricPoint['key'], values: readonly number[]): MetricPoint[] => values.map((value, i) => ({ key, step: i + 1, value, wallTime: 1_000 + i }));

/** Run 1: validation peaks at epoch 2 (0.95), test at epoch 3 (0.97). Run 2: no validation split. Run 3: validation all NaN. */
function seed(): number[] {
  const exp = store.ensureExperiment('E').id;
  const ids = [1, 2, 3].map(() => store.createRun(sampleRun(exp)).id);
  const [a, b, c] = ids as [number, number, number];
  store.appendMetrics(a, [...epochs('val_accuracy', [0.9, 0.95, 0.93, 0.95]), ...epochs('test_accuracy', [0.91, 0.94, 0.97, 0.96]), ...epochs('test_loss', [0.4, 0.3, 0.2, 0.25])]);
  store.appendMetrics(b, epochs('test_accuracy', [0.8, 0.85]));
  store.appendMetrics(c, [...epochs('val_accuracy', [Number.NaN, Number.NaN]), ...epochs('test_accuracy', [0.7, 0.75])]);
  return ids;
}

function matching(filter: string): number[] {
  return store.listRuns({ where: compileRunFilter(parseRunFilter(filter)) }).map((r) => r.id).sort((x, y) => x - y);
}

describe('test metrics chosen on validation', () => {
  it('every family’s validation metric and the metrics it selects are in its catalogue', () => {
    for (const f of families) {
      const v = familyDescriptors[f].validation;
      if (!v) continue;
      expect(metricSpec(f, v.key)?.mode, `${f} ${v.key}`).toBe(v.mode);
      for (const k of v.selects) expect(metricSpec(f, k), `${f} ${k}`).toBeDefined();
    }
    expect(familyDescriptors.classifier.validation?.key).toBe('val_accuracy');
  });

  it('the store reads the selected metrics at the first step of the best validation value', () => {
    const [a, b, c] = seed() as [number, number, number];
    const chosen = store.selectedValues([a, b, c], { key: 'val_accuracy', mode: 'max', selects: ['test_accuracy', 'test_loss', 'test_missing'] });
    expect(chosen.get(a)).toEqual({ step: 2, values: { test_accuracy: 0.94, test_loss: 0.3 } });
    expect(chosen.has(b)).toBe(false);
    expect(chosen.has(c)).toBe(false);
  });

  it('takes the latest test point at or before the chosen step when test is logged less often', () => {
    const exp = store.ensureExperiment('E').id;
    const run = store.createRun(sampleRun(exp)).id;
    store.appendMetrics(run, [...epochs('val_accuracy', [0.5, 0.6, 0.9, 0.7]), { key: 'test_accuracy', step: 2, value: 0.55, wallTime: 1 }, { key: 'test_accuracy', step: 4, value: 0.8, wallTime: 2 }]);
    expect(store.selectedValues([run], { key: 'val_accuracy', mode: 'max', selects: ['test_accuracy'] }).get(run)).toEqual({ step: 3, values: { test_accuracy: 0.55 } });
  });

  it('runs.summaries gives the chosen value as best, says where it was chosen, and falls back to the maximum without validation', () => {
    const [a, b] = seed() as [number, number, number];
    const [sa, sb] = metricSummaries(store, [a, b]);
    expect(sa?.metrics['test_accuracy']).toMatchObject({ best: 0.94, max: 0.97, selectedBy: { key: 'val_accuracy', step: 2 } });
    expect(sa?.metrics['test_loss']).toMatchObject({ best: 0.3, min: 0.2, selectedBy: { key: 'val_accuracy', step: 2 } });
    expect(sa?.metrics['val_accuracy']).toMatchObject({ best: 0.95, selectedBy: null });
    expect(sb?.metrics['test_accuracy']).toMatchObject({ best: 0.85, selectedBy: null });
  });

  it('the filter reads the same best in SQL and in memory', () => {
    const [a, b, c] = seed() as [number, number, number];
    const summaries = metricSummaries(store, [a, b, c]);
    const runs: FilterableRun[] = store.listRuns().map((r) => {
      const s = summaries.find((x) => x.runId === r.id)?.metrics ?? {};
      return {
        id: r.id, name: r.name, status: r.status, family: r.family, backend: r.backend, dataset: r.datasetId, experiment: r.experimentId, seed: r.seed,
        created: r.createdAt, started: r.startedAt, ended: r.endedAt, notes: r.notes, starred: r.starred, archived: r.archived, params: {}, tags: [],
        metrics: Object.fromEntries(Object.entries(s).map(([k, m]) => [k, { last: m.last, min: m.min, max: m.max, count: m.count, ...(m.selectedBy ? { chosen: m.best } : {}) }])),
      };
    });
    for (const filter of ['metrics.test_accuracy.best > 0.95', 'metrics.test_accuracy.best >= 0.94', 'metrics.test_accuracy.max > 0.95', 'metrics.test_loss.best < 0.25', 'metrics.test_accuracy.best > 0.8']) {
      const inMemory = runs.filter((r) => evaluateRunFilter(parseRunFilter(filter), r)).map((r) => r.id).sort((x, y) => x - y);
      expect(matching(filter), filter).toEqual(inMemory);
    }
    // Run 1's test maximum (0.97) is not what it quotes: validation chose epoch 2 (0.94).
    expect(matching('metrics.test_accuracy.best > 0.95')).toEqual([]);
    expect(matching('metrics.test_accuracy.max > 0.95')).toEqual([a]);
    expect(matching('metrics.test_accuracy.best > 0.8')).toEqual([a, b]);
  });
});
