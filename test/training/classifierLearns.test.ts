/**
 * The training tier: tests that train a model and assert that it learns, each with
 * its seed and backend in its name (training is deterministic per seed and backend,
 * so a seed that passes keeps passing). A classifier learns MNIST through the public
 * path a user's run takes (the run service, a worker thread and real MNIST; it needs
 * `npm run build`), and in process through the family's run function.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type AppServices } from '../../main/services/appServices';
import { classifierTemplates } from '../../workers/common/families/classifier/templates';
import { RecordingSink } from '../../workers/engine/sink';
import { runClassifier } from '../../workers/families/classifier/run';
import { mlpConfig } from '../helpers/configs';
import { classifierConfig, metricSteps, mnist, subset, useWasmBackend } from '../helpers/inProcessTraining';
import { requireBuilt, tempDir } from '../helpers/tempDir';

describe('a classifier learns (through the run service and a worker thread)', () => {
  let s: AppServices;

  beforeAll(() => {
    requireBuilt();
    s = createServices({ dataDir: tempDir(), env: { LATENT_BACKEND: 'wasm' } });
  });
  afterAll(async () => { await s.close(); });

  it('an MLP, seed 7, wasm, one epoch on 1,000 MNIST images: ≥ 60 % of 500 test images right (chance is 10 %)', async () => {
    const experimentId = s.experiments.create('training tier', 'a classifier learns').id;
    const run = s.runs.start(experimentId, mlpConfig({ epochs: 1, batchSize: 32, learningRate: 0.003, validationSplit: 0, seed: 7 }, { trainSize: 1000, testSize: 500 }));
    await expect(s.runs.waitForEnd(run.id)).resolves.toBe('done');
    const d = s.runs.detail(run.id);
    expect(d.params).toMatchObject({ seed: 7, trainSize: 1000, testSize: 500 });
    console.log(`training tier: MLP seed 7, test accuracy ${d.latest['test_accuracy']}`);
    expect(d.latest['test_accuracy']).toBeGreaterThanOrEqual(0.6);
  });
});

describe('a classifier learns (in process)', () => {
  const data = mnist(1000, 500);
  useWasmBackend();

  it('an MLP, seed 42, wasm, 2 epochs on 900 MNIST images (100 held for validation): > 80 % of 500 test images right; its curves at every step and epoch', async () => {
    const sink = new RecordingSink();
    const t0 = Date.now();
    const r = await runClassifier({ config: classifierConfig({ epochs: 2, batchSize: 32, learningRate: 0.003, validationSplit: 0.1 }), graph: classifierTemplates.mlp, sink, isCancelled: () => false, dataset: data });
    const ms = Date.now() - t0;
    expect(r.status).toBe('done');
    const final = r.status === 'done' ? r.final : {};
    console.log(`MLP wasm 2 epochs on 900+100 images: ${ms} ms, test accuracy ${final['test_accuracy']}`);
    expect(final['test_accuracy']).toBeGreaterThan(0.8);
    expect(sink.values('loss').length).toBe(2 * Math.ceil(900 / 32));
    expect(metricSteps(sink, 'loss')[0]).toBe(1);
    for (const k of ['accuracy', 'epoch_loss', 'val_loss', 'val_accuracy', 'test_loss', 'test_accuracy'] as const) {
      expect(metricSteps(sink, k)).toEqual([1, 2]);
    }
    expect(sink.progressEvents.at(-1)).toEqual({ epoch: 2, epochs: 2, step: 58, totalSteps: 58 });
  });

  it('a LeNet CNN, seed 42, wasm (conv gradients), one epoch on 1,000 MNIST images: > 60 % of 300 test images right', async () => {
    const sink = new RecordingSink();
    const t0 = Date.now();
    const r = await runClassifier({ config: classifierConfig({ epochs: 1, batchSize: 32, learningRate: 0.003, validationSplit: 0 }), graph: classifierTemplates.lenet, sink, isCancelled: () => false, dataset: subset(data, 1000, 300) });
    const final = r.status === 'done' ? r.final : {};
    console.log(`LeNet wasm 1 epoch on 1000 images: ${Date.now() - t0} ms, test accuracy ${final['test_accuracy']}`);
    expect(final['test_accuracy']).toBeGreaterThan(0.6);
    expect(sink.values('val_loss')).toEqual([]);
  });
});
