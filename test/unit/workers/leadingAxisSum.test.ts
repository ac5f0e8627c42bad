import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../workers/engine/backend';
import { leadingAxisCount, setLeadingAxisReductions } from '../../../workers/engine/kernels/leadingAxisSum';
import { columnSumKernelFor } from '../../../workers/engine/simdKernels';
import { ganTemplate } from '../../../workers/common/families/gan/templates';
import { buildGan, disposeGan, makeGanOptimizer, trainableVariables } from '../../../workers/families/gan/model';
import { ganTrainStep } from '../../../workers/families/gan/step';
import { registerWasmKernels } from '../../../workers/engine/wasmKernels';
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** Run `fn` on the cpu backend and on wasm with the matmul reductions; both results' values. */
async function onBoth(fn: () => tf.Tensor | tf.Tensor[]): Promise<{ cpu: Float32Array[]; wasm: Float32Array[]; leaked: number }> {
  const run = (): Float32Array[] => {
    const out = tf.tidy(fn);
    const list = Array.isArray(out) ? out : [out];
    const values = list.map((t) => Float32Array.from(t.dataSync()));
    tf.dispose(list);
    return values;
  };
  await selectBackend('cpu');
  const cpu = run();
  await selectBackend('wasm');
  const before = tf.memory().numTensors;
  const wasm = run();
  return { cpu, wasm, leaked: tf.memory().numTensors - before };
}

function maxRelErr(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let worst = 0;
  a.forEach((x, i) => x.forEach((v, j) => { worst = Math.max(worst, Math.abs(v - b[i]![j]!) / Math.max(1, Math.abs(v))); }));
  return worst;
}

describe('leading-axis Sum and Mean in one SIMD pass (wasm) against the cpu backend', () => {
  beforeAll(() => setLeadingAxisReductions(true));
  afterAll(() => setLeadingAxisReductions(false));

  it('finds exactly the leading-axis reductions', () => {
    expect(leadingAxisCount([0, 1, 2], 4)).toBe(3);
    expect(leadingAxisCount([2, 0, 1], 4)).toBe(3);
    expect(leadingAxisCount(0, 2)).toBe(1);
    expect(leadingAxisCount([-4, -3], 4)).toBe(2);
    expect(leadingAxisCount([1, 2], 4)).toBe(0); // not leading
    expect(leadingAxisCount([0, 2], 4)).toBe(0); // not contiguous
    expect(leadingAxisCount([0, 1], 2)).toBe(0); // full reduction: already innermost
    expect(leadingAxisCount(undefined, 3)).toBe(0);
  });

  it('hand-computed: column sums and means of a 2×3 matrix', async () => {
    const r = await onBoth(() => {
      const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
      return [tf.sum(x, 0), tf.mean(x, 0, true)];
    });
    expect(Array.from(r.wasm[0]!)).toEqual([5, 7, 9]);
    expect(Array.from(r.wasm[1]!)).toEqual([2.5, 3.5, 4.5]);
    expect(r.leaked).toBe(0);
  });

  it('batch-norm shapes (DCGAN 64×14×14×64): Sum and Mean over [0, 1, 2], keepDims or not; fallbacks unchanged', async () => {
    const r = await onBoth(() => {
      const x = tf.randomNormal([64, 14, 14, 64], 0.5, 2, 'float32', 1);
      // Σ over [0] first: the same tensor reduced with two different [R, C] splits must not interfere.
      const s0 = tf.sum(x, 0);
      // Column counts 3 and 6: the SIMD loop's scalar tail alone, and with a vector part.
      const odd = [tf.sum(tf.randomNormal([5, 7, 3], 0, 1, 'float32', 4), [0, 1]), tf.mean(tf.randomNormal([10, 6], 0, 1, 'float32', 5), 0)];
      return [tf.sum(x, [0, 1, 2]), tf.mean(x, [0, 1, 2], true), tf.sum(x, [0, 1]), s0, tf.mean(x, [1, 2]), tf.sum(x, 3), tf.sum(tf.cast(tf.mul(x, 10), 'int32'), 0), ...odd];
    });
    expect(r.wasm.map((v) => v.length)).toEqual([64, 64, 14 * 64, 14 * 14 * 64, 64 * 64, 64 * 14 * 14, 14 * 14 * 64, 3, 6]);
    const backend = tf.backend();
    expect(backend instanceof BackendWasm && columnSumKernelFor(backend.wasm) !== null).toBe(true);
    expect(maxRelErr(r.cpu, r.wasm)).toBeLessThan(1e-4);
    expect(r.leaked).toBe(0);
  });

  it('batch-norm moments and their gradient through the reductions match cpu', async () => {
    const r = await onBoth(() => {
      const x = tf.randomNormal([16, 7, 7, 32], 0, 1, 'float32', 2);
      const target = tf.randomNormal([16, 7, 7, 32], 0, 1, 'float32', 3);
      const f = (v: tf.Tensor): tf.Scalar => {
        const { mean, variance } = tf.moments(v, [0, 1, 2]);
        return tf.sum(tf.mul(tf.div(tf.sub(v, mean), tf.sqrt(tf.add(variance, 1e-3))), target));
      };
      const { value, grad } = tf.valueAndGrad(f)(x);
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return [value, grad, mean, variance];
    });
    expect(maxRelErr(r.cpu, r.wasm)).toBeLessThan(1e-4);
    expect(r.leaked).toBe(0);
  });

  it('three DCGAN steps (batch norm in G and D) give the same losses and weights as the backend\'s reductions, to float tolerance', async () => {
    registerWasmKernels();
    await selectBackend('wasm');
    const names: string[] = ['losses'];
    const train = async (enabled: boolean): Promise<number[][]> => {
      setLeadingAxisReductions(enabled);
      const nets = buildGan(ganTemplate('dcgan', [28, 28, 1], 16), [28, 28, 1], 16, 3);
      const hyper = { optimizer: 'adam', momentum: 0.9, beta1: 0.5 } as const;
      const [optD, optG] = [makeGanOptimizer(hyper, 2e-4), makeGanOptimizer(hyper, 2e-4)];
      const losses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const real = tf.tidy(() => tf.sub(tf.mul(tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 60 + i), 2), 1));
        const r = await ganTrainStep(nets, optD, optG, [real], { loss: 'nonsaturating', targets: { real: 1, fake: 0 }, clipValue: 0.01, gpWeight: 10, seed: i });
        losses.push(r.dLoss, r.gLoss);
        real.dispose();
      }
      const variables = [...trainableVariables(nets.generator), ...trainableVariables(nets.discriminator)];
      if (names.length === 1) names.push(...variables.map((v) => v.name));
      const weights = variables.map((v) => Array.from(v.dataSync()));
      disposeGan(nets);
      optD.dispose();
      optG.dispose();
      return [losses, ...weights];
    };
    const before = tf.memory().numTensors;
    const theirs = await train(false);
    const ours = await train(true);
    expect(tf.memory().numTensors).toBe(before);
    const err = theirs.map((a, i) => maxRelErr([Float32Array.from(a)], [Float32Array.from(ours[i]!)]));
    expect(err[0]).toBeLessThan(1e-5); // the six losses
    // A bias feeding a batch norm has a true gradient of zero: Adam scales its roundoff to ±lr (2e-4) a step,
    // so any change of summation order moves it by up to 3 steps × lr. Every other weight agrees within lr/2
    // (Adam's normalised steps amplify roundoff where gradients are tiny).
    const feedsBatchNorm = (name: string): boolean => /(project|deconv1|conv2)\/bias/.test(name);
    names.forEach((name, i) => expect(err[i]!, name).toBeLessThan(i > 0 && feedsBatchNorm(name) ? 3 * 2e-4 * 1.1 : 1e-4));
    expect(names.filter(feedsBatchNorm)).toHaveLength(3);
  });
});
