/** Run tags: free-form labels a researcher puts on runs to find and filter them. */
import { RunTagError } from '../storeTypes';
import type { Db } from '../sqlite';
import { statement } from './statements';

/** The longest tag, in characters (Unicode code points), after trimming. */
export const MAX_TAG_LENGTH = 64;

/**
 * The tags as they will be stored: trimmed, each once, in the order first
 * given. Throws RunTagError on a tag that is blank or longer than
 * MAX_TAG_LENGTH once trimmed, naming it, so nothing is stored silently changed.
 */
export function normaliseTags(tags: readonly string[]): string[] {
  const kept = new Set<string>();
  for (const raw of tags) {
    const tag = raw.trim();
    if (tag === '') throw new RunTagError('empty-tag', 'A tag cannot be empty or only spaces');
    const length = [...tag].length;
    if (length > MAX_TAG_LENGTH) {
      throw new RunTagError('tag-too-long', `The tag "${[...tag].slice(0, 20).join('')}…" has ${length} characters; a tag has at most ${MAX_TAG_LENGTH}`);
    }
    kept.add(tag);
  }
  return [...kept];
}

/**
 * Replaces the run's tags with `tags` (normalised by normaliseTags) in one
 * transaction and returns them as stored, sorted. Throws RunTagError when a
 * tag is refused (nothing changes) or the run does not exist.
 */
export function setRunTags(db: Db, runId: number, tags: readonly string[]): string[] {
  const wanted = normaliseTags(tags);
  db.transaction(() => {
    const exists = statement<[number], { id: number }>(db, 'SELECT id FROM runs WHERE id = ?').get(runId);
    if (!exists) throw new RunTagError('no-run', `Run ${runId} does not exist`);
    statement<[number]>(db, 'DELETE FROM run_tags WHERE run_id = ?').run(runId);
    const insert = statement<[number, string]>(db, 'INSERT INTO run_tags (run_id, tag) VALUES (?, ?)');
    for (const tag of wanted) insert.run(runId, tag);
  }).immediate();
  return runTags(db, [runId]).get(runId) ?? [];
}

interface TagRow {
  run_id: number;
  tag: string;
}

/**
 * Each requested run's tags, sorted (SQLite's binary order: by code point),
 * in one query; an empty list for a run without tags.
 */
export function runTags(db: Db, runIds: readonly number[]): Map<number, string[]> {
  const result = new Map<number, string[]>();
  for (const id of runIds) result.set(id, []);
  if (runIds.length === 0) return result;
  const rows = statement<[string], TagRow>(db, `
    SELECT run_id, tag FROM run_tags
    WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY run_id, tag`).all(JSON.stringify(runIds));
  for (const row of rows) result.get(row.run_id)?.push(row.tag);
  return result;
}
