-- 0012_change_tracking: what another process on the same data folder needs to
-- see a run's changes live (issue 15), and to tell a crashed process's runs
-- from a live one's. Never edit this file once merged: add a new migration.
--   change_counter   one row whose value grows by one with every insert,
--                    update or delete of a run (and of its tags): a global
--                    revision, so "what changed since revision R" is one
--                    indexed query instead of a scan of every run.
--   runs.revision    the counter's value at the run's last change; the
--                    triggers below keep it (a writer never sets it).
--   run_deletions    the run id and the revision of each deleted run, so a
--                    watcher can tell its windows to forget it.
--   runs.owner       '<host>:<pid>:<nonce>' of the process that queued or
--                    trains the run (NULL for runs from before this
--                    migration and imported runs). Opening the app marks
--                    only runs whose owner is gone as interrupted, and a
--                    watcher skips the metrics of runs its own process trains
--                    (it already sent them).
-- Metrics, logs and artifacts need no column: their ids only grow while the
-- rows are appended, so "after id" is their cursor.
--
-- The UPDATE inside each trigger does not fire the update trigger again: it
-- changes revision, and that trigger runs only when revision did not change.

CREATE TABLE change_counter (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  value INTEGER NOT NULL
);
INSERT INTO change_counter (id, value) VALUES (1, 0);

ALTER TABLE runs ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN owner TEXT;
CREATE INDEX runs_revision ON runs (revision);

CREATE TABLE run_deletions (
  revision INTEGER PRIMARY KEY,
  run_id   INTEGER NOT NULL
);

CREATE TRIGGER runs_revision_on_insert AFTER INSERT ON runs
BEGIN
  UPDATE change_counter SET value = value + 1 WHERE id = 1;
  UPDATE runs SET revision = (SELECT value FROM change_counter WHERE id = 1) WHERE id = NEW.id;
END;

CREATE TRIGGER runs_revision_on_update AFTER UPDATE ON runs WHEN NEW.revision = OLD.revision
BEGIN
  UPDATE change_counter SET value = value + 1 WHERE id = 1;
  UPDATE runs SET revision = (SELECT value FROM change_counter WHERE id = 1) WHERE id = NEW.id;
END;

CREATE TRIGGER runs_revision_on_delete AFTER DELETE ON runs
BEGIN
  UPDATE change_counter SET value = value + 1 WHERE id = 1;
  INSERT INTO run_deletions (revision, run_id) VALUES ((SELECT value FROM change_counter WHERE id = 1), OLD.id);
END;

-- A tag added or removed is a change of its run (a run's own delete cascades
-- here after the row is gone: the UPDATE then touches nothing).
CREATE TRIGGER run_tags_revision_on_insert AFTER INSERT ON run_tags
BEGIN
  UPDATE runs SET revision = revision WHERE id = NEW.run_id;
END;

CREATE TRIGGER run_tags_revision_on_delete AFTER DELETE ON run_tags
BEGIN
  UPDATE runs SET revision = revision WHERE id = OLD.run_id;
END;
