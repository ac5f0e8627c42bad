/** Artifacts: files on disk (checkpoints, sample images) with their paths relative to the data directory. */
import { CHECKPOINT_KIND } from '../../workers/common/families/registry';
import type { CheckpointRef } from '../../workers/common/protocol';
import type { ArtifactRecord } from '../storeTypes';
import type { Db } from '../sqlite';
import { parseRecord } from './json';
import { insertedId, statement } from './statements';

interface ArtifactRow {
  id: number;
  run_id: number;
  kind: string;
  step: number;
  path: string;
  meta_json: string;
  created_at: number;
}

const SELECT = 'SELECT id, run_id, kind, step, path, meta_json, created_at FROM artifacts';

function toArtifact(row: ArtifactRow): ArtifactRecord {
  return {
    id: row.id,
    runId: row.run_id,
    kind: row.kind,
    step: row.step,
    path: row.path,
    meta: parseRecord(row.meta_json, 'artifact meta'),
    createdAt: row.created_at,
  };
}

export function addArtifact(
  db: Db, runId: number, kind: string, step: number, path: string, meta: Record<string, unknown>, at: number,
): ArtifactRecord {
  const metaJson = JSON.stringify(meta);
  const result = statement<[number, string, number, string, string, number]>(db,
    'INSERT INTO artifacts (run_id, kind, step, path, meta_json, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(runId, kind, step, path, metaJson, at);
  return { id: insertedId(result), runId, kind, step, path, meta: parseRecord(metaJson, 'artifact meta'), createdAt: at };
}

/** In the order they were written. */
export function listArtifacts(db: Db, runId: number, kind?: string): ArtifactRecord[] {
  const rows = kind === undefined
    ? statement<[number], ArtifactRow>(db, `${SELECT} WHERE run_id = ? ORDER BY id`).all(runId)
    : statement<[number, string], ArtifactRow>(db, `${SELECT} WHERE run_id = ? AND kind = ? ORDER BY id`).all(runId, kind);
  return rows.map(toArtifact);
}

export function getArtifact(db: Db, id: number): ArtifactRecord | undefined {
  const row = statement<[number], ArtifactRow>(db, `${SELECT} WHERE id = ?`).get(id);
  return row ? toArtifact(row) : undefined;
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * The newest checkpoint artifact whose meta holds a numeric epoch, as a ref.
 * dir is the stored relative path; the caller resolves it against the data directory.
 * step comes from meta.step, or from the artifact's step column when meta has none.
 */
export function latestCheckpoint(db: Db, runId: number): (CheckpointRef & { artifactId: number }) | undefined {
  const rows = statement<[number, string], ArtifactRow>(db,
    `${SELECT} WHERE run_id = ? AND kind = ? ORDER BY id DESC`).all(runId, CHECKPOINT_KIND);
  for (const row of rows) {
    const meta = parseRecord(row.meta_json, 'checkpoint meta');
    const epoch = finiteNumber(meta['epoch']);
    if (epoch === undefined) continue;
    const step = finiteNumber(meta['step']) ?? row.step;
    return { dir: row.path, epoch, step, artifactId: row.id };
  }
  return undefined;
}

/**
 * Before a resume from the checkpoint at `step`: removes the artifacts the
 * interrupted trainer wrote after it (sample grids, reconstructions, scored
 * generators, …), which the resumed trainer writes again — otherwise a step
 * would have two. Checkpoints are kept (the resume starts from one), and so
 * are analyses a user asked for (their meta names the analysis). One
 * transaction; returns the removed files' paths (relative to the data folder)
 * that no remaining artifact of the run names, for the caller to delete.
 */
export function rewindArtifacts(db: Db, runId: number, step: number): string[] {
  const past = statement<[number, number, string], ArtifactRow>(db, `${SELECT} WHERE run_id = ? AND step > ? AND kind <> ? ORDER BY id`);
  const remove = statement<[number]>(db, 'DELETE FROM artifacts WHERE id = ?');
  const stillNamed = statement<[number, string], { one: number }>(db, 'SELECT 1 AS one FROM artifacts WHERE run_id = ? AND path = ? LIMIT 1');
  return db.transaction(() => {
    const trained = past.all(runId, step, CHECKPOINT_KIND).map(toArtifact).filter((a) => a.meta['analysis'] === undefined);
    for (const a of trained) remove.run(a.id);
    return [...new Set(trained.map((a) => a.path))].filter((p) => stillNamed.get(runId, p) === undefined);
  }).immediate();
}
