/**
 * Saved architectures: a name (architectures.id) and numbered versions of its
 * document, each for one family (every version of a name has the same one).
 * (id, version) addresses one version; id alone means the latest.
 */
import type { ArchitectureFamily, ArchitectureInfo, ArchitectureVersionInfo } from '../../main/common/domain';
import { architectureFamilies, isArchitectureFamily } from '../../workers/common/families/registry';
import type { Db } from '../sqlite';
import { ArchitectureSaveError, type ArchitectureFilter, type NewArchitectureVersion } from '../storeTypes';
import { parseArchitecture } from './json';
import { insertedId, statement } from './statements';

/** The longest note (commit message) a version may carry. */
export const MAX_ARCHITECTURE_NOTE = 500;

interface VersionRow {
  id: number;
  name: string;
  version: number;
  family: ArchitectureFamily;
  note: string | null;
  parent_architecture_id: number | null;
  parent_version: number | null;
  created_at: number;
  run_count: number;
}

interface DocumentRow extends VersionRow {
  architecture_json: string;
  version_count: number;
}

const RUN_COUNT = `(SELECT COUNT(*) FROM runs r WHERE r.architecture_id = a.id AND r.architecture_version = v.version)`;
const VERSION_COUNT = `(SELECT COUNT(*) FROM architecture_versions c WHERE c.architecture_id = a.id)`;

const SELECT_VERSION = `
  SELECT a.id, a.name, v.version, v.family, v.note, v.parent_architecture_id, v.parent_version, v.created_at,
         ${RUN_COUNT} AS run_count
  FROM architectures a JOIN architecture_versions v ON v.architecture_id = a.id`;

const SELECT_DOCUMENT = `
  SELECT a.id, a.name, v.version, v.family, v.note, v.parent_architecture_id, v.parent_version, v.created_at,
         ${RUN_COUNT} AS run_count, v.architecture_json, ${VERSION_COUNT} AS version_count
  FROM architectures a JOIN architecture_versions v ON v.architecture_id = a.id`;

const IS_LATEST = 'v.version = (SELECT MAX(version) FROM architecture_versions m WHERE m.architecture_id = a.id)';

function toVersionInfo(row: VersionRow): ArchitectureVersionInfo {
  return {
    id: row.id,
    name: row.name,
    family: row.family,
    version: row.version,
    createdAt: row.created_at,
    note: row.note,
    forkOf: row.parent_architecture_id !== null && row.parent_version !== null ? { id: row.parent_architecture_id, version: row.parent_version } : null,
    runCount: row.run_count,
  };
}

function toInfo(row: DocumentRow): ArchitectureInfo {
  return { ...toVersionInfo(row), architecture: parseArchitecture(row.architecture_json), versionCount: row.version_count };
}

/**
 * A new version of the named architecture: version 1 when the name is new.
 * Throws ArchitectureSaveError when the family is not an architecture family
 * of the registry (the table has no CHECK on names: the registry is the one
 * list), when the name exists with another family, or when forkOf names a
 * version that does not exist.
 */
export function saveArchitecture(db: Db, a: NewArchitectureVersion, at: number): ArchitectureInfo {
  const family: unknown = a.family;
  if (!isArchitectureFamily(family)) {
    throw new ArchitectureSaveError('unknown-family',
      `${JSON.stringify(family) ?? 'undefined'} is not a family with saved architectures: it must be one of ${architectureFamilies.map((f) => `'${f}'`).join(', ')}`);
  }
  const name = a.name.trim();
  if (name === '') throw new Error('An architecture needs a name');
  const note = a.note?.trim() ? a.note.trim() : null;
  if (note !== null && note.length > MAX_ARCHITECTURE_NOTE) throw new Error(`A version's note must be at most ${MAX_ARCHITECTURE_NOTE} characters (it is ${note.length})`);
  const documentJson = JSON.stringify(a.architecture);
  return db.transaction(() => {
    if (a.forkOf) {
      const parent = statement<[number, number], { version: number }>(db,
        'SELECT version FROM architecture_versions WHERE architecture_id = ? AND version = ?').get(a.forkOf.id, a.forkOf.version);
      if (!parent) throw new ArchitectureSaveError('no-fork-parent', `Architecture ${a.forkOf.id} version ${a.forkOf.version} does not exist: there is nothing to fork`);
    }
    const existing = statement<[string], { id: number }>(db, 'SELECT id FROM architectures WHERE name = ?').get(name);
    if (existing) {
      const family = statement<[number], { family: ArchitectureFamily }>(db,
        'SELECT family FROM architecture_versions WHERE architecture_id = ? ORDER BY version DESC LIMIT 1').get(existing.id)?.family;
      if (family !== undefined && family !== a.family) {
        throw new ArchitectureSaveError('family-mismatch',
          `The architecture "${name}" is a ${family} architecture: a ${a.family} version cannot be saved under its name (save it under another name; an architecture's versions all have one family)`);
      }
    }
    const id = existing?.id ?? insertedId(statement<[string, number]>(db,
      'INSERT INTO architectures (name, created_at) VALUES (?, ?)').run(name, at));
    const next = statement<[number], { next: number }>(db,
      'SELECT COALESCE(MAX(version), 0) + 1 AS next FROM architecture_versions WHERE architecture_id = ?').get(id);
    const version = next?.next ?? 1;
    statement<[number, number, string, string, string | null, number | null, number | null, number]>(db,
      `INSERT INTO architecture_versions (architecture_id, version, family, architecture_json, note, parent_architecture_id, parent_version, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(id, version, a.family, documentJson, note, a.forkOf?.id ?? null, a.forkOf?.version ?? null, at);
    const saved = getArchitecture(db, id, version);
    if (!saved) throw new Error(`Architecture ${id} version ${version} was not saved`);
    return saved;
  }).immediate();
}

export function getArchitecture(db: Db, id: number, version?: number): ArchitectureInfo | undefined {
  const row = version === undefined
    ? statement<[number], DocumentRow>(db, `${SELECT_DOCUMENT} WHERE a.id = ? AND ${IS_LATEST}`).get(id)
    : statement<[number, number], DocumentRow>(db, `${SELECT_DOCUMENT} WHERE a.id = ? AND v.version = ?`).get(id, version);
  return row ? toInfo(row) : undefined;
}

/** The latest version of every saved architecture (of one family, when given), by name. */
export function listArchitectures(db: Db, filter: ArchitectureFilter = {}): ArchitectureInfo[] {
  const order = 'ORDER BY a.name COLLATE NOCASE, a.id';
  const rows = filter.family === undefined
    ? statement<[], DocumentRow>(db, `${SELECT_DOCUMENT} WHERE ${IS_LATEST} ${order}`).all()
    : statement<[string], DocumentRow>(db, `${SELECT_DOCUMENT} WHERE ${IS_LATEST} AND v.family = ? ${order}`).all(filter.family);
  return rows.map(toInfo);
}

/** Every version of one architecture, newest first, without the documents; [] when there is no such architecture. */
export function listArchitectureVersions(db: Db, id: number): ArchitectureVersionInfo[] {
  return statement<[number], VersionRow>(db, `${SELECT_VERSION} WHERE a.id = ? ORDER BY v.version DESC`).all(id).map(toVersionInfo);
}
