/**
 * Which process owns a run (0012's runs.owner): '<host>:<pid>:<nonce>', one
 * per open store, and whether that owner is gone (its lease, 0014). Several
 * processes may open one data folder (the app, a second `serve`, the CLI, on
 * one host or several sharing it): a live process must interrupt only the
 * runs whose owner is gone (a crash), never those another live process trains.
 */
import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import type { OwnerGone, OwnerLease } from './storeTypes';

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

/** How often an open store renews its lease's heartbeat (ms). */
export const HEARTBEAT_MS = 5_000;
/** A heartbeat older than this (ms) means its owner is gone: six missed renewals. */
export const LEASE_EXPIRY_MS = 30_000;

export interface OwnerRuleOptions {
  /** The time the rule judges at (ms since the epoch, this host's clock). */
  at: number;
  /** A heartbeat older than this is expired (default LEASE_EXPIRY_MS). */
  expiryMs?: number;
  /** This host's name (default os.hostname()). */
  host?: string;
  /** Whether a pid on this host is a live process (default processExists). */
  pidAlive?: (pid: number) => boolean;
}

/**
 * Whether a run's owner is gone, judged from the owner leases (0014). In order:
 * - no owner (a run from before 0012, an imported run) or not an owner string: gone;
 * - a store open in this process: alive (its heartbeat may be late while
 *   this event loop was busy, but it is here);
 * - no lease: gone (since 0014 every store that queues or trains a run holds
 *   one until it closes, and closing ends its runs first; an older build
 *   cannot open a 0014 folder);
 * - a heartbeat older than expiryMs: gone, on any host (a crash on another
 *   machine; on this host a hung process, or a pid another program reused);
 * - on this host, a pid that is this process's (a previous process that had
 *   our pid) or that no process has: gone at once, without waiting the expiry;
 * - otherwise alive.
 * A heartbeat is written with its owner's clock and read with ours: hosts
 * sharing a folder need clocks that agree well within the expiry (NTP does).
 * A heartbeat from the future (a clock ahead of ours) counts as fresh.
 */
export function ownerRule(leases: readonly OwnerLease[], o: OwnerRuleOptions): OwnerGone {
  const byOwner = new Map(leases.map((l) => [l.owner, l]));
  const expiryMs = o.expiryMs ?? LEASE_EXPIRY_MS;
  const host = o.host ?? os.hostname();
  const pidAlive = o.pidAlive ?? processExists;
  return (owner) => {
    if (owner === null || !parseOwner(owner)) return true;
    if (openOwners.has(owner)) return false;
    const lease = byOwner.get(owner);
    if (!lease) return true;
    if (o.at - lease.heartbeatAt > expiryMs) return true;
    if (lease.host !== host) return false;
    return lease.pid === process.pid || !pidAlive(lease.pid);
  };
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
