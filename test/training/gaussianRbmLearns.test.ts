/**
 * The training tier: a Gaussian–Bernoulli RBM on 500 standardised MNIST images
 * (grey levels, not binarised) learns with CD-1 at its default step size, in
 * process on wasm with stated seeds; and a sparsity target pulls the hidden
 * units' mean activation towards itself.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { rbmConfigSchema } from '../../workers/common/families/rbm/config';
import type { ImageDataset } from '../../workers/data/mnist';
import { readManifest } from '../../workers/engine/checkpoint';
import { RecordingSink } from '../../workers/engine/sink';
import { runRbm } from '../../workers/families/rbm/run';
import { mnist, tempFolder, useWasmBackend } from '../helpers/inProcessTraining';

/** A tensor of a saved checkpoint, by its name. */
async function savedTensor(dir: string, name: string): Promise<Float32Array> {
  const manifest = await readManifest(dir);
  const entry = manifest.model.find((e) => e.name === name)!;
  const bytes = await readFile(join(dir, manifest.weightsFile));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset + entry.offset, bytes.byteOffset + entry.offset + entry.byteLength));
}

/** The mean Pearson correlation over all pairs of the columns of W (d × h): 1 when every filter is the same. */
function meanPairwiseCorrelation(w: Float32Array, d: number, h: number): number {
  const cols = Array.from({ length: h }, (_, j) => {
    const col = Float64Array.from({ length: d }, (_, i) => w[i * h + j]!);
    const mean = col.reduce((a, x) => a + x, 0) / d;
    const centred = col.map((x) => x - mean);
    const norm = Math.sqrt(centred.reduce((a, x) => a + x * x, 0)) || 1;
    return centred.map((x) => x / norm);
  });
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < h; a++) for (let b = a + 1; b < h; b++) {
    sum += cols[a]!.reduce((s, x, i) => s + x * cols[b]![i]!, 0);
    pairs++;
  }
  return sum / pairs;
}

describe('a Gaussian–Bernoulli RBM learns', () => {
  useWasmBackend();
  const tmp = tempFolder('lw-grbm-');
  let data: ImageDataset;
  beforeAll(() => { data = mnist(500, 100); });

  const run = async (hyper: Record<string, unknown>, name: string): Promise<{ sink: RecordingSink; weights: Float32Array }> => {
    const sink = new RecordingSink();
    const config = rbmConfigSchema.parse({ family: 'rbm', hyper: { visible: 'gaussian', numHidden: 50, epochs: 3, batchSize: 20, validationSplit: 0, gibbsSteps: 5, seed: 5, ...hyper } });
    const tensors = tf.memory().numTensors;
    const r = await runRbm({ config, dataset: data, sink, isCancelled: () => false, runDir: join(tmp, name) });
    expect(r.status).toBe('done');
    expect(tf.memory().numTensors).toBe(tensors);
    return { sink, weights: await savedTensor(sink.checkpoints.at(-1)!.dir, 'weights') };
  };

  it('CD-1, 50 hidden units, seed 5, wasm, 3 epochs of 25 batches on 500 standardised MNIST images (learning rate 0.01, momentum 0.9): test reconstruction error below 0.85 of the first epoch’s (measured 415 → 354 → 326, standardised space), filters not alike; no pseudo- or log-likelihood recorded', async () => {
    const { sink, weights } = await run({ learningRate: 0.01, momentum: 0.9 }, 'plain');
    const test = sink.values('test_reconstruction_error');
    const corr = meanPairwiseCorrelation(weights, 784, 50);
    console.log(`Gaussian RBM seed 5: test reconstruction error ${test.map((v) => v.toFixed(1)).join(' → ')}; mean hidden activation ${sink.values('mean_hidden_activation').map((v) => v.toFixed(3)).join(' → ')}; filters' mean pairwise correlation ${corr.toFixed(3)}`);
    expect(test).toHaveLength(3);
    expect(test[2]!).toBeLessThan(0.85 * test[0]!);
    expect(Math.abs(corr)).toBeLessThan(0.9);
    expect(sink.values('test_pseudo_log_likelihood')).toEqual([]);
    expect(sink.values('test_log_likelihood')).toEqual([]);
    expect(sink.values('free_energy_gap')).toHaveLength(3);
    // The standardisation is saved with the weights: 784 means and stds, the stds floored at 0.1.
    const std = await savedTensor(sink.checkpoints.at(-1)!.dir, 'input_std');
    expect(std).toHaveLength(784);
    expect(Math.min(...std)).toBeCloseTo(0.1, 6);
    expect(sink.samples.filter((x) => x.kind === 'samples').map((x) => x.step)).toEqual([0, 25, 50, 75]);
  });

  it('a sparsity target of 0.05 (cost 3, decay 0.95, otherwise as above, seed 5) ends the epoch-3 mean hidden activation nearer 0.05 than without (measured 0.250 against 0.485) while the reconstruction error still falls', async () => {
    const plain = (await run({ learningRate: 0.01, momentum: 0.9 }, 'plain-ref')).sink.values('mean_hidden_activation');
    const { sink } = await run({ learningRate: 0.01, momentum: 0.9, sparsityTarget: 0.05, sparsityCost: 3 }, 'sparse');
    const sparse = sink.values('mean_hidden_activation');
    console.log(`mean hidden activation without a target ${plain.map((v) => v.toFixed(3)).join(' → ')}, with 0.05 ${sparse.map((v) => v.toFixed(3)).join(' → ')}`);
    expect(Math.abs(sparse[2]! - 0.05)).toBeLessThan(Math.abs(plain[2]! - 0.05) - 0.15);
    const test = sink.values('test_reconstruction_error');
    expect(test[2]!).toBeLessThan(test[0]!);
  });

  it('learned variance (learning rate 0.01, momentum 0.5, seed 5): log σ is saved and trained, and the test reconstruction error falls (measured 465 → 415 → 397)', async () => {
    const { sink } = await run({ learningRate: 0.01, momentum: 0.5, learnVariance: true }, 'learned');
    const test = sink.values('test_reconstruction_error');
    console.log(`Gaussian RBM, learned σ: test reconstruction error ${test.map((v) => v.toFixed(1)).join(' → ')}; free-energy gap ${sink.values('free_energy_gap').map((v) => v.toFixed(1)).join(' → ')}`);
    expect(test[2]!).toBeLessThan(0.9 * test[0]!);
    const logSigma = await savedTensor(sink.checkpoints.at(-1)!.dir, 'log_sigma');
    expect(Math.min(...logSigma)).toBeLessThan(-0.1);
  });
});
