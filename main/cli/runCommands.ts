/**
 * `npm run cli -- runs [list] [--experiment NAME] [--filter EXPR] [--json]`,
 * `runs tag RUN [TAG ...]`, `runs rename RUN NAME`, `runs note RUN TEXT`,
 * `runs star|unstar|archive|unarchive RUN`, `runs delete RUN [--yes]`,
 * `runs reproduce RUN` and `runs diff RUN RUN` (runReproduceCommands.ts): the
 * runs table's listing, filter, tags and annotations, through the same
 * validated API the app uses (the filter is applied in SQL by the services,
 * as for the app).
 */
import { ApiError, parseRequest } from '../common/api';
import type { RunSummary } from '../common/domain';
import type { AppServices } from '../services/appServices';
import { formatIssue } from '../../workers/common/runConfigBase';
import { CliError, headlineText } from './commands';
import { diffRuns, reproduceRun } from './runReproduceCommands';

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
}

/**
 * The filter text with a caret line under [start, end), as a compiler shows
 * the token at fault (at least one caret, so the end of the text is marked too).
 * Tabs and line breaks print as spaces so the columns line up.
 */
export function caretLines(text: string, start: number, end: number, indent = '  '): string {
  const shown = text.replace(/[\t\r\n]/g, ' ');
  const from = Math.max(0, Math.min(start, shown.length));
  const width = Math.max(1, Math.min(end, shown.length) - from);
  return `${indent}${shown}\n${indent}${' '.repeat(from)}${'^'.repeat(width)}`;
}

/** An ApiError as the CLI says it: a filter's fault underlined, other issues one per line; bad input exits 2, the rest 1. */
function cliError(e: unknown, filter?: string): unknown {
  if (!(e instanceof ApiError)) return e;
  const code = e.code === 'bad-request' ? 2 : 1;
  const spanned = e.issues?.find((i) => i.path[0] === 'filter' && i.span);
  if (spanned?.span && filter !== undefined) {
    return new CliError(`Invalid filter: ${spanned.message}\n${caretLines(filter, spanned.span.start, spanned.span.end)}`, code);
  }
  if (e.issues && e.issues.length > 0) return new CliError(`${e.message.split(':')[0]}:\n  ${e.issues.map(formatIssue).join('\n  ')}`, code);
  return new CliError(e.message, code);
}

function table(runs: readonly RunSummary[]): string {
  const rows = runs.map((r) => [String(r.id), r.family, r.name, r.status, r.backend ?? '-', headlineText(r), r.tags.join(', ') || '-']);
  const head = ['id', 'family', 'name', 'status', 'backend', 'result', 'tags'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${fmt(head)}\n${rows.map(fmt).join('\n')}\n`;
}

/** The runs, newest first: all, one experiment's (by name), and those the filter keeps. */
export function listRuns(s: AppServices, o: RunsOptions, out: NodeJS.WritableStream): number {
  let runs: RunSummary[];
  try {
    let experimentId: number | undefined;
    if (o.experiment !== undefined) {
      const exp = s.experiments.list().find((x) => x.name === o.experiment);
      if (!exp) throw new CliError(`No experiment is named "${o.experiment}"`, 1);
      experimentId = exp.id;
    }
    const req = parseRequest('runs.list', { ...(experimentId === undefined ? {} : { experimentId }), ...(o.filter === undefined ? {} : { filter: o.filter }) });
    runs = s.runs.list(req);
  } catch (e) {
    throw cliError(e, o.filter);
  }
  if (o.json) {
    out.write(`${JSON.stringify(runs)}\n`);
  } else if (runs.length === 0) {
    out.write(o.filter !== undefined || o.experiment !== undefined
      ? 'No runs match.\n'
      : 'No runs yet. Start one with: npm run cli -- train --config run.json\n');
  } else {
    out.write(table(runs));
  }
  return 0;
}

/** The run id a subcommand's first argument names, or the usage error that says what is missing. */
function runId(sub: string, idText: string | undefined, usage: string): number {
  if (idText === undefined) throw new CliError(`runs ${sub} needs a run id\n${usage}`);
  const id = Number(idText);
  if (!Number.isInteger(id) || id < 1) throw new CliError(`runs ${sub} expects a run id (a positive whole number), not "${idText}"`);
  return id;
}

/** Replaces a run's tags with the ones given (none clears them). */
export function tagRun(s: AppServices, args: readonly string[], json: boolean, out: NodeJS.WritableStream, usage: string): number {
  const [idText, ...tags] = args;
  const id = runId('tag', idText, usage);
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
  const id = runId(sub, idText, usage);
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
  const id = runId('delete', idText, usage);
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

/** `runs`, `runs list`, `runs tag`, the annotations and `runs delete`. */
export async function runsCommand(s: AppServices, args: readonly string[], o: RunsOptions, out: NodeJS.WritableStream, usage: string): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case undefined:
    case 'list':
      if (rest.length > 0) throw new CliError(`runs list takes no arguments (got "${rest.join(' ')}"); filter with --filter EXPR\n${usage}`);
      return listRuns(s, o, out);
    case 'tag':
      return tagRun(s, rest, o.json, out, usage);
    case 'delete':
      return deleteRun(s, rest, o, out, usage);
    case 'reproduce':
      return reproduceRun(s, rest, o.json, out, o.err ?? process.stderr, usage);
    case 'diff':
      return diffRuns(s, rest, o.json, out, usage);
    default:
      if (isAnnotateCommand(sub)) return annotateRun(s, sub, rest, o.json, out, usage);
      throw new CliError(`runs needs list, tag, rename, note, star, unstar, archive, unarchive, delete, reproduce or diff, not "${sub}"\n${usage}`);
  }
}
