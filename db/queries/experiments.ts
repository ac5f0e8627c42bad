/** Experiments: named groups of runs. */
import type { Experiment } from '../../main/common/domain';
import type { Db } from '../sqlite';
import { insertedId, statement } from './statements';

interface ExperimentRow {
  id: number;
  name: string;
  description: string;
  created_at: number;
  run_count: number;
  last_activity: number | null;
}

const SELECT = `
  SELECT e.id, e.name, e.description, e.created_at,
         (SELECT COUNT(*) FROM runs r WHERE r.experiment_id = e.id) AS run_count,
         (SELECT MAX(COALESCE(r.ended_at, r.started_at, r.created_at)) FROM runs r WHERE r.experiment_id = e.id) AS last_activity
  FROM experiments e`;

function toExperiment(row: ExperimentRow): Experiment {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    createdAt: row.created_at,
    runCount: row.run_count,
    lastActivityAt: row.last_activity,
  };
}

export function getExperiment(db: Db, id: number): Experiment | undefined {
  const row = statement<[number], ExperimentRow>(db, `${SELECT} WHERE e.id = ?`).get(id);
  return row ? toExperiment(row) : undefined;
}

export function findExperimentByName(db: Db, name: string): Experiment | undefined {
  const row = statement<[string], ExperimentRow>(db, `${SELECT} WHERE e.name = ?`).get(name);
  return row ? toExperiment(row) : undefined;
}

/** Oldest first, so the default experiment stays on top. */
export function listExperiments(db: Db): Experiment[] {
  return statement<[], ExperimentRow>(db, `${SELECT} ORDER BY e.created_at, e.id`).all().map(toExperiment);
}

export function createExperiment(db: Db, name: string, description: string, at: number): Experiment {
  const trimmed = name.trim();
  if (trimmed === '') throw new Error('An experiment needs a name');
  if (findExperimentByName(db, trimmed)) throw new Error(`An experiment named "${trimmed}" already exists`);
  const result = statement<[string, string, number]>(db,
    'INSERT INTO experiments (name, description, created_at) VALUES (?, ?, ?)').run(trimmed, description, at);
  return { id: insertedId(result), name: trimmed, description, createdAt: at, runCount: 0, lastActivityAt: null };
}

/** Renames an experiment and/or replaces its description; undefined when there is no such experiment. */
export function updateExperiment(db: Db, id: number, change: { name?: string; description?: string }): Experiment | undefined {
  return db.transaction(() => {
    const before = getExperiment(db, id);
    if (!before) return undefined;
    const name = change.name?.trim() ?? before.name;
    if (name === '') throw new Error('An experiment needs a name');
    const clash = findExperimentByName(db, name);
    if (clash && clash.id !== id) throw new Error(`An experiment named "${name}" already exists`);
    statement<[string, string, number]>(db, 'UPDATE experiments SET name = ?, description = ? WHERE id = ?')
      .run(name, change.description ?? before.description, id);
    return getExperiment(db, id);
  }).immediate();
}

/** Deletes an experiment row; its runs (and their metrics, logs, artifacts' rows) and saved views go with it (ON DELETE CASCADE). */
export function deleteExperiment(db: Db, id: number): boolean {
  return statement<[number]>(db, 'DELETE FROM experiments WHERE id = ?').run(id).changes > 0;
}

export function ensureExperiment(db: Db, name: string, at: number): Experiment {
  return db.transaction(() => findExperimentByName(db, name.trim()) ?? createExperiment(db, name, '', at)).immediate();
}
