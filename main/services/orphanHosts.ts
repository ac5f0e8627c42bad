/**
 * The start-up sweep's first half (issue 16, point 3): a run left 'running'
 * by a process that is gone (a SIGKILLed CLI or serve) may still have its
 * training child alive — a child notices its parent's channel closing only
 * when its event loop next turns, and an older build never did. That child
 * is stopped (SIGTERM, then SIGKILL) by the pid its run's lease records
 * (runs.host_pid, 0013) before the run is marked interrupted, so a resume
 * never finds a second writer in the run's folder.
 *
 * A pid is signalled only when its command line names the training entry
 * (trainWorker.js): a pid the system gave to another program since is left
 * alone. Where the command line cannot be read (Windows) nothing is
 * signalled; such a child still ends when it sees its channel close.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { processExists } from '../../db/runOwner';
import type { RunLease, Store } from '../../db/storeTypes';

/** The training entry's file name, as it appears in its process's command line. */
export const TRAIN_ENTRY_NAME = 'trainWorker.js';

export interface OrphanStop {
  runId: number;
  pid: number;
  /** terminated: gone after SIGTERM; killed: needed SIGKILL; survived: still there after both. */
  outcome: 'terminated' | 'killed' | 'survived';
}

export interface StopOrphanOptions {
  /** How long to wait after each signal (default 3000 ms). */
  graceMs?: number;
}

/** Whether the pid runs (a zombie, dead but not yet reaped by its new parent, does not). */
export function processRunning(pid: number): boolean {
  if (!processExists(pid)) return false;
  try {
    // /proc/<pid>/stat: "pid (comm) S ..."; comm may hold spaces and parentheses, the state follows the last ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** The process's command line, or undefined when it cannot be read here. */
function commandLine(pid: number): string | undefined {
  if (process.platform === 'win32') return undefined;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    // No /proc (macOS): ps says the same.
    try {
      return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return undefined;
    }
  }
}

/** Whether the pid is a training host (its command line names the entry), not a program that reused the pid. */
export function isTrainingHost(pid: number): boolean {
  return commandLine(pid)?.includes(TRAIN_ENTRY_NAME) ?? false;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Waits (blocking: the sweep runs once, before anything else is served) until the pid is gone or the time is up. */
function waitGone(pid: number, ms: number): boolean {
  const until = Date.now() + ms;
  while (processRunning(pid)) {
    if (Date.now() >= until) return false;
    Atomics.wait(pause, 0, 0, 20);
  }
  return true;
}

function stopPid(pid: number, graceMs: number): OrphanStop['outcome'] {
  try { process.kill(pid, 'SIGTERM'); } catch { return 'terminated'; }
  if (waitGone(pid, graceMs)) return 'terminated';
  try { process.kill(pid, 'SIGKILL'); } catch { return 'killed'; }
  return waitGone(pid, graceMs) ? 'killed' : 'survived';
}

/**
 * Stops the living training children of runs whose owner is gone; returns
 * what was done for each (runs with no child, or whose pid is no longer a
 * training host, are absent).
 */
export function stopOrphanHosts(leases: readonly RunLease[], ownerGone: (owner: string | null) => boolean, options: StopOrphanOptions = {}): OrphanStop[] {
  const stops: OrphanStop[] = [];
  for (const lease of leases) {
    const pid = lease.hostPid;
    if (pid === null || pid === process.pid || !ownerGone(lease.owner)) continue;
    if (!processRunning(pid) || !isTrainingHost(pid)) continue;
    stops.push({ runId: lease.runId, pid, outcome: stopPid(pid, options.graceMs ?? 3000) });
  }
  return stops;
}

const outcomeWords: Record<OrphanStop['outcome'], string> = {
  terminated: 'stopped it (SIGTERM)',
  killed: 'killed it (SIGKILL: it ignored SIGTERM)',
  survived: 'could not stop it (it survived SIGTERM and SIGKILL): stop it before resuming',
};

/** The sweep as the app runs it on opening a data folder: stop the orphans, and say so in each run's log. */
export function stopOrphansAtStart(store: Store, ownerGone: (owner: string | null) => boolean): OrphanStop[] {
  const stops = stopOrphanHosts(store.activeRunLeases(), ownerGone);
  for (const s of stops) {
    store.appendLog(s.runId, s.outcome === 'survived' ? 'error' : 'warn',
      `The process that trained this run had gone, but its training process ${s.pid} still ran: ${outcomeWords[s.outcome]}`, Date.now());
  }
  return stops;
}
