-- 0003_architecture_family: saved architectures for every family. Never edit
-- this file once merged: add a new migration instead.
--
-- architecture_versions is rebuilt (SQLite cannot add a NOT NULL column without
-- a default, nor rename graph_json in place):
--   architecture_json  the document: a latent-graph GraphDocument (classifier)
--                      or a latent-model ModelDocument (the other families).
--                      The old graph_json rows are copied as they are.
--   family             which family the document is for; every version of one
--                      architecture has the same family (trigger below). Rows
--                      from before this migration were classifier graphs.
--   note               the version's commit message (NULL when none).
--   parent_architecture_id, parent_version
--                      the version this one was forked from (both or neither).

CREATE TABLE architecture_versions_new (
  architecture_id        INTEGER NOT NULL REFERENCES architectures(id) ON DELETE CASCADE,
  version                INTEGER NOT NULL CHECK (version >= 1),
  family                 TEXT    NOT NULL CHECK (family IN ('classifier', 'autoencoder', 'vae', 'gan')),
  architecture_json      TEXT    NOT NULL,
  note                   TEXT    CHECK (note IS NULL OR length(note) <= 500),
  parent_architecture_id INTEGER,
  parent_version         INTEGER CHECK (parent_version IS NULL OR parent_version >= 1),
  created_at             INTEGER NOT NULL,
  PRIMARY KEY (architecture_id, version),
  CHECK ((parent_architecture_id IS NULL) = (parent_version IS NULL)),
  FOREIGN KEY (parent_architecture_id, parent_version)
    REFERENCES architecture_versions (architecture_id, version) ON DELETE SET NULL
) WITHOUT ROWID;

INSERT INTO architecture_versions_new (architecture_id, version, family, architecture_json, note, parent_architecture_id, parent_version, created_at)
  SELECT architecture_id, version, 'classifier', graph_json, NULL, NULL, NULL, created_at FROM architecture_versions;

DROP TABLE architecture_versions;
ALTER TABLE architecture_versions_new RENAME TO architecture_versions;

-- Which versions were forked from a given one.
CREATE INDEX architecture_versions_parent ON architecture_versions (parent_architecture_id, parent_version);
-- Which runs trained a given version.
CREATE INDEX runs_architecture ON runs (architecture_id, architecture_version);

-- An architecture's name belongs to one family: a version of another family is refused.
CREATE TRIGGER architecture_versions_one_family
BEFORE INSERT ON architecture_versions
WHEN EXISTS (SELECT 1 FROM architecture_versions
             WHERE architecture_id = NEW.architecture_id AND family <> NEW.family)
BEGIN
  SELECT RAISE(ABORT, 'architecture family mismatch: every version of an architecture has the family of its first version');
END;
