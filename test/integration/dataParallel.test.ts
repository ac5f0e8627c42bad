/**
 * Data-parallel training of one run (workers/engine/dataParallel): real
 * replica threads from dist/, the wasm backend, the first 512 MNIST training
 * images, weights seeded 7, Adam at lr 0.001. The same global batches train
 * with 1 and with 2 replicas; the weights must agree to float tolerance (the
 * two runs sum the gradient in a different order), the replicas must stay
 * bit-identical, and no tensor or thread may outlive the trainer.
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { datasetCatalogue } from '../../workers/common/datasets';
import type { GraphDocument } from '../../workers/common/graph';
import { chain } from '../../workers/common/graphChain';
import { classifierTemplate } from '../../workers/common/families/classifier/templates';
import { loadImageDataset, type ImageDataset } from '../../workers/data/mnist';
import { DataParallelTrainer } from '../../workers/engine/dataParallel/coordinator';
import { prepareReplicaBackend } from '../../workers/engine/dataParallel/replicaBackend';
import type { ReplicaSpec } from '../../workers/engine/dataParallel/replica';
import { makeOptimizer } from '../../workers/engine/optimizer';
import { buildClassifier } from '../../workers/families/classifier/model';
import { trainStep } from '../../workers/families/classifier/step';
import { makeBatch, disposeBatch } from '../../workers/families/classifier/data';

const workerEntry = path.join(__dirname, '..', '..', 'dist', 'workers', 'engine', 'dataParallel', 'replicaWorker.js');
const IMAGE: [number, number, number] = [28, 28, 1];
const STEPS = 20;
/**
 * After 20 Adam steps at lr 0.001 each weight has moved at most ~0.02; the
 * order in which the shard gradients are summed changes float32 roundings
 * (~1e-7 relative), which Adam's normalisation can amplify for weights whose
 * gradient is near zero. Observed worst differences are stated in the report.
 */
const TOLERANCE = 1e-4;

/** The MLP template without its dropout: dropout masks are drawn per shard, so only a mask-free model can match a single thread value for value. */
const mlpNoDropout: GraphDocument = chain('MLP 784-128-10 (no dropout)', [
  { id: 'input', kind: 'input', label: 'Input', params: { shape: IMAGE } },
  { id: 'flatten', kind: 'flatten', label: 'Flatten', params: {} },
  { id: 'hidden', kind: 'dense', label: 'Dense 128 ReLU', params: { units: 128, activation: 'relu' } },
  { id: 'output', kind: 'dense', label: 'Dense 10 softmax', params: { units: 10, activation: 'softmax' } },
]);

const spec = (graph: GraphDocument): ReplicaSpec => ({
  graph, seed: 7, numClasses: 10, backend: 'wasm', optimizer: { optimizer: 'adam', learningRate: 0.001, momentum: 0.9 },
});

let data: ImageDataset;

beforeAll(async () => {
  expect(await prepareReplicaBackend('wasm')).toBe('wasm');
  data = loadImageDataset(datasetCatalogue.mnist, { trainSize: 512, testSize: 1 });
});

/** Step k's global batch: examples [k·batch mod 448, +batch) of the subset, as flat arrays. */
function batchAt(k: number, batch: number): { inputs: Float32Array; labels: Int32Array } {
  const start = (k * batch) % (512 - batch);
  const f = 28 * 28;
  return { inputs: data.trainImages.subarray(start * f, (start + batch) * f), labels: data.trainLabels.subarray(start, start + batch) };
}

async function trainParallel(graph: GraphDocument, replicas: number, batch: number): Promise<{ weights: Float32Array; losses: number[]; difference: number }> {
  const trainer = await DataParallelTrainer.start(spec(graph), { replicas, maxBatch: batch, workerEntry });
  try {
    const losses: number[] = [];
    for (let k = 0; k < STEPS; k++) {
      const b = batchAt(k, batch);
      losses.push((await trainer.step(b.inputs, b.labels, batch)).loss);
    }
    return { weights: trainer.weights(), losses, difference: await trainer.verifyReplicas() };
  } finally {
    await trainer.dispose();
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('data-parallel training (wasm, MNIST 512, seed 7)', () => {
  it('one replica takes the same steps as the classifier family\'s own step', async () => {
    const before = tf.memory().numTensors;
    const single = await trainParallel(mlpNoDropout, 1, 64);
    const cm = buildClassifier(mlpNoDropout, IMAGE, 10, 7);
    const opt = makeOptimizer(spec(mlpNoDropout).optimizer);
    const indices = Int32Array.from({ length: 512 }, (_, i) => i);
    for (let k = 0; k < STEPS; k++) {
      const start = (k * 64) % (512 - 64);
      const b = makeBatch(data.trainImages, data.trainLabels, IMAGE, 10, indices, start, start + 64);
      await trainStep(cm, opt, b);
      disposeBatch(b);
    }
    const family = new Float32Array(single.weights.length);
    let at = 0;
    for (const w of cm.model.trainableWeights) { const d = w.read().dataSync(); family.set(d, at); at += d.length; }
    cm.model.dispose();
    opt.dispose();
    expect(maxAbsDiff(single.weights, family)).toBeLessThan(1e-6);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([64, 63])('two replicas match one on the same global batches (batch %i)', async (batch) => {
    const before = tf.memory().numTensors;
    const one = await trainParallel(mlpNoDropout, 1, batch);
    const two = await trainParallel(mlpNoDropout, 2, batch);
    const diff = maxAbsDiff(one.weights, two.weights);
    console.log(`batch ${batch}: N=1 vs N=2 max |Δw| = ${diff.toExponential(2)}, loss ${one.losses.at(-1)} vs ${two.losses.at(-1)}`);
    expect(diff).toBeLessThan(TOLERANCE);
    two.losses.forEach((l, k) => expect(l).toBeCloseTo(one.losses[k]!, 4));
    expect(two.difference).toBe(0);
    expect(one.losses.at(-1)!).toBeLessThan(one.losses[0]!);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('LeNet-5 with two replicas matches one (batch 64), replicas checked every 5 steps', async () => {
    const lenet = classifierTemplate('lenet', IMAGE, 10);
    const one = await trainParallel(lenet, 1, 64);
    const trainer = await DataParallelTrainer.start(spec(lenet), { replicas: 2, maxBatch: 64, workerEntry, verifyEvery: 5 });
    try {
      for (let k = 0; k < STEPS; k++) { const b = batchAt(k, 64); await trainer.step(b.inputs, b.labels, 64); }
      const diff = maxAbsDiff(one.weights, trainer.weights());
      console.log(`LeNet batch 64: N=1 vs N=2 max |Δw| = ${diff.toExponential(2)}`);
      expect(diff).toBeLessThan(TOLERANCE);
    } finally {
      await trainer.dispose();
    }
  });

  it('a replica thread that dies fails the step, and every thread and tensor is gone after', async () => {
    const before = tf.memory().numTensors;
    const trainer = await DataParallelTrainer.start(spec(mlpNoDropout), { replicas: 3, maxBatch: 64, workerEntry });
    const b = batchAt(0, 64);
    await trainer.step(b.inputs, b.labels, 64);
    const [first, second] = trainer.threads();
    let secondExited = false;
    second!.once('exit', () => { secondExited = true; });
    await first!.terminate();
    await expect(trainer.step(b.inputs, b.labels, 64)).rejects.toThrow(/Replica 1 exited/);
    expect(secondExited).toBe(true); // the other thread was terminated with it
    await expect(trainer.step(b.inputs, b.labels, 64)).rejects.toThrow(/Replica 1 exited/);
    await trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a replica that cannot start fails the start and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const missing = path.join(path.dirname(workerEntry), 'noSuchReplicaWorker.js');
    await expect(DataParallelTrainer.start(spec(mlpNoDropout), { replicas: 2, maxBatch: 64, workerEntry: missing })).rejects.toThrow(/Replica 1 could not start/);
    await expect(DataParallelTrainer.start({ ...spec(mlpNoDropout), backend: 'cpu' }, { replicas: 2, maxBatch: 64, workerEntry })).rejects.toThrow(/leader runs on wasm/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('takes a batch smaller than the replicas (a shard left empty), refuses an empty one or one larger than the shared memory', async () => {
    const trainer = await DataParallelTrainer.start(spec(mlpNoDropout), { replicas: 2, maxBatch: 8, workerEntry });
    try {
      const b = batchAt(0, 16);
      await expect(trainer.step(b.inputs, b.labels, 0)).rejects.toThrow(/between 1 and 8 examples, got 0/);
      expect((await trainer.step(b.inputs, b.labels, 1)).loss).toBeGreaterThan(0); // one shard empty, weighing 0
      await expect(trainer.step(b.inputs, b.labels, 16)).rejects.toThrow(/got 16/);
      expect((await trainer.step(b.inputs, b.labels, 8)).loss).toBeGreaterThan(0);
    } finally {
      await trainer.dispose();
    }
  });
});
