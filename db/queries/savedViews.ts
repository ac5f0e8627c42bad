/**
 * Saved views: a runs page's view (main/common/savedView.ts) stored under a
 * name, per experiment or for the all-runs page (experiment_id NULL). The
 * unique index is on coalesce(experiment_id, 0), so a name is unique in the
 * all-runs scope too (migration 0007).
 */
import type { SavedView } from '../../main/common/domain';
import { savedViewStateSchema, type SavedViewState } from '../../main/common/savedView';
import type { Db } from '../sqlite';
import { statement } from './statements';

interface ViewRow {
  id: number;
  experiment_id: number | null;
  name: string;
  state_json: string;
  created_at: number;
  updated_at: number;
}

/** Which views to list: every one (undefined), the all-runs page's (null), or one experiment's. */
export type ViewScope = number | null | undefined;

const SELECT = 'SELECT id, experiment_id, name, state_json, created_at, updated_at FROM saved_views';

/**
 * The row as a SavedView, or null when its state does not parse (written by a
 * newer app with a later state version): such a view is left out rather than
 * failing the whole list.
 */
function toView(row: ViewRow): SavedView | null {
  let raw: unknown;
  try {
    raw = JSON.parse(row.state_json);
  } catch {
    return null;
  }
  const state = savedViewStateSchema.safeParse(raw);
  if (!state.success) return null;
  return { id: row.id, experimentId: row.experiment_id, name: row.name, state: state.data, createdAt: row.created_at, updatedAt: row.updated_at };
}

/** The views of a scope (or every view), by name then id. */
export function listSavedViews(db: Db, scope: ViewScope): SavedView[] {
  const rows = scope === undefined
    ? statement<[], ViewRow>(db, `${SELECT} ORDER BY name, id`).all()
    : statement<[number], ViewRow>(db, `${SELECT} WHERE coalesce(experiment_id, 0) = ? ORDER BY name, id`).all(scope ?? 0);
  return rows.map(toView).filter((v): v is SavedView => v !== null);
}

export function getSavedView(db: Db, id: number): SavedView | undefined {
  const row = statement<[number], ViewRow>(db, `${SELECT} WHERE id = ?`).get(id);
  return (row && toView(row)) ?? undefined;
}

/**
 * Saves the state under the name in the scope: a new view, or the existing
 * one of that name with its state and updated_at replaced (created_at and id
 * kept). The caller has validated the state and trimmed the name.
 */
export function saveView(db: Db, experimentId: number | null, name: string, state: SavedViewState, at: number): SavedView {
  const id = statement<[number | null, string, string, number, number], { id: number }>(db, `
    INSERT INTO saved_views (experiment_id, name, state_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (coalesce(experiment_id, 0), name) DO UPDATE SET state_json = excluded.state_json, updated_at = excluded.updated_at
    RETURNING id`).get(experimentId, name, JSON.stringify(state), at, at)?.id;
  const saved = id === undefined ? undefined : getSavedView(db, id);
  if (!saved) throw new Error(`The view "${name}" was not stored`);
  return saved;
}

/** Deletes one view; false when there was none. */
export function deleteSavedView(db: Db, id: number): boolean {
  return statement<[number]>(db, 'DELETE FROM saved_views WHERE id = ?').run(id).changes > 0;
}
