-- 0006_run_annotations: what a researcher adds to a run after the fact.
-- Never edit this file once merged: add a new migration instead.
--   notes     free text (markdown as written; shown as plain text), '' when none
--   starred   1 for a starred (pinned) run, listed first on the experiment page
--   archived  1 for an archived run, left out of runs lists unless asked for
-- Deleting a run needs no schema change: every table that names a run
-- (params, metrics, latest_metrics, artifacts, logs, run_tags) references
-- runs(id) ON DELETE CASCADE.

ALTER TABLE runs ADD COLUMN notes TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN starred INTEGER NOT NULL DEFAULT 0 CHECK (starred IN (0, 1));
ALTER TABLE runs ADD COLUMN archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1));
