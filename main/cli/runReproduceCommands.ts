/**
 * `runs reproduce RUN` (a new run repeating RUN, trained here like `train`)
 * and `runs diff RUN RUN` (which layers, parameters and edges differ between
 * two runs' architectures): issue 11's reproduce and architecture difference,
 * through the same validated API and pure diff the app uses.
 */
import { ApiError, parseRequest } from '../common/api';
import type { RunDetail, RunSummary } from '../common/domain';
import type { AppServices } from '../services/appServices';
import { diffArchitectures, formatArchitectureDiff } from '../../workers/common/architectureDiff';
import { CliError, followRun } from './commands';

/** A positional run id, or the usage error naming what is wrong. */
function parseRunId(sub: string, text: string | undefined, usage: string): number {
  if (text === undefined) throw new CliError(`runs ${sub} needs a run id\n${usage}`);
  const id = Number(text);
  if (!Number.isInteger(id) || id < 1) throw new CliError(`runs ${sub} expects a run id (a positive whole number), not "${text}"`);
  return id;
}

/** An ApiError as the CLI reports it: bad input exits 2, a refusal (unknown run, changed dataset) 1. */
function asCliError(e: unknown): unknown {
  return e instanceof ApiError ? new CliError(e.message, e.code === 'bad-request' ? 2 : 1) : e;
}

/**
 * Starts the reproduction, prints its id (stdout, so a script can take it),
 * then trains it in this process as `train` does: the CLI's services stop
 * when it exits, which would interrupt a run left in the background.
 */
export async function reproduceRun(s: AppServices, args: readonly string[], json: boolean, out: NodeJS.WritableStream, err: NodeJS.WriteStream, usage: string): Promise<number> {
  const [idText, ...rest] = args;
  const id = parseRunId('reproduce', idText, usage);
  if (rest.length > 0) throw new CliError(`runs reproduce takes one run id (got "${rest.join(' ')}")\n${usage}`);
  let run: RunSummary;
  try {
    run = s.runs.reproduce(parseRequest('runs.reproduce', { id }).id);
  } catch (e) {
    throw asCliError(e);
  }
  if (!json) out.write(`Run ${run.id} (${run.name}) reproduces run ${id}\n`);
  return followRun(s, run, json, out, err);
}

/** Two runs' architectures, the first taken as "before". */
export function diffRuns(s: AppServices, args: readonly string[], json: boolean, out: NodeJS.WritableStream, usage: string): number {
  if (args.length !== 2) throw new CliError(`runs diff takes two run ids: runs diff RUN RUN\n${usage}`);
  const [a, b] = args.map((text) => parseRunId('diff', text, usage));
  let details: RunDetail[];
  try {
    details = [a!, b!].map((id) => s.runs.detail(parseRequest('runs.get', { id }).id));
  } catch (e) {
    throw asCliError(e);
  }
  const [before, after] = details as [RunDetail, RunDetail];
  const diff = diffArchitectures(before.architecture, after.architecture);
  if (json) {
    out.write(`${JSON.stringify({ before: before.id, after: after.id, ...diff })}\n`);
  } else {
    out.write(`Run ${before.id} (${before.name}) → run ${after.id} (${after.name})\n${formatArchitectureDiff(diff).join('\n')}\n`);
  }
  return 0;
}
