/**
 * The runs table's quick search: a run matches when its name, tags, notes,
 * family or any hyperparameter value contains the text, case-insensitively.
 * It narrows what the server's filter already returned, on every keystroke,
 * without a request.
 */
import type { RunSummary } from '../../../main/common/domain';

/** The text a run is searched in, lower-cased, fields on separate lines so a match cannot straddle two. */
export function searchText(run: RunSummary): string {
  return [run.name, ...run.tags, run.notes, run.family, ...Object.values(run.params).map(String)].join('\n').toLowerCase();
}

/** The runs whose search text contains the query (trimmed); all of them for an empty one. */
export function searchRuns(runs: readonly RunSummary[], query: string): RunSummary[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...runs];
  return runs.filter((r) => searchText(r).includes(q));
}
