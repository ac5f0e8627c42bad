/**
 * Opening the data folder's database when its disk may be full. Opening
 * writes (the WAL index, a migration, the start-up sweep that marks a gone
 * process's runs interrupted); on a full disk any of them fails, and before
 * this the app refused to start at all. Now it opens the database read-only
 * and says why: runs can still be listed, read and exported, and every
 * change is refused with the reason (dispatch.ts guardReadOnly, the CLI).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore, type OpenStoreOptions } from '../../db/openStore';
import type { Store } from '../../db/storeTypes';
import { isDiskFull, readOnlyReason } from './diskFull';
import { keepStatusesOnFullDisk } from './pendingStatus';

/** Below this many free bytes, an I/O error while opening is taken for a full disk (SQLite cannot grow its -shm: SQLITE_IOERR_SHMSIZE). */
export const NEARLY_FULL_BYTES = 1024 * 1024;

/** Free bytes for this user on the disk holding `dir`; null when the system cannot say. */
export function freeBytes(dir: string): number | null {
  try {
    const s = fs.statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/** A failure to open or write at start that a full disk explains: its own code, or an SQLite I/O error with (nearly) no space left. */
export function failedForFullDisk(e: unknown, dir: string): boolean {
  if (isDiskFull(e)) return true;
  const code = typeof e === 'object' && e !== null && 'code' in e ? e.code : undefined;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_IOERR')) return false;
  const free = freeBytes(dir);
  return free !== null && free < NEARLY_FULL_BYTES;
}

export interface OpenedForStart<T> {
  store: Store;
  /** Why the database is read-only (a researcher-readable sentence), null when it is writable. */
  readOnly: string | null;
  /** What the start-up writes returned; undefined when they could not run (read-only). */
  startup: T | undefined;
}

/**
 * Opens the database and runs the start-up writes; when either fails on a
 * full disk, closes it and opens it read-only instead. Other errors throw as
 * before. The writable store keeps run statuses a full disk refuses later
 * (pendingStatus.ts).
 */
export function openForStart<T>(file: string, opts: OpenStoreOptions, startupWrites: (store: Store) => T): OpenedForStart<T> {
  const dir = path.dirname(file);
  let store: Store | undefined;
  try {
    store = keepStatusesOnFullDisk(openStore(file, opts));
    return { store, readOnly: null, startup: startupWrites(store) };
  } catch (e) {
    if (!failedForFullDisk(e, dir)) {
      store?.close();
      throw e;
    }
    closeQuietly(store);
    return { store: openStore(file, { ...opts, readOnly: true }), readOnly: readOnlyReason(dir, causeOf(e, dir)), startup: undefined };
  }
}

/** The failure as SQLite or Node named it, and the free space measured: "SQLITE_IOERR_SHMSIZE: disk I/O error; 0 bytes free". */
function causeOf(e: unknown, dir: string): string {
  const code = typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? `${e.code}: ` : '';
  const free = freeBytes(dir);
  return `${code}${e instanceof Error ? e.message : String(e)}${free === null ? '' : `; ${free.toLocaleString('en-US')} bytes free`}`;
}

/** Closing flushes a WAL checkpoint, which a full disk may refuse too: the connection is closed either way. */
function closeQuietly(store: Store | undefined): void {
  try {
    store?.close();
  } catch {
    // The database stays as the last commit left it.
  }
}
