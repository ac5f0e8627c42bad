/**
 * The write fence (issue 16, point 2) with real worker threads: process A
 * trains a run and hangs (its main thread stops handling its worker's
 * messages: they queue up, as in a process stopped with SIGSTOP or a stalled
 * event loop; its heartbeat stops). B's sweep takes A for gone and marks the
 * run interrupted, B resumes it from A's epoch-1 checkpoint. Then A wakes
 * with the rest of its run queued — points, checkpoints, "done" and its
 * worker's exit — and must write none of it: no point, no log line, no
 * artifact, no status. B's run ends done with every (key, step) once.
 *
 * A and B are two createServices on one temp data folder in this process
 * (two stores, two owners). One process's stores count each other alive
 * (db/runOwner.ts openOwners), so A is made to look like another process
 * that hung: its owner leaves this process's list and its heartbeat is set
 * ten minutes back; B's own sweep (sweepGoneOwners) then does the rest.
 * Run: MLP on the first 320 MNIST images (100 test), batch 32, 3 epochs
 * (10 steps each), no validation split, seed 11, wasm backend.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { releaseOwner } from '../../db/runOwner';
import type { RunSummary } from '../../main/common/domain';
import { createServices, type AppServices } from '../../main/services/appServices';
import { sweepGoneOwners } from '../../main/services/ownerSweep';
import { launchHost, type HostExit, type HostLauncher, type TrainingHost } from '../../main/services/trainingHost';
import type { MainToWorker, WorkerToMain } from '../../workers/common/protocol';
import { mlpConfig } from '../helpers/configs';
import { requireBuilt, tempDir } from '../helpers/tempDir';

/**
 * A real host whose messages and exit reach the services only while the
 * gate is open: closed, they queue up (the services' main thread is "hung").
 * It closes by itself after the first message `closeAfter` accepts, once.
 */
class Gate {
  private queued: (() => void)[] = [];
  private closed = false;
  private closedOnce = false;
  /** What the worker sent while the gate was closed, by type. */
  readonly held: string[] = [];

  constructor(private readonly closeAfter: (m: WorkerToMain) => boolean) {}

  readonly launch: HostLauncher = (kind) => {
    const inner = launchHost(kind);
    const host: TrainingHost = {
      kind: inner.kind,
      pid: inner.pid,
      send: (m: MainToWorker) => inner.send(m),
      onMessage: (l) => inner.onMessage((m) => this.pass(m.type, () => {
        l(m);
        if (!this.closedOnce && this.closeAfter(m)) this.closed = this.closedOnce = true;
      })),
      onExit: (l) => inner.onExit((e: HostExit) => this.pass('exit', () => l(e))),
      kill: () => inner.kill(),
    };
    return host;
  };

  /** Everything queued is delivered, in order, and the gate stays open. */
  open(): void {
    this.closed = false;
    for (const deliver of this.queued.splice(0)) deliver();
  }

  private pass(type: string, deliver: () => void): void {
    if (!this.closed) {
      deliver();
      return;
    }
    this.held.push(type);
    this.queued.push(deliver);
  }
}

const env = { LATENT_BACKEND: 'wasm' };
const lease = { heartbeatMs: 3_600_000, sweepEveryMs: 3_600_000 };
const opened: AppServices[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const s of opened.splice(0)) await s.close();
});

async function until(what: string, ok: () => boolean, timeoutMs = 120_000): Promise<void> {
  const start = Date.now();
  while (!ok()) {
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a process that hangs, is taken for gone, and wakes', () => {
  it('writes nothing more into the run another process resumed; that process finishes it with every point once', async () => {
    requireBuilt();
    const dataDir = tempDir();
    const warnings: string[] = [];
    vi.spyOn(console, 'warn').mockImplementation((m: unknown) => { warnings.push(String(m)); });
    // A hangs right after its first checkpoint is recorded; B after its first batch of points.
    const gateA = new Gate((m) => m.type === 'checkpoint');
    const gateB = new Gate((m) => m.type === 'metrics');
    const a = createServices({ dataDir, env, launchHost: gateA.launch, watchOtherProcesses: false, lease });
    opened.push(a);
    const b = createServices({ dataDir, env, launchHost: gateB.launch, watchOtherProcesses: false, lease });
    opened.push(b);
    const db = new Database(path.join(dataDir, 'workbench.sqlite'), { readonly: true });
    const rows = (sql: string, id: number): unknown[] => db.prepare(sql).all(id);
    const everything = (id: number): string => JSON.stringify([
      rows('SELECT status, error, ended_at, owner FROM runs WHERE id = ?', id),
      rows('SELECT key, step, value, wall_time FROM metrics WHERE run_id = ? ORDER BY key, step, wall_time', id),
      rows('SELECT id, level, message FROM logs WHERE run_id = ? ORDER BY id', id),
      rows('SELECT id, kind, step, path FROM artifacts WHERE run_id = ? ORDER BY id', id),
    ]);
    try {
      const experimentId = a.experiments.create('fencing', '').id;
      const id = a.runs.start(experimentId, mlpConfig({ epochs: 3, batchSize: 32, seed: 11, validationSplit: 0 }, { trainSize: 320, testSize: 100 })).id;
      const aEnded = a.runs.waitForEnd(id);
      // A's worker trains to its end while A hangs: everything after epoch 1's checkpoint, its exit included, is queued.
      await until('A\'s worker to finish while A hangs', () => gateA.held.includes('exit'));
      expect(a.store.latestCheckpoint(id)).toMatchObject({ epoch: 1, step: 10 });
      expect(gateA.held.filter((t) => t === 'done')).toEqual(['done']);

      // A looks, to B, like another process that hung: not one of this process's stores, its heartbeat ten minutes old.
      releaseOwner(a.store.owner);
      const writer = new Database(path.join(dataDir, 'workbench.sqlite'));
      writer.prepare('UPDATE owner_leases SET heartbeat_at = ? WHERE owner = ?').run(Date.now() - 600_000, a.store.owner);
      writer.close();
      expect(sweepGoneOwners(b.store)).toEqual([id]);
      expect(b.store.ownerLeases().map((l) => l.owner)).toEqual([b.store.owner]);

      b.runs.resume(id);
      await until('B to store its first points', () => gateB.held.length > 0);
      const beforeWake = everything(id);
      const aChanges: RunSummary[] = [];
      a.events.on('runs.onDidChange', (s) => { if (s.id === id) aChanges.push(s); });

      gateA.open();
      await expect(aEnded).resolves.toBe('interrupted');
      expect(everything(id)).toBe(beforeWake);
      expect(warnings).toContain(`Run ${id} was taken over by process ${process.pid} on host ${os.hostname()}: another process took this one for gone (its heartbeat was too late: was it suspended or hung?), and the run was resumed there. This process stopped its training and writes nothing more into it.`);
      // A's windows are told, with the run as B has it.
      expect(aChanges.at(-1)).toMatchObject({ id, status: 'running' });

      gateB.open();
      await expect(b.runs.waitForEnd(id)).resolves.toBe('done');
      expect(b.store.runLease(id)?.owner).toBe(b.store.owner);
      const duplicates = db.prepare('SELECT key, step, COUNT(*) AS n FROM metrics WHERE run_id = ? GROUP BY key, step HAVING n > 1').all(id);
      expect(duplicates).toEqual([]);
      // 3 epochs of 10 steps: steps 1-10 from A, 11-30 from B, each once.
      const loss = rows("SELECT step FROM metrics WHERE run_id = ? AND key = 'loss' ORDER BY step", id).map((r) => (r as { step: number }).step);
      expect(loss).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(rows("SELECT step FROM artifacts WHERE run_id = ? AND kind = 'checkpoint' ORDER BY step", id)).toEqual([{ step: 10 }, { step: 20 }, { step: 30 }]);
      expect(rows("SELECT message FROM logs WHERE run_id = ? AND message = 'Run finished'", id)).toHaveLength(1);
    } finally {
      db.close();
    }
  }, 180_000);
});
