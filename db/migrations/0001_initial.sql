-- 0001_initial: the first schema. Never edit this file once merged: add a new
-- migration instead. Times are integer milliseconds since the epoch.

CREATE TABLE experiments (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL UNIQUE,
  description TEXT    NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL
);

-- Saved architectures: a name, and numbered versions of its graph.
CREATE TABLE architectures (
  id         INTEGER PRIMARY KEY,
  name       TEXT    NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);

CREATE TABLE architecture_versions (
  architecture_id INTEGER NOT NULL REFERENCES architectures(id) ON DELETE CASCADE,
  version         INTEGER NOT NULL CHECK (version >= 1),
  graph_json      TEXT    NOT NULL,
  created_at      INTEGER NOT NULL,
  PRIMARY KEY (architecture_id, version)
) WITHOUT ROWID;

CREATE TABLE runs (
  id                   INTEGER PRIMARY KEY,
  experiment_id        INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  name                 TEXT    NOT NULL,
  family               TEXT    NOT NULL,
  status               TEXT    NOT NULL DEFAULT 'queued'
                       CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
  error                TEXT,
  config_json          TEXT    NOT NULL,
  architecture_json    TEXT    NOT NULL,
  architecture_id      INTEGER REFERENCES architectures(id) ON DELETE SET NULL,
  architecture_version INTEGER,
  seed                 INTEGER NOT NULL,
  dataset_id           TEXT    NOT NULL,
  dataset_hash         TEXT    NOT NULL,
  backend              TEXT,
  app_version          TEXT    NOT NULL,
  created_at           INTEGER NOT NULL,
  started_at           INTEGER,
  ended_at             INTEGER
);
CREATE INDEX runs_experiment_created ON runs (experiment_id, created_at);
CREATE INDEX runs_status ON runs (status);

-- Typed hyperparameters, one row each. Booleans are stored as 0/1 in num_value.
CREATE TABLE params (
  run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key        TEXT    NOT NULL,
  value_type TEXT    NOT NULL CHECK (value_type IN ('number', 'string', 'boolean')),
  num_value  REAL,
  text_value TEXT,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE INDEX params_key_num ON params (key, num_value);

-- Every logged point. value is NULL for NaN (SQLite cannot store NaN); ±Infinity is stored as is.
CREATE TABLE metrics (
  id        INTEGER PRIMARY KEY,
  run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key       TEXT    NOT NULL,
  step      INTEGER NOT NULL,
  value     REAL,
  wall_time INTEGER NOT NULL
);
CREATE INDEX metrics_run_key_step ON metrics (run_id, key, step);

-- The latest point of each (run, key): highest step, ties go to the newest write.
CREATE TABLE latest_metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key    TEXT    NOT NULL,
  step   INTEGER NOT NULL,
  value  REAL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;

-- Files on disk (checkpoints, sample images); path is relative to the data directory.
CREATE TABLE artifacts (
  id         INTEGER PRIMARY KEY,
  run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  kind       TEXT    NOT NULL,
  step       INTEGER NOT NULL,
  path       TEXT    NOT NULL,
  meta_json  TEXT    NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL
);
CREATE INDEX artifacts_run_kind ON artifacts (run_id, kind);

-- AUTOINCREMENT so ids only grow: readers poll with "after id".
CREATE TABLE logs (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  time    INTEGER NOT NULL,
  level   TEXT    NOT NULL CHECK (level IN ('info', 'warn', 'error')),
  message TEXT    NOT NULL
);
CREATE INDEX logs_run_id ON logs (run_id, id);

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
