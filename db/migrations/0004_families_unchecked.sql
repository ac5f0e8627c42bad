-- 0004_families_unchecked: families are the registry's business, and run
-- configs carry a version. Never edit this file once merged: add a new
-- migration instead.
--
-- architecture_versions is rebuilt without 0003's CHECK on the family names
-- (SQLite cannot drop a CHECK in place): a new family must not need a table
-- rebuild. The store refuses a family that is not an architecture family of
-- the registry (workers/common/families/registry.ts) instead. Every column,
-- the self-reference of forks, the index and the one-family trigger are as
-- 0003 made them; the rows are copied as they are.
--
-- runs.config_version: the version of the run config format config_json was
-- written in (workers/common/runConfigVersion.ts). Every run before this
-- migration wrote version 1.

CREATE TABLE architecture_versions_new (
  architecture_id        INTEGER NOT NULL REFERENCES architectures(id) ON DELETE CASCADE,
  version                INTEGER NOT NULL CHECK (version >= 1),
  family                 TEXT    NOT NULL,
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
  SELECT architecture_id, version, family, architecture_json, note, parent_architecture_id, parent_version, created_at FROM architecture_versions;

DROP TABLE architecture_versions;
ALTER TABLE architecture_versions_new RENAME TO architecture_versions;

-- Which versions were forked from a given one.
CREATE INDEX architecture_versions_parent ON architecture_versions (parent_architecture_id, parent_version);

-- An architecture's name belongs to one family: a version of another family is refused.
CREATE TRIGGER architecture_versions_one_family
BEFORE INSERT ON architecture_versions
WHEN EXISTS (SELECT 1 FROM architecture_versions
             WHERE architecture_id = NEW.architecture_id AND family <> NEW.family)
BEGIN
  SELECT RAISE(ABORT, 'architecture family mismatch: every version of an architecture has the family of its first version');
END;

ALTER TABLE runs ADD COLUMN config_version INTEGER NOT NULL DEFAULT 1 CHECK (config_version >= 1);
