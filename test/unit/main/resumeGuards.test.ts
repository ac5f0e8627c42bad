/**
 * Issue 16, point 2: resume never starts a second trainer on a run — not
 * while this process still trains it, not while another live process owns
 * it (a run an older build's sweep marked interrupted under a live owner),
 * as its lease (0014) says: a fresh heartbeat, and on this host a live pid.
 * A run its live owner ended (failed, cancelled) stays resumable anywhere.
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../workers/common/families/registry';
import { closeFakeRunServices, fakeRunService, type FakeRunService } from './fakeRunService';

afterEach(closeFakeRunServices);

const config = runConfigSchema.parse({ family: 'classifier', dataset: { id: 'mnist', trainSize: 100, testSize: 50 }, hyper: { epochs: 2 } });

/** A run with a checkpoint whose host is still training it (host 0). */
function trainingRun(t: FakeRunService): number {
  const run = t.runs.start(t.experimentId, config);
  const dir = path.join(t.dataDir, 'runs', String(run.id), 'checkpoints', 'epoch-0001');
  t.hosts[0]?.emit({ type: 'ready', backend: 'cpu' }, { type: 'checkpoint', checkpoint: { dir, epoch: 1, step: 2 } });
  return run.id;
}

/** What another process (an older build's sweep, or the run's owner) writes into the run's row. */
function writeRow(t: FakeRunService, id: number, status: string, owner: string): void {
  const db = new Database(t.store.path);
  db.prepare('UPDATE runs SET status = ?, owner = ? WHERE id = ?').run(status, owner, id);
  db.close();
}

/** The owner's lease (0014) as its process writes it, its heartbeat at `heartbeatAt`. */
function writeLease(t: FakeRunService, owner: string, heartbeatAt: number): void {
  const [host, pid] = owner.split(':');
  const db = new Database(t.store.path);
  db.prepare('INSERT OR REPLACE INTO owner_leases (owner, host, pid, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)').run(owner, host, Number(pid), heartbeatAt, heartbeatAt);
  db.close();
}

describe('resume refuses a run someone still trains', () => {
  it('refuses a run this process still trains, even when another process marked it interrupted', () => {
    const t = fakeRunService({ maxConcurrentRuns: 2 });
    const id = trainingRun(t);
    writeRow(t, id, 'interrupted', t.store.owner);
    expect(() => t.runs.resume(id)).toThrow(`Run ${id} is still training in this process: cancel it, or wait for it to end, before resuming`);
    expect(t.hosts).toHaveLength(1);
  });

  it('refuses a run whose owner is another live process, naming it; resumes it once that owner is gone or has ended it', async () => {
    const t = fakeRunService({ maxConcurrentRuns: 2 });
    const id = trainingRun(t);
    t.hosts[0]?.exit({ code: 134 });
    await expect(t.runs.waitForEnd(id)).resolves.toBe('failed');

    // The test runner's parent: a live process on this host that is not this one.
    const live = `${os.hostname()}:${process.ppid}:abcdef`;
    writeLease(t, live, Date.now());
    writeRow(t, id, 'interrupted', live);
    expect(() => t.runs.resume(id)).toThrow(`Run ${id} is owned by process ${process.ppid} on host ${os.hostname()}, which is still running: resume it there, or stop that process first`);
    // Ended by its live owner: nobody trains it.
    writeRow(t, id, 'cancelled', live);
    expect(t.runs.resume(id)).toMatchObject({ status: 'running' });
    t.hosts[1]?.exit({ code: 134 });
    await expect(t.runs.waitForEnd(id)).resolves.toBe('failed');

    const dead = `${os.hostname()}:${spawnSync(process.execPath, ['-e', '']).pid}:abcdef`;
    // A fresh heartbeat does not keep a dead pid on this host alive.
    writeLease(t, dead, Date.now());
    writeRow(t, id, 'interrupted', dead);
    expect(t.runs.resume(id)).toMatchObject({ status: 'running' });
    expect(t.hosts).toHaveLength(3);
  });

  it('another host\'s owner is live while its heartbeat is fresh (named in the refusal), gone once it is 30 s old', async () => {
    const t = fakeRunService({ maxConcurrentRuns: 2 });
    const id = trainingRun(t);
    t.hosts[0]?.exit({ code: 134 });
    await expect(t.runs.waitForEnd(id)).resolves.toBe('failed');

    const remote = 'gpu-02.example:777:abcdef';
    writeLease(t, remote, Date.now());
    writeRow(t, id, 'running', remote);
    expect(() => t.runs.resume(id)).toThrow(`Run ${id} is owned by process 777 on host gpu-02.example, which is still running: resume it there, or stop that process first`);
    // Its last heartbeat a minute ago (expiry 30 s): it crashed, and the run is this process's to resume once interrupted.
    writeLease(t, remote, Date.now() - 60_000);
    writeRow(t, id, 'interrupted', remote);
    expect(t.runs.resume(id)).toMatchObject({ status: 'running' });
  });
});
