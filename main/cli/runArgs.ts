/**
 * What the runs commands share: reading a run id argument, the experiment an
 * `--experiment` names, and turning the services' ApiErrors into the CLI's
 * messages and exit codes (a filter's bad token underlined).
 */
import { ApiError } from '../common/api';
import type { RunMetricSummaries } from '../common/domain';
import type { AppServices } from '../services/appServices';
import { metricSummaries } from '../services/runCompare';
import { formatIssue } from '../../workers/common/runConfigBase';
import { CliError } from './commands';

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
export function cliError(e: unknown, filter?: string): unknown {
  if (!(e instanceof ApiError)) return e;
  const code = e.code === 'bad-request' ? 2 : 1;
  const spanned = e.issues?.find((i) => i.path[0] === 'filter' && i.span);
  if (spanned?.span && filter !== undefined) {
    return new CliError(`Invalid filter: ${spanned.message}\n${caretLines(filter, spanned.span.start, spanned.span.end)}`, code);
  }
  if (e.issues && e.issues.length > 0) return new CliError(`${e.message.split(':')[0]}:\n  ${e.issues.map(formatIssue).join('\n  ')}`, code);
  return new CliError(e.message, code);
}

/** The run id a subcommand's argument names, or the usage error that says what is missing. */
export function runIdArg(sub: string, idText: string | undefined, usage: string): number {
  if (idText === undefined) throw new CliError(`runs ${sub} needs a run id\n${usage}`);
  const id = Number(idText);
  if (!Number.isInteger(id) || id < 1) throw new CliError(`runs ${sub} expects a run id (a positive whole number), not "${idText}"`);
  return id;
}

/** The experiment `--experiment` names: by its name, else by its id when the text is a whole number; exit 1 when none. */
export function experimentIdOf(s: AppServices, text: string): number {
  const experiments = s.experiments.list();
  const byName = experiments.find((x) => x.name === text);
  if (byName) return byName.id;
  const byId = /^\d+$/.test(text) ? experiments.find((x) => x.id === Number(text)) : undefined;
  if (byId) return byId.id;
  throw new CliError(`No experiment is named "${text}"${/^\d+$/.test(text) ? ` or has id ${text}` : ''}`, 1);
}

/** Runs per runs.summaries call, the API's limit. */
export const SUMMARY_BATCH = 1000;

/** The runs' metric summaries (of `keys` only, when given) through the compare service, at most SUMMARY_BATCH runs a call. */
export function summariesFor(s: AppServices, ids: readonly number[], keys?: readonly string[]): RunMetricSummaries[] {
  const out: RunMetricSummaries[] = [];
  try {
    for (let i = 0; i < ids.length; i += SUMMARY_BATCH) out.push(...metricSummaries(s.store, ids.slice(i, i + SUMMARY_BATCH), keys));
  } catch (e) {
    throw cliError(e);
  }
  return out;
}
