import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { classifierTemplate } from '../../../workers/common/families/classifier/templates';
import { setLazyFusedGradients } from '../../../workers/engine/lazyFusedGradients';
import { makeOptimizer } from '../../../workers/engine/optimizer';
import { buildClassifier } from '../../../workers/families/classifier/model';
import { trainStep } from '../../../workers/families/classifier/step';
import { prepareBackend } from '../../../bench/harness/runtime';

/**
 * runHost installs the lazy fused-conv gradients for every run, so a
 * classifier's training must not change with them: LeNet-5 (the template's
 * ReLU convs: under a tape tfjs runs an activated conv unfused — conv2d, add,
 * relu, each with its own lazy gradient — and the lazy path leaves it alone) and LeNet-5
 * with LeakyReLU convs (linear convs: the lazy path skips conv1's input
 * gradient) train 2 Adam steps (seed 1, batch 16, wasm) to bit-identical
 * weights and losses with and without them.
 */
async function train(lazy: boolean, convActivation: 'relu' | 'leakyRelu'): Promise<{ losses: number[]; weights: Float32Array[]; backpropInputs: number }> {
  setLazyFusedGradients(lazy);
  const doc = classifierTemplate('lenet', [28, 28, 1], 10);
  for (const n of doc.nodes) if (n.kind === 'conv2d') n.params = { ...n.params, activation: convActivation };
  const cm = buildClassifier(doc, [28, 28, 1], 10, 1);
  const opt = makeOptimizer({ optimizer: 'adam', learningRate: 0.01, momentum: 0.9 });
  const xs = tf.randomUniform([16, 28, 28, 1], 0, 1, 'float32', 7);
  const labels = tf.tensor1d(Array.from({ length: 16 }, (_, j) => j % 10), 'int32');
  const ys = tf.tidy(() => tf.cast(tf.oneHot(labels, 10), 'float32') as tf.Tensor2D);
  const losses = [(await trainStep(cm, opt, { xs, ys, labels })).loss];
  const info = await tf.profile(async () => { losses.push((await trainStep(cm, opt, { xs, ys, labels })).loss); });
  const weights = cm.model.trainableWeights.map((w) => w.read().dataSync() as Float32Array);
  cm.model.dispose();
  opt.dispose();
  tf.dispose([xs, ys, labels]);
  return { losses, weights, backpropInputs: info.kernels.filter((k) => k.name === 'Conv2DBackpropInput').length };
}

describe('lazy fused-conv gradients in a LeNet-5 classifier step (wasm, seed 1)', () => {
  beforeAll(async () => { await prepareBackend('wasm'); });
  afterAll(() => setLazyFusedGradients(false));

  it('ReLU convs: weights and losses bit-identical, the same conv input gradients run', async () => {
    const eager = await train(false, 'relu');
    const lazy = await train(true, 'relu');
    expect(lazy.losses).toEqual(eager.losses);
    expect(lazy.weights).toEqual(eager.weights);
    // conv2's input gradient only: conv1's input is data, and tfjs' unfused conv2d gradient is lazy already.
    expect([eager.backpropInputs, lazy.backpropInputs]).toEqual([1, 1]);
  });

  it('LeakyReLU convs: weights and losses bit-identical, conv1\'s input gradient skipped', async () => {
    const eager = await train(false, 'leakyRelu');
    const lazy = await train(true, 'leakyRelu');
    expect(lazy.losses).toEqual(eager.losses);
    expect(lazy.weights).toEqual(eager.weights);
    // Eager: the linear fused conv's customGrad computes conv1's input gradient too (2); lazy: conv2's only (1).
    expect([eager.backpropInputs, lazy.backpropInputs]).toEqual([2, 1]);
  });
});
