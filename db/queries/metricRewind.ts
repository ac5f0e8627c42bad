/**
 * Rewinding a run's metrics to a checkpoint before it resumes (issue 16).
 *
 * A resumed run retrains every step after its checkpoint, so the points the
 * interrupted trainer logged past it would be logged a second time: two rows
 * for one (run, key, step), the summary's count doubled, and the curve after
 * the checkpoint mixing two trainers. Before the resumed trainer starts, those
 * points are deleted — the resumed trainer writes them again, from the
 * restored weights — and each touched key's latest_metrics row is rebuilt from
 * the points that remain, as migrations 0005 and 0007 build it.
 */
import type { Db } from '../sqlite';
import { statement } from './statements';

/** Where the run resumes: its checkpoint's epoch and step. */
export interface RewindPoint {
  epoch: number;
  step: number;
}

/** What a rewind removed, per key (keys with nothing past the checkpoint are left out). */
export type RewindReport = Record<string, number>;

/** The summary of one (run, key), rebuilt from its points; 9e999 is +Infinity in SQLite. */
const REBUILD_SUMMARY = `
  WITH summary AS (
    SELECT run_id, key,
           min(CASE WHEN abs(value) < 9e999 THEN value END) AS min_value,
           max(CASE WHEN abs(value) < 9e999 THEN value END) AS max_value,
           count(*) AS count,
           sum(CASE WHEN abs(value) < 9e999 THEN 0 ELSE 1 END) AS nonfinite_count,
           min(wall_time) AS first_wall_time,
           max(wall_time) AS last_wall_time
    FROM metrics WHERE run_id = @runId AND key = @key
    GROUP BY run_id, key
  )
  INSERT INTO latest_metrics (run_id, key, step, value, min_value, max_value, count, nonfinite_count, first_wall_time, last_wall_time, min_step, max_step)
  SELECT s.run_id, s.key, last.step, last.value, s.min_value, s.max_value, s.count, s.nonfinite_count, s.first_wall_time, s.last_wall_time,
         (SELECT min(m.step) FROM metrics AS m WHERE m.run_id = s.run_id AND m.key = s.key AND m.value = s.min_value),
         (SELECT min(m.step) FROM metrics AS m WHERE m.run_id = s.run_id AND m.key = s.key AND m.value = s.max_value)
  FROM summary AS s
  JOIN metrics AS last ON last.id = (
    SELECT m.id FROM metrics AS m WHERE m.run_id = s.run_id AND m.key = s.key ORDER BY m.step DESC, m.id DESC LIMIT 1)`;

/**
 * Deletes the run's points past `to`: a key counted in epochs (`isEpochKey`)
 * loses the points after `to.epoch`, every other key those after `to.step`
 * (a key the catalogue does not know is taken as step-counted, which never
 * removes a point at or before the checkpoint: an epoch number is at most its
 * step). One transaction; returns the points removed per key.
 */
export function rewindMetrics(db: Db, runId: number, to: RewindPoint, isEpochKey: (key: string) => boolean): RewindReport {
  const keys = statement<[number], { key: string }>(db, 'SELECT key FROM latest_metrics WHERE run_id = ?');
  const remove = statement<[number, string, number]>(db, 'DELETE FROM metrics WHERE run_id = ? AND key = ? AND step > ?');
  const dropSummary = statement<[number, string]>(db, 'DELETE FROM latest_metrics WHERE run_id = ? AND key = ?');
  const rebuild = statement<[{ runId: number; key: string }]>(db, REBUILD_SUMMARY);
  const removed: RewindReport = {};
  db.transaction(() => {
    for (const { key } of keys.all(runId)) {
      const cut = isEpochKey(key) ? to.epoch : to.step;
      const n = remove.run(runId, key, cut).changes;
      if (n === 0) continue;
      removed[key] = n;
      dropSummary.run(runId, key);
      rebuild.run({ runId, key });
    }
  }).immediate();
  return removed;
}
