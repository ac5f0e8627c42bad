-- 0010_corpora: the user's imported text corpora for the sequence family (issue 12).
-- Never edit this file once merged: add a new migration instead. The decoded text
-- lives in <data>/corpora/<id>.txt (UTF-8, LF line endings); the built-in corpus
-- (kjv-genesis) ships with the app and is not a row here. A run names its corpus in
-- its config (data.corpus), not in a column, so removing a corpus keeps its runs.

CREATE TABLE corpora (
  id                  TEXT    PRIMARY KEY CHECK (id GLOB '[a-z0-9]*' AND id NOT GLOB '*[^a-z0-9-]*' AND length(id) <= 64),
  name                TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
  -- The file it was imported from, as given (absolute).
  source_path         TEXT    NOT NULL,
  -- Code points of the decoded text (an emoji counts once).
  characters          INTEGER NOT NULL CHECK (characters >= 1),
  -- Distinct code points: the character-level vocabulary without the reserved tokens.
  distinct_characters INTEGER NOT NULL CHECK (distinct_characters >= 1),
  -- sha256 of the stored (decoded) text's UTF-8 bytes, 'sha256:<hex>'.
  content_hash        TEXT    NOT NULL,
  -- What the import noted (byte-order mark dropped, line endings replaced).
  notes               TEXT    NOT NULL DEFAULT '',
  created_at          INTEGER NOT NULL
) WITHOUT ROWID;
