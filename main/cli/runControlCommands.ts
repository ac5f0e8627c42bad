/**
 * `cancel RUN` and `resume RUN`: the run page's Cancel and Resume, through
 * the same validated requests and services. A run is trained by the process
 * that started it (its worker is that process's child), so a `latent`
 * command can stop or resume only what it trains itself: a run another
 * process on the same data folder was training when the command started is
 * refused with a message that says where to stop it, never "cancelled" here
 * while it goes on training there.
 */
import { describeOwner } from '../../db/runOwner';
import { parseRequest } from '../common/api';
import type { RunSummary } from '../common/domain';
import type { AppServices } from '../services/appServices';
import { CliError, followRun } from './commands';
import { cliError } from './runArgs';

/** The words for where another process's run can be stopped. */
const elsewhere = 'the app, `npm run serve`, a sweep or another `latent` command';

/** The one run id a command's arguments hold. */
export function oneRun(name: string, args: readonly string[], usage: string): number {
  const [idText, ...rest] = args;
  if (idText === undefined) throw new CliError(`${name} needs a run id: ${name} RUN\n${usage}`);
  if (rest.length > 0) throw new CliError(`${name} takes one run id (got "${rest.join(' ')}")\n${usage}`);
  const id = Number(idText);
  if (!Number.isInteger(id) || id < 1) throw new CliError(`${name} expects a run id (a positive whole number), not "${idText}"`);
  return id;
}

/** The run, or exit 1 naming the missing id. */
function summaryOf(s: AppServices, id: number): RunSummary {
  try {
    return s.runs.summary(id);
  } catch (e) {
    throw cliError(e);
  }
}

/**
 * Why another process owns the run, or null. Opening the data folder marks
 * interrupted only the queued or running runs whose owning process is gone
 * (db/runOwner.ts; interruptedAtStart lists them). A run still marked running
 * or queued has a live owner, and it is not this process: this one has
 * started nothing.
 */
function otherOwner(s: AppServices, run: RunSummary): string | null {
  if (run.status === 'running' || run.status === 'queued') {
    // Named as the run's lease names it (db/runOwner.ts), so the user knows which process to look for.
    const owner = s.store.runLease(run.id)?.owner ?? null;
    return `run ${run.id} is being trained by another process on this data folder (${owner !== null ? `${describeOwner(owner)}: ` : ''}${elsewhere})`;
  }
  if (s.interruptedAtStart.includes(run.id)) return `run ${run.id} was marked running when this command started, but the process that trained it (${elsewhere}) is gone: it is marked interrupted now`;
  return null;
}

/** `cancel RUN`: refuses a run another process trains (saying where to cancel it) and one that has ended (the service says why). */
export function cancelCommand(s: AppServices, args: readonly string[], json: boolean, out: NodeJS.WritableStream, usage: string): number {
  const id = parseRequest('runs.cancel', { id: oneRun('cancel', args, usage) }).id;
  const run = summaryOf(s, id);
  const owner = otherOwner(s, run);
  if (owner !== null) throw new CliError(`Cannot cancel: ${owner}. A latent command can stop only the runs it trains itself: cancel it there (the run page's Cancel button, or Ctrl-C in the terminal that trains it).`, 1);
  let cancelled: RunSummary;
  try {
    cancelled = s.runs.cancel(id);
  } catch (e) {
    throw cliError(e);
  }
  out.write(json ? `${JSON.stringify(cancelled)}\n` : `Run ${id} (${cancelled.name}) is ${cancelled.status}\n`);
  return 0;
}

/**
 * `resume RUN`: trains a cancelled, interrupted or failed run on from its last
 * checkpoint in this process, with train's progress and summary (Ctrl-C
 * cancels it again). A run that was marked running when the command started
 * is refused once (another process may still be training it); asked again,
 * it is an interrupted run like any other and resumes.
 */
export async function resumeCommand(s: AppServices, args: readonly string[], json: boolean, out: NodeJS.WritableStream, err: NodeJS.WriteStream, usage: string): Promise<number> {
  const id = parseRequest('runs.resume', { id: oneRun('resume', args, usage) }).id;
  const owner = otherOwner(s, summaryOf(s, id));
  if (owner !== null) {
    throw new CliError(`Not resumed: ${owner}. Check that nothing trains it any more, then run \`latent resume ${id}\` again.`, 1);
  }
  let run: RunSummary;
  try {
    run = s.runs.resume(id);
  } catch (e) {
    throw cliError(e);
  }
  err.write(`Resuming run ${run.id} (${run.name}), data in ${s.dataDir}\n`);
  return followRun(s, run, json, out, err);
}
