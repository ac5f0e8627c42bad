/**
 * Issue 16, point 2: owner leases (0014). The rule (db/runOwner.ts
 * ownerRule) on hand-made leases and a 100 ms expiry; the heartbeat and its
 * lifecycle on a real SQLite file (db/ownerLease.ts); and the sweep
 * (main/services/ownerSweep.ts) on runs of live, crashed and expired owners.
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type OpenStoreOptions } from '../../../db/openStore';
import { ownerRule } from '../../../db/runOwner';
import type { OwnerLease, Store } from '../../../db/storeTypes';
import { sweepGoneOwners } from '../../../main/services/ownerSweep';
import { removeTempDirs, sampleRun, tempDir } from './helpers';

const opened: Store[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
  removeTempDirs();
});

function store(file: string, opts: OpenStoreOptions = {}): Store {
  const s = openStore(file, opts);
  opened.push(s);
  return s;
}

async function until(what: string, ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!ok()) {
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const HERE = 'here.example';
const lease = (owner: string, host: string, pid: number, heartbeatAt: number): OwnerLease => ({ owner, host, pid, startedAt: 0, heartbeatAt });

describe('the owner rule (expiry 100 ms, this host "here.example", live pids 10 and 11)', () => {
  const leases = [
    lease('there.example:7:aa', 'there.example', 7, 1_000),
    lease(`${HERE}:10:bb`, HERE, 10, 1_000),
    lease(`${HERE}:12:cc`, HERE, 12, 1_000),
    lease(`${HERE}:${process.pid}:dd`, HERE, process.pid, 1_000),
  ];
  const at = (t: number) => ownerRule(leases, { at: t, expiryMs: 100, host: HERE, pidAlive: (pid) => pid === 10 || pid === 11 || pid === process.pid });

  it('another host\'s owner is alive while its heartbeat is at most 100 ms old, gone after', () => {
    expect(at(1_050)('there.example:7:aa')).toBe(false);
    expect(at(1_100)('there.example:7:aa')).toBe(false);
    expect(at(1_101)('there.example:7:aa')).toBe(true);
    // A heartbeat "from the future" (its clock ahead of ours) is fresh.
    expect(at(900)('there.example:7:aa')).toBe(false);
  });

  it('on this host: a live pid with a fresh heartbeat is alive; a dead pid is gone at once; a live pid with an expired heartbeat is gone', () => {
    expect(at(1_050)(`${HERE}:10:bb`)).toBe(false);
    expect(at(1_050)(`${HERE}:12:cc`)).toBe(true);
    expect(at(1_101)(`${HERE}:10:bb`)).toBe(true);
    // This process's pid, but no store of this process has that owner: a previous process that had our pid.
    expect(at(1_050)(`${HERE}:${process.pid}:dd`)).toBe(true);
  });

  it('no owner, no owner string, or no lease: gone', () => {
    expect(at(1_050)(null)).toBe(true);
    expect(at(1_050)('not an owner')).toBe(true);
    expect(at(1_050)(`${HERE}:11:ee`)).toBe(true);
    expect(at(1_050)('there.example:8:ff')).toBe(true);
  });

  it('a store open in this process is alive even when its heartbeat is late (a busy event loop)', () => {
    const s = store(path.join(tempDir(), 'workbench.sqlite'), { lease: { now: () => 1_000 } });
    s.holdLease();
    const own = s.ownerLeases();
    expect(own.map((l) => l.owner)).toEqual([s.owner]);
    expect(ownerRule(own, { at: 1_000_000, expiryMs: 100 })(s.owner)).toBe(false);
  });
});

describe('a store\'s lease on a real file', () => {
  it('is registered by the first run it creates, not by reading; renewed on the timer; deleted on close', async () => {
    const file = path.join(tempDir(), 'workbench.sqlite');
    let clock = 5_000;
    const writer = store(file, { lease: { heartbeatMs: 10, now: () => clock } });
    const reader = store(file);
    reader.listRuns();
    expect(reader.ownerLeases()).toEqual([]);

    const exp = writer.createExperiment('e', '').id;
    writer.createRun(sampleRun(exp));
    const [first] = reader.ownerLeases();
    expect(first).toEqual({ owner: writer.owner, host: os.hostname(), pid: process.pid, startedAt: 5_000, heartbeatAt: 5_000 });
    clock = 6_000;
    await until('the heartbeat at 6000', () => reader.ownerLeases()[0]?.heartbeatAt === 6_000);
    expect(reader.ownerLeases()).toEqual([{ ...first, heartbeatAt: 6_000 }]);

    writer.close();
    expect(reader.ownerLeases()).toEqual([]);
  });

  it('a heartbeat that cannot write is logged, never thrown, and the next one that can write restores the lease', async () => {
    const file = path.join(tempDir(), 'workbench.sqlite');
    const warnings: string[] = [];
    const s = store(file, { lease: { heartbeatMs: 10, warn: (m) => warnings.push(m) } });
    s.holdLease();
    const raw = new Database(file);
    try {
      raw.exec('ALTER TABLE owner_leases RENAME TO owner_leases_away');
      await until('a failed renewal to be logged', () => warnings.length > 0);
      expect(warnings[0]).toMatch(new RegExp(`^Lease of ${s.owner}: could not renew it \\(no such table: owner_leases\\); retrying every heartbeat$`));
      // Logged once while it keeps failing, not at every beat.
      await new Promise((r) => setTimeout(r, 100));
      expect(warnings).toHaveLength(1);
      raw.exec('ALTER TABLE owner_leases_away RENAME TO owner_leases; DELETE FROM owner_leases');
      await until('the lease to be written again', () => s.ownerLeases().length === 1);
    } finally {
      raw.close();
    }
    await until('both warnings', () => warnings.length >= 3);
    expect(warnings.slice(1)).toEqual([
      `Lease of ${s.owner} had been removed by another process (this process was taken for gone: its runs may have been marked interrupted); registered it again`,
      `Lease of ${s.owner}: writing works again`,
    ]);
  });
});

describe('the sweep of gone owners', () => {
  it('interrupts the runs of an expired other-host owner and of a dead pid here; leaves a live owner\'s; deletes only the gone leases', () => {
    const file = path.join(tempDir(), 'workbench.sqlite');
    const live = store(file);
    const sweeper = store(file, { lease: { expiryMs: 30_000 } });
    sweeper.holdLease();
    const exp = live.createExperiment('e', '').id;
    const liveRun = live.createRun(sampleRun(exp)).id;
    live.setRunStatus(liveRun, 'running', null);

    const now = Date.now();
    // Pid of a process that has exited: no process has it now (pids are not reused this soon on Linux).
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid ?? 0;
    const fakes = [
      { owner: 'crashed-host.example:4242:0a0a0a', host: 'crashed-host.example', pid: 4242, beat: now - 10 * 60_000 },
      { owner: 'busy-host.example:4343:0b0b0b', host: 'busy-host.example', pid: 4343, beat: now },
      { owner: `${os.hostname()}:${deadPid}:0c0c0c`, host: os.hostname(), pid: deadPid, beat: now },
    ];
    const raw = new Database(file);
    const runOf = new Map<string, number>();
    try {
      for (const f of fakes) {
        raw.prepare('INSERT INTO owner_leases (owner, host, pid, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)').run(f.owner, f.host, f.pid, f.beat, f.beat);
        const id = live.createRun(sampleRun(exp)).id;
        raw.prepare("UPDATE runs SET status = 'running', owner = ? WHERE id = ?").run(f.owner, id);
        runOf.set(f.owner, id);
      }
    } finally {
      raw.close();
    }

    const ids = fakes.map((f) => runOf.get(f.owner) ?? 0);
    const interrupted = sweepGoneOwners(sweeper);
    expect(interrupted).toEqual([ids[0], ids[2]]);
    expect(sweeper.getRun(liveRun)?.status).toBe('running');
    expect(sweeper.getRun(ids[1] ?? 0)?.status).toBe('running');
    expect(sweeper.ownerLeases().map((l) => l.owner).sort()).toEqual([live.owner, sweeper.owner, fakes[1]!.owner].sort());
    // A second sweep finds nothing more.
    expect(sweepGoneOwners(sweeper)).toEqual([]);
  });
});
