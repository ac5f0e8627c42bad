-- 0009_saved_views: named views of a runs page (filter, table columns, sort,
-- grouping, compare settings) saved per experiment, or for the all-runs page
-- (experiment_id NULL). Never edit this file once merged: add a new migration.
--   state_json  a SavedViewState (main/common/savedView.ts), validated by the
--               API before it is written and again when read back
-- A name is unique within its scope. SQL's UNIQUE treats NULLs as distinct, so
-- two all-runs views could share a name under UNIQUE (experiment_id, name):
-- the index is on coalesce(experiment_id, 0) instead (ids start at 1).
-- Deleting an experiment deletes its views.

CREATE TABLE saved_views (
  id            INTEGER PRIMARY KEY,
  experiment_id INTEGER REFERENCES experiments(id) ON DELETE CASCADE,
  name          TEXT    NOT NULL CHECK (length(trim(name)) > 0),
  state_json    TEXT    NOT NULL,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX saved_views_scope_name ON saved_views (coalesce(experiment_id, 0), name);
