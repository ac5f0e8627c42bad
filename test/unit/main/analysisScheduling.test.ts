/**
 * Analyses share maxConcurrentRuns' slots with runs, time out, and stop at
 * close (issue 16 point 6): the real services from createServices over a
 * SQLite store, their hosts fake (./fakeHost.ts) so a test decides when a
 * worker answers.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ArtifactInfo } from '../../../main/common/domain';
import { createServices, type AppServices } from '../../../main/services/appServices';
import { runConfigSchema } from '../../../workers/common/families/registry';
import type { AnalyzeMessage } from '../../../workers/common/protocol';
import { removeTempDirs, sampleGraph, sampleRun, tempDir } from '../db/helpers';
import { fakeLauncher, type FakeHost } from './fakeHost';

const open: AppServices[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  removeTempDirs();
});

function setup(o: { maxConcurrentRuns: number; analysisTimeoutMs?: number }): { s: AppServices; hosts: FakeHost[]; vae: number } {
  const { launch, hosts } = fakeLauncher();
  const s = createServices({
    dataDir: tempDir(), env: {}, launchHost: launch, watchOtherProcesses: false,
    ...(o.analysisTimeoutMs !== undefined ? { analysisTimeoutMs: o.analysisTimeoutMs } : {}),
  });
  open.push(s);
  s.settings.update({ backend: 'cpu', maxConcurrentRuns: o.maxConcurrentRuns });
  const config = runConfigSchema.parse({ family: 'vae' });
  const run = s.store.createRun(sampleRun(s.store.ensureExperiment('Default').id, { family: 'vae', config, architecture: sampleGraph(), datasetId: 'mnist' }));
  s.store.setRunStatus(run.id, 'done', null, 1);
  s.store.addArtifact(run.id, 'checkpoint', 40, path.join('runs', String(run.id), 'checkpoints', 'epoch-0002'), { epoch: 2, step: 40 });
  return { s, hosts, vae: run.id };
}

const interpolation = { kind: 'interpolation', a: 1, b: 2, steps: 8 } as const;

/** The analysis host answers with its image and goes. */
function answer(h: FakeHost): void {
  const m = h.sent[0] as AnalyzeMessage;
  h.emit({ type: 'sample', kind: 'interpolation', step: m.step, path: path.join(m.runDir, 'interp.png'), meta: { rows: 1, cols: 8 } }, { type: 'done', final: {} });
  h.exit({ code: 0 });
}

/** Lets queued microtasks and promise callbacks run. */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('analysis scheduling', () => {
  it('with maxConcurrentRuns 1 and a run training, an analysis waits until the run ends, then runs', async () => {
    const { s, hosts, vae } = setup({ maxConcurrentRuns: 1 });
    const training = s.runs.start(s.store.ensureExperiment('Default').id, runConfigSchema.parse({ family: 'classifier', dataset: { id: 'mnist', trainSize: 100, testSize: 50 }, hyper: { epochs: 1, seed: 7 } }));
    expect(hosts).toHaveLength(1);
    const result = s.analysis.analyze(vae, interpolation);
    await settle();
    expect(s.analysis.queueState()).toEqual({ running: 0, queued: 1 });
    expect(hosts).toHaveLength(1);
    hosts[0]!.emit({ type: 'ready', backend: 'cpu' }, { type: 'done', final: {} });
    hosts[0]!.exit();
    expect(await s.runs.waitForEnd(training.id)).toBe('done');
    await settle();
    expect(hosts).toHaveLength(2);
    expect(hosts[1]!.sent[0]).toMatchObject({ type: 'analyze', runId: vae });
    expect(s.analysis.queueState()).toEqual({ running: 1, queued: 0 });
    answer(hosts[1]!);
    await expect(result).resolves.toMatchObject({ runId: vae, kind: 'interpolation' });
    expect(s.analysis.queueState()).toEqual({ running: 0, queued: 0 });
  });

  it('with maxConcurrentRuns 1 and an analysis running, a new run waits in the queue and starts when the analysis ends', async () => {
    const { s, hosts, vae } = setup({ maxConcurrentRuns: 1 });
    const result = s.analysis.analyze(vae, interpolation);
    await settle();
    expect(hosts).toHaveLength(1);
    const queued = s.runs.start(s.store.ensureExperiment('Default').id, runConfigSchema.parse({ family: 'classifier', dataset: { id: 'mnist', trainSize: 100, testSize: 50 }, hyper: { epochs: 1, seed: 7 } }));
    // The analysis holds the one slot: the run is queued, no host started for it.
    expect(hosts).toHaveLength(1);
    expect(s.runs.summary(queued.id).status).toBe('queued');
    answer(hosts[0]!);
    await expect(result).resolves.toMatchObject({ runId: vae, kind: 'interpolation' });
    await settle();
    expect(hosts).toHaveLength(2);
    expect(hosts[1]!.sent[0]).toMatchObject({ type: 'start', runId: queued.id });
    hosts[1]!.emit({ type: 'ready', backend: 'cpu' }, { type: 'done', final: {} });
    hosts[1]!.exit();
    expect(await s.runs.waitForEnd(queued.id)).toBe('done');
  });

  it('analyses beyond the limit start in request order as slots free', async () => {
    const { s, hosts, vae } = setup({ maxConcurrentRuns: 2 });
    const results = [1, 2, 3].map(() => s.analysis.analyze(vae, interpolation));
    await settle();
    expect(hosts).toHaveLength(2);
    expect(s.analysis.queueState()).toEqual({ running: 2, queued: 1 });
    answer(hosts[1]!);
    await settle();
    expect(hosts).toHaveLength(3);
    answer(hosts[0]!);
    answer(hosts[2]!);
    const infos: ArtifactInfo[] = await Promise.all(results);
    expect(infos.map((i) => i.kind)).toEqual(['interpolation', 'interpolation', 'interpolation']);
  });

  it('a timeout terminates the worker and refuses the call, saying how long it waited', async () => {
    const { s, hosts, vae } = setup({ maxConcurrentRuns: 1, analysisTimeoutMs: 30 });
    await expect(s.analysis.analyze(vae, interpolation)).rejects.toMatchObject({
      code: 'conflict', message: 'The analysis took longer than 30 ms and was stopped (its worker was terminated); try fewer points or a smaller run',
    });
    expect(hosts[0]!.killed).toBe(true);
    expect(hosts[0]!.hasExited).toBe(true);
    expect(s.analysis.queueState()).toEqual({ running: 0, queued: 0 });
    expect(s.store.listArtifacts(vae, 'interpolation')).toEqual([]);
  });

  it('close() terminates an analysis in flight and refuses one waiting', async () => {
    const { s, hosts, vae } = setup({ maxConcurrentRuns: 1 });
    const running = s.analysis.analyze(vae, interpolation);
    const waiting = s.analysis.analyze(vae, interpolation);
    await settle();
    expect(s.analysis.queueState()).toEqual({ running: 1, queued: 1 });
    const closing = s.close();
    await expect(running).rejects.toMatchObject({ code: 'conflict', message: 'The app stopped while the analysis was running' });
    await expect(waiting).rejects.toMatchObject({ code: 'conflict', message: 'The app is stopping: the analysis was not started' });
    await closing;
    expect(hosts).toHaveLength(1);
    expect(hosts[0]!.killed).toBe(true);
    expect(hosts[0]!.hasExited).toBe(true);
  });
});
