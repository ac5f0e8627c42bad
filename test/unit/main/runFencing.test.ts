/**
 * The write fence (issue 16, point 2): a process that was taken for gone
 * (its lease's heartbeat too late) and whose runs another process marked
 * interrupted or resumed must stop those runs' sessions and write nothing
 * more into them. Real SQLite store and services (createServices), the
 * training host fake (./fakeHost.ts) so each message the worker sends is
 * placed exactly; "another process" is a second connection writing what its
 * sweep and its resume write. Heartbeat every 20 ms; config: MLP on MNIST,
 * seed 7 (the fake host trains nothing).
 */
import * as fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHECKPOINT_EVERY_BATCHES } from '../../../db/openStore';
import type { RunStatus, RunSummary } from '../../../main/common/domain';
import { createServices, type AppServices } from '../../../main/services/appServices';
import type { WorkerToMain } from '../../../workers/common/protocol';
import { mlpConfig } from '../../helpers/configs';
import { removeTempDirs, tempDir } from '../db/helpers';
import { fakeLauncher, type FakeHost } from './fakeHost';

let dataDir: string;
let services: AppServices;
let hosts: FakeHost[];
/** The other process's connection to the same database file. */
let other: Database.Database;
let warnings: string[];

beforeEach(() => {
  dataDir = tempDir();
  const fake = fakeLauncher();
  hosts = fake.hosts;
  services = createServices({ dataDir, env: {}, launchHost: fake.launch, watchOtherProcesses: false, lease: { heartbeatMs: 20, sweepEveryMs: 3_600_000 } });
  services.settings.update({ backend: 'cpu', maxConcurrentRuns: 1 });
  other = new Database(path.join(dataDir, 'workbench.sqlite'));
  warnings = [];
  vi.spyOn(console, 'warn').mockImplementation((m: unknown) => { warnings.push(String(m)); });
});

afterEach(async () => {
  vi.restoreAllMocks();
  other.close();
  await services.close();
  removeTempDirs();
});

async function until(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!ok()) {
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Everything stored about the run: its row and every metric, log and artifact row. */
function rowsOf(runId: number): string {
  const q = (sql: string): unknown[] => other.prepare(sql).all(runId);
  return JSON.stringify({
    run: q('SELECT status, error, ended_at, owner FROM runs WHERE id = ?'),
    metrics: q('SELECT key, step, value FROM metrics WHERE run_id = ? ORDER BY key, step'),
    logs: q('SELECT id, level, message FROM logs WHERE run_id = ? ORDER BY id'),
    artifacts: q('SELECT id, kind, step, path FROM artifacts WHERE run_id = ? ORDER BY id'),
  });
}

const points = (from: number, to: number): WorkerToMain => ({
  type: 'metrics', points: Array.from({ length: to - from + 1 }, (_, i) => ({ key: 'loss', step: from + i, value: 1 / (from + i), wallTime: from + i })),
});
const checkpoint = (runId: number, epoch: number, step: number): WorkerToMain => ({
  type: 'checkpoint', checkpoint: { dir: path.join(dataDir, 'runs', String(runId), 'checkpoints', `epoch-000${epoch}`), epoch, step },
});
/** What a dying worker still sends: points, a log line, a checkpoint, a sample image, its end. */
const afterLoss = (runId: number): WorkerToMain[] => [
  points(21, 30), { type: 'log', level: 'info', message: 'Epoch 3 done' }, checkpoint(runId, 3, 30),
  { type: 'sample', kind: 'samples', step: 30, path: path.join(dataDir, 'runs', String(runId), 'samples-30.png'), meta: { rows: 1, cols: 1 } }, { type: 'done', final: {} },
];

/** A run the services train on a fake host, 20 loss points and the epoch-2 checkpoint stored. */
function trainingRun(): { id: number; host: FakeHost } {
  const experimentId = services.store.ensureExperiment('fence').id;
  const id = services.runs.start(experimentId, mlpConfig({ seed: 7 }, { trainSize: 300, testSize: 100 })).id;
  const host = hosts[0]!;
  host.emit({ type: 'ready', backend: 'cpu' }, points(1, 20), checkpoint(id, 2, 20));
  expect(other.prepare('SELECT COUNT(*) AS n FROM metrics WHERE run_id = ?').get(id)).toEqual({ n: 20 });
  return { id, host };
}

/** What another process's sweep writes when it takes this one for gone: its runs interrupted, its lease deleted. */
function sweptByAnother(runId: number): void {
  other.transaction(() => {
    other.prepare("UPDATE runs SET status = 'interrupted', error = 'The app stopped while this run was running', ended_at = 1 WHERE id = ?").run(runId);
    other.prepare('DELETE FROM owner_leases WHERE owner = ?').run(services.store.owner);
  })();
}

describe('a process taken for gone', () => {
  it('finds its lease removed at the next heartbeat, stops the session whose run was interrupted, and writes nothing more into it', async () => {
    const { id, host } = trainingRun();
    const changed: RunSummary[] = [];
    services.events.on('runs.onDidChange', (s) => { if (s.id === id) changed.push(s); });
    const ended: Promise<RunStatus> = services.runs.waitForEnd(id);
    sweptByAnother(id);
    const swept = rowsOf(id);

    // No message from the host in between: the heartbeat (20 ms) alone finds the loss and stops the session.
    await until('the host to be killed', () => host.killed);
    expect(warnings.some((w) => w.includes('had been removed by another process'))).toBe(true);
    expect(warnings).toContain(`Run ${id} was marked interrupted by another process: another process took this one for gone (its heartbeat was too late: was it suspended or hung?). This process stopped its training and writes nothing more into it; resume it to continue from its last checkpoint.`);

    host.emit(...afterLoss(id));
    await expect(ended).resolves.toBe('interrupted');
    expect(rowsOf(id)).toBe(swept);
    // This process's windows are told, with the status the other process wrote.
    expect(changed.at(-1)).toMatchObject({ id, status: 'interrupted', error: 'The app stopped while this run was running' });
    // The lease is registered again: the process lives on and may train new runs.
    expect(other.prepare('SELECT COUNT(*) AS n FROM owner_leases WHERE owner = ?').get(services.store.owner)).toEqual({ n: 1 });
    // Closing writes no 'interrupted' of its own over the other process's.
    await services.close();
    expect(rowsOf(id)).toBe(swept);
  });

  it('at its next write finds the run resumed by another process: writes no point of the batch, kills the host, and names the new owner', async () => {
    const { id, host } = trainingRun();
    const ended = services.runs.waitForEnd(id);
    // Another process (pid 4242 on gpu-02.example) resumed it; this process's lease was left alone, so only the write can tell.
    other.prepare("UPDATE runs SET status = 'running', owner = 'gpu-02.example:4242:0a0b', error = NULL, ended_at = NULL WHERE id = ?").run(id);
    const taken = rowsOf(id);

    host.emit(points(21, 30));
    expect(host.killed).toBe(true);
    expect(warnings).toEqual([`Run ${id} was taken over by process 4242 on host gpu-02.example: another process took this one for gone (its heartbeat was too late: was it suspended or hung?), and the run was resumed there. This process stopped its training and writes nothing more into it.`]);
    host.emit(...afterLoss(id));
    await expect(ended).resolves.toBe('interrupted');
    expect(rowsOf(id)).toBe(taken);
  });

  it('keeps training a run still its own when only the lease was removed', async () => {
    const { id, host } = trainingRun();
    other.prepare('DELETE FROM owner_leases WHERE owner = ?').run(services.store.owner);
    await until('the lease to be registered again', () => (other.prepare('SELECT COUNT(*) AS n FROM owner_leases WHERE owner = ?').get(services.store.owner) as { n: number }).n === 1);
    expect(host.killed).toBe(false);
    host.emit(points(21, 30), { type: 'done', final: {} });
    host.exit({ code: 0 });
    await expect(services.runs.waitForEnd(id)).resolves.toBe('done');
    expect(other.prepare('SELECT COUNT(*) AS n FROM metrics WHERE run_id = ?').get(id)).toEqual({ n: 30 });
  });

  it('writes metric batches under the fence with the periodic WAL checkpoint run after commit, not inside the transaction (SQLite refuses it there)', () => {
    const { id } = trainingRun(); // batch 1
    const wal = path.join(dataDir, 'workbench.sqlite-wal');
    const batch = (n: number) => services.store.writeIfOwned(id, () => services.store.appendMetrics(id, [{ key: 'loss', step: 100 + n, value: 1, wallTime: n }]));
    for (let n = 2; n < CHECKPOINT_EVERY_BATCHES; n++) expect(batch(n)).toEqual({ ok: true, value: undefined });
    expect(fs.statSync(wal).size).toBeGreaterThan(0);
    // The 200th batch makes the checkpoint due: it truncates the WAL once the batch has committed.
    expect(batch(CHECKPOINT_EVERY_BATCHES)).toEqual({ ok: true, value: undefined });
    expect(fs.statSync(wal).size).toBe(0);
  });

  it('does not start a run queued here that another process took over while it waited for a slot', async () => {
    const { id: first, host } = trainingRun();
    const experimentId = services.store.ensureExperiment('fence').id;
    const queued = services.runs.start(experimentId, mlpConfig({ seed: 8 }, { trainSize: 300, testSize: 100 })).id;
    const ended = services.runs.waitForEnd(queued);
    other.prepare("UPDATE runs SET status = 'interrupted', error = 'The app stopped while this run was queued', ended_at = 1 WHERE id = ?").run(queued);
    const swept = rowsOf(queued);
    // The first run ends: its slot frees, and the queued run is found taken rather than started.
    host.emit({ type: 'done', final: {} });
    host.exit({ code: 0 });
    await expect(services.runs.waitForEnd(first)).resolves.toBe('done');
    expect(hosts).toHaveLength(1);
    await expect(ended).resolves.toBe('interrupted');
    expect(rowsOf(queued)).toBe(swept);
  });
});
