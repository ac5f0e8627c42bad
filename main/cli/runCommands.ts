/**
 * `npm run cli -- runs [list] [--experiment NAME] [--filter EXPR] [--json]` and
 * `runs tag RUN [TAG ...]`: the runs table's listing, filter and tags, through
 * the same validated API the app uses (the filter is applied in SQL by the
 * services, as for the app).
 */
import { ApiError, parseRequest } from '../common/api';
import type { RunSummary } from '../common/domain';
import type { AppServices } from '../services/appServices';
import { formatIssue } from '../../workers/common/runConfigBase';
import { CliError, headlineText } from './commands';

export interface RunsOptions {
  json: boolean;
  experiment?: string;
  filter?: string;
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

/** Replaces a run's tags with the ones given (none clears them). */
export function tagRun(s: AppServices, args: readonly string[], json: boolean, out: NodeJS.WritableStream, usage: string): number {
  const [idText, ...tags] = args;
  if (idText === undefined) throw new CliError(`runs tag needs a run id\n${usage}`);
  const id = Number(idText);
  if (!Number.isInteger(id) || id < 1) throw new CliError(`runs tag expects a run id (a positive whole number), not "${idText}"`);
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

/** `runs`, `runs list` and `runs tag`. */
export function runsCommand(s: AppServices, args: readonly string[], o: RunsOptions, out: NodeJS.WritableStream, usage: string): number {
  const [sub, ...rest] = args;
  switch (sub) {
    case undefined:
    case 'list':
      if (rest.length > 0) throw new CliError(`runs list takes no arguments (got "${rest.join(' ')}"); filter with --filter EXPR\n${usage}`);
      return listRuns(s, o, out);
    case 'tag':
      return tagRun(s, rest, o.json, out, usage);
    default:
      throw new CliError(`runs needs list or tag, not "${sub}"\n${usage}`);
  }
}
