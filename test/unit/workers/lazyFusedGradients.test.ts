import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ganTemplate } from '../../../workers/common/families/gan/templates';
import { setLazyFusedGradients } from '../../../workers/engine/lazyFusedGradients';
import { buildGan, disposeGan, makeGanOptimizer, trainableVariables } from '../../../workers/families/gan/model';
import { ganTrainStep, type GanStepOptions, type GanStepResult } from '../../../workers/families/gan/step';
import { useWasmBackend } from '../../helpers/inProcessTraining';

/** Real batches in [−1, 1] (seeded) for a 28×28×1 DCGAN, batch 8. */
const realBatch = (k: number): tf.Tensor => tf.tidy(() => tf.sub(tf.mul(tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 50 + k), 2), 1));

interface Trained { results: GanStepResult[]; weights: Float32Array[]; kernels: Record<string, number> }

/** Three DCGAN steps (seed 3, Adam β₁ 0.5) with the lazy gradients on or off; kernel counts of the last step. */
async function trainDcgan(lazy: boolean, loss: GanStepOptions['loss']): Promise<Trained> {
  setLazyFusedGradients(lazy);
  const nets = buildGan(ganTemplate('dcgan', [28, 28, 1], 16), [28, 28, 1], 16, 3);
  const [optD, optG] = [makeGanOptimizer({ optimizer: 'adam', momentum: 0.9, beta1: 0.5 }, 2e-4), makeGanOptimizer({ optimizer: 'adam', momentum: 0.9, beta1: 0.5 }, 2e-4)];
  const results: GanStepResult[] = [];
  const kernels: Record<string, number> = {};
  for (let i = 0; i < 3; i++) {
    const real = [realBatch(i)];
    const o: GanStepOptions = { loss, targets: { real: 1, fake: 0 }, clipValue: 0.01, gpWeight: 10, seed: i };
    if (i < 2) results.push(await ganTrainStep(nets, optD, optG, real, o));
    else {
      const info = await tf.profile(async () => { results.push(await ganTrainStep(nets, optD, optG, real, o)); });
      for (const k of info.kernels) kernels[k.name] = (kernels[k.name] ?? 0) + 1;
    }
    tf.dispose(real);
  }
  const weights = [...trainableVariables(nets.generator), ...trainableVariables(nets.discriminator)].map((v) => v.dataSync() as Float32Array);
  disposeGan(nets);
  optD.dispose();
  optG.dispose();
  return { results, weights, kernels };
}

describe('lazy fused-conv gradients in the GAN step (wasm)', () => {
  useWasmBackend();
  afterAll(() => setLazyFusedGradients(false));

  it.each<GanStepOptions['loss']>(['nonsaturating', 'wgan-gp'])('%s: losses and weights after 3 DCGAN steps are bit-identical; fewer conv gradient kernels run', async (loss) => {
    const eager = await trainDcgan(false, loss);
    const lazy = await trainDcgan(true, loss);
    expect(lazy.results).toEqual(eager.results);
    expect(lazy.weights).toEqual(eager.weights);
    const count = (t: Trained, k: string): number => t.kernels[k] ?? 0;
    console.log(`${loss}: Conv2DBackpropInput ${count(eager, 'Conv2DBackpropInput')} → ${count(lazy, 'Conv2DBackpropInput')}, Conv2DBackpropFilter ${count(eager, 'Conv2DBackpropFilter')} → ${count(lazy, 'Conv2DBackpropFilter')} per step`);
    // D step: D's first conv has data as input, so no input gradient; G step: D's two conv filters get none.
    expect(count(lazy, 'Conv2DBackpropInput')).toBeLessThan(count(eager, 'Conv2DBackpropInput'));
    expect(count(lazy, 'Conv2DBackpropFilter')).toBeLessThan(count(eager, 'Conv2DBackpropFilter'));
  });

  it('dx, dW, db of a fused linear conv equal tfjs\' customGrad\'s; a relu conv keeps tfjs\' path; nothing leaks', () => {
    const x = tf.randomNormal<tf.Rank.R4>([2, 6, 6, 3], 0, 1, 'float32', 1);
    const w = tf.randomNormal<tf.Rank.R4>([3, 3, 3, 4], 0, 1, 'float32', 2);
    const b = tf.randomNormal<tf.Rank.R1>([4], 0, 1, 'float32', 3);
    const before = tf.memory().numTensors;
    const gradients = (lazy: boolean): number[][] => {
      setLazyFusedGradients(lazy);
      const gs = tf.grads((xx, ww, bb) => tf.sum(tf.square(tf.fused.conv2d({ x: xx as tf.Tensor4D, filter: ww as tf.Tensor4D, bias: bb, strides: 2, pad: 'same' }))))([x, w, b]);
      const values = gs.map((g) => Array.from(g.dataSync()));
      tf.dispose(gs);
      return values;
    };
    const eager = gradients(false);
    expect(gradients(true)).toEqual(eager);
    expect(eager.map((g) => g.length)).toEqual([2 * 6 * 6 * 3, 3 * 3 * 3 * 4, 4]);
    // Lazy is on: a relu conv outside a tape is tfjs' fused kernel, as with it off.
    const relu = tf.fused.conv2d({ x, filter: w, bias: b, strides: 1, pad: 'same', activation: 'relu' });
    setLazyFusedGradients(false);
    const reference = tf.fused.conv2d({ x, filter: w, bias: b, strides: 1, pad: 'same', activation: 'relu' });
    expect(Array.from(relu.dataSync())).toEqual(Array.from(reference.dataSync()));
    expect(Math.min(...relu.dataSync())).toBe(0);
    tf.dispose([relu, reference]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, b]);
  });
});
