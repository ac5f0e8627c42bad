-- 0005_metric_summaries_and_tags: a per-run summary of each metric, kept up
-- to date as points arrive, and run tags. Never edit this file once merged:
-- add a new migration instead.
--
-- latest_metrics (one row per (run, key); step and value stay the latest
-- point: highest step, ties to the newest write) gains the summary of every
-- point stored for that (run, key), so a runs table never scans metrics:
--   min_value, max_value  over the finite values only; NULL until one is seen
--   count                 the number of points stored
--   nonfinite_count       how many of them were NaN (stored as NULL) or ±Infinity
--   first_wall_time,      the earliest and latest wall time of those points
--   last_wall_time        (milliseconds since the epoch)
-- A run resumed from an earlier checkpoint re-logs steps: every point written
-- is counted (min, max and count summarise the stored points, as the metrics
-- table holds them all), although getMetrics shows one value per step.
-- db/queries/metrics.ts appendMetrics maintains these columns, one UPSERT per
-- point; the statement below fills them once for the points already stored.

ALTER TABLE latest_metrics ADD COLUMN min_value REAL;
ALTER TABLE latest_metrics ADD COLUMN max_value REAL;
ALTER TABLE latest_metrics ADD COLUMN count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE latest_metrics ADD COLUMN nonfinite_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE latest_metrics ADD COLUMN first_wall_time INTEGER;
ALTER TABLE latest_metrics ADD COLUMN last_wall_time INTEGER;

-- One pass over metrics, grouped by (run, key) in the order of its
-- (run_id, key, step) index. 9e999 is +Infinity in SQLite: a value is finite
-- when it is not NULL and its magnitude is below that. A (run, key) with
-- points but no latest_metrics row (which appendMetrics never leaves) gets one
-- whose latest point is found as appendMetrics would have kept it; an existing
-- row keeps its step and value.
WITH summary AS (
  SELECT run_id, key,
         min(CASE WHEN abs(value) < 9e999 THEN value END) AS min_value,
         max(CASE WHEN abs(value) < 9e999 THEN value END) AS max_value,
         count(*) AS count,
         sum(CASE WHEN abs(value) < 9e999 THEN 0 ELSE 1 END) AS nonfinite_count,
         min(wall_time) AS first_wall_time,
         max(wall_time) AS last_wall_time
  FROM metrics
  GROUP BY run_id, key
)
INSERT INTO latest_metrics (run_id, key, step, value, min_value, max_value, count, nonfinite_count, first_wall_time, last_wall_time)
SELECT s.run_id, s.key, last.step, last.value, s.min_value, s.max_value, s.count, s.nonfinite_count, s.first_wall_time, s.last_wall_time
FROM summary AS s
JOIN metrics AS last ON last.id = (
  SELECT m.id FROM metrics AS m WHERE m.run_id = s.run_id AND m.key = s.key ORDER BY m.step DESC, m.id DESC LIMIT 1)
WHERE true
ON CONFLICT (run_id, key) DO UPDATE SET
  min_value = excluded.min_value,
  max_value = excluded.max_value,
  count = excluded.count,
  nonfinite_count = excluded.nonfinite_count,
  first_wall_time = excluded.first_wall_time,
  last_wall_time = excluded.last_wall_time;

-- Free-form labels on runs (1 to 64 characters, trimmed; the store checks).
CREATE TABLE run_tags (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  tag    TEXT    NOT NULL,
  PRIMARY KEY (run_id, tag)
) WITHOUT ROWID;
-- Which runs carry a tag (filters such as `tags has "baseline"`).
CREATE INDEX run_tags_tag ON run_tags (tag);
