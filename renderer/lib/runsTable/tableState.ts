/**
 * Changes to a RunsTableState (main/common/savedView) as pure functions, and
 * its copy in localStorage per page: the table's component applies them and
 * emits the result, so a saved view can store and apply the same document.
 */
import { MAX_COLUMN_WIDTH, MAX_VIEW_COLUMNS, MIN_COLUMN_WIDTH, defaultRunsTableState, runsTableStateSchema, type RunsTableState } from '../../../main/common/savedView';

/** The localStorage key of a page's table: an experiment's id, or 'all' for every run. */
export function tableStateKey(page: number | 'all'): string {
  return `latent.runsTable.${page}`;
}

/** A remembered state read back; anything that does not parse (old format, hand-edited) gives the page's default. */
export function readTableState(raw: string | null, fallback: () => RunsTableState = defaultRunsTableState): RunsTableState {
  if (raw === null) return fallback();
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return fallback();
  }
  const parsed = runsTableStateSchema.safeParse(json);
  return parsed.success ? parsed.data : fallback();
}

/** The all-runs page's default: the experiment column after the name. */
export function defaultAllRunsTableState(): RunsTableState {
  const s = defaultRunsTableState();
  const [first, ...rest] = s.columns;
  return { ...s, columns: [...(first ? [first] : []), { id: 'experiment', width: null }, ...rest] };
}

/** Clicking a header: ascending, then descending, then back to the default order. */
export function toggleSort(s: RunsTableState, column: string): RunsTableState {
  const sort = s.sort?.column !== column ? { column, dir: 'asc' as const }
    : s.sort.dir === 'asc' ? { column, dir: 'desc' as const } : null;
  return { ...s, sort };
}

/** Shows a column at the end (nothing when shown already or at the limit), or hides it. */
export function setColumnShown(s: RunsTableState, id: string, shown: boolean): RunsTableState {
  const has = s.columns.some((c) => c.id === id);
  if (shown === has) return s;
  if (shown) return s.columns.length >= MAX_VIEW_COLUMNS ? s : { ...s, columns: [...s.columns, { id, width: null }] };
  return { ...s, columns: s.columns.filter((c) => c.id !== id) };
}

/** Moves a shown column one place left (-1) or right (+1); nothing at either end. */
export function moveColumn(s: RunsTableState, id: string, by: -1 | 1): RunsTableState {
  const i = s.columns.findIndex((c) => c.id === id);
  const j = i + by;
  if (i < 0 || j < 0 || j >= s.columns.length) return s;
  const columns = [...s.columns];
  [columns[i], columns[j]] = [columns[j]!, columns[i]!];
  return { ...s, columns };
}

/** Moves a column to where another is (header drag and drop). */
export function moveColumnTo(s: RunsTableState, id: string, before: string): RunsTableState {
  const moving = s.columns.find((c) => c.id === id);
  if (!moving || id === before) return s;
  const rest = s.columns.filter((c) => c.id !== id);
  const at = rest.findIndex((c) => c.id === before);
  if (at < 0) return s;
  return { ...s, columns: [...rest.slice(0, at), moving, ...rest.slice(at)] };
}

/** A column's width from a drag, rounded and clamped to what the schema allows. */
export function resizeColumn(s: RunsTableState, id: string, width: number): RunsTableState {
  const w = Math.round(Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, width)));
  return { ...s, columns: s.columns.map((c) => (c.id === id ? { ...c, width: w } : c)) };
}
