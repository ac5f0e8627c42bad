import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { classifierTemplates } from '../../../workers/common/families/classifier/templates';
import type { GraphDocument } from '../../../workers/common/graph';
import { chain } from '../../../workers/common/graphChain';
import type { ImageDataset } from '../../../workers/data/mnist';
import { loadCheckpoint, readManifest } from '../../../workers/engine/checkpoint';
import { RecordingSink } from '../../../workers/engine/sink';
import { makeBatch, disposeBatch } from '../../../workers/families/classifier/data';
import { makeOptimizer } from '../../../workers/engine/optimizer';
import { buildClassifier } from '../../../workers/families/classifier/model';
import { runClassifier } from '../../../workers/families/classifier/run';
import { trainStep } from '../../../workers/families/classifier/step';
import { classifierConfig as config, mnist, subset, tempFolder, useWasmBackend } from '../../helpers/inProcessTraining';

// That an MLP and a LeNet learn is the training tier's (test/training/classifierLearns.test.ts).
let data: ImageDataset;
const tmp = tempFolder('lw-classifier-');

describe('classifier family (wasm, in-process)', () => {
  useWasmBackend();
  beforeAll(() => { data = mnist(1000, 500); });

  it('is deterministic given a seed (dropout included)', async () => {
    const losses = async (seed: number): Promise<number[]> => {
      const sink = new RecordingSink();
      await runClassifier({ config: config({ epochs: 1, batchSize: 50, seed }), graph: classifierTemplates.mlp, sink, isCancelled: () => false, dataset: subset(data, 300, 50) });
      return sink.values('loss');
    };
    const a = await losses(5);
    const b = await losses(5);
    const c = await losses(6);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('stops with a clear error when the loss becomes NaN', async () => {
    const poisoned = subset(data, 200, 50);
    poisoned.trainImages.fill(Number.NaN, 0, 784);
    await expect(runClassifier({ config: config({ epochs: 1, batchSize: 20, learningRate: 10, optimizer: 'sgd' }), graph: classifierTemplates.mlp, sink: new RecordingSink(), isCancelled: () => false, dataset: poisoned }))
      .rejects.toThrow(/Loss became NaN at epoch 1, step \d+ \(learning rate 10 may be too high\)/);
  });

  it('cancels within one batch', async () => {
    let batches = 0;
    const sink = new RecordingSink();
    const origMetric = sink.metric.bind(sink);
    sink.metric = (k, s, v) => { if (k === 'loss') batches++; origMetric(k, s, v); };
    const r = await runClassifier({ config: config({ epochs: 3, batchSize: 20 }), graph: classifierTemplates.mlp, sink, isCancelled: () => batches >= 3, dataset: subset(data, 200, 50) });
    expect(r.status).toBe('cancelled');
    expect(batches).toBe(3);
  });

  it('leaks no tensor per training step', async () => {
    const cm = buildClassifier(classifierTemplates.lenet, [28, 28, 1], 10, 1);
    const opt = makeOptimizer({ optimizer: 'adam', learningRate: 0.001, momentum: 0.9 });
    const idx = Int32Array.from({ length: 16 }, (_, i) => i);
    const batch = makeBatch(data.trainImages, data.trainLabels, [28, 28, 1], 10, idx, 0, 16);
    await trainStep(cm, opt, batch); // creates the optimizer's slots
    const before = tf.memory().numTensors;
    await trainStep(cm, opt, batch);
    await trainStep(cm, opt, batch);
    expect(tf.memory().numTensors).toBe(before);
    disposeBatch(batch);
    cm.model.dispose();
    opt.dispose();
  });

  it('checkpoints round-trip and resuming reproduces an uninterrupted run', async () => {
    const d = subset(data, 300, 50);
    const hyper = { epochs: 2, batchSize: 50, optimizer: 'momentum' as const, learningRate: 0.05 };
    const full = new RecordingSink();
    await runClassifier({ config: config(hyper), graph: classifierTemplates.mlp, sink: full, isCancelled: () => false, dataset: d });

    const runDir = join(tmp, 'run');
    const first = new RecordingSink();
    await runClassifier({ config: config({ ...hyper, epochs: 1 }), graph: classifierTemplates.mlp, sink: first, isCancelled: () => false, dataset: d, runDir });
    expect(first.checkpoints).toHaveLength(1);
    const ref = first.checkpoints[0]!;
    expect(ref.dir).toBe(join(runDir, 'checkpoints', 'epoch-0001'));
    const manifest = await readManifest(ref.dir);
    expect(manifest.epoch).toBe(1);
    expect(manifest.step).toBe(6);
    expect(manifest.model.map((e) => e.name)).toEqual(['hidden/kernel', 'hidden/bias', 'output/kernel', 'output/bias']);
    expect(Object.keys(manifest.rng)).toEqual(['model/dropout']);

    // Round trip into a fresh model.
    const cm = buildClassifier(classifierTemplates.mlp, [28, 28, 1], 10, 999);
    const opt = makeOptimizer({ optimizer: 'adam', learningRate: 0.001, momentum: 0.9 });
    const state = await loadCheckpoint(ref.dir, cm.model, opt);
    expect(state.step).toBe(6);
    const w = cm.model.getWeights()[3]!.dataSync();
    expect(w.length).toBe(10);
    cm.model.dispose();
    opt.dispose();

    const resumed = new RecordingSink();
    await runClassifier({ config: config(hyper), graph: classifierTemplates.mlp, sink: resumed, isCancelled: () => false, dataset: d, runDir, resumeFrom: ref });
    const tail = (s: RecordingSink): number[] => s.metrics.filter((m) => m.key === 'loss' && m.step > 6).map((m) => m.value);
    expect(resumed.metrics.filter((m) => m.key === 'loss')[0]!.step).toBe(7);
    expect(tail(resumed)).toEqual(tail(full));
    expect(resumed.values('test_accuracy')).toEqual([full.values('test_accuracy')[1]]);
  });

  it('a drawn graph with a sampler resumes drawing what the uninterrupted run drew', async () => {
    const graph: GraphDocument = chain('sampled', [
      { id: 'x', kind: 'input', label: 'x', params: { shape: [28, 28, 1] } },
      { id: 'flat', kind: 'flatten', label: 'flatten', params: {} },
      { id: 'stats', kind: 'dense', label: 'μ, log σ²', params: { units: 32 } },
      { id: 'z', kind: 'sampling', label: 'z', params: {} },
      { id: 'out', kind: 'dense', label: 'softmax', params: { units: 10, activation: 'softmax' } },
    ]);
    const d = subset(data, 200, 50);
    const hyper = { epochs: 2, batchSize: 50, optimizer: 'sgd' as const, learningRate: 0.05 };
    const full = new RecordingSink();
    await runClassifier({ config: config(hyper), graph, sink: full, isCancelled: () => false, dataset: d });
    const runDir = join(tmp, 'sampled');
    const first = new RecordingSink();
    await runClassifier({ config: config({ ...hyper, epochs: 1 }), graph, sink: first, isCancelled: () => false, dataset: d, runDir });
    const ref = first.checkpoints[0]!;
    expect(Object.keys((await readManifest(ref.dir)).rng)).toEqual(['model/z']);
    const resumed = new RecordingSink();
    await runClassifier({ config: config(hyper), graph, sink: resumed, isCancelled: () => false, dataset: d, runDir, resumeFrom: ref });
    const tail = (s: RecordingSink): number[] => s.metrics.filter((m) => m.key === 'loss' && m.step > 4).map((m) => m.value);
    expect(tail(resumed).length).toBeGreaterThan(0);
    expect(tail(resumed)).toEqual(tail(full));
  });
});
