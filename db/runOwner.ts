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

/** Whether a process with this pid exists (EPERM: it does, under another user). */
export function processExists(pid: number): boolean {
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
  const parsed = parseOwner(owner);
  if (!parsed) return true;
  if (parsed.host !== os.hostname()) return false;
  if (parsed.pid === process.pid) return !openOwners.has(owner);
  return !processExists(parsed.pid);
}

/** The host name and pid in an owner string; undefined when it is not one. */
export function parseOwner(owner: string): { host: string; pid: number } | undefined {
  const match = /^(.*):(\d+):[0-9a-f]+$/.exec(owner);
  if (!match) return undefined;
  return { host: match[1] ?? '', pid: Number(match[2]) };
}

/** An owner as a message names it: 'process 1234 on host gpu-01'. */
export function describeOwner(owner: string): string {
  const parsed = parseOwner(owner);
  return parsed ? `process ${parsed.pid} on host ${parsed.host}` : `owner ${owner}`;
}
