/**
 * The training tier: an RBM learns MNIST with CD-1 (its own update rule, no
 * gradients), in process on wasm with a stated seed. It must reconstruct held-out
 * digits far better than its untrained self and raise their pseudo-likelihood, and
 * log its filters and samples on the trainer's schedule. And the update rule alone,
 * on the cpu backend, learns two repeated patterns.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { rbmConfigSchema } from '../../workers/common/families/rbm/config';
import type { ImageDataset } from '../../workers/data/mnist';
import { RecordingSink } from '../../workers/engine/sink';
import { cdUpdate, createRbm, createVelocity, disposeRbm, freeEnergy, gibbsSamples, pseudoLogLikelihood, reconstructionError } from '../../workers/families/rbm/rbm';
import { runRbm } from '../../workers/families/rbm/run';
import { mnist, tempFolder, useWasmBackend } from '../helpers/inProcessTraining';

describe('an RBM learns', () => {
  useWasmBackend();
  const tmp = tempFolder('lw-rbm-');
  let data: ImageDataset;
  beforeAll(() => { data = mnist(3000, 500); });

  it('CD-1, 100 hidden units, seed 3, wasm, two epochs on 3,000 MNIST images (300 held out for validation): held-out reconstruction error below 0.7 of its first batch’s (measured 67.4 → 50.6 → 42.9), pseudo-likelihood up; filters and samples at step 0 and each epoch end', async () => {
    const sink = new RecordingSink();
    const config = rbmConfigSchema.parse({ family: 'rbm', hyper: { numHidden: 100, epochs: 2, batchSize: 50, learningRate: 0.1, seed: 3, gibbsSteps: 20 } });
    const tensors = tf.memory().numTensors;
    const r = await runRbm({ config, dataset: data, sink, isCancelled: () => false, runDir: join(tmp, 'run') });
    expect(r.status).toBe('done');
    expect(tf.memory().numTensors).toBe(tensors);
    const first = sink.values('reconstruction_error')[0]!;
    const test = sink.values('test_reconstruction_error');
    const pll = sink.values('test_pseudo_log_likelihood');
    const trainF = sink.values('train_free_energy');
    console.log(`RBM seed 3: first batch reconstruction error ${first.toFixed(1)}; test ${test.map((v) => v.toFixed(1)).join(' → ')}; pseudo-LL ${pll.map((v) => v.toFixed(1)).join(' → ')}; free energy train ${trainF.map((v) => v.toFixed(1)).join(' → ')}, gap ${sink.values('free_energy_gap').map((v) => v.toFixed(2)).join(' → ')}`);
    expect(test).toHaveLength(2);
    expect(test[1]!).toBeLessThan(0.7 * first);
    expect(test[1]!).toBeLessThan(test[0]!);
    expect(pll[1]!).toBeGreaterThan(pll[0]!);
    // Filters: 100 images, the untrained ones at step 0, then each epoch end.
    expect(sink.samples.filter((s) => s.kind === 'filters').map((s) => s.step)).toEqual([0, 54, 108]);
    // 300 of the 3,000 training images (10 %) are held out: validation numbers rise as the test ones do.
    const valPll = sink.values('val_pseudo_log_likelihood');
    expect(valPll).toHaveLength(2);
    expect(valPll[1]!).toBeGreaterThan(valPll[0]!);
    expect(sink.values('val_reconstruction_error')[1]!).toBeLessThan(0.7 * first);
    expect(sink.samples.filter((s) => s.kind === 'samples')).toHaveLength(3);
  });
});

describe('the CD-k update rule learns (cpu)', () => {
  beforeAll(async () => { await tf.setBackend('cpu'); });

  it('CD-1 on two repeated 6-pixel patterns (weights seed 3, update seeds 0–199), cpu: lowers their reconstruction error to a quarter and their free energy, leaking no tensor', () => {
    const p = createRbm(6, 4, 3);
    const vel = createVelocity(p);
    const data = tf.tensor2d([[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]], [2, 6]);
    const before = reconstructionError(p, data).mean().dataSync()[0]!;
    const f0 = freeEnergy(p, data).mean().dataSync()[0]!;
    const tensors = tf.memory().numTensors;
    for (let s = 0; s < 200; s++) cdUpdate(p, vel, data, { k: 1, learningRate: 0.1, momentum: 0.5, weightDecay: 0, seed: s });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(reconstructionError(p, data).mean().dataSync()[0]!).toBeLessThan(before / 4);
    expect(freeEnergy(p, data).mean().dataSync()[0]!).toBeLessThan(f0 - 1);
    const pll = pseudoLogLikelihood(p, data, Int32Array.from([0, 5])).dataSync();
    expect(Math.max(...pll)).toBeLessThan(0);
    const samples = gibbsSamples(p, 4, 50, 1);
    expect(samples.shape).toEqual([4, 6]);
    tf.dispose([data, samples]);
    disposeRbm(p);
    disposeRbm(vel);
  });
});
