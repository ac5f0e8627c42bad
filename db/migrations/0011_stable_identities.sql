-- 0011_stable_identities: identities that survive moving work between
-- machines (bundles, issue 14). Never edit this file once merged: add a new
-- migration instead.
--   runs.uuid         a random version-4 UUID, 8-4-4-4-12 lower-case hex. A
--                     bundle imported twice adds its runs once: a run whose
--                     uuid is already here is skipped.
--   experiments.uuid  the same, so a bundle's runs return to the experiment
--                     they came from on a machine that has it.
-- Architecture versions need no column: a bundle matches them by the sha256
-- of their family and document (main/services/bundle/).
--
-- SQLite's ALTER TABLE cannot add a column whose default is not constant, so
-- the columns are nullable; the UPDATEs fill every existing row (randomblob is
-- drawn per row) and the triggers give every new row one when its INSERT names
-- none (an imported run names its own). The unique indexes make a second row
-- with one uuid an error. The expression writes a version-4 UUID from
-- SQLite's CSPRNG: 4 random bits fixed to 0100, the variant nibble one of 8-b.

ALTER TABLE runs ADD COLUMN uuid TEXT CHECK (uuid IS NULL OR length(uuid) = 36);
ALTER TABLE experiments ADD COLUMN uuid TEXT CHECK (uuid IS NULL OR length(uuid) = 36);

UPDATE runs SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2)
  || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))
WHERE uuid IS NULL;
UPDATE experiments SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2)
  || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))
WHERE uuid IS NULL;

CREATE UNIQUE INDEX runs_uuid ON runs (uuid);
CREATE UNIQUE INDEX experiments_uuid ON experiments (uuid);

CREATE TRIGGER runs_uuid_on_insert AFTER INSERT ON runs WHEN NEW.uuid IS NULL
BEGIN
  UPDATE runs SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2)
    || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))
  WHERE id = NEW.id;
END;

CREATE TRIGGER experiments_uuid_on_insert AFTER INSERT ON experiments WHEN NEW.uuid IS NULL
BEGIN
  UPDATE experiments SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2)
    || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))
  WHERE id = NEW.id;
END;
