/**
 * The fused training batch norm (workers/engine/kernels/fusedBatchNorm.ts on
 * wasm) against tfjs' own chain on the cpu backend: forward output, batch
 * mean and variance, gradients w.r.t. x, γ, β; and tf.layers'
 * batchNormalization with the fused call installed (fusedBatchNormLayer.ts)
 * against the plain layer on cpu over three training steps (moving averages,
 * weights, gradients, inference). Data from mulberry32 with stated seeds;
 * tolerance |a − b| ≤ 2e-5 · max(1, |b|) (seen: ≤ 3.4e-6; float32 sums over ≤ 150 rows in a
 * different order, and γ/σ formed in double here, in float32 in tfjs).
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../workers/engine/backend';
import { mulberry32 } from '../../../workers/common/prng';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD, batchNormTraining, fusedBatchNormApplies } from '../../../workers/engine/kernels/fusedBatchNorm';
import { setFusedBatchNorm } from '../../../workers/engine/fusedBatchNormLayer';

const TOLERANCE = 2e-5;
const EPSILON = 1e-3; // tf.layers.batchNormalization's default

function randomValues(n: number, seed: number, offset = 0, spread = 1): Float32Array {
  const rnd = mulberry32(seed);
  return Float32Array.from({ length: n }, () => offset + spread * (2 * rnd() - 1));
}

function maxRelErr(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  expect(a.map((x) => x.length)).toEqual(b.map((x) => x.length));
  let worst = 0;
  a.forEach((x, i) => x.forEach((v, j) => { worst = Math.max(worst, Math.abs(v - b[i]![j]!) / Math.max(1, Math.abs(b[i]![j]!))); }));
  return worst;
}

/** y, mean, variance and dL/dx, dL/dγ, dL/dβ of L = Σ w·y for fixed random w (Σ y alone has dx = 0). */
function opValues(shape: number[], seed: number): Float32Array[] {
  const n = shape.reduce((a, b) => a * b, 1);
  const c = shape[shape.length - 1]!;
  return tf.tidy(() => {
    const x = tf.tensor(randomValues(n, seed, 0.5, 2), shape);
    const gamma = tf.tensor1d(randomValues(c, seed + 1, 1, 0.5));
    const beta = tf.tensor1d(randomValues(c, seed + 2));
    const w = tf.tensor(randomValues(n, seed + 3), shape);
    const { y, mean, variance } = batchNormTraining(x, gamma, beta, EPSILON);
    const grads = tf.grads((xx, gg, bb) => tf.sum(tf.mul(w, batchNormTraining(xx!, gg as tf.Tensor1D, bb as tf.Tensor1D, EPSILON).y)))([x, gamma, beta]);
    return [y, mean, variance, ...grads].map((t) => Float32Array.from(t.dataSync()));
  });
}

describe('fused training batch norm (wasm) against tfjs on the cpu backend', () => {
  afterAll(async () => { setFusedBatchNorm(false); await selectBackend('cpu'); });

  it('hand-computed: one channel [1, 3, 5] → mean 3, variance 8/3, y = (x − 3)/√(8/3 + ε)', async () => {
    await selectBackend('wasm');
    const { y, mean, variance } = batchNormTraining(tf.tensor2d([[1], [3], [5]]), tf.tensor1d([1]), tf.tensor1d([0]), EPSILON);
    const s = Math.sqrt(8 / 3 + EPSILON);
    expect(Array.from(mean.dataSync())).toEqual([3]);
    expect(variance.dataSync()[0]).toBeCloseTo(8 / 3, 6);
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([-2 / s, 0, 2 / s][i]!, 6));
    tf.dispose([y, mean, variance]);
  });

  const shapes: number[][] = [[2, 5, 3, 7], [1, 4, 4, 5], [2, 3, 3, 64], [6, 13], [2, 3], [1, 5], [3, 1, 1, 9]];
  it.each(shapes.map((s, i) => [s.join('×'), s, 100 + i] as const))('%s: forward, moments and gradients within tolerance; fused kernels ran; nothing leaked', async (_, shape, seed) => {
    await selectBackend('cpu');
    const cpu = opValues(shape, seed);
    await selectBackend('wasm');
    expect(tf.tidy(() => fusedBatchNormApplies(tf.zeros(shape), tf.zeros([shape[shape.length - 1]!]), tf.zeros([shape[shape.length - 1]!])))).toBe(true);
    const before = tf.memory().numTensors;
    const profile = await tf.profile(() => { opValues(shape, seed); });
    const wasm = opValues(shape, seed);
    expect(tf.memory().numTensors).toBe(before);
    const kernels = profile.kernels.map((k) => k.name);
    expect(kernels).toContain(BATCH_NORM_TRAIN);
    expect(kernels).toContain(BATCH_NORM_TRAIN_GRAD);
    expect(maxRelErr(wasm, cpu)).toBeLessThan(TOLERANCE);
  });
});

/** A batch-norm layer trained three SGD steps on fresh batches: its weights, last output, gradients and an inference output. */
function layerRun(shape: number[], seed: number): Float32Array[] {
  const n = shape.reduce((a, b) => a * b, 1);
  const c = shape[shape.length - 1]!;
  const layer = tf.layers.batchNormalization({ momentum: 0.9, epsilon: EPSILON });
  layer.build(shape);
  layer.setWeights([tf.tensor1d(randomValues(c, seed, 1, 0.5)), tf.tensor1d(randomValues(c, seed + 1)), tf.zeros([c]), tf.ones([c])]);
  const out: Float32Array[] = [];
  for (let step = 0; step < 3; step++) {
    tf.tidy(() => {
      const x = tf.variable(tf.tensor(randomValues(n, seed + 10 + step, step, 1 + step), shape));
      const w = tf.tensor(randomValues(n, seed + 20 + step), shape);
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(w, layer.apply(x, { training: true }) as tf.Tensor)));
      const gradList = layer.trainableWeights.map((v) => grads[v.name]!);
      gradList.forEach((g, i) => layer.trainableWeights[i]!.write(tf.sub(layer.trainableWeights[i]!.read(), tf.mul(g, 0.1))));
      if (step === 2) out.push(...[value, grads[x.name]!, ...gradList].map((t) => Float32Array.from(t.dataSync())));
      x.dispose();
    });
  }
  out.push(...layer.getWeights().map((t) => Float32Array.from(t.dataSync())));
  out.push(tf.tidy(() => Float32Array.from((layer.apply(tf.tensor(randomValues(n, seed + 30), shape), { training: false }) as tf.Tensor).dataSync())));
  expect(layer.getClassName()).toBe('BatchNormalization');
  tf.dispose(layer.weights.map((v) => v.read()));
  return out;
}

describe('tf.layers.batchNormalization with the fused training call (wasm) against the plain layer on cpu', () => {
  afterAll(async () => { setFusedBatchNorm(false); await selectBackend('cpu'); });

  it.each([[[2, 4, 4, 7]], [[1, 3, 3, 5]], [[5, 3]]])('%j: loss, gradients, γ, β, moving mean/variance after 3 steps, inference', async (shape) => {
    setFusedBatchNorm(false);
    await selectBackend('cpu');
    const cpu = layerRun(shape, 7);
    setFusedBatchNorm(true);
    await selectBackend('wasm');
    const profile = await tf.profile(() => { layerRun(shape, 7); });
    expect(profile.kernels.map((k) => k.name)).toContain(BATCH_NORM_TRAIN);
    const wasm = layerRun(shape, 7);
    expect(wasm).toHaveLength(9);
    expect(maxRelErr(wasm, cpu)).toBeLessThan(TOLERANCE);
  });

  it('leaves other backends to tfjs: on cpu the fused kernels never run', async () => {
    setFusedBatchNorm(true);
    await selectBackend('cpu');
    const profile = await tf.profile(() => { layerRun([2, 2, 2, 3], 3); });
    expect(profile.kernels.map((k) => k.name)).not.toContain(BATCH_NORM_TRAIN);
  });
});
