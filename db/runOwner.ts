/**
 * Which process owns a run (0012's runs.owner): '<host>:<pid>:<nonce>', one
 * per open store. Several processes may open one data folder (the app, a
 * second `serve`, the CLI); a process opening it must interrupt only the runs
 * whose owner is gone (a crash), never those another live process trains.
 */
import { randomBytes } from 'node:crypto';
import * as os from 'node:os';

/** The owners of the stores open in this process (two in one process happen in tests). */
const openOwners = new Set<string>();

/** A new owner for a store this process opens; registered as alive until released. */
export function newOwner(): string {
  const owner = `${os.hostname()}:${process.pid}:${randomBytes(6).toString('hex')}`;
  openOwners.add(owner);
  return owner;
}

/** The store with this owner was closed. */
export function releaseOwner(owner: string): void {
  openOwners.delete(owner);
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, under another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a run's owner is no longer running. No owner (a run from before
 * 0012) counts as gone, as it always did. Another host's process cannot be
 * checked from here and counts as alive. This process's own owners are
 * alive while their store is open (a pid reused after a restart is not the
 * crashed owner). A pid another program reused after a crash counts as alive.
 */
export function ownerGone(owner: string | null): boolean {
  if (owner === null) return true;
  const match = /^(.*):(\d+):[0-9a-f]+$/.exec(owner);
  if (!match) return true;
  const [, host, pidText] = match;
  if (host !== os.hostname()) return false;
  const pid = Number(pidText);
  if (pid === process.pid) return !openOwners.has(owner);
  return !processExists(pid);
}
