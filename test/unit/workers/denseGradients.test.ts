import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { autoencoderTemplate } from '../../../workers/common/families/autoencoder/templates';
import { setDenseGradients } from '../../../workers/engine/denseGradients';
import { makeOptimizer } from '../../../workers/engine/optimizer';
import { buildAutoencoder, disposeAutoencoder, trainableVariables } from '../../../workers/families/autoencoder/model';
import { trainStep } from '../../../workers/families/autoencoder/step';
import { useWasmBackend } from '../../helpers/inProcessTraining';

/** Largest |a − b| over the largest |b|: float32 rounding of a different summation order stays near 1e-7. */
function relativeGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let gap = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) { gap = Math.max(gap, Math.abs(a[i]! - b[i]!)); scale = Math.max(scale, Math.abs(b[i]!)); }
  return gap / scale;
}

/** dx, dW₁, db₁, dW₂, db₂ of Σ (relu(x·W₁ + b₁)·W₂ + b₂)², the second layer through tf.fused.matMul as tf.layers' Dense runs it. */
function denseGradients(fast: boolean, x: tf.Tensor2D, w1: tf.Tensor2D, b1: tf.Tensor1D, w2: tf.Tensor2D, b2: tf.Tensor1D): Float32Array[] {
  setDenseGradients(fast);
  const gs = tf.grads((xx, ww1, bb1, ww2, bb2) => {
    const h = tf.relu(tf.add(tf.matMul(xx as tf.Tensor2D, ww1 as tf.Tensor2D), bb1));
    return tf.sum(tf.square(tf.fused.matMul({ a: h, b: ww2 as tf.Tensor2D, bias: bb2 })));
  })([x, w1, b1, w2, b2]);
  const values = gs.map((g) => g.dataSync() as Float32Array);
  tf.dispose(gs);
  return values;
}

describe('dense input gradient as (W·dyᵀ)ᵀ (wasm)', () => {
  useWasmBackend();
  afterAll(() => setDenseGradients(false));

  it('every gradient of a two-layer dense net agrees with tfjs\' own to float32 rounding; nothing leaks', async () => {
    // W₁ 300×64 (19 200 values) takes the (W·dyᵀ)ᵀ route; W₂ 64×12 is below the threshold and keeps dy·Wᵀ.
    const x = tf.randomNormal<tf.Rank.R2>([16, 300], 0, 1, 'float32', 1);
    const w1 = tf.randomNormal<tf.Rank.R2>([300, 64], 0, 0.1, 'float32', 2);
    const b1 = tf.randomNormal<tf.Rank.R1>([64], 0, 0.1, 'float32', 3);
    const w2 = tf.randomNormal<tf.Rank.R2>([64, 12], 0, 0.3, 'float32', 4);
    const b2 = tf.randomNormal<tf.Rank.R1>([12], 0, 0.1, 'float32', 5);
    const before = tf.memory().numTensors;
    const tfjs = denseGradients(false, x, w1, b1, w2, b2);
    let fast: Float32Array[] = [];
    const info = await tf.profile(() => { fast = denseGradients(true, x, w1, b1, w2, b2); });
    // The fast path ran: no fused kernel, and dx's transposes.
    expect(info.kernelNames).not.toContain('_FusedMatMul');
    expect(info.kernelNames).toContain('Transpose');
    expect(fast.map((g) => g.length)).toEqual([16 * 300, 300 * 64, 64, 64 * 12, 12]);
    for (let i = 0; i < tfjs.length; i++) expect(relativeGap(fast[i]!, tfjs[i]!)).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w1, b1, w2, b2]);
  });

  it('transposed and batched products keep tfjs\' gradient exactly; a relu fused matMul outside a tape is tfjs\' kernel', () => {
    const a = tf.randomNormal<tf.Rank.R3>([2, 5, 3], 0, 1, 'float32', 6);
    const b = tf.randomNormal<tf.Rank.R3>([2, 4, 3], 0, 1, 'float32', 7);
    const grads = (fast: boolean): number[][] => {
      setDenseGradients(fast);
      const gs = tf.grads((p, q) => tf.sum(tf.square(tf.matMul(p as tf.Tensor3D, q as tf.Tensor3D, false, true))))([a, b]);
      const v = gs.map((g) => Array.from(g.dataSync()));
      tf.dispose(gs);
      return v;
    };
    expect(grads(true)).toEqual(grads(false));
    const a2 = tf.randomNormal<tf.Rank.R2>([4, 3], 0, 1, 'float32', 8);
    const w = tf.randomNormal<tf.Rank.R2>([3, 5], 0, 1, 'float32', 9);
    setDenseGradients(true);
    const relu = tf.fused.matMul({ a: a2, b: w, activation: 'relu' });
    setDenseGradients(false);
    const reference = tf.fused.matMul({ a: a2, b: w, activation: 'relu' });
    expect(Array.from(relu.dataSync())).toEqual(Array.from(reference.dataSync()));
    tf.dispose([a, b, a2, w, relu, reference]);
  });

  it('3 steps of the mlp autoencoder (784-256-32, BCE, Adam, seed 3, batch 8): losses and weights as with tfjs\' gradient', async () => {
    const train = async (fast: boolean): Promise<{ losses: number[]; weights: Float32Array[] }> => {
      setDenseGradients(fast);
      const ae = buildAutoencoder(autoencoderTemplate('mlp', [28, 28, 1], 32), [28, 28, 1], 32, 3);
      const opt = makeOptimizer({ optimizer: 'adam', learningRate: 0.001, momentum: 0.9 });
      const losses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const x = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 20 + i);
        losses.push((await trainStep(ae, opt, x, x, { loss: 'bce' })).loss);
        x.dispose();
      }
      const weights = trainableVariables(ae).map((v) => v.dataSync() as Float32Array);
      disposeAutoencoder(ae);
      opt.dispose();
      return { losses, weights };
    };
    const tfjs = await train(false);
    const fast = await train(true);
    for (let i = 0; i < 3; i++) expect(Math.abs(fast.losses[i]! - tfjs.losses[i]!) / tfjs.losses[i]!).toBeLessThan(1e-5);
    // Adam divides by √v̂: a rounding-level gradient difference moves a weight by at most ~lr·1e-3 here.
    for (let i = 0; i < tfjs.weights.length; i++) expect(relativeGap(fast.weights[i]!, tfjs.weights[i]!)).toBeLessThan(1e-4);
  });
});
