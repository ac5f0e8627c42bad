-- 0008_run_origin: a run made by runs.reproduce records the run it reproduces.
-- Never edit this file once merged: add a new migration instead.
--   origin_run_id  the run whose config, architecture version, dataset and
--                  seed this one repeats; NULL for a run started from a form
--                  or a config file.
-- Deleting the origin keeps its reproductions: ON DELETE SET NULL (foreign
-- keys are on for every connection). SQLite allows a REFERENCES column in
-- ALTER TABLE ADD COLUMN when its default is NULL, as here.

ALTER TABLE runs ADD COLUMN origin_run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL;

-- The origin's page lists its reproductions without a scan.
CREATE INDEX runs_origin_run_id ON runs(origin_run_id) WHERE origin_run_id IS NOT NULL;
