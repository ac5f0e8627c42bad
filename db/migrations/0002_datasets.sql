-- 0002_datasets: the user's imported image classification sets. Never edit this
-- file once merged: add a new migration instead. The files live in
-- <data>/datasets/<id>/ as IDX (train/test images and labels); built-in sets
-- (MNIST) are not rows here. runs.dataset_id names either kind, so it has no
-- foreign key: removing a dataset keeps the runs that trained on it.

CREATE TABLE datasets (
  id           TEXT    PRIMARY KEY CHECK (id GLOB '[a-z0-9]*' AND id NOT GLOB '*[^a-z0-9-]*' AND length(id) <= 64),
  name         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
  kind         TEXT    NOT NULL CHECK (kind IN ('idx', 'image-folder')),
  -- The folder it was imported from, as given (absolute).
  source_path  TEXT    NOT NULL,
  height       INTEGER NOT NULL CHECK (height >= 1),
  width        INTEGER NOT NULL CHECK (width >= 1),
  channels     INTEGER NOT NULL CHECK (channels IN (1, 3)),
  num_classes  INTEGER NOT NULL CHECK (num_classes >= 2),
  -- JSON array of num_classes strings, by label.
  class_names  TEXT    NOT NULL,
  train_size   INTEGER NOT NULL CHECK (train_size >= 1),
  test_size    INTEGER NOT NULL CHECK (test_size >= 1),
  -- sha256 over the converted IDX files, as recorded on each run that uses it.
  content_hash TEXT    NOT NULL,
  -- Image folders without train/ and test/: how the split was drawn (else NULL).
  test_fraction REAL,
  split_seed   INTEGER,
  -- What the import noted (files ignored, how the split was made), shown as the description.
  notes        TEXT    NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX runs_dataset ON runs (dataset_id);
