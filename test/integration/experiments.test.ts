/**
 * Experiments over serve mode's HTTP API on a real SQLite data folder: a
 * fresh folder starts with none (no empty "Default"), an experiment is
 * renamed and described (a taken name refused, naming the holder), its
 * deletion plan counts its runs and their folders, a queued run blocks the
 * delete, and the delete removes its runs' rows and folders and nothing of
 * another experiment. Runs are written straight into the store (no training).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpApi } from '../helpers/httpApi';
import type { Experiment, ExperimentDeletion, RunSummary } from '../../main/common/domain';
import { createServices, type AppServices } from '../../main/services/appServices';
import { startServer, type RunningServer } from '../../main/server/httpServer';
import { sampleRun } from '../unit/db/helpers';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

const token = 'experiments-token-123';
const dataDir = tempDir();
let s: AppServices;
let server: RunningServer;

/** A run's folder with a checkpoint file, as training leaves it. */
function runFolder(id: number): string {
  const dir = path.join(dataDir, 'runs', String(id), 'checkpoints');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'manifest.json'), '{}');
  return path.dirname(dir);
}

beforeAll(async () => {
  requireBuilt();
  s = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' } });
  server = await startServer({ services: s, token, rendererDir: path.join(repoRoot, 'dist', 'renderer') });
});
afterAll(async () => {
  await server.close();
  await s.close();
});

const { ok, refused } = httpApi(() => server.port, token);

describe('experiments over HTTP', () => {
  it('starts a fresh data folder with no experiment', async () => {
    expect(await ok<Experiment[]>('experiments.list', {})).toEqual([]);
  });

  it('renames and describes an experiment, refusing an empty or taken name', async () => {
    const a = await ok<Experiment>('experiments.create', { name: 'lr sweep' });
    const b = await ok<Experiment>('experiments.create', { name: 'widths' });
    expect(a).toMatchObject({ runCount: 0, lastActivityAt: null });
    const renamed = await ok<Experiment>('experiments.update', { id: a.id, name: '  LR sweep (MLP) ' });
    expect(renamed).toMatchObject({ id: a.id, name: 'LR sweep (MLP)', description: '' });
    const described = await ok<Experiment>('experiments.update', { id: a.id, description: 'Adam, 1e-4 to 1e-1' });
    expect(described).toMatchObject({ name: 'LR sweep (MLP)', description: 'Adam, 1e-4 to 1e-1' });
    expect(await refused('experiments.update', { id: a.id, name: 'widths' })).toMatchObject({
      error: { code: 'conflict', message: `An experiment named "widths" already exists (experiment ${b.id}); choose another name` },
    });
    expect((await refused('experiments.update', { id: a.id, name: '   ' })).error.code).toBe('bad-request');
    expect((await refused('experiments.update', { id: a.id })).error.message).toContain('give a new name or description');
    expect((await refused('experiments.update', { id: 9999, name: 'x' })).error).toMatchObject({ code: 'not-found', message: 'Experiment 9999 does not exist' });
    expect((await ok<Experiment>('experiments.get', { id: a.id })).name).toBe('LR sweep (MLP)');
  });

  it('counts what a delete removes, refuses while a run is queued, then deletes the runs, their folders and nothing else', async () => {
    const doomed = await ok<Experiment>('experiments.create', { name: 'doomed' });
    const kept = await ok<Experiment>('experiments.create', { name: 'kept' });
    const ids = [1, 2, 3].map((i) => s.store.createRun(sampleRun(doomed.id, { name: `d${i}` })).id);
    // Two of the three finished (with folders); the third is still queued.
    s.store.setRunStatus(ids[0]!, 'done', null, 1_000);
    s.store.setRunStatus(ids[1]!, 'done', null, 2_000);
    const folders = [runFolder(ids[0]!), runFolder(ids[1]!)];
    const other = s.store.createRun(sampleRun(kept.id, { name: 'other' })).id;
    s.store.setRunStatus(other, 'done', null, 1);
    const otherFolder = runFolder(other);

    const listed = (await ok<Experiment[]>('experiments.list', {})).find((e) => e.id === doomed.id)!;
    expect(listed.runCount).toBe(3);
    expect(listed.lastActivityAt).not.toBeNull();

    expect(await ok<ExperimentDeletion>('experiments.deletionPlan', { id: doomed.id })).toEqual({ id: doomed.id, name: 'doomed', runs: 3, folders: 2, activeRuns: 1 });
    expect(await refused('experiments.delete', { id: doomed.id })).toMatchObject({
      error: { code: 'conflict', message: 'Experiment "doomed" has 1 queued or running run; cancel it before deleting the experiment' },
    });
    expect(folders.every((f) => fs.existsSync(f))).toBe(true);

    s.store.setRunStatus(ids[2]!, 'cancelled', null, 3_000);
    expect(await ok<ExperimentDeletion>('experiments.delete', { id: doomed.id })).toEqual({ id: doomed.id, name: 'doomed', runs: 3, folders: 2, activeRuns: 0 });
    expect(folders.some((f) => fs.existsSync(f))).toBe(false);
    expect((await refused('experiments.get', { id: doomed.id })).error.code).toBe('not-found');
    const left = (await ok<RunSummary[]>('runs.list', {})).map((r) => r.id);
    expect(left).toEqual([other]);
    expect(fs.existsSync(otherFolder)).toBe(true);
    expect((await ok<Experiment[]>('experiments.list', {})).map((e) => e.name)).toEqual(['LR sweep (MLP)', 'widths', 'kept']);
    // The list's best result: the kept experiment's one finished classifier run, by its final test accuracy.
    s.store.appendMetrics(other, [{ key: 'test_accuracy', step: 1, value: 0.5, wallTime: 1 }, { key: 'test_accuracy', step: 2, value: 0.875, wallTime: 2 }]);
    const keptListed = (await ok<Experiment[]>('experiments.list', {})).find((e) => e.id === kept.id);
    expect(keptListed?.best).toMatchObject({ runId: other, runName: 'other', key: 'test_accuracy', format: 'percent', value: 0.875, of: 1 });
    expect((await ok<Experiment[]>('experiments.list', {})).find((e) => e.name === 'widths')?.best).toBeNull();
  });
});
