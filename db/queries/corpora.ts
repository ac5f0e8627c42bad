/** Imported text corpora: one row each; the decoded text lives in <data>/corpora/<id>.txt (migration 0010). */
import type { Db } from '../sqlite';
import type { CorpusRecord, NewCorpus } from '../storeTypes';
import { statement } from './statements';

interface CorpusRow {
  id: string;
  name: string;
  source_path: string;
  characters: number;
  distinct_characters: number;
  content_hash: string;
  notes: string;
  created_at: number;
}

const COLUMNS = 'id, name, source_path, characters, distinct_characters, content_hash, notes, created_at';

function toRecord(row: CorpusRow): CorpusRecord {
  return {
    id: row.id,
    name: row.name,
    sourcePath: row.source_path,
    characters: row.characters,
    distinctCharacters: row.distinct_characters,
    contentHash: row.content_hash,
    notes: row.notes,
    createdAt: row.created_at,
  };
}

/** Records a corpus; throws (a UNIQUE failure) when the id or, case-insensitively, the name is taken. */
export function createCorpus(db: Db, c: NewCorpus, at: number): CorpusRecord {
  statement<[string, string, string, number, number, string, string, number]>(db, `INSERT INTO corpora (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(c.id, c.name, c.sourcePath, c.characters, c.distinctCharacters, c.contentHash, c.notes, at);
  const row = getCorpus(db, c.id);
  if (!row) throw new Error(`corpus ${c.id} vanished after insert`);
  return row;
}

export function getCorpus(db: Db, id: string): CorpusRecord | undefined {
  const row = statement<[string], CorpusRow>(db, `SELECT ${COLUMNS} FROM corpora WHERE id = ?`).get(id);
  return row ? toRecord(row) : undefined;
}

/** Every imported corpus, oldest first. */
export function listCorpora(db: Db): CorpusRecord[] {
  return statement<[], CorpusRow>(db, `SELECT ${COLUMNS} FROM corpora ORDER BY created_at, id`).all().map(toRecord);
}

export function deleteCorpus(db: Db, id: string): boolean {
  return statement<[string]>(db, 'DELETE FROM corpora WHERE id = ?').run(id).changes > 0;
}
