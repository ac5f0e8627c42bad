/**
 * Issue 16, point 2: several processes on one data folder, as real processes
 * (dist/main/server/serveMain.js and dist/main/cli/cliMain.js) with owner
 * leases (0014). A serve and a CLI, then two serves: each lists the other's
 * runs live, starting one never interrupts the other's runs, resuming a run
 * the other process owns is refused naming it, and no metric (run, key,
 * step) is written twice. Read-only commands write nothing. A run whose
 * owner's heartbeat expired (a crash on another host) is marked interrupted
 * by a live serve's periodic check, without a restart.
 * Runs: MLP on 300 MNIST images, batch 32, 500 epochs (cancelled once the
 * checks are done), seeds 3, 4 and 5, wasm backend.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../db/openStore';
import type { Experiment, RunDetail, RunSummary } from '../../main/common/domain';
import { mlpConfig } from '../helpers/configs';
import { httpApi, type HttpApi } from '../helpers/httpApi';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';
import { sampleRun } from '../unit/db/helpers';

const serveMain = path.join(repoRoot, 'dist', 'main', 'server', 'serveMain.js');
const cliMain = path.join(repoRoot, 'dist', 'main', 'cli', 'cliMain.js');
const TOKEN = 'two-processes-test-token';
const env = { ...process.env, LATENT_BACKEND: 'wasm', LATENT_TOKEN: TOKEN };
const longRun = (seed: number) => mlpConfig({ epochs: 500, batchSize: 32, seed, validationSplit: 0 }, { trainSize: 300, testSize: 100 });

interface Serve { child: ChildProcessWithoutNullStreams; pid: number; api: HttpApi; stdout: () => string }
const live: ChildProcessWithoutNullStreams[] = [];
afterAll(() => { for (const c of live) if (c.exitCode === null) c.kill('SIGKILL'); });

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 120_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function startServe(dataDir: string): Promise<Serve> {
  const child = spawn(process.execPath, [serveMain, '--port', '0', '--data', dataDir], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  live.push(child);
  let out = '';
  child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { out += c.toString(); });
  const port = await until('serve to print its URL', () => {
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}: ${out}`);
    const m = /Open http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
    return m ? Number(m[1]) : undefined;
  }, 60_000);
  return { child, pid: child.pid ?? 0, api: httpApi(() => port, TOKEN), stdout: () => out };
}

async function stopServe(s: Serve): Promise<void> {
  if (s.child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    s.child.once('exit', () => resolve());
    s.child.kill('SIGTERM');
  });
}

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [cliMain, ...args], { env, encoding: 'utf8' });
}

/** Polls the API until the run has this status (and returns it). */
function statusIs(api: HttpApi, id: number, status: RunSummary['status']): Promise<RunDetail> {
  return until(`run ${id} to be ${status}`, async () => {
    const d = await api.ok<RunDetail>('runs.get', { id });
    return d.status === status ? d : undefined;
  });
}

/** Polls until the run has stored loss points (it trains, not just 'running'). */
function hasPoints(api: HttpApi, id: number): Promise<true> {
  return until(`run ${id} to record loss points`, async () => {
    const m = await api.ok<{ key: string; steps: number[] }[]>('runs.metrics', { id, keys: ['loss'] });
    return (m[0]?.steps.length ?? 0) > 0 ? true : undefined;
  });
}

function sql<T>(dataDir: string, query: string): T[] {
  const db = new Database(path.join(dataDir, 'workbench.sqlite'), { readonly: true });
  try {
    return db.prepare(query).all() as T[];
  } finally {
    db.close();
  }
}

/** (run_id, key, step) written more than once; none when every point was written once. */
const duplicatePoints = (dataDir: string) => sql<{ run_id: number; key: string; step: number; n: number }>(dataDir,
  'SELECT run_id, key, step, COUNT(*) AS n FROM metrics GROUP BY run_id, key, step HAVING n > 1');

/** Every row of every table: what "wrote nothing" compares. */
function contents(dataDir: string): string {
  const tables = sql<{ name: string }>(dataDir, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  // Rows sorted as text: some tables are WITHOUT ROWID, and no order is promised without one.
  return JSON.stringify(tables.map((t) => [t.name, sql(dataDir, `SELECT * FROM "${t.name}"`).map((r) => JSON.stringify(r)).sort()]));
}

/**
 * A run left 'running' by a process on another host that crashed: its lease's
 * last heartbeat ten minutes ago (the expiry is 30 s). Written as that
 * process would have, through a store of this one that then closes.
 */
function crashedRemoteRun(dataDir: string, host: string): number {
  const file = path.join(dataDir, 'workbench.sqlite');
  const store = openStore(file);
  const db = new Database(file);
  try {
    const id = store.createRun(sampleRun(store.ensureExperiment('crashed elsewhere').id)).id;
    // Handed to the crashed owner in one transaction, before this store (whose lease is live) closes:
    // only the expired heartbeat can make a live process interrupt it.
    const owner = `${host}:4242:0a0b0c`;
    const beat = Date.now() - 10 * 60_000;
    db.transaction(() => {
      db.prepare("UPDATE runs SET status = 'running', owner = ? WHERE id = ?").run(owner, id);
      db.prepare('INSERT INTO owner_leases (owner, host, pid, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)').run(owner, host, 4242, beat, beat);
    })();
    return id;
  } finally {
    db.close();
    store.close();
  }
}

describe('two processes on one data folder', () => {
  it('a serve and a CLI see each other\'s runs live; neither start interrupts the other; resume of the serve\'s run is refused; no point twice', async () => {
    requireBuilt();
    const dataDir = tempDir();
    const config = path.join(dataDir, 'long.json');
    fs.writeFileSync(config, JSON.stringify(longRun(3)));
    const train = spawn(process.execPath, [cliMain, 'train', '--config', config, '--data', dataDir, '--experiment', 'two', '--json'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    live.push(train);
    let trainErr = '';
    let trainOut = '';
    train.stderr.on('data', (c: Buffer) => { trainErr += c.toString(); });
    train.stdout.on('data', (c: Buffer) => { trainOut += c.toString(); });
    const cliRun = await until('the CLI to name its run', () => {
      const m = /Run (\d+)/.exec(trainErr);
      return m ? Number(m[1]) : undefined;
    });

    const serve = await startServe(dataDir);
    let serveRun = 0;
    try {
      // The serve's start found the CLI's run owned by a live process: not interrupted, still training.
      expect(serve.stdout()).not.toMatch(/Marked \d+ run\(s\)/);
      await statusIs(serve.api, cliRun, 'running');
      await hasPoints(serve.api, cliRun);

      const experiment = (await serve.api.ok<Experiment[]>('experiments.list', {})).find((e) => e.name === 'two');
      expect(experiment).toBeDefined();
      serveRun = (await serve.api.ok<RunSummary>('runs.start', { experimentId: experiment?.id, config: longRun(4) })).id;
      await statusIs(serve.api, serveRun, 'running');
      await hasPoints(serve.api, serveRun);

      // Both processes list both runs as running: the serve through its API, the CLI (read-only) from the folder.
      const served = await serve.api.ok<RunSummary[]>('runs.list', {});
      expect(served.filter((r) => r.id === cliRun || r.id === serveRun).map((r) => r.status)).toEqual(['running', 'running']);
      const listed = cli(['runs', '--data', dataDir, '--json']);
      expect(listed.status, listed.stderr).toBe(0);
      const fromCli = (JSON.parse(listed.stdout) as { id: number; status: string }[]).filter((r) => r.id === cliRun || r.id === serveRun);
      expect(fromCli.map((r) => r.status)).toEqual(['running', 'running']);

      // Resuming the serve's run from a CLI is refused, naming the serve's process; it trains on.
      const resumed = cli(['resume', String(serveRun), '--data', dataDir]);
      expect(resumed.status).toBe(1);
      expect(resumed.stderr).toContain(`latent: Not resumed: run ${serveRun} is being trained by another process on this data folder (process ${serve.pid} on host ${os.hostname()}: `);
      expect((await serve.api.ok<RunDetail>('runs.get', { id: serveRun })).status).toBe('running');

      // Both end: Ctrl-C cancels the CLI's run, the serve's is cancelled through its API.
      await new Promise<void>((resolve) => { train.once('exit', () => resolve()); train.kill('SIGINT'); });
      expect(JSON.parse(trainOut.trim().split('\n').pop() ?? '{}'), trainErr).toMatchObject({ runId: cliRun, status: 'cancelled' });
      await serve.api.ok('runs.cancel', { id: serveRun });
      await statusIs(serve.api, serveRun, 'cancelled');
      await statusIs(serve.api, cliRun, 'cancelled');
    } finally {
      await stopServe(serve);
    }
    expect(duplicatePoints(dataDir)).toEqual([]);
    const points = sql<{ run_id: number; n: number }>(dataDir, "SELECT run_id, COUNT(*) AS n FROM metrics WHERE key = 'loss' GROUP BY run_id ORDER BY run_id");
    expect(points.map((p) => p.run_id)).toEqual([cliRun, serveRun].sort((x, y) => x - y));
    // Both processes closed: their leases are gone with them.
    expect(sql(dataDir, 'SELECT owner FROM owner_leases')).toEqual([]);
  }, 300_000);

  it('two serves: each lists the other\'s runs, neither start interrupts them, resume of the other\'s run is refused; read-only commands write nothing; an expired lease\'s run is interrupted by a live serve', async () => {
    requireBuilt();
    const dataDir = tempDir();
    // A crashed process's run before anything opens the folder: the read-only commands must leave it as they find it.
    const early = crashedRemoteRun(dataDir, 'crashed-host.example');
    const before = contents(dataDir);
    const out = path.join(dataDir, 'metrics.json');
    for (const args of [['runs', '--json'], ['show', String(early), '--json'], ['export', String(early), '--metrics', 'json', '--out', out]]) {
      const r = cli([...args, '--data', dataDir]);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    expect(contents(dataDir)).toEqual(before);

    const a = await startServe(dataDir);
    let second: Serve | undefined;
    try {
      // A's start is the first that may write: it interrupts the crashed run at once (its heartbeat expired).
      expect(a.stdout()).toContain(`Marked 1 run(s) left running by a crash as interrupted: ${early}`);
      const experimentId = (await a.api.ok<Experiment>('experiments.create', { name: 'two serves' })).id;
      const runA = (await a.api.ok<RunSummary>('runs.start', { experimentId, config: longRun(4) })).id;
      await statusIs(a.api, runA, 'running');

      second = await startServe(dataDir);
      expect(second.stdout()).not.toMatch(/Marked \d+ run\(s\)/);
      await statusIs(second.api, runA, 'running');
      const refused = await second.api.refused('runs.resume', { id: runA });
      expect(refused.error.message).toBe(`Run ${runA} is owned by process ${a.pid} on host ${os.hostname()}, which is still running: resume it there, or stop that process first`);
      const runB = (await second.api.ok<RunSummary>('runs.start', { experimentId, config: longRun(5) })).id;
      await statusIs(a.api, runB, 'running');
      await hasPoints(a.api, runB);
      await hasPoints(second.api, runA);

      // A crash elsewhere while both serves live: a periodic check (every 5 s) marks its run interrupted, no restart needed.
      const late = crashedRemoteRun(dataDir, 'gone-host.example');
      const interrupted = await statusIs(a.api, late, 'interrupted');
      expect(interrupted.error).toBe('The app stopped while this run was running');
      await statusIs(second.api, late, 'interrupted');
      expect(sql<{ owner: string }>(dataDir, 'SELECT owner FROM owner_leases').map((l) => l.owner).filter((o) => o.startsWith('gone-host'))).toEqual([]);
      // ...and only that run: both serves' runs train on.
      expect((await a.api.ok<RunDetail>('runs.get', { id: runB })).status).toBe('running');
      expect((await second.api.ok<RunDetail>('runs.get', { id: runA })).status).toBe('running');

      await a.api.ok('runs.cancel', { id: runA });
      await second.api.ok('runs.cancel', { id: runB });
      await statusIs(second.api, runA, 'cancelled');
      await statusIs(a.api, runB, 'cancelled');
    } finally {
      await stopServe(a);
      if (second) await stopServe(second);
    }
    expect(duplicatePoints(dataDir)).toEqual([]);
    expect(sql(dataDir, 'SELECT owner FROM owner_leases')).toEqual([]);
  }, 300_000);
});
