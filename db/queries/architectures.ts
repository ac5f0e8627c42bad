/**
 * Saved architectures: a name (architectures.id) and numbered versions of its
 * graph. (id, version) addresses one version; id alone means the latest.
 */
import type { ArchitectureInfo } from '../../main/common/domain';
import type { GraphDocument } from '../../workers/common/graph';
import type { Db } from '../sqlite';
import { parseGraph } from './json';
import { insertedId, statement } from './statements';

interface VersionRow {
  id: number;
  name: string;
  version: number;
  created_at: number;
  graph_json: string;
}

const SELECT = `
  SELECT a.id, a.name, v.version, v.created_at, v.graph_json
  FROM architectures a JOIN architecture_versions v ON v.architecture_id = a.id`;

function toInfo(row: VersionRow): ArchitectureInfo {
  return { id: row.id, name: row.name, version: row.version, createdAt: row.created_at, graph: parseGraph(row.graph_json) };
}

/** A new version of the named architecture: version 1 when the name is new. */
export function saveArchitecture(db: Db, name: string, graph: GraphDocument, at: number): ArchitectureInfo {
  const trimmed = name.trim();
  if (trimmed === '') throw new Error('An architecture needs a name');
  const graphJson = JSON.stringify(graph);
  return db.transaction(() => {
    const existing = statement<[string], { id: number }>(db, 'SELECT id FROM architectures WHERE name = ?').get(trimmed);
    const id = existing?.id ?? insertedId(statement<[string, number]>(db,
      'INSERT INTO architectures (name, created_at) VALUES (?, ?)').run(trimmed, at));
    const next = statement<[number], { next: number }>(db,
      'SELECT COALESCE(MAX(version), 0) + 1 AS next FROM architecture_versions WHERE architecture_id = ?').get(id);
    const version = next?.next ?? 1;
    statement<[number, number, string, number]>(db,
      'INSERT INTO architecture_versions (architecture_id, version, graph_json, created_at) VALUES (?, ?, ?, ?)')
      .run(id, version, graphJson, at);
    return { id, name: trimmed, version, createdAt: at, graph: parseGraph(graphJson) };
  }).immediate();
}

export function getArchitecture(db: Db, id: number, version?: number): ArchitectureInfo | undefined {
  const row = version === undefined
    ? statement<[number], VersionRow>(db, `${SELECT} WHERE a.id = ? ORDER BY v.version DESC LIMIT 1`).get(id)
    : statement<[number, number], VersionRow>(db, `${SELECT} WHERE a.id = ? AND v.version = ?`).get(id, version);
  return row ? toInfo(row) : undefined;
}

/** The latest version of every saved architecture, by name. */
export function listArchitectures(db: Db): ArchitectureInfo[] {
  return statement<[], VersionRow>(db, `${SELECT}
    WHERE v.version = (SELECT MAX(version) FROM architecture_versions WHERE architecture_id = a.id)
    ORDER BY a.name COLLATE NOCASE, a.id`).all().map(toInfo);
}
