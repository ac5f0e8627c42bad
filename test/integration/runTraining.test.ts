/**
 * Real services, real SQLite file, real worker threads, real MNIST.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type AppServices } from '../../main/services/appServices';
import { mlpConfig } from '../helpers/configs';
import { requireBuilt, tempDir } from '../helpers/tempDir';

let s: AppServices;
let experimentId: number;

beforeAll(() => {
  requireBuilt();
  s = createServices({ dataDir: tempDir(), env: { LATENT_BACKEND: 'wasm' } });
  experimentId = s.experiments.create('integration', 'runs from the integration tests').id;
});
afterAll(async () => { await s.close(); });

function firstMetrics(runId: number): Promise<void> {
  return new Promise((resolve) => {
    const off = s.events.on('runs.onDidLogMetrics', (m) => {
      if (m.runId === runId && m.points.some((p) => p.key === 'loss')) { off(); resolve(); }
    });
  });
}

describe('classifier training through the run service', () => {
  it('an MLP on 2,000 MNIST images for 2 epochs reaches ≥ 85 % on 1,000 test images, recorded in SQLite', async () => {
    const run = s.runs.start(experimentId, mlpConfig({ batchSize: 16, learningRate: 0.002, validationSplit: 0, seed: 42 }));
    expect(run.status).toMatch(/queued|running/);
    await expect(s.runs.waitForEnd(run.id)).resolves.toBe('done');
    const d = s.runs.detail(run.id);
    expect(d.backend).toBe('wasm');
    expect(d.latest['test_accuracy']).toBeGreaterThanOrEqual(0.85);
    expect(d.params).toMatchObject({ learningRate: 0.002, batchSize: 16, epochs: 2, optimizer: 'adam', trainSize: 2000, testSize: 1000, validationSplit: 0 });
    expect(d.datasetHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const series = s.runs.metrics(run.id);
    const loss = series.find((m) => m.key === 'loss');
    // 2,000 images in batches of 16, twice.
    expect(loss?.steps.length).toBe(2 * Math.ceil(2000 / 16));
    expect(loss!.values[loss!.values.length - 1]!).toBeLessThan(loss!.values[0]!);
    const acc = series.find((m) => m.key === 'test_accuracy');
    expect(acc?.steps).toEqual([1, 2]);
    expect(series.map((m) => m.key)).toEqual(expect.arrayContaining(['accuracy', 'epoch_loss', 'test_loss']));
    expect(d.checkpoint).toEqual({ epoch: 2, step: 2 * Math.ceil(2000 / 16) });
    expect(s.runs.logs(run.id).map((l) => l.message).join('\n')).toContain('backend wasm');
  });

  it('cancelling stops the run within its epoch and keeps its metrics', async () => {
    const run = s.runs.start(experimentId, mlpConfig({ epochs: 4, batchSize: 8 }, { trainSize: 20000, testSize: 500 }));
    await firstMetrics(run.id);
    s.runs.cancel(run.id);
    await expect(s.runs.waitForEnd(run.id)).resolves.toBe('cancelled');
    const loss = s.runs.metrics(run.id, ['loss'])[0]!;
    const stepsPerEpoch = Math.ceil(18000 / 8);
    expect(loss.steps.length).toBeGreaterThan(0);
    expect(Math.max(...loss.steps)).toBeLessThan(stepsPerEpoch);
    expect(s.runs.detail(run.id).resumable).toBe(false); // no epoch finished, so no checkpoint yet
  });

  it('a run whose worker is killed is marked failed, keeps what it recorded, and the next run succeeds', async () => {
    const run = s.runs.start(experimentId, mlpConfig({ epochs: 3, batchSize: 8 }, { trainSize: 20000, testSize: 500 }));
    await firstMetrics(run.id);
    expect(s.runs.killHost(run.id)).toBe(true);
    await expect(s.runs.waitForEnd(run.id)).resolves.toBe('failed');
    const d = s.runs.detail(run.id);
    expect(d.error).toMatch(/training worker stopped unexpectedly/);
    expect(s.runs.metrics(run.id, ['loss'])[0]!.steps.length).toBeGreaterThan(0);

    const next = s.runs.start(experimentId, mlpConfig({ epochs: 1 }, { trainSize: 500, testSize: 200 }));
    await expect(s.runs.waitForEnd(next.id)).resolves.toBe('done');
  });

  it('three runs in a row succeed', async () => {
    for (let i = 0; i < 3; i++) {
      const run = s.runs.start(experimentId, mlpConfig({ epochs: 1, seed: i }, { trainSize: 500, testSize: 200 }));
      await expect(s.runs.waitForEnd(run.id)).resolves.toBe('done');
      expect(s.runs.detail(run.id).latest['test_accuracy']).toBeGreaterThan(0.5);
    }
  });

  it('a NaN loss stops the run as failed with a message saying so', async () => {
    // Wide ReLU layers, raw logits and momentum at learning rate 10: the weights overflow within a few steps.
    const dense = (id: string, units: number, activation: string) => ({ id, kind: 'dense', params: { units, activation } });
    const graph = {
      format: 'latent-graph' as const, version: 1 as const, name: 'divergent',
      nodes: [{ id: 'in', kind: 'input', params: { shape: [28, 28, 1] } }, { id: 'f', kind: 'flatten', params: {} }, dense('h1', 1024, 'relu'), dense('h2', 1024, 'relu'), dense('out', 10, 'linear')],
      edges: [['in', 'f'], ['f', 'h1'], ['h1', 'h2'], ['h2', 'out']].map(([from, to]) => ({ from: from!, to: to!, toPort: 0 })),
    };
    const config = { ...mlpConfig({ epochs: 1, optimizer: 'momentum', learningRate: 10 }, { trainSize: 1000, testSize: 100 }), architecture: { graph } };
    const run = s.runs.start(experimentId, config);
    await expect(s.runs.waitForEnd(run.id)).resolves.toBe('failed');
    expect(s.runs.detail(run.id).error).toMatch(/^Loss became (NaN|Infinity) at epoch 1, step \d+/);
    expect(s.runs.metrics(run.id, ['loss'])[0]!.steps.length).toBeGreaterThan(0);
  });

  it('the same seed gives the same losses on the same backend', async () => {
    const a = s.runs.start(experimentId, mlpConfig({ epochs: 1, seed: 123 }, { trainSize: 300, testSize: 100 }));
    await s.runs.waitForEnd(a.id);
    const b = s.runs.start(experimentId, mlpConfig({ epochs: 1, seed: 123 }, { trainSize: 300, testSize: 100 }));
    await s.runs.waitForEnd(b.id);
    expect(s.runs.metrics(b.id, ['loss'])[0]!.values).toEqual(s.runs.metrics(a.id, ['loss'])[0]!.values);
  });

  it('a bad architecture or dataset is refused before anything is queued', () => {
    const bad = mlpConfig();
    expect(() => s.runs.start(experimentId, { ...bad, dataset: { id: 'imagenet' } })).toThrow(/Unknown dataset "imagenet"/);
    const graph = {
      format: 'latent-graph' as const, version: 1 as const, name: 'broken',
      nodes: [
        { id: 'in', kind: 'input', params: { shape: [28, 28, 1] } },
        { id: 'd', kind: 'dense', params: { units: 10, activation: 'softmax' } },
      ],
      edges: [{ from: 'in', to: 'd', toPort: 0 }],
    };
    expect(() => s.runs.start(experimentId, { ...bad, architecture: { graph } })).toThrow(/cannot be trained/);
  });
});
