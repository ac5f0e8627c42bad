-- 0007_best_steps: where each metric's extremes were reached. Never edit this
-- file once merged: add a new migration instead.
--
-- latest_metrics gains, per (run, key), the step at which the minimum and the
-- maximum finite value were first reached (the lowest such step; NULL until a
-- finite value is seen). A family with a validation metric reports the "best"
-- of its test metrics at the step where the validation metric was best, not at
-- the test metric's own extreme, which would be choosing on the test set:
-- these columns find that step without scanning the metrics table.
-- db/queries/metrics.ts appendMetrics keeps them as points arrive; the
-- statements below fill them once for the points already stored.

ALTER TABLE latest_metrics ADD COLUMN min_step INTEGER;
ALTER TABLE latest_metrics ADD COLUMN max_step INTEGER;

UPDATE latest_metrics SET
  min_step = (SELECT min(m.step) FROM metrics AS m
              WHERE m.run_id = latest_metrics.run_id AND m.key = latest_metrics.key AND m.value = latest_metrics.min_value),
  max_step = (SELECT min(m.step) FROM metrics AS m
              WHERE m.run_id = latest_metrics.run_id AND m.key = latest_metrics.key AND m.value = latest_metrics.max_value)
WHERE min_value IS NOT NULL;
