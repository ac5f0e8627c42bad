import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeColumns, ensureColumnAggregate } from '../../../db/queries/metricColumns';
import { getMetrics } from '../../../db/queries/metrics';
import type { Db } from '../../../db/sqlite';
import type { MetricSeries } from '../../../main/common/domain';
import { downsampleMetricSeries } from '../../../main/common/series/metricSeriesDownsample';
import { mulberry32 } from '../../../workers/engine/prng';

/** The metrics table and its index as migration 0001 makes them (runs' foreign key left out). */
const SCHEMA = `
  CREATE TABLE metrics (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, key TEXT NOT NULL, step INTEGER NOT NULL, value REAL, wall_time INTEGER NOT NULL);
  CREATE INDEX metrics_run_key_step ON metrics (run_id, key, step);`;

let db: Db;
beforeEach(() => {
  db = new Database(':memory:');
  db.exec(SCHEMA);
});
afterEach(() => db.close());

type Point = [runId: number, key: string, step: number, value: number, wallTime: number];

function insert(points: readonly Point[]): void {
  const stmt = db.prepare<[number, string, number, number, number]>('INSERT INTO metrics (run_id, key, step, value, wall_time) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => { for (const p of points) stmt.run(...p); })();
}

/** getMetrics as it was before the column aggregate: one object per row, the newest point of a step kept. */
function readByRows(runId: number): MetricSeries[] {
  const rows = db.prepare<[number], { key: string; step: number; value: number | null; wall_time: number }>(
    'SELECT key, step, value, wall_time FROM metrics WHERE run_id = ? ORDER BY key, step, id').all(runId);
  const out: MetricSeries[] = [];
  for (const r of rows) {
    let s = out.at(-1);
    if (s?.key !== r.key) out.push(s = { key: r.key, steps: [], values: [], wallTimes: [] });
    const at = s.steps.at(-1) === r.step ? s.steps.length - 1 : s.steps.length;
    s.steps[at] = r.step;
    s.values[at] = r.value ?? NaN;
    s.wallTimes[at] = r.wall_time;
  }
  return out;
}

describe('getMetrics through the column aggregate', () => {
  it('reads each key in step order, the newest point of a re-logged step, NaN and ±Infinity as written, other runs left out', () => {
    insert([
      [1, 'loss', 3, 0.3, 30], [2, 'loss', 1, 99, 1], [1, 'loss', 1, 0.9, 10], [1, 'acc', 2, 0.5, 20],
      [1, 'loss', 2, NaN, 20], [1, 'loss', 4, Infinity, 40], [1, 'loss', 5, -Infinity, 50],
      [1, 'loss', 2, 0.4, 21], // step 2 logged again after a resume: this point wins
    ]);
    expect(getMetrics(db, 1)).toEqual([
      { key: 'acc', steps: [2], values: [0.5], wallTimes: [20] },
      { key: 'loss', steps: [1, 2, 3, 4, 5], values: [0.9, 0.4, 0.3, Infinity, -Infinity], wallTimes: [10, 21, 30, 40, 50] },
    ]);
    insert([[1, 'val', 1, NaN, 5]]);
    const [val] = getMetrics(db, 1, ['val', 'missing']);
    expect(val?.key).toBe('val');
    expect(val?.values[0]).toBeNaN();
    expect(getMetrics(db, 1, [])).toEqual([]);
    expect(getMetrics(db, 3)).toEqual([]);
  });

  it('orders rows that reach the aggregate out of (step, id) order, keeping the newest point per step', () => {
    insert([[1, 'loss', 2, 0.2, 20], [1, 'loss', 1, 0.1, 10], [1, 'loss', 2, 0.25, 21], [1, 'loss', 3, 0.3, 30]]);
    const collect = ensureColumnAggregate(db);
    const blob = db.prepare<[], Uint8Array>(
      `SELECT ${collect}(step, value, wall_time, id) FROM (SELECT * FROM metrics ORDER BY step DESC, id DESC)`).pluck().get();
    expect(blob && decodeColumns(blob)).toEqual({ steps: [1, 2, 3], values: [0.1, 0.25, 0.3], wallTimes: [10, 21, 30] });
  });

  it('says which arguments it got when called with something other than numbers', () => {
    insert([[1, 'loss', 1, 0.1, 10]]);
    const collect = ensureColumnAggregate(db);
    expect(() => db.prepare(`SELECT ${collect}(key, value, wall_time, id) FROM metrics`).get())
      .toThrow(/takes \(step, value, wall_time, id\) numbers, got string, number, number, number/);
  });

  it('thinned to maxPoints, gives the same points as the row read it replaces (spikes, NaN, ±Infinity, re-logged steps)', () => {
    const rand = mulberry32(24);
    const points: Point[] = [];
    for (let step = 1; step <= 5000; step++) {
      let value = 2 * Math.exp(-step / 800) + 0.1 * rand();
      if (step % 997 === 0) value *= 6; // spikes
      if (step === 1234) value = NaN;
      if (step === 4321) value = Infinity;
      if (step === 4322) value = -Infinity;
      points.push([1, 'loss', step, value, 1000 + step]);
      if (step % 50 === 0) points.push([1, 'accuracy', step, rand(), 1000 + step]);
    }
    // A resume from step 3000 re-logs 3001..3200 with other values.
    for (let step = 3001; step <= 3200; step++) points.push([1, 'loss', step, 0.5 + rand(), 9000 + step]);
    insert(points);
    const thin = (s: MetricSeries[]): MetricSeries[] => s.map((x) => downsampleMetricSeries(x, { maxPoints: 400 }));
    const expected = thin(readByRows(1));
    const actual = thin(getMetrics(db, 1));
    expect(actual).toEqual(expected);
    const loss = actual.find((s) => s.key === 'loss');
    expect(loss?.totalPoints).toBe(5000);
    expect(loss?.values.filter((v) => !Number.isFinite(v))).toEqual([NaN, Infinity, -Infinity]);
    // Within the re-logged steps only the resumed run's points (wall time 9000 + step) can be picked.
    const relogged = (loss?.steps ?? []).flatMap((step, i) => (step > 3000 && step <= 3200 ? [(loss?.wallTimes[i] ?? 0) - step] : []));
    expect(relogged.length).toBeGreaterThan(0);
    expect(new Set(relogged)).toEqual(new Set([9000]));
  });

  it('with a range, reads the points sliceRange cuts the window from: the same thinned window as the whole read', () => {
    const points: Point[] = [];
    for (let step = 10; step <= 2000; step += 10) points.push([1, 'loss', step, step % 170 === 0 ? NaN : 1 / step, step]);
    for (let step = 100; step <= 2000; step += 100) points.push([1, 'acc', step, step / 2000, step]);
    points.push([1, 'loss', 500, 7, 99_999], [2, 'loss', 505, 1, 1]); // a re-logged step; another run inside the window
    insert(points);
    const windows = [
      { min: 495, max: 1333 }, { min: 500, max: 500 }, { min: 501, max: 509 }, { min: -Infinity, max: 15 },
      { min: 1995, max: Infinity }, { min: 0, max: 5 }, { min: 2001, max: 3000 }, { min: -Infinity, max: Infinity },
    ];
    const whole = getMetrics(db, 1);
    for (const range of windows) {
      for (const maxPoints of [undefined, 8]) {
        const view = { range, maxPoints };
        expect(getMetrics(db, 1, undefined, range).map((s) => downsampleMetricSeries(s, view)), JSON.stringify(view))
          .toEqual(whole.map((s) => downsampleMetricSeries(s, view)));
      }
    }
    // By hand: [501, 509] lies between steps 500 and 510, so the line crossing it is those two points (500 re-logged: 7; 510 is a multiple of 170: NaN).
    expect(getMetrics(db, 1, ['loss'], { min: 501, max: 509 })).toEqual([{ key: 'loss', steps: [500, 510], values: [7, NaN], wallTimes: [99_999, 510] }]);
    expect(getMetrics(db, 1, ['acc', 'missing'], { min: 2001, max: 3000 })).toEqual([{ key: 'acc', steps: [2000], values: [1], wallTimes: [2000] }]);
    expect(() => getMetrics(db, 1, undefined, { min: 5, max: 4 })).toThrow(RangeError);
  });
});
