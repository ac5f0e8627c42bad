/**
 * The disk-full words and the kept-status retries, over a real SQLite store
 * made full with PRAGMA max_page_count on its own connection (a write that
 * needs a new page then fails with SQLITE_FULL, as on a full disk), and a real
 * ENOSPC from writing /dev/full. The RunSession case drives a fake host (the
 * worker's side of the protocol) over that real store.
 */
import * as fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../../db/openStore';
import type { Db } from '../../../db/sqlite';
import type { Store } from '../../../db/storeTypes';
import type { RunStatus } from '../../../main/common/domain';
import { diskFullMessage, isDiskFull, readOnlyReason, retryDelayMs } from '../../../main/services/diskFull';
import { createServices } from '../../../main/services/appServices';
import { dispatch } from '../../../main/services/dispatch';
import { EventBus } from '../../../main/services/eventBus';
import { keepStatusesOnFullDisk, PendingStatuses } from '../../../main/services/pendingStatus';
import { RunSession } from '../../../main/services/runSession';
import { removeTempDirs, sampleRun, tempDir } from '../db/helpers';
import { fakeLauncher } from './fakeHost';

let conn: Db;
let store: Store & { pendingStatuses: PendingStatuses };
let dataDir: string;
let runId: number;

beforeEach(() => {
  dataDir = tempDir();
  store = keepStatusesOnFullDisk(openStore(path.join(dataDir, 'workbench.sqlite'), { onConnection: (db) => { conn = db; } }));
  runId = store.createRun(sampleRun(store.ensureExperiment('Default').id)).id;
  store.setRunStatus(runId, 'running');
});

afterEach(() => {
  vi.useRealTimers();
  conn.pragma('max_page_count = 1073741823');
  store.close();
  removeTempDirs();
});

/** Full: no page may be added (the pages in use are the limit). */
function fill(): void {
  conn.pragma(`max_page_count = ${Number(conn.pragma('page_count', { simple: true }))}`);
}
function unfill(): void {
  conn.pragma('max_page_count = 1073741823');
}
/** The run's status row as SQLite has it, without the in-memory overlay. */
function stored(): { status: string; error: string | null } {
  return conn.prepare('SELECT status, error FROM runs WHERE id = ?').get(runId) as { status: string; error: string | null };
}
/** A message whose write needs 5 new 4 KiB pages. */
const long = 'x'.repeat(20_000);

describe('isDiskFull', () => {
  it('knows SQLITE_FULL, ENOSPC and their texts, and nothing else', () => {
    fill();
    let sqliteFull: unknown;
    try { store.appendLog(runId, 'info', long, 1); } catch (e) { sqliteFull = e; }
    expect(sqliteFull).toMatchObject({ code: 'SQLITE_FULL' });
    let enospc: unknown;
    try { fs.writeFileSync('/dev/full', 'x'); } catch (e) { enospc = e; }
    expect(enospc).toMatchObject({ code: 'ENOSPC' });
    expect([sqliteFull, enospc, 'Error: ENOSPC: no space left on device, write', 'database or disk is full'].map(isDiskFull)).toEqual([true, true, true, true]);
    expect([new Error('SQLITE_BUSY: database is locked'), 'ENOENT: no such file', null, 42].map(isDiskFull)).toEqual([false, false, false, false]);
  });
});

describe('the messages', () => {
  it('names the data folder, the write that failed and what was kept', () => {
    expect(diskFullMessage('/data', 'a batch of 12 metric points', { points: 1234, artifacts: 1, lastStep: 4000 })).toBe(
      'Disk full: the disk holding the data folder /data has no space left, so a batch of 12 metric points could not be written. '
      + 'Kept: 1,234 metric points up to step 4,000 and 1 artifact. Training was stopped; free space on that disk, then resume the run from its last checkpoint.');
    expect(diskFullMessage('/d', 'x', { points: 1, artifacts: 0, lastStep: null })).toContain('Kept: 1 metric point and 0 artifacts.');
    expect(readOnlyReason('/d', 'database or disk is full')).toMatch(/^The data folder's disk is full: \/d could not be written \(database or disk is full\)\..* Free space on that disk and restart\.$/);
  });

  it('retries after 1 s, doubling, at most a minute apart', () => {
    expect([0, 1, 2, 5, 6, 20].map((n) => retryDelayMs(n))).toEqual([1000, 2000, 4000, 32_000, 60_000, 60_000]);
  });
});

describe('a status a full disk refuses', () => {
  it('is kept, shown by getRun and the listings, and written by the retry timer once there is room', () => {
    vi.useFakeTimers();
    fill();
    store.setRunStatus(runId, 'failed', long, 5);
    expect(stored()).toEqual({ status: 'running', error: null });
    expect(store.getRun(runId)).toMatchObject({ status: 'failed', error: long, endedAt: 5 });
    expect(store.listRunSummaries()[0]).toMatchObject({ status: 'failed', error: long });
    vi.advanceTimersByTime(1000); // retried at 1 s: still full
    expect(store.pendingStatuses.ids()).toEqual([runId]);
    unfill();
    vi.advanceTimersByTime(1999); // the next retry is 2 s after the first
    expect(stored().status).toBe('running');
    vi.advanceTimersByTime(1);
    expect(stored()).toEqual({ status: 'failed', error: long });
    expect(store.pendingStatuses.ids()).toEqual([]);
  });

  it('is written before the store\'s next write, without waiting for the timer', () => {
    vi.useFakeTimers();
    fill();
    store.setRunStatus(runId, 'failed', long, 5);
    unfill();
    store.appendLog(runId, 'info', 'space is back', 6);
    expect(stored()).toEqual({ status: 'failed', error: long });
  });

  it('rethrows any other failure', () => {
    const pending = new PendingStatuses(() => { throw new Error('SQLITE_CORRUPT: database disk image is malformed'); });
    expect(() => pending.set(1, 'done', null, 1)).toThrow(/SQLITE_CORRUPT/);
    expect(pending.ids()).toEqual([]);
  });
});

describe('an API call that hits the full disk', () => {
  it('is a 409 conflict saying to free space, not a 500', async () => {
    const s = createServices({ dataDir, watchOtherProcesses: false, onConnection: (db) => { db.pragma(`max_page_count = ${Number(db.pragma('page_count', { simple: true }))}`); } });
    try {
      const r = await dispatch(s.handlers, 'experiments.create', { name: 'x'.repeat(200), description: long.slice(0, 5_000) });
      expect(r).toEqual({ ok: false, error: { code: 'conflict', message: 'The disk holding the data folder is full (database or disk is full): nothing was saved. Free space on it and try again.' } });
    } finally {
      await s.close();
    }
  });
});

describe('a run session whose metrics write fails on a full disk', () => {
  it('stops the host, fails the run with "Disk full" and what it kept, and never throws out of the listener', async () => {
    const { launch, hosts } = fakeLauncher();
    const ends: RunStatus[] = [];
    const s = new RunSession({ store, events: new EventBus(), dataDir, runId, hostKind: 'thread', backend: 'cpu', launch, onEnd: (_id, st) => ends.push(st), onChange: () => {} });
    s.start();
    const host = hosts[0]!;
    host.emit({ type: 'metrics', points: [{ key: 'loss', step: 1, value: 1, wallTime: 1 }, { key: 'loss', step: 2, value: 0.5, wallTime: 2 }] });
    fill();
    const big = Array.from({ length: 400 }, (_, i) => ({ key: 'loss' as const, step: 3 + i, value: i, wallTime: 3 }));
    expect(() => host.emit({ type: 'metrics', points: big })).not.toThrow();
    expect(host.sent.map((m) => m.type)).toEqual(['start', 'cancel']);
    host.emit({ type: 'cancelled' }); // what the stopped worker says is not stored over the failure
    host.exit({ code: 0 });
    await Promise.resolve();
    expect(ends).toEqual(['failed']);
    expect(store.getRun(runId)?.error).toBe(diskFullMessage(dataDir, 'a batch of 400 metric points', { points: 2, artifacts: 0, lastStep: 2 }));
  });
});
