/**
 * Three DCGAN steps (batch size 8, noise 16, seeds stated inline) with
 * tf.layers' batch norms fused (workers/engine/fusedBatchNormLayer.ts) vs
 * tfjs' own, both on wasm with the one-pass sums: same losses, weights,
 * moving means and variances (to float tolerance), and the same weight names
 * and shapes, so checkpoints are interchangeable.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../workers/engine/backend';
import { setLeadingAxisReductions } from '../../../workers/engine/kernels/leadingAxisSum';
import { BATCH_NORM_TRAIN } from '../../../workers/engine/kernels/fusedBatchNorm';
import { setFusedBatchNorm } from '../../../workers/engine/fusedBatchNormLayer';
import { registerWasmKernels } from '../../../workers/engine/wasmKernels';
import { ganTemplate } from '../../../workers/common/families/gan/templates';
import { buildGan, disposeGan, makeGanOptimizer } from '../../../workers/families/gan/model';
import { ganTrainStep } from '../../../workers/families/gan/step';

interface Trained { losses: number[]; names: string[]; shapes: number[][]; values: Float32Array[]; kernels: string[] }

async function train(fused: boolean): Promise<Trained> {
  setFusedBatchNorm(fused);
  const nets = buildGan(ganTemplate('dcgan', [28, 28, 1], 16), [28, 28, 1], 16, 3);
  const hyper = { optimizer: 'adam', momentum: 0.9, beta1: 0.5 } as const;
  const [optD, optG] = [makeGanOptimizer(hyper, 2e-4), makeGanOptimizer(hyper, 2e-4)];
  const losses: number[] = [];
  const kernels: string[] = [];
  for (let i = 0; i < 3; i++) {
    const real = tf.tidy(() => tf.sub(tf.mul(tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 60 + i), 2), 1));
    const profile = await tf.profile(async () => {
      const r = await ganTrainStep(nets, optD, optG, [real], { loss: 'nonsaturating', targets: { real: 1, fake: 0 }, clipValue: 0.01, gpWeight: 10, seed: i });
      losses.push(r.dLoss, r.gLoss);
    });
    kernels.push(...profile.kernels.map((k) => k.name));
    real.dispose();
  }
  // Every weight, trainable or not (the moving mean and variance included): what a checkpoint stores.
  const weights = [...nets.generator.weights, ...nets.discriminator.weights];
  const out = { losses, names: weights.map((w) => w.name), shapes: weights.map((w) => w.shape.map((d) => d ?? -1)), values: weights.map((w) => Float32Array.from(w.read().dataSync())), kernels };
  disposeGan(nets);
  optD.dispose();
  optG.dispose();
  return out;
}

const relErr = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, j) => Math.max(m, Math.abs(v - b[j]!) / Math.max(1, Math.abs(b[j]!))), 0);

describe('DCGAN with the fused training batch norm (wasm)', () => {
  afterAll(() => setFusedBatchNorm(false));

  it('three steps: losses, weights and moving statistics as with tfjs\' batch norm; same weight names and shapes; nothing leaked', async () => {
    registerWasmKernels();
    await selectBackend('wasm');
    setLeadingAxisReductions(true);
    const before = tf.memory().numTensors;
    const theirs = await train(false);
    const ours = await train(true);
    expect(tf.memory().numTensors).toBe(before);
    expect(theirs.kernels).not.toContain(BATCH_NORM_TRAIN);
    expect(ours.kernels.filter((k) => k === BATCH_NORM_TRAIN).length).toBeGreaterThan(0);
    expect(ours.names.map((n) => n.replace(/_\d+$/, ''))).toEqual(theirs.names.map((n) => n.replace(/_\d+$/, '')));
    expect(ours.shapes).toEqual(theirs.shapes);
    expect(ours.names.filter((n) => /moving_(mean|variance)/.test(n))).toHaveLength(6); // three batch norms
    expect(relErr(Float32Array.from(ours.losses), Float32Array.from(theirs.losses))).toBeLessThan(1e-5);
    // As in leadingAxisSum.test.ts: a bias feeding a batch norm has a true gradient of zero, so Adam turns
    // roundoff into steps of up to ±lr (2e-4) — each run's in its own direction, so the runs part by up to
    // 2 × 3 steps × lr — and the moving mean follows that bias (the batch mean includes it); every other
    // weight and statistic agrees within lr/2.
    const followsRoundoff = (name: string): boolean => /(project|deconv1|conv2)\/bias|moving_mean/.test(name);
    ours.names.forEach((name, i) => expect(relErr(ours.values[i]!, theirs.values[i]!), name).toBeLessThan(followsRoundoff(name) ? 2 * 3 * 2e-4 * 1.1 : 1e-4));
  });
});
