/**
 * Renaming, notes, stars, archives and deletion over serve mode's HTTP API
 * with its token, and the CLI's `runs rename|note|star|unstar|archive|
 * unarchive|delete` on the same data folder. Runs are written straight into
 * the store (no training), each with a folder of files as training leaves.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpApi } from '../helpers/httpApi';
import type { RunDeletion, RunSummary } from '../../main/common/domain';
import { createServices, type AppServices } from '../../main/services/appServices';
import { startServer, type RunningServer } from '../../main/server/httpServer';
import { sampleRun } from '../unit/db/helpers';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

const token = 'annotate-token-789';
const dataDir = tempDir();
let s: AppServices;
let server: RunningServer;
const ids = { a: 0, b: 0, c: 0, d: 0, queued: 0 };

/** The run's folder with a checkpoint and a gallery image, as a finished run leaves it. */
function runFolder(id: number): string {
  const dir = path.join(dataDir, 'runs', String(id));
  fs.mkdirSync(path.join(dir, 'checkpoints', 'epoch-0001'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'checkpoints', 'epoch-0001', 'manifest.json'), '{}');
  fs.mkdirSync(path.join(dir, 'gallery', 'samples'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'gallery', 'samples', 'step-0000001.png'), 'png');
  return dir;
}

beforeAll(async () => {
  requireBuilt();
  s = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' } });
  server = await startServer({ services: s, token, rendererDir: path.join(repoRoot, 'dist', 'renderer') });
  const exp = s.store.createExperiment('annotate', '').id;
  for (const key of ['a', 'b', 'c', 'd'] as const) {
    ids[key] = s.store.createRun(sampleRun(exp, { name: `run-${key}` })).id;
    // Done, so that the CLI's start (which interrupts runs left queued) leaves them as they are.
    s.store.setRunStatus(ids[key], 'done', null, 1);
    runFolder(ids[key]);
  }
  ids.queued = s.store.createRun(sampleRun(exp, { name: 'waiting' })).id;
});
afterAll(async () => {
  await server.close();
  await s.close();
});

const { ok, refused } = httpApi(() => server.port, token);

const listed = async (body: unknown = {}): Promise<number[]> => (await ok<RunSummary[]>('runs.list', body)).map((r) => r.id);

describe('run annotations over HTTP', () => {
  it('renames, writes notes and stars a run; refuses a blank name and an unknown run', async () => {
    const renamed = await ok<RunSummary>('runs.update', { id: ids.a, name: '  lr 1e-3 baseline ', notes: '# Why\n<b>not html</b>', starred: true });
    expect(renamed).toMatchObject({ id: ids.a, name: 'lr 1e-3 baseline', notes: '# Why\n<b>not html</b>', starred: true, archived: false });
    expect(await ok<RunSummary>('runs.update', { id: ids.a, starred: false })).toMatchObject({ name: 'lr 1e-3 baseline', starred: false, notes: '# Why\n<b>not html</b>' });
    const blank = await refused('runs.update', { id: ids.a, name: '  ' });
    expect(blank.status).toBe(400);
    expect(blank.error.issues).toEqual([{ path: ['name'], message: 'name must not be empty' }]);
    const missing = await refused('runs.update', { id: 4242, starred: true });
    expect(missing.status).toBe(404);
    expect((await ok<RunSummary[]>('runs.list', { filter: 'notes ~ "why"' })).map((r) => r.id)).toEqual([ids.a]);
  });

  it('hides archived runs from runs.list unless includeArchived or the filter names archived', async () => {
    await ok<RunSummary>('runs.update', { id: ids.b, archived: true });
    expect(await listed()).not.toContain(ids.b);
    expect(await listed({ includeArchived: true })).toContain(ids.b);
    expect(await listed({ filter: 'archived = true' })).toEqual([ids.b]);
    await ok<RunSummary>('runs.update', { id: ids.b, archived: false });
    expect(await listed()).toContain(ids.b);
  });

  it('deletes a finished run with its rows and folder, and refuses a queued one', async () => {
    const dir = path.join(dataDir, 'runs', String(ids.c));
    expect(fs.existsSync(dir)).toBe(true);
    expect(await ok<RunDeletion>('runs.delete', { id: ids.c })).toEqual({ id: ids.c, folder: dir });
    expect(fs.existsSync(dir)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'runs', String(ids.d)))).toBe(true);
    expect(await listed({ includeArchived: true })).not.toContain(ids.c);
    expect((await refused('runs.get', { id: ids.c })).status).toBe(404);
    expect((await refused('runs.delete', { id: ids.c })).status).toBe(404);
    const busy = await refused('runs.delete', { id: ids.queued });
    expect(busy.status).toBe(409);
    expect(busy.error.message).toContain('cancel it before deleting it');
  });
});

describe('run annotations in the CLI', () => {
  const cli = path.join(repoRoot, 'dist', 'main', 'cli', 'cliMain.js');
  const env = { ...process.env, LATENT_BACKEND: 'wasm' };
  // spawnSync's stdin is a pipe, not a terminal: runs delete cannot ask.
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args, '--data', dataDir], { env, encoding: 'utf8' });

  it('renames, notes, stars and archives a run, each printed and stored', () => {
    const id = String(ids.d);
    expect(run('runs', 'rename', id, 'tuned', 'run').stdout).toBe(`Run ${id} is named "tuned run" now\n`);
    expect(run('runs', 'note', id, 'lower lr helped').stdout).toBe(`Run ${id} (tuned run)'s notes are saved (15 characters)\n`);
    expect(run('runs', 'star', id).stdout).toBe(`Run ${id} (tuned run) is starred\n`);
    expect(s.runs.summary(ids.d)).toMatchObject({ name: 'tuned run', notes: 'lower lr helped', starred: true, archived: false });
    expect(run('runs', 'archive', id).stdout).toContain('is archived');
    expect(run('runs', '--filter', 'name = "tuned run"').stdout).toBe('No runs match.\n');
    expect(run('runs', '--filter', 'archived = true').stdout).toContain('tuned run');
    expect((JSON.parse(run('runs', 'unarchive', id, '--json').stdout) as RunSummary).archived).toBe(false);
    expect(run('runs', 'unstar', id).stdout).toBe(`Run ${id} (tuned run) is not starred now\n`);
    expect(run('runs', 'note', id).stdout).toBe(`Run ${id} (tuned run) has no notes now\n`);
    const bad = run('runs', 'rename', id);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('runs rename needs the new name');
    expect(run('runs', 'star', '4242').status).toBe(1);
  });

  it('refuses to delete without --yes when there is no terminal to ask, naming --yes; deletes with it', () => {
    const id = String(ids.d);
    const asked = run('runs', 'delete', id);
    expect(asked.status).toBe(2);
    expect(asked.stderr).toContain('add --yes to delete run');
    expect(fs.existsSync(path.join(dataDir, 'runs', id))).toBe(true);
    const gone = run('runs', 'delete', id, '--yes');
    expect(gone.status).toBe(0);
    expect(gone.stdout).toBe(`Deleted run ${id} (tuned run) and its folder ${path.join(dataDir, 'runs', id)}\n`);
    expect(fs.existsSync(path.join(dataDir, 'runs', id))).toBe(false);
    expect(s.store.getRun(ids.d)).toBeUndefined();
  });
});
