/**
 * The CLI as a user runs it (a real process), a crash of the whole app in the
 * middle of a run, and what the next start finds and can resume.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createServices, type AppServices } from '../../main/services/appServices';
import { openStore } from '../../db/openStore';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

const cli = path.join(repoRoot, 'dist', 'main', 'cli', 'cliMain.js');
const dataDir = tempDir();
const env = { ...process.env, LATENT_BACKEND: 'wasm' };
let services: AppServices | undefined;
afterAll(async () => { await services?.close(); });

function writeConfig(name: string, body: unknown): string {
  const file = path.join(dataDir, name);
  fs.writeFileSync(file, JSON.stringify(body));
  return file;
}

const small = {
  family: 'classifier',
  dataset: { id: 'mnist', trainSize: 1000, testSize: 500 },
  architecture: { template: 'mlp' },
  hyper: { epochs: 1, batchSize: 32, learningRate: 0.002 },
};

describe('CLI', () => {
  it('train --json records a run and prints one JSON object as its last line', () => {
    requireBuilt();
    const config = writeConfig('run.json', small);
    const r = spawnSync(process.execPath, [cli, 'train', '--config', config, '--set', 'hyper.seed=5', '--data', dataDir, '--json'], { env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const last = JSON.parse(r.stdout.trim().split('\n').pop()!) as { runId: number; status: string; backend: string; metrics: Record<string, number> };
    expect(last).toMatchObject({ status: 'done', backend: 'wasm' });
    expect(last.metrics['test_accuracy']).toBeGreaterThan(0.7);

    const list = spawnSync(process.execPath, [cli, 'runs', '--data', dataDir, '--json'], { env, encoding: 'utf8' });
    expect(list.status).toBe(0);
    expect((JSON.parse(list.stdout) as { id: number; params: Record<string, unknown> }[]).map((x) => x.id)).toContain(last.runId);
    const show = spawnSync(process.execPath, [cli, 'show', String(last.runId), '--data', dataDir, '--json'], { env, encoding: 'utf8' });
    expect(show.status).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ id: last.runId, params: { seed: 5, learningRate: 0.002 }, status: 'done' });
    const text = spawnSync(process.execPath, [cli, 'show', String(last.runId), '--data', dataDir], { env, encoding: 'utf8' });
    expect(text.stdout).toContain('test_accuracy=');
  });

  it('exits non-zero with a clear message on a bad config', () => {
    const bad = writeConfig('bad.json', { ...small, hyper: { ...small.hyper, learningRate: -3 } });
    const r = spawnSync(process.execPath, [cli, 'train', '--config', bad, '--data', dataDir], { env, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('hyper.learningRate: learningRate must be greater than 0');
    const notJson = writeConfig('broken.json', '{');
    fs.writeFileSync(notJson, '{"family": ');
    const r2 = spawnSync(process.execPath, [cli, 'train', '--config', notJson, '--data', dataDir], { env, encoding: 'utf8' });
    expect(r2.status).toBe(2);
    expect(r2.stderr).toMatch(/not valid JSON/);
    const r3 = spawnSync(process.execPath, [cli, 'train', '--config', path.join(dataDir, 'missing.json'), '--data', dataDir], { env, encoding: 'utf8' });
    expect(r3.status).toBe(2);
    expect(r3.stderr).toMatch(/Cannot read config file/);
  });
});

describe('a crash of the whole app', () => {
  it('leaves the run interrupted with its metrics and checkpoint, and the run resumes to the end', async () => {
    requireBuilt();
    const config = writeConfig('long.json', { ...small, dataset: { id: 'mnist', trainSize: 3000, testSize: 500 }, hyper: { ...small.hyper, epochs: 30, batchSize: 16 } });
    const child = spawn(process.execPath, [cli, 'train', '--config', config, '--data', dataDir, '--experiment', 'crash'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    // Wait until the first epoch's checkpoint is recorded, then kill the app as a crash would.
    const dbFile = path.join(dataDir, 'workbench.sqlite');
    let runId = 0;
    for (let i = 0; i < 600 && runId === 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const m = /Run (\d+)/.exec(err);
      if (!m) continue;
      const store = openStore(dbFile);
      try {
        if (store.latestCheckpoint(Number(m[1]))) runId = Number(m[1]);
      } finally {
        store.close();
      }
    }
    expect(runId, err).toBeGreaterThan(0);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    services = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' } });
    expect(services.interruptedAtStart).toContain(runId);
    const d = services.runs.detail(runId);
    expect(d.status).toBe('interrupted');
    expect(d.resumable).toBe(true);
    const recorded = services.runs.metrics(runId, ['loss'])[0]!.steps.length;
    expect(recorded).toBeGreaterThan(0);
    const ckptEpoch = d.checkpoint!.epoch;

    // Resume, but only for a few more epochs so the test stays short: cancel after the next checkpoint.
    services.runs.resume(runId);
    const done = new Promise<void>((resolve) => {
      const off = services!.events.on('runs.onDidLogMetrics', (m) => {
        if (m.runId === runId && m.points.some((p) => p.key === 'test_accuracy' && p.step > ckptEpoch)) { off(); resolve(); }
      });
    });
    await done;
    services.runs.cancel(runId);
    await expect(services.runs.waitForEnd(runId)).resolves.toBe('cancelled');
    const acc = services.runs.metrics(runId, ['test_accuracy'])[0]!;
    // The resumed run continued the epoch count instead of starting over.
    expect(acc.steps).toContain(ckptEpoch + 1);
    expect(services.runs.detail(runId).resumable).toBe(true);
  });
});
