import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { autoencoderTemplate } from '../../../workers/common/families/autoencoder/templates';
import { loadCheckpoint, saveCheckpoint } from '../../../workers/engine/checkpoint';
import { adamUpdate, FusedAdamOptimizer } from '../../../workers/engine/fusedAdam';
import { selectBackend } from '../../../workers/engine/backend';
import { adamKernelFor } from '../../../workers/engine/simdKernels';
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { buildAutoencoder, disposeAutoencoder, type Autoencoder } from '../../../workers/families/autoencoder/model';
import { trainStep } from '../../../workers/families/autoencoder/step';
import { tempFolder, useWasmBackend } from '../../helpers/inProcessTraining';

const tmp = tempFolder('lw-fused-adam-');

/** Fixed batches of 16 "images" in [0, 1] (seeded), shared by both optimizers. */
function batches(count: number): tf.Tensor[] {
  return Array.from({ length: count }, (_, k) => tf.randomUniform([16, 28, 28, 1], 0, 1, 'float32', 100 + k));
}

function weightsOf(ae: Autoencoder): Float32Array[] {
  return [...ae.encoder.getWeights(), ...ae.decoder.getWeights()].map((w) => w.dataSync() as Float32Array);
}

function maxAbsDiff(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let worst = 0;
  a.forEach((x, i) => x.forEach((v, j) => { worst = Math.max(worst, Math.abs(v - b[i]![j]!)); }));
  return worst;
}

/** Train the mlp autoencoder (seed 7, 32-d code) for the given batches; returns the losses. */
async function train(ae: Autoencoder, opt: tf.Optimizer, xs: readonly tf.Tensor[]): Promise<number[]> {
  const losses: number[] = [];
  for (const x of xs) losses.push((await trainStep(ae, opt, x, x, { loss: 'bce' })).loss);
  return losses;
}

const build = (): Autoencoder => buildAutoencoder(autoencoderTemplate('mlp', [28, 28, 1], 32), [28, 28, 1], 32, 7);

describe('fused Adam', () => {
  it('one update matches the formula worked by hand', () => {
    // β₁ = 0.9, β₂ = 0.999, lr = 0.1, ε = 1e-8, step 1 from m = v = 0, g = 2:
    // m = 0.2, v = 0.004, m̂ = 0.2/0.1 = 2, v̂ = 0.004/0.001 = 4, w = 1 − 0.1·2/(2 + 1e-8) ≈ 0.9.
    const out = [new Float32Array(1), new Float32Array(1), new Float32Array(1)];
    adamUpdate(Float32Array.of(2), Float32Array.of(0), Float32Array.of(0), Float32Array.of(1), out[0]!, out[1]!, out[2]!,
      { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, learningRate: 0.1, correction1: 0.1, correction2: 0.001 });
    expect(out[0]![0]).toBeCloseTo(0.2, 6);
    expect(out[1]![0]).toBeCloseTo(0.004, 7);
    expect(out[2]![0]).toBeCloseTo(0.9, 6);
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    describe(`on ${backend}`, () => {
      if (backend === 'wasm') useWasmBackend();
      else it('selects cpu', async () => { expect(await selectBackend('cpu')).toBe('cpu'); });
      const xs: tf.Tensor[] = [];

      it('odd-sized variables (the SIMD kernel\'s scalar tail) follow tfjs Adam over 5 steps', () => {
        const backendObj = tf.backend();
        if (backend === 'wasm') expect(backendObj instanceof BackendWasm && adamKernelFor(backendObj.wasm) !== null).toBe(true);
        const shapes = [[7], [3, 5], [1], [4, 2]];
        const make = (tag: string): tf.Variable[] => shapes.map((s, i) => tf.variable(tf.randomNormal(s, 0, 1, 'float32', 10 + i), true, `odd${tag}${i}`));
        const [a, b] = [make('a'), make('b')];
        const [ref, fused] = [tf.train.adam(0.05), new FusedAdamOptimizer(0.05)];
        for (let step = 0; step < 5; step++) {
          const gs = shapes.map((s, i) => tf.randomNormal(s, 0, 1, 'float32', 100 * step + i));
          ref.applyGradients(a.map((v, i) => ({ name: v.name, tensor: gs[i]! })));
          fused.applyGradients(b.map((v, i) => ({ name: v.name, tensor: gs[i]! })));
          tf.dispose(gs);
        }
        expect(fused.fusedSteps).toBe(5);
        const diff = maxAbsDiff(a.map((v) => v.dataSync() as Float32Array), b.map((v) => v.dataSync() as Float32Array));
        expect(diff).toBeLessThan(1e-6);
        // 5 steps of lr 0.05 move each weight by up to ~0.25: the comparison is not of unchanged values.
        const init = make('c');
        expect(maxAbsDiff(a.map((v) => v.dataSync() as Float32Array), init.map((v) => v.dataSync() as Float32Array))).toBeGreaterThan(0.1);
        tf.dispose([...a, ...b, ...init]);
        ref.dispose();
        fused.dispose();
      });
      afterAll(() => tf.dispose(xs));

      // 100 steps on wasm (the app's backend); 20 on the slow cpu backend.
      const steps = backend === 'wasm' ? 100 : 20;
      it(`${steps} autoencoder steps equal tfjs Adam's to float tolerance, leak-free`, async () => {
        xs.push(...batches(steps));
        const [a, b] = [build(), build()];
        const [fused, reference] = [new FusedAdamOptimizer(0.001), tf.train.adam(0.001)];
        const lossesRef = await train(a, reference, xs);
        const before = tf.memory().numTensors;
        const lossesFused = await train(b, fused, xs.slice(0, 1));
        const afterFirst = tf.memory().numTensors; // the first step creates the slot variables
        lossesFused.push(...await train(b, fused, xs.slice(1)));
        expect(tf.memory().numTensors).toBe(afterFirst);
        expect(afterFirst).toBeGreaterThan(before);
        expect(fused.fusedSteps).toBe(steps);
        const diff = maxAbsDiff(weightsOf(a), weightsOf(b));
        console.log(`${backend}: max |w_fused − w_tfjs| after ${steps} steps ${diff.toExponential(2)}; loss ${lossesRef[0]!.toFixed(4)} → ${lossesRef[steps - 1]!.toFixed(4)}`);
        expect(diff).toBeLessThan(1e-4);
        // Summed per-image BCE (~540): agree to a few float32 ulps (relative 1e-6).
        lossesFused.forEach((l, i) => expect(Math.abs(l - lossesRef[i]!)).toBeLessThan(1e-6 * lossesRef[i]!));
        // The comparison means something: the weights moved far more than the tolerance.
        const init = build();
        expect(maxAbsDiff(weightsOf(init), weightsOf(a))).toBeGreaterThan(1e-2);
        disposeAutoencoder(init);
        disposeAutoencoder(a);
        disposeAutoencoder(b);
        fused.dispose();
        reference.dispose();
      });

      it('a checkpoint saved from the fused Adam resumes either optimizer on the uninterrupted path', async () => {
        const [whole, first] = [build(), build()];
        const wholeOpt = new FusedAdamOptimizer(0.001);
        await train(whole, wholeOpt, xs.slice(0, 20));
        const firstOpt = new FusedAdamOptimizer(0.001);
        await train(first, firstOpt, xs.slice(0, 10));
        const dir = join(tmp, backend);
        await saveCheckpoint(dir, [first.encoder, first.decoder], firstOpt, { epoch: 1, step: 10, rng: {} });
        for (const resumedOpt of [new FusedAdamOptimizer(0.001), tf.train.adam(0.001)]) {
          const resumed = build();
          await loadCheckpoint(dir, [resumed.encoder, resumed.decoder], resumedOpt);
          expect(resumedOpt.iterations).toBe(10);
          await train(resumed, resumedOpt, xs.slice(10, 20));
          expect(maxAbsDiff(weightsOf(resumed), weightsOf(whole))).toBeLessThan(1e-5);
          disposeAutoencoder(resumed);
          resumedOpt.dispose();
        }
        disposeAutoencoder(whole);
        disposeAutoencoder(first);
        wholeOpt.dispose();
        firstOpt.dispose();
      });
    });
  }
});
