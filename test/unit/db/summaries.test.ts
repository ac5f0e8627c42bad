/**
 * Per-run metric summaries kept in latest_metrics by appendMetrics, and run
 * tags (migration 0005), against real SQLite files.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../db/openStore';
import { RunTagError, type Store } from '../../../db/storeTypes';
import type { MetricPoint } from '../../../workers/common/protocol';
import { awkwardPoints, expectedStoreSummaries, expectedSummaries, readStoredSummaries, removeTempDirs, sampleRun, tempDir, type StoredSummary } from './helpers';

let store: Store;

beforeEach(() => {
  store = openStore(path.join(tempDir(), 'summaries.db'), { appVersion: 'test' });
});

afterEach(() => {
  store.close();
  removeTempDirs();
});

function newRun(): number {
  return store.createRun(sampleRun(store.ensureExperiment('Default').id)).id;
}

/** The summary columns as stored, wall times included, read on a second connection. */
function storedSummaries(runId: number): Record<string, StoredSummary> {
  const raw = new Database(store.path, { readonly: true });
  try {
    return readStoredSummaries(raw, runId);
  } finally {
    raw.close();
  }
}

const pt = (key: 'loss' | 'accuracy', step: number, value: number, wallTime = step): MetricPoint => ({ key, step, value, wallTime });

describe('metric summaries', () => {
  it('are kept up to date across batches: non-finite points are counted, never min or max', () => {
    const run = newRun();
    store.appendMetrics(run, [pt('loss', 1, 2), pt('loss', 2, Number.NaN)]);
    expect(store.metricSummaries([run]).get(run)).toEqual({
      loss: { last: Number.NaN, lastStep: 2, min: 2, max: 2, count: 2, nonFinite: 1, minStep: 1, maxStep: 1 },
    });
    store.appendMetrics(run, [pt('loss', 3, Number.POSITIVE_INFINITY), pt('loss', 4, 0.5), pt('accuracy', 4, Number.NEGATIVE_INFINITY)]);
    store.appendMetrics(run, [pt('loss', 5, Number.NEGATIVE_INFINITY), pt('loss', 6, 3)]);
    expect(store.metricSummaries([run]).get(run)).toEqual({
      loss: { last: 3, lastStep: 6, min: 0.5, max: 3, count: 6, nonFinite: 3, minStep: 4, maxStep: 6 },
      // Only non-finite points so far: no min or max.
      accuracy: { last: Number.NEGATIVE_INFINITY, lastStep: 4, min: null, max: null, count: 1, nonFinite: 1, minStep: null, maxStep: null },
    });
    store.appendMetrics(run, [pt('accuracy', 5, 0.75)]);
    expect(store.metricSummaries([run]).get(run)?.['accuracy']).toEqual({ last: 0.75, lastStep: 5, min: 0.75, max: 0.75, count: 2, nonFinite: 1, minStep: 5, maxStep: 5 });
  });

  it('take the newest write at a tied step and ignore an older step for last, while counting every point', () => {
    const run = newRun();
    store.appendMetrics(run, [pt('loss', 10, 1, 100)]);
    store.appendMetrics(run, [pt('loss', 5, -4, 101)]);
    expect(store.metricSummaries([run]).get(run)?.['loss']).toEqual({ last: 1, lastStep: 10, min: -4, max: 1, count: 2, nonFinite: 0, minStep: 5, maxStep: 10 });
    store.appendMetrics(run, [pt('loss', 10, 7, 102), pt('loss', 10, 6, 103)]);
    expect(store.metricSummaries([run]).get(run)?.['loss']).toEqual({ last: 6, lastStep: 10, min: -4, max: 7, count: 4, nonFinite: 0, minStep: 5, maxStep: 10 });
    expect(storedSummaries(run)['loss']).toMatchObject({ firstWallTime: 100, lastWallTime: 103 });
    // latestMetrics reads the same row.
    expect(store.latestMetrics([run]).get(run)).toEqual({ loss: 6 });
  });

  it('equal a plain recomputation from the points over several batches, resumed steps included', () => {
    const run = newRun();
    const points = awkwardPoints(3, 40);
    for (let i = 0; i < points.length; i += 9) store.appendMetrics(run, points.slice(i, i + 9));
    const expected = expectedSummaries(points);
    expect(expected['loss']).toMatchObject({ count: 46, nonFinite: 3, max: 50 });
    expect(storedSummaries(run)).toEqual(expected);
    expect(store.metricSummaries([run]).get(run)).toEqual(expectedStoreSummaries(points));
    expect(expectedStoreSummaries(points)['loss']).toMatchObject({ maxStep: 7 });
  });

  it('cover several runs in one call, with an empty record for a run without points, and filter by keys', () => {
    const a = newRun();
    const b = newRun();
    const empty = newRun();
    store.appendMetrics(a, [pt('loss', 1, 0.4), pt('accuracy', 1, 0.9)]);
    store.appendMetrics(b, [pt('loss', 1, 0.8), pt('loss', 2, 0.6)]);
    const all = store.metricSummaries([a, b, empty]);
    expect([...all.keys()]).toEqual([a, b, empty]);
    expect(all.get(a)).toEqual({
      loss: { last: 0.4, lastStep: 1, min: 0.4, max: 0.4, count: 1, nonFinite: 0, minStep: 1, maxStep: 1 },
      accuracy: { last: 0.9, lastStep: 1, min: 0.9, max: 0.9, count: 1, nonFinite: 0, minStep: 1, maxStep: 1 },
    });
    expect(all.get(b)).toEqual({ loss: { last: 0.6, lastStep: 2, min: 0.6, max: 0.8, count: 2, nonFinite: 0, minStep: 2, maxStep: 1 } });
    expect(all.get(empty)).toEqual({});

    const accuracyOnly = store.metricSummaries([a, b], ['accuracy', 'missing']);
    expect(accuracyOnly.get(a)).toEqual({ accuracy: all.get(a)?.['accuracy'] });
    expect(accuracyOnly.get(b)).toEqual({});
    expect(store.metricSummaries([a], []).get(a)).toEqual({});
    expect(store.metricSummaries([]).size).toBe(0);
    expect(store.metricSummaries([9999]).get(9999)).toEqual({});
  });

  it('keep the first step of each extreme: a tie at a later step keeps it, a tie re-logged at an earlier step moves it', () => {
    const run = newRun();
    store.appendMetrics(run, [pt('accuracy', 1, 0.5), pt('accuracy', 2, 0.9), pt('accuracy', 3, 0.9), pt('accuracy', 4, Number.NaN)]);
    expect(store.metricSummaries([run]).get(run)?.['accuracy']).toMatchObject({ min: 0.5, minStep: 1, max: 0.9, maxStep: 2 });
    // A resumed run logs step 1 again with the maximum: the earlier step now holds it.
    store.appendMetrics(run, [pt('accuracy', 1, 0.9), pt('accuracy', 5, 0.25)]);
    expect(store.metricSummaries([run]).get(run)?.['accuracy']).toMatchObject({ min: 0.25, minStep: 5, max: 0.9, maxStep: 1 });
  });

  it('are left untouched by a batch that fails part-way', () => {
    const run = newRun();
    store.appendMetrics(run, [pt('loss', 1, 1)]);
    const bad = { key: 'loss', step: 2, value: 5, wallTime: null } as unknown as MetricPoint;
    expect(() => store.appendMetrics(run, [pt('loss', 2, 9), bad])).toThrow(/NOT NULL/);
    expect(store.metricSummaries([run]).get(run)).toEqual({ loss: { last: 1, lastStep: 1, min: 1, max: 1, count: 1, nonFinite: 0, minStep: 1, maxStep: 1 } });
  });
});

describe('run tags', () => {
  it('replaces the tags, trimmed, deduplicated and sorted', () => {
    const run = newRun();
    expect(store.runTags([run]).get(run)).toEqual([]);
    expect(store.setRunTags(run, ['  baseline ', 'lr-sweep', 'baseline', 'Baseline', 'ümlaut'])).toEqual(['Baseline', 'baseline', 'lr-sweep', 'ümlaut']);
    expect(store.runTags([run]).get(run)).toEqual(['Baseline', 'baseline', 'lr-sweep', 'ümlaut']);
    expect(store.setRunTags(run, ['final'])).toEqual(['final']);
    expect(store.runTags([run]).get(run)).toEqual(['final']);
    expect(store.setRunTags(run, [])).toEqual([]);
    expect(store.runTags([run]).get(run)).toEqual([]);
  });

  it('reads several runs at once, an empty list for a run without tags', () => {
    const a = newRun();
    const b = newRun();
    const c = newRun();
    store.setRunTags(a, ['z', 'a']);
    store.setRunTags(c, ['gan']);
    const tags = store.runTags([a, b, c]);
    expect([...tags.entries()]).toEqual([[a, ['a', 'z']], [b, []], [c, ['gan']]]);
    expect(store.runTags([]).size).toBe(0);
  });

  it('refuses an empty or over-long tag, or an unknown run, and changes nothing', () => {
    const run = newRun();
    store.setRunTags(run, ['keep']);
    const refusal = (tags: string[], runId = run): unknown => {
      try {
        store.setRunTags(runId, tags);
      } catch (err) {
        return err;
      }
      return undefined;
    };
    expect(refusal(['ok', '   '])).toMatchObject({ name: 'RunTagError', reason: 'empty-tag', message: 'A tag cannot be empty or only spaces' });
    expect(refusal([''])).toBeInstanceOf(RunTagError);
    expect(refusal(['x'.repeat(65)])).toMatchObject({ reason: 'tag-too-long', message: expect.stringMatching(/has 65 characters; a tag has at most 64/) });
    expect(refusal(['unknown'], 9999)).toMatchObject({ reason: 'no-run', message: 'Run 9999 does not exist' });
    expect(store.runTags([run]).get(run)).toEqual(['keep']);
    // The limits are inclusive, counted in characters after trimming.
    expect(store.setRunTags(run, [` ${'y'.repeat(64)} `, '🙂'.repeat(64)])).toEqual(['y'.repeat(64), '🙂'.repeat(64)]);
  });
});

describe('deleting a run', () => {
  it('removes its summaries and tags and leaves the other runs\' alone', () => {
    const gone = newRun();
    const kept = newRun();
    for (const run of [gone, kept]) {
      store.appendMetrics(run, [pt('loss', 1, 1), pt('accuracy', 1, 0.5)]);
      store.setRunTags(run, ['sweep', `run-${run}`]);
    }
    const file = store.path;
    store.close();
    const raw = new Database(file);
    try {
      raw.pragma('foreign_keys = ON');
      raw.prepare('DELETE FROM runs WHERE id = ?').run(gone);
      const count = (table: string, runId: number): number | undefined =>
        raw.prepare<[number], { n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE run_id = ?`).get(runId)?.n;
      expect([count('latest_metrics', gone), count('run_tags', gone)]).toEqual([0, 0]);
      expect([count('latest_metrics', kept), count('run_tags', kept)]).toEqual([2, 2]);
    } finally {
      raw.close();
    }
    store = openStore(file);
    expect(store.metricSummaries([gone]).get(gone)).toEqual({});
    expect(store.runTags([gone, kept])).toEqual(new Map([[gone, []], [kept, ['run-' + String(kept), 'sweep']]]));
    expect(Object.keys(store.metricSummaries([kept]).get(kept) ?? {})).toEqual(['accuracy', 'loss']);
  });
});
