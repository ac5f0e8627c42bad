/**
 * What a runs listing shows of a run's two JSON documents: whether its stored
 * config reads (the error when not) and its architecture's name. Parsing and
 * validating a config costs microseconds, but a 1,000-run page lists it on
 * every load and every change, so the answer is kept per database connection
 * by (run id, run uuid): both documents are written once (createRun, a
 * bundle's import) and never updated, and a reused id comes with a new uuid.
 * A run without a uuid (none should exist after migration 0011) is read every
 * time. Only runs not yet known are read, in one query.
 */
import type { Db } from '../sqlite';
import { readRunConfig } from './json';
import { statement } from './statements';

export interface ListedDocuments {
  /** Why the stored config cannot be read; null when it reads. */
  configError: string | null;
  /** The architecture document's name ('' when it has none). */
  architectureName: string;
}

interface Known extends ListedDocuments { uuid: string }

const known = new WeakMap<Db, Map<number, Known>>();

interface DocumentRow { id: number; uuid: string | null; config_json: string; config_version: number; architecture_name: string | null }

/** Each listed run's documents as a listing shows them, from the cache or (for runs not seen yet) one query. */
export function listedDocuments(db: Db, rows: readonly { id: number; uuid: string | null }[]): Map<number, ListedDocuments> {
  let cache = known.get(db);
  if (cache === undefined) {
    cache = new Map();
    known.set(db, cache);
  }
  const out = new Map<number, ListedDocuments>();
  const missing: number[] = [];
  for (const r of rows) {
    const hit = r.uuid === null ? undefined : cache.get(r.id);
    if (hit !== undefined && hit.uuid === r.uuid) out.set(r.id, hit);
    else missing.push(r.id);
  }
  if (missing.length === 0) return out;
  const read = statement<[string], DocumentRow>(db, `
    SELECT id, uuid, config_json, config_version, json_extract(architecture_json, '$.name') AS architecture_name
    FROM runs WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(missing));
  for (const row of read) {
    const config = readRunConfig(row.config_json, row.config_version);
    const docs: ListedDocuments = { configError: 'error' in config ? config.error : null, architectureName: row.architecture_name ?? '' };
    if (row.uuid !== null) cache.set(row.id, { ...docs, uuid: row.uuid });
    out.set(row.id, docs);
  }
  return out;
}
