/**
 * `npx latent runs [list] [--experiment NAME] [--filter EXPR] [--sort COL[:asc|desc]] [--columns a,b] [--json]`,
 * `runs compare` and `runs export` (./runCompareCommands.ts), `runs tag RUN [TAG ...]`, `runs rename RUN NAME`, `runs note RUN TEXT`,
 * `runs star|unstar|archive|unarchive RUN`, `runs delete RUN [--yes]`,
 * `runs reproduce RUN` and `runs diff RUN RUN` (runReproduceCommands.ts),
 * `runs reevaluate RUN [--step S] [--samples N]` (runReevaluateCommand.ts): the
 * runs table's listing, filter, tags and annotations, through the same
 * validated API the app uses (the filter is applied in SQL by the services,
 * as for the app).
 */
import { parseRequest } from '../common/api';
import type { RunSummary } from '../common/domain';
import type { AppServices } from '../services/appServices';
import { divergence } from '../../workers/common/families/divergence';
import { CliError, headlineText } from './commands';
import { diffRuns, reproduceRun } from './runReproduceCommands';
import { columnMetricKeys, columnValue, sortRuns, type ColumnMetrics } from '../common/runColumns';
import { runColumnId, type RunColumn } from '../common/savedView';
import { cliError, experimentIdOf, runIdArg, summariesFor } from './runArgs';
import { alignedTable, columnText, parseColumnsArg, parseSortArg } from './runColumnsArgs';
import { compareRuns, exportRuns } from './runCompareCommands';
import { reevaluateRun } from './runReevaluateCommand';
import { watchRuns, type WatchOptions } from './runsWatch';

export { caretLines } from './runArgs';

export interface RunsOptions {
  json: boolean;
  experiment?: string;
  filter?: string;
  /** `runs delete` without asking (--yes). */
  yes?: boolean;
  /** Asks a yes/no question on the terminal; null when stdin is not a terminal (nobody to ask). */
  confirm?: ((question: string) => Promise<boolean>) | null;
  /** Where `runs reproduce` shows its progress (stderr unless a test passes its own). */
  err?: NodeJS.WriteStream;
  /** `runs list --sort COL[:asc|desc]`. */
  sort?: string;
  /** `runs list --columns a,b,c`. */
  columns?: string;
  /** `runs compare|export --metric KEY`, repeatable. */
  metrics?: string[];
  /** `runs compare --all`: every hyperparameter, not only those that differ. */
  all?: boolean;
  /** `runs export --csv`. */
  csv?: boolean;
  /** `runs export --long`: every point of the metrics (long-format CSV, or series in the JSON). */
  long?: boolean;
  /** `runs export --out FILE`. */
  out?: string;
  /** `runs reevaluate --step S`: the scored step (default the last). */
  step?: string;
  /** `runs reevaluate --samples N`: generated images to score (default 10,000). */
  samples?: string;
  /** `runs --watch`: the listing, live until Ctrl-C (./runsWatch.ts). */
  watch?: Omit<WatchOptions, 'until'> & { until: () => Promise<void> };
}

/** A run's status as the UI's badge says it: a finished run that diverged reads "done · diverged" (divergence.ts). */
function statusText(s: AppServices, r: RunSummary): string {
  const verdict = divergence({ family: r.family, status: r.status, latest: r.latest, firstLoss: r.firstLoss, numClasses: s.datasets.find(r.datasetId)?.numClasses });
  return verdict ? `${r.status} · diverged` : r.status;
}

function table(s: AppServices, runs: readonly RunSummary[]): string {
  const rows = runs.map((r) => [String(r.id), r.family, r.name, statusText(s, r), r.backend ?? '-', headlineText(r), r.tags.join(', ') || '-']);
  return alignedTable(['id', 'family', 'name', 'status', 'backend', 'result', 'tags'], rows);
}

/** The runs the list options select: one experiment's (by name or id) or all, narrowed by the filter (in SQL, by the services). */
export function selectedRuns(s: AppServices, o: Pick<RunsOptions, 'experiment' | 'filter'>): RunSummary[] {
  try {
    const experimentId = o.experiment === undefined ? undefined : experimentIdOf(s, o.experiment);
    const req = parseRequest('runs.list', { ...(experimentId === undefined ? {} : { experimentId }), ...(o.filter === undefined ? {} : { filter: o.filter }) });
    return s.runs.list(req);
  } catch (e) {
    throw cliError(e, o.filter);
  }
}

/** The chosen columns of each run: a table, or with --json one object per run keyed by column id. */
function columnsOutput(runs: readonly RunSummary[], metricsOf: (id: number) => ColumnMetrics | undefined, columns: readonly RunColumn[], json: boolean): string {
  const values = runs.map((r) => columns.map((c) => columnValue(r, metricsOf(r.id), c)));
  if (json) return `${JSON.stringify(values.map((vs) => Object.fromEntries(columns.map((c, i) => [runColumnId(c), vs[i] ?? null]))))}\n`;
  const right = columns.map((c, i) => values.some((vs) => typeof vs[i] === 'number'));
  return alignedTable(columns.map(runColumnId), values.map((vs) => columns.map((c, i) => columnText(c, vs[i] ?? null))), right);
}

/**
 * The runs, newest first unless sorted: all, one experiment's, and those the
 * filter keeps; --sort orders them by a column (runs without a value last),
 * --columns picks what is shown. Column and sort ids are checked before the
 * database is read.
 */
export function listRuns(s: AppServices, o: RunsOptions, out: NodeJS.WritableStream): number {
  const columns = o.columns === undefined ? null : parseColumnsArg(o.columns);
  const sort = o.sort === undefined ? null : parseSortArg(o.sort);
  let runs = selectedRuns(s, o);
  const keys = columnMetricKeys([...(columns ?? []), ...(sort ? [sort.column] : [])]);
  const summaries = keys.length > 0 && runs.length > 0 ? summariesFor(s, runs.map((r) => r.id), keys) : [];
  const byRun = new Map(summaries.map((m) => [m.runId, m.metrics]));
  const metricsOf = (id: number): ColumnMetrics | undefined => byRun.get(id);
  if (sort) runs = sortRuns(runs, metricsOf, sort.column, sort.dir);
  if (columns) {
    out.write(runs.length === 0 && !o.json ? 'No runs match.\n' : columnsOutput(runs, metricsOf, columns, o.json));
  } else if (o.json) {
    out.write(`${JSON.stringify(runs)}\n`);
  } else if (runs.length === 0) {
    out.write(o.filter !== undefined || o.experiment !== undefined
      ? 'No runs match.\n'
      : 'No runs yet. Start one with: npx latent train --config run.json\n');
  } else {
    out.write(table(s, runs));
  }
  return 0;
}

/** Replaces a run's tags with the ones given (none clears them). */
export function tagRun(s: AppServices, args: readonly string[], json: boolean, out: NodeJS.WritableStream, usage: string): number {
  const [idText, ...tags] = args;
  const id = runIdArg('tag', idText, usage);
  let run: RunSummary;
  try {
    const req = parseRequest('runs.setTags', { id, tags });
    run = s.runs.setTags(req.id, req.tags);
  } catch (e) {
    throw cliError(e);
  }
  if (json) out.write(`${JSON.stringify(run)}\n`);
  else out.write(run.tags.length > 0 ? `Run ${run.id} (${run.name}) is tagged ${run.tags.map((t) => `"${t}"`).join(', ')}\n` : `Run ${run.id} (${run.name}) has no tags now\n`);
  return 0;
}

type AnnotateCommand = 'rename' | 'note' | 'star' | 'unstar' | 'archive' | 'unarchive';
const annotateCommands: readonly AnnotateCommand[] = ['rename', 'note', 'star', 'unstar', 'archive', 'unarchive'];

function isAnnotateCommand(sub: string): sub is AnnotateCommand {
  return (annotateCommands as readonly string[]).includes(sub);
}

/** What one annotation subcommand changes, from its arguments after the run id. */
function annotationChange(sub: AnnotateCommand, rest: readonly string[], usage: string): { name?: string; notes?: string; starred?: boolean; archived?: boolean } {
  switch (sub) {
    case 'rename':
      if (rest.length === 0) throw new CliError(`runs rename needs the new name: runs rename RUN NAME\n${usage}`);
      return { name: rest.join(' ') };
    case 'note':
      // No text (or "") clears the notes.
      return { notes: rest.join(' ') };
    default:
      if (rest.length > 0) throw new CliError(`runs ${sub} takes only a run id (got "${rest.join(' ')}")\n${usage}`);
      return sub === 'star' || sub === 'unstar' ? { starred: sub === 'star' } : { archived: sub === 'archive' };
  }
}

function annotationText(sub: AnnotateCommand, run: RunSummary): string {
  const who = `Run ${run.id} (${run.name})`;
  switch (sub) {
    case 'rename': return `Run ${run.id} is named "${run.name}" now`;
    case 'note': return run.notes === '' ? `${who} has no notes now` : `${who}'s notes are saved (${run.notes.length} characters)`;
    case 'star': return `${who} is starred`;
    case 'unstar': return `${who} is not starred now`;
    case 'archive': return `${who} is archived: runs list leaves it out (list it with --filter 'archived = true')`;
    case 'unarchive': return `${who} is back in the runs list`;
  }
}

/** Renames, annotates, stars or archives one run. */
export function annotateRun(s: AppServices, sub: AnnotateCommand, args: readonly string[], json: boolean, out: NodeJS.WritableStream, usage: string): number {
  const [idText, ...rest] = args;
  const id = runIdArg(sub, idText, usage);
  let run: RunSummary;
  try {
    const req = parseRequest('runs.update', { id, ...annotationChange(sub, rest, usage) });
    run = s.runs.update(req.id, req);
  } catch (e) {
    throw cliError(e);
  }
  out.write(json ? `${JSON.stringify(run)}\n` : `${annotationText(sub, run)}\n`);
  return 0;
}

/**
 * Deletes a run and its folder. Without --yes it asks on a terminal, and
 * refuses when there is nobody to ask (a script must say --yes).
 */
export async function deleteRun(s: AppServices, args: readonly string[], o: RunsOptions, out: NodeJS.WritableStream, usage: string): Promise<number> {
  const [idText, ...rest] = args;
  const id = runIdArg('delete', idText, usage);
  if (rest.length > 0) throw new CliError(`runs delete takes one run id (got "${rest.join(' ')}")\n${usage}`);
  try {
    const run = s.runs.summary(parseRequest('runs.delete', { id }).id);
    if (o.yes !== true) {
      const what = `Delete run ${run.id} (${run.name}, ${run.status}): its metrics, logs, tags, notes and its folder of checkpoints and galleries? This cannot be undone. [y/N] `;
      if (!o.confirm) throw new CliError(`runs delete asks before deleting, and there is no terminal to ask: add --yes to delete run ${run.id} (${run.name})`, 2);
      if (!(await o.confirm(what))) {
        out.write(`Run ${run.id} is kept\n`);
        return 1;
      }
    }
    const gone = s.runs.delete(run.id);
    out.write(o.json ? `${JSON.stringify(gone)}\n` : `Deleted run ${gone.id} (${run.name})${gone.folder ? ` and its folder ${gone.folder}` : ''}\n`);
  } catch (e) {
    throw cliError(e);
  }
  return 0;
}

/** `runs`, `runs list`, `runs compare`, `runs export`, `runs tag`, the annotations, `runs delete`, `reproduce`, `diff` and `reevaluate`. */
export async function runsCommand(s: AppServices, args: readonly string[], o: RunsOptions, out: NodeJS.WritableStream, usage: string): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case undefined:
    case 'list':
      if (rest.length > 0) throw new CliError(`runs list takes no arguments (got "${rest.join(' ')}"); filter with --filter EXPR\n${usage}`);
      return o.watch ? watchRuns(s, o, out, { ...o.watch, until: o.watch.until() }) : listRuns(s, o, out);
    case 'compare':
      return compareRuns(s, rest, o, out, usage);
    case 'export':
      return exportRuns(s, rest, o, out, usage, (sel) => selectedRuns(s, sel));
    case 'tag':
      return tagRun(s, rest, o.json, out, usage);
    case 'delete':
      return deleteRun(s, rest, o, out, usage);
    case 'reproduce':
      return reproduceRun(s, rest, o.json, out, o.err ?? process.stderr, usage);
    case 'diff':
      return diffRuns(s, rest, o.json, out, usage);
    case 'reevaluate':
      return reevaluateRun(s, rest, { json: o.json, ...(o.step !== undefined ? { step: o.step } : {}), ...(o.samples !== undefined ? { samples: o.samples } : {}) }, out, usage);
    default:
      if (isAnnotateCommand(sub)) return annotateRun(s, sub, rest, o.json, out, usage);
      throw new CliError(`runs needs list, compare, export, tag, rename, note, star, unstar, archive, unarchive, delete, reproduce, diff or reevaluate, not "${sub}"\n${usage}`);
  }
}
