/**
 * RunService and RunSession over a real SQLite store, with fake training
 * hosts the test drives: what a run's messages leave in the store, the
 * events the services emit, the queue, and that nothing recorded is lost
 * when a host dies.
 */
import type { MetricKey } from '../../../workers/common/families/registry';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, type ApiEventName, type ApiEvents } from '../../../main/common/api';
import type { RunStatus } from '../../../main/common/domain';
import type { WireEvent } from '../../../main/common/wire';
import { EventBus } from '../../../main/services/eventBus';
import { runConfigSchema, type RunConfigInput } from '../../../workers/common/families/registry';
import type { MetricPoint, StartMessage } from '../../../workers/common/protocol';
import type { FakeHost } from './fakeHost';
import { closeFakeRunServices, fakeRunService } from './fakeRunService';

afterEach(closeFakeRunServices);

function setup(maxConcurrentRuns = 2) {
  const events = new EventBus();
  const seen: WireEvent[] = [];
  events.subscribe((m) => seen.push(m));
  const { dataDir, store, runs, hosts, experimentId } = fakeRunService({ maxConcurrentRuns, events });
  const start = (config: RunConfigInput = { family: 'classifier', dataset: { id: 'mnist', trainSize: 100, testSize: 50 }, hyper: { epochs: 2 } }) =>
    runs.start(experimentId, runConfigSchema.parse(config));
  /** The events of one kind, in order. */
  const events_ = <E extends ApiEventName>(event: E): ApiEvents[E][] => seen.filter((m) => m.event === event).map((m) => m.payload as ApiEvents[E]);
  return { dataDir, store, runs, hosts, start, events: events_, seen };
}

const point = (key: MetricKey, step: number, value: number): MetricPoint => ({ key, step, value, wallTime: 1_700_000_000_000 + step });

/** Lets queued promise callbacks (a fake host's kill) run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function host(hosts: FakeHost[], i: number): FakeHost {
  const h = hosts[i];
  if (!h) throw new Error(`no host ${i} was launched (${hosts.length} were)`);
  return h;
}

describe('RunService with a fake host', () => {
  it('lists what each run trained (the runs table\'s architecture column) without reading its detail', () => {
    const t = setup();
    const run = t.start();
    const [listed] = t.runs.list();
    expect(listed?.architectureRef).toEqual({ id: null, version: null, name: t.runs.detail(run.id).architecture.name });
    expect(listed?.architectureRef.name).not.toBe('');
  });

  it('records a run from ready to done: status, metrics, progress, checkpoint, artifacts, logs and events', async () => {
    const t = setup();
    const run = t.start();
    expect(run).toMatchObject({ family: 'classifier', status: 'running', datasetId: 'mnist', progress: null });
    const h = host(t.hosts, 0);
    expect(h.kind).toBe('thread');
    const start = h.sent[0] as StartMessage;
    expect(start).toMatchObject({ type: 'start', runId: run.id, backend: 'cpu', runDir: path.join(t.dataDir, 'runs', String(run.id)), cacheDir: path.join(t.dataDir, 'cache') });
    expect(start.config).toEqual(t.store.getRun(run.id)?.config);
    expect(start.datasetEntry?.id).toBe('mnist');
    expect(start.resumeFrom).toBeUndefined();

    h.emit({ type: 'ready', backend: 'cpu' });
    expect(t.store.getRun(run.id)).toMatchObject({ status: 'running', backend: 'cpu' });
    h.emit({ type: 'metrics', points: [point('loss', 1, 2.3), point('loss', 2, 1.1)] });
    h.emit({ type: 'progress', epoch: 1, epochs: 2, step: 2, totalSteps: 4 });
    expect(t.runs.summary(run.id).progress).toMatchObject({ epoch: 1, epochs: 2, step: 2, totalSteps: 4 });
    h.emit({ type: 'metrics', points: [point('accuracy', 1, 0.9), point('val_accuracy', 1, 0.8)] });
    h.emit({ type: 'checkpoint', checkpoint: { dir: path.join(t.dataDir, 'runs', String(run.id), 'checkpoints', 'epoch-0001'), epoch: 1, step: 2 } });
    h.emit({ type: 'sample', kind: 'samples', step: 2, path: path.join(t.dataDir, 'runs', String(run.id), 'samples-2.png'), meta: { rows: 2, cols: 2 } });
    h.emit({ type: 'log', level: 'warn', message: 'something to know' });
    h.emit({ type: 'metrics', points: [point('accuracy', 2, 0.85), point('val_accuracy', 2, 0.82), point('test_accuracy', 2, 0.81)] });
    h.emit({ type: 'done', final: { test_accuracy: 0.81 } });
    // Done is only final once the host has gone.
    expect(t.store.getRun(run.id)?.status).toBe('running');
    const ended = t.runs.waitForEnd(run.id);
    h.exit({ code: 0 });
    await expect(ended).resolves.toBe('done');

    const detail = t.runs.detail(run.id);
    expect(detail).toMatchObject({ status: 'done', error: null, backend: 'cpu', progress: null, checkpoint: { epoch: 1, step: 2 }, resumable: false });
    expect(detail.endedAt).not.toBeNull();
    expect(detail.latest).toEqual({ loss: 1.1, accuracy: 0.85, val_accuracy: 0.82, test_accuracy: 0.81 });
    // The best value of each headline metric (the registry's), over the whole run.
    expect(detail.best).toEqual({ accuracy: 0.9, val_accuracy: 0.82, test_accuracy: 0.81 });
    expect(t.runs.metrics(run.id, ['loss'])).toEqual([{ key: 'loss', steps: [1, 2], values: [2.3, 1.1], wallTimes: [1_700_000_000_001, 1_700_000_000_002] }]);
    expect(t.store.latestCheckpoint(run.id)).toMatchObject({ dir: path.join('runs', String(run.id), 'checkpoints', 'epoch-0001'), epoch: 1, step: 2 });
    expect(t.store.listArtifacts(run.id, 'samples')).toMatchObject([{ step: 2, path: path.join('runs', String(run.id), 'samples-2.png'), meta: { rows: 2, cols: 2 } }]);
    expect(t.runs.logs(run.id).map((l) => [l.level, l.message])).toEqual([
      ['info', 'Queued classifier run on MNIST'],
      ['info', 'Training on backend cpu (worker thread)'],
      ['warn', 'something to know'],
      ['info', 'Run finished'],
    ]);

    expect(t.events('runs.onDidChange').filter((s) => s.id === run.id).map((s) => s.status)).toEqual(['queued', 'running', 'running', 'done']);
    expect(t.events('runs.onDidLogMetrics').map((m) => m.points.length)).toEqual([2, 2, 3]);
    expect(t.events('runs.onDidProgress')).toEqual([{ runId: run.id, progress: expect.objectContaining({ step: 2, totalSteps: 4 }) as unknown }]);
    expect(t.events('artifacts.onDidAdd')).toMatchObject([{ runId: run.id, kind: 'samples', step: 2, mime: 'image/png' }]);
    expect(t.events('runs.onDidLog').map((l) => l.message)).toEqual(['Training on backend cpu (worker thread)', 'something to know', 'Run finished']);
  });

  it('records a failure the worker reports, with its message', async () => {
    const t = setup();
    const run = t.start();
    const h = host(t.hosts, 0);
    h.emit({ type: 'ready', backend: 'cpu' }, { type: 'metrics', points: [point('loss', 1, 2)] }, { type: 'failed', error: 'Loss became NaN at step 1' });
    h.exit({ code: 0 });
    await expect(t.runs.waitForEnd(run.id)).resolves.toBe('failed');
    expect(t.runs.summary(run.id)).toMatchObject({ status: 'failed', error: 'Loss became NaN at step 1', latest: { loss: 2 } });
    expect(t.runs.logs(run.id).at(-1)).toMatchObject({ level: 'error', message: 'Loss became NaN at step 1' });
  });

  it('keeps everything recorded when the host dies without a result, and the run resumes from its checkpoint', async () => {
    const t = setup();
    const run = t.start();
    const h = host(t.hosts, 0);
    const ckptDir = path.join(t.dataDir, 'runs', String(run.id), 'checkpoints', 'epoch-0001');
    h.emit(
      { type: 'ready', backend: 'cpu' },
      { type: 'metrics', points: [point('loss', 1, 2), point('loss', 2, 1.5)] },
      { type: 'checkpoint', checkpoint: { dir: ckptDir, epoch: 1, step: 2 } },
      { type: 'metrics', points: [point('loss', 3, 1.2)] },
    );
    h.exit({ code: 134 });
    await expect(t.runs.waitForEnd(run.id)).resolves.toBe('failed');
    const error = 'The training worker stopped unexpectedly (exit code 134). Metrics recorded so far are kept.';
    expect(t.runs.detail(run.id)).toMatchObject({ status: 'failed', error, checkpoint: { epoch: 1, step: 2 }, resumable: true });
    expect(t.runs.metrics(run.id)).toMatchObject([{ key: 'loss', steps: [1, 2, 3], values: [2, 1.5, 1.2] }]);
    expect(t.runs.logs(run.id).at(-1)?.message).toBe(error);

    // Messages from a host that has gone change nothing.
    h.emit({ type: 'metrics', points: [point('loss', 4, 0.1)] }, { type: 'done', final: {} });
    expect(t.runs.summary(run.id)).toMatchObject({ status: 'failed', latest: { loss: 1.2 } });

    expect(t.runs.resume(run.id)).toMatchObject({ status: 'running', error: null });
    const again = host(t.hosts, 1);
    expect(again.sent[0]).toMatchObject({ type: 'start', runId: run.id, resumeFrom: { dir: ckptDir, epoch: 1, step: 2 } });
    again.emit({ type: 'ready', backend: 'cpu' }, { type: 'progress', epoch: 2, epochs: 2, step: 3, totalSteps: 4 }, { type: 'metrics', points: [point('loss', 3, 1.1), point('loss', 4, 0.9)] }, { type: 'done', final: {} });
    again.exit();
    await expect(t.runs.waitForEnd(run.id)).resolves.toBe('done');
    // Step 3 came after the checkpoint: the resume removed the first host's point and the second trained it again.
    expect(t.runs.metrics(run.id)).toMatchObject([{ key: 'loss', steps: [1, 2, 3, 4], values: [2, 1.5, 1.1, 0.9] }]);
    expect(t.store.metricSummaries([run.id]).get(run.id)?.['loss']?.count).toBe(4);
    expect(t.runs.logs(run.id).map((l) => l.message)).toContain('Resuming from the checkpoint after epoch 1: 1 point (loss 1) logged past it removed, to be trained again');
  });

  it('resume removes the images the first trainer wrote past the checkpoint (written again), keeping earlier ones, checkpoints and analyses', async () => {
    const t = setup();
    const run = t.start();
    const h = host(t.hosts, 0);
    const runDir = path.join(t.dataDir, 'runs', String(run.id));
    const file = (name: string): string => {
      const f = path.join(runDir, 'samples', name);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, 'png');
      return f;
    };
    const [before, after, shared] = [file('step-2.png'), file('step-3.png'), file('latest.png')];
    const ckptDir = path.join(runDir, 'checkpoints', 'epoch-0001');
    h.emit(
      { type: 'ready', backend: 'cpu' },
      { type: 'sample', kind: 'samples', step: 2, path: before },
      { type: 'sample', kind: 'samples', step: 2, path: shared },
      { type: 'checkpoint', checkpoint: { dir: ckptDir, epoch: 1, step: 2 } },
      { type: 'sample', kind: 'samples', step: 3, path: after },
      { type: 'sample', kind: 'samples', step: 3, path: shared },
    );
    // An analysis a user asked for on a later step is theirs, not the trainer's.
    t.store.addArtifact(run.id, 'samples', 3, path.relative(t.dataDir, file('analysis.png')), { analysis: { kind: 'interpolation' } });
    h.exit({ code: 134 });
    await expect(t.runs.waitForEnd(run.id)).resolves.toBe('failed');

    t.runs.resume(run.id);
    const kept = t.store.listArtifacts(run.id).map((a) => [a.kind, a.step, path.basename(a.path)]);
    expect(kept).toEqual([['samples', 2, 'step-2.png'], ['samples', 2, 'latest.png'], ['checkpoint', 2, 'epoch-0001'], ['samples', 3, 'analysis.png']]);
    // The step-3 image is gone from disk; latest.png is still named by the step-2 row, so it stays.
    expect([before, after, shared].map((f) => fs.existsSync(f))).toEqual([true, false, true]);
    expect(t.runs.logs(run.id).map((l) => l.message)).toContain('Resuming from the checkpoint after epoch 1: 1 file logged past it removed, to be trained again');
  });

  it('a killed host (a crash) fails the run with the signal and loses nothing', async () => {
    const t = setup();
    const run = t.start();
    const h = host(t.hosts, 0);
    h.emit({ type: 'ready', backend: 'cpu' }, { type: 'metrics', points: [point('loss', 1, 2)] }, { type: 'log', level: 'info', message: 'epoch 1' });
    expect(t.runs.killHost(run.id)).toBe(true);
    expect(h.killed).toBe(true);
    await expect(t.runs.waitForEnd(run.id)).resolves.toBe('failed');
    expect(t.runs.summary(run.id)).toMatchObject({ status: 'failed', error: 'The training worker stopped unexpectedly (signal SIGKILL). Metrics recorded so far are kept.', latest: { loss: 2 } });
    expect(t.runs.logs(run.id).map((l) => l.message)).toContain('epoch 1');
    expect(t.runs.killHost(run.id)).toBe(false);
    // No checkpoint: nothing to resume from.
    expect(() => t.runs.resume(run.id)).toThrow(/has no checkpoint to resume from/);
  });

  it('cancels: the host is asked, and the run ends cancelled when it has gone', async () => {
    const t = setup();
    const run = t.start();
    const h = host(t.hosts, 0);
    h.emit({ type: 'ready', backend: 'cpu' });
    expect(t.runs.cancel(run.id).status).toBe('running');
    expect(h.sent.at(-1)).toEqual({ type: 'cancel' });
    h.emit({ type: 'cancelled' });
    h.exit({ code: 0 });
    await expect(t.runs.waitForEnd(run.id)).resolves.toBe('cancelled');
    expect(t.runs.summary(run.id)).toMatchObject({ status: 'cancelled', error: null });
    expect(t.runs.logs(run.id).at(-1)?.message).toBe('Run cancelled');
    expect(() => t.runs.cancel(run.id)).toThrow(/Run \d+ is cancelled; only queued or running runs can be cancelled/);
  });

  it('a host that exits after a cancel without saying so still ends the run cancelled, not failed', async () => {
    const t = setup();
    const run = t.start();
    const h = host(t.hosts, 0);
    t.runs.cancel(run.id);
    h.exit({ code: 1 });
    await expect(t.runs.waitForEnd(run.id)).resolves.toBe('cancelled');
  });

  it('queues beyond maxConcurrentRuns and starts the next run when one ends', async () => {
    const t = setup(1);
    const a = t.start();
    const b = t.start();
    const c = t.start();
    expect([a.status, b.status, c.status]).toEqual(['running', 'queued', 'queued']);
    expect(t.hosts).toHaveLength(1);
    // A queued run is cancelled without a host.
    expect(t.runs.cancel(c.id)).toMatchObject({ status: 'cancelled' });
    await expect(t.runs.waitForEnd(c.id)).resolves.toBe('cancelled');
    expect(t.runs.logs(c.id).at(-1)?.message).toBe('Run cancelled before it started');

    host(t.hosts, 0).emit({ type: 'done', final: {} });
    host(t.hosts, 0).exit();
    expect(t.hosts).toHaveLength(2);
    expect((host(t.hosts, 1).sent[0] as StartMessage).runId).toBe(b.id);
    expect(t.runs.summary(b.id).status).toBe('running');
    expect(t.events('runs.onDidChange').filter((s) => s.id === b.id).map((s) => s.status)).toEqual(['queued', 'running']);
  });

  it('runs as many at once as maxConcurrentRuns allows', () => {
    const t = setup(2);
    const runs = [t.start(), t.start(), t.start()];
    expect(runs.map((r) => r.status)).toEqual(['running', 'running', 'queued']);
    expect(t.hosts.map((h) => (h.sent[0] as StartMessage).runId)).toEqual([runs[0]!.id, runs[1]!.id]);
  });

  it('a host that cannot start fails the run with the reason, and the queue moves on', async () => {
    let calls = 0;
    const { runs, hosts, experimentId: exp } = fakeRunService({
      maxConcurrentRuns: 1,
      wrapLaunch: (launch) => (kind) => {
        if (calls++ === 0) throw new Error('Training worker not built');
        return launch(kind);
      },
    });
    const config = runConfigSchema.parse({ family: 'classifier', dataset: { trainSize: 100 } });
    const first = runs.start(exp, config);
    const second = runs.start(exp, config);
    await expect(runs.waitForEnd(first.id)).resolves.toBe('failed');
    expect(runs.summary(first.id).error).toBe('Could not start the training worker: Training worker not built');
    expect(runs.summary(second.id).status).toBe('running');
    expect(hosts).toHaveLength(1);
  });

  it('close() interrupts running and queued runs, stopping their hosts', async () => {
    const t = setup(1);
    const a = t.start();
    const b = t.start();
    host(t.hosts, 0).emit({ type: 'ready', backend: 'cpu' }, { type: 'metrics', points: [point('loss', 1, 3)] });
    await t.runs.close();
    expect(host(t.hosts, 0).killed).toBe(true);
    expect(t.hosts).toHaveLength(1);
    expect(t.store.getRun(a.id)).toMatchObject({ status: 'interrupted', error: 'The app stopped while this run was training' });
    expect(t.store.getRun(b.id)).toMatchObject({ status: 'interrupted', error: 'The app stopped while this run was queued' });
    expect(t.store.latestMetrics([a.id]).get(a.id)).toEqual({ loss: 3 });
  });

  it('refuses a subset larger than the dataset before anything is queued, but not for a run that trains on its own data', () => {
    const t = setup();
    expect(() => t.start({ family: 'classifier', dataset: { id: 'mnist', trainSize: 70_000 } })).toThrow(/MNIST has 60000 training examples; trainSize must be at most that \(it is 70000\)/);
    expect(t.store.listRuns()).toEqual([]);
    // A GAN on a 2-D toy (its descriptor's data override) uses none of the dataset's examples.
    const toy = t.start({ family: 'gan', dataset: { id: 'mnist', trainSize: 70_000 }, architecture: { template: 'toy-mlp' }, hyper: { toy: 'ring8', evalSamples: 0 } });
    expect(t.runs.logs(toy.id)[0]?.message).toBe('Queued gan run on the 2-D toy mixture ring8');
    expect(t.runs.summary(toy.id).status).toBe('running');
  });

  it('carries the best of every family\'s headline metrics (a GAN\'s Fréchet distance is best low)', async () => {
    const t = setup();
    const run = t.start({ family: 'gan', architecture: { template: 'toy-mlp' }, hyper: { toy: 'ring8', evalSamples: 0 } });
    const h = host(t.hosts, 0);
    h.emit({ type: 'metrics', points: [point('frechet_distance', 1, 9), point('frechet_distance', 2, 4), point('frechet_distance', 3, 6), point('modes_covered', 1, 5), point('modes_covered', 2, 3)] });
    h.emit({ type: 'done', final: {} });
    h.exit();
    await t.runs.waitForEnd(run.id);
    expect(t.runs.summary(run.id)).toMatchObject({ best: { frechet_distance: 4, modes_covered: 5 }, latest: { frechet_distance: 6, modes_covered: 3 } });
  });

  it('lists a run whose stored config no longer parses, with its status and why; refuses to show, resume or restart it', async () => {
    const t = setup();
    const run = t.start();
    const h = host(t.hosts, 0);
    h.emit({ type: 'checkpoint', checkpoint: { dir: path.join(t.dataDir, 'ckpt'), epoch: 1, step: 2 } }, { type: 'failed', error: 'out of memory' });
    h.exit();
    await t.runs.waitForEnd(run.id);
    const good = t.start();
    const raw = new Database(t.store.path);
    raw.prepare('UPDATE runs SET config_json = ? WHERE id = ?').run(JSON.stringify({ family: 'hopfield', hyper: {} }), run.id);
    raw.close();

    const listed = t.runs.list();
    expect(listed.map((r) => r.id)).toEqual([good.id, run.id]);
    const broken = listed.find((r) => r.id === run.id)!;
    expect(broken.status).toBe('failed');
    expect(broken.error).toMatch(new RegExp(`^Run ${run.id}'s stored config cannot be read: Stored run config names the family "hopfield", which this app does not know .*cannot be resumed or analysed\\. out of memory$`));
    expect(t.runs.metrics(run.id)).toEqual([]);
    expect(t.runs.logs(run.id).length).toBeGreaterThan(0);
    for (const call of [() => t.runs.detail(run.id), () => t.runs.resume(run.id)]) {
      expect(call).toThrow(ApiError);
      expect(call).toThrow(/stored config cannot be read/);
    }
    expect(t.store.getRun(run.id)?.status).toBe('failed');
  });

  it('waitForEnd resolves at once for a finished run, and after the end for a running one', async () => {
    const t = setup();
    const run = t.start();
    const order: RunStatus[] = [];
    const p = t.runs.waitForEnd(run.id).then((s) => { order.push(s); });
    await settle();
    expect(order).toEqual([]);
    host(t.hosts, 0).emit({ type: 'done', final: {} });
    host(t.hosts, 0).exit();
    await p;
    expect(order).toEqual(['done']);
    await expect(t.runs.waitForEnd(run.id)).resolves.toBe('done');
  });
});

describe('RunService annotations and deletion', () => {
  /** A run taken to done by its fake host, with a checkpoint and a gallery file on disk. */
  async function finishedRun(t: ReturnType<typeof setup>, index: number): Promise<{ id: number; dir: string }> {
    const run = t.start();
    const dir = path.join(t.dataDir, 'runs', String(run.id));
    fs.mkdirSync(path.join(dir, 'checkpoints', 'epoch-0001'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'checkpoints', 'epoch-0001', 'manifest.json'), '{}');
    fs.mkdirSync(path.join(dir, 'gallery', 'samples'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'gallery', 'samples', 'step-0000002.png'), 'png');
    const h = host(t.hosts, index);
    h.emit({ type: 'ready', backend: 'cpu' }, { type: 'metrics', points: [point('loss', 1, 2)] },
      { type: 'checkpoint', checkpoint: { dir: path.join(dir, 'checkpoints', 'epoch-0001'), epoch: 1, step: 1 } }, { type: 'done', final: {} });
    const ended = t.runs.waitForEnd(run.id);
    h.exit();
    await ended;
    return { id: run.id, dir };
  }

  it('renames, annotates, stars and archives, changing only what is given, and tells every window', () => {
    const t = setup();
    const run = t.start();
    const renamed = t.runs.update(run.id, { name: 'lr 1e-3', notes: 'first try\n**bold** stays text' });
    expect(renamed).toMatchObject({ id: run.id, name: 'lr 1e-3', notes: 'first try\n**bold** stays text', starred: false, archived: false, status: 'running' });
    expect(t.runs.update(run.id, { starred: true })).toMatchObject({ name: 'lr 1e-3', notes: 'first try\n**bold** stays text', starred: true });
    const changes = t.events('runs.onDidChange').filter((s) => s.id === run.id);
    expect(changes.slice(-2).map((s) => [s.name, s.starred])).toEqual([['lr 1e-3', false], ['lr 1e-3', true]]);
    expect(() => t.runs.update(999, { starred: true })).toThrow(/Run 999 does not exist/);
  });

  it('leaves archived runs out of the list unless asked, or unless the filter names archived', async () => {
    const t = setup(4);
    const a = await finishedRun(t, 0);
    const b = await finishedRun(t, 1);
    t.runs.update(a.id, { archived: true });
    expect(t.runs.list().map((r) => r.id)).toEqual([b.id]);
    expect(t.runs.list({ includeArchived: true }).map((r) => r.id)).toEqual([b.id, a.id]);
    expect(t.runs.list({ filter: 'archived = true' }).map((r) => r.id)).toEqual([a.id]);
    expect(t.runs.list({ filter: 'not archived = true or status = "done"' }).map((r) => r.id)).toEqual([b.id, a.id]);
    expect(t.runs.list({ filter: 'status = "done"' }).map((r) => r.id)).toEqual([b.id]);
  });

  it('refuses to delete a queued or running run, and deletes it once it has ended', async () => {
    const t = setup(1);
    const running = t.start();
    const queued = t.start();
    expect(t.store.getRun(queued.id)?.status).toBe('queued');
    for (const id of [running.id, queued.id]) {
      const call = (): unknown => t.runs.delete(id);
      expect(call).toThrow(ApiError);
      expect(call).toThrow(/cancel it before deleting it/);
    }
    expect(t.store.getRun(running.id)).toBeDefined();
    t.runs.cancel(queued.id);
    expect(t.runs.delete(queued.id)).toEqual({ id: queued.id, folder: null });
    expect(t.store.getRun(queued.id)).toBeUndefined();
    expect(() => t.runs.delete(queued.id)).toThrow(/does not exist/);
  });

  it('removes the rows and then the run\'s folder (checkpoints, galleries), tells every window, and leaves other runs alone', async () => {
    const t = setup();
    const gone = await finishedRun(t, 0);
    const kept = await finishedRun(t, 1);
    t.store.setRunTags(gone.id, ['x']);
    expect(t.runs.delete(gone.id)).toEqual({ id: gone.id, folder: gone.dir });
    expect(fs.existsSync(gone.dir)).toBe(false);
    expect(fs.existsSync(path.join(kept.dir, 'gallery', 'samples', 'step-0000002.png'))).toBe(true);
    expect(t.store.getRun(gone.id)).toBeUndefined();
    expect(t.store.listArtifacts(gone.id)).toEqual([]);
    expect(t.store.getMetrics(gone.id)).toEqual([]);
    expect(t.store.getLogs(gone.id)).toEqual([]);
    expect(t.runs.list({ includeArchived: true }).map((r) => r.id)).toEqual([kept.id]);
    expect(t.events('runs.onDidDelete')).toEqual([{ id: gone.id }]);
  });
});
