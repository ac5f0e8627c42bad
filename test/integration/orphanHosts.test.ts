/**
 * Issue 16, point 3: opening a data folder stops the training child a
 * crashed process left behind (by the pid in its run's lease, 0013) before
 * the run is marked interrupted. The orphans here are real: processes whose
 * parent (a shell) has exited, as a SIGKILLed CLI leaves its child; they
 * only sleep, under a script named like the training entry.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../db/openStore';
import { createServices } from '../../main/services/appServices';
import { processRunning } from '../../main/services/orphanHosts';
import { sampleRun } from '../unit/db/helpers';
import { tempDir } from '../helpers/tempDir';

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  }
});

/** Starts `script` detached under a shell that exits at once: the node process is orphaned, as a crashed parent's child is. */
function orphan(script: string): number {
  const out = spawnSync('sh', ['-c', `"${process.execPath}" "${script}" >/dev/null 2>&1 & echo $!`], { encoding: 'utf8' });
  const pid = Number(out.stdout.trim());
  expect(pid).toBeGreaterThan(0);
  started.push(pid);
  return pid;
}

/** A pid that existed and is gone now (a node that exited), on this host: a crashed owner's. */
function deadOwner(): string {
  const done = spawnSync(process.execPath, ['-e', '']);
  return `${os.hostname()}:${done.pid}:abcdef`;
}

/** A folder whose runs 1..n are 'running', owned by `owner`, trained by the given pids. */
function folderWithRuns(leases: { owner: string; hostPid: number }[]): string {
  const dataDir = tempDir();
  const file = path.join(dataDir, 'workbench.sqlite');
  const store = openStore(file);
  const exp = store.createExperiment('orphans', '').id;
  const ids = leases.map(() => store.createRun(sampleRun(exp)).id);
  for (const id of ids) store.setRunStatus(id, 'running', null);
  store.close();
  const db = new Database(file);
  leases.forEach((l, i) => db.prepare('UPDATE runs SET owner = ?, host_pid = ? WHERE id = ?').run(l.owner, l.hostPid, ids[i]));
  // Each owner's lease (0014), its heartbeat fresh: whether an owner is gone then rests on its pid.
  for (const owner of new Set(leases.map((l) => l.owner))) {
    const [host, pid] = owner.split(':');
    db.prepare('INSERT INTO owner_leases (owner, host, pid, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)').run(owner, host, Number(pid), Date.now(), Date.now());
  }
  db.close();
  return dataDir;
}

function scripts(): { trainer: string; stubborn: string; other: string; stubbornReady: string } {
  const dir = tempDir('latent-orphan-');
  const trainer = path.join(dir, 'trainWorker.js');
  fs.writeFileSync(trainer, 'setInterval(() => {}, 1000);\n');
  const stubbornDir = path.join(dir, 'stubborn');
  fs.mkdirSync(stubbornDir);
  const stubborn = path.join(stubbornDir, 'trainWorker.js');
  const stubbornReady = path.join(dir, 'stubborn-ready');
  fs.writeFileSync(stubborn, `process.on('SIGTERM', () => {}); require('node:fs').writeFileSync(${JSON.stringify(stubbornReady)}, ''); setInterval(() => {}, 1000);\n`);
  const other = path.join(dir, 'someoneElse.js');
  fs.writeFileSync(other, 'setInterval(() => {}, 1000);\n');
  return { trainer, stubborn, other, stubbornReady };
}

describe('orphaned training hosts at start', () => {
  it('stops a dead owner\'s living child (SIGTERM, then SIGKILL when ignored) before marking its run interrupted, and leaves other pids alone', async () => {
    const s = scripts();
    const trainer = orphan(s.trainer);
    const stubborn = orphan(s.stubborn);
    const other = orphan(s.other);
    const liveOwnersChild = orphan(s.trainer);
    // The stubborn one must ignore SIGTERM before the sweep sends it.
    await expect.poll(() => fs.existsSync(s.stubbornReady), { timeout: 10_000 }).toBe(true);
    const dead = deadOwner();
    const live = `${os.hostname()}:${process.ppid}:abcdef`;
    const dataDir = folderWithRuns([
      { owner: dead, hostPid: trainer },
      { owner: dead, hostPid: stubborn },
      { owner: dead, hostPid: other },
      { owner: live, hostPid: liveOwnersChild },
    ]);

    const app = createServices({ dataDir, watchOtherProcesses: false });
    try {
      expect(app.interruptedAtStart).toEqual([1, 2, 3]);
      expect(processRunning(trainer)).toBe(false);
      expect(processRunning(stubborn)).toBe(false);
      // Not a training host (a pid reused by another program) and a live owner's child: never signalled.
      expect(processRunning(other)).toBe(true);
      expect(processRunning(liveOwnersChild)).toBe(true);
      expect(app.store.getRun(4)?.status).toBe('running');
      const logOf = (id: number): string => app.runs.logs(id).map((l) => l.message).join('\n');
      expect(logOf(1)).toContain(`training process ${trainer} still ran: stopped it (SIGTERM)`);
      expect(logOf(2)).toContain(`training process ${stubborn} still ran: killed it (SIGKILL: it ignored SIGTERM)`);
      expect(logOf(3)).not.toContain('still ran');
    } finally {
      await app.close();
    }
  });
});
