/**
 * XNNPACK's thread pool (workers/engine/wasmThreads.ts, LATENT_WASM_THREADS):
 * the same tiny training run — LeNet-5 (the app's template), weights seeded 7,
 * Adam lr 0.001, 6 steps on seeded random 28×28×1 batches of 16 — in two
 * worker threads of the built app, as the training host runs tfjs (each worker
 * thread has its own tfjs and its own wasm backend), one with 1 thread and one
 * with 2 (the pool really has 2: tfjs reports it).
 *
 * The losses must agree within 1e-4 relative. Both runs use the SIMD fused
 * Adam and one-pass column sums (simdKernels.ts; in the threaded build their
 * `shared`-memory variant, the same code), and the batch-norm passes bind to
 * either memory (kernels/batchNormSimd.ts); XNNPACK splits its GEMMs by output
 * tiles, so the thread count should not change a sum's order, but the
 * tolerance leaves room for kernels that split a reduction. Six Adam steps of
 * 0.001 keep legitimate differences far below 1e-4; a broken pool (garbage or
 * a stale buffer) would differ by far more. (On the 2-core machine of session
 * 25 the two runs' losses came out bit for bit equal.)
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { repoRoot, requireBuilt } from '../helpers/tempDir';

const STEPS = 6;
const REL_TOLERANCE = 1e-4;

/** CommonJS run in a worker thread against dist/: selects wasm as the host does, trains, posts the losses. */
const script = (dist: string): string => `
const { parentPort } = require('node:worker_threads');
const dist = ${JSON.stringify(dist)};
const tf = require(require.resolve('@tensorflow/tfjs', { paths: [dist] }));
(async () => {
  const { prepareReplicaBackend } = require(dist + '/workers/engine/dataParallel/replicaBackend.js');
  const { wasmThreadsInUse } = require(dist + '/workers/engine/wasmThreads.js');
  const { classifierTemplate } = require(dist + '/workers/common/families/classifier/templates.js');
  const { buildClassifier } = require(dist + '/workers/families/classifier/model.js');
  const { trainStep } = require(dist + '/workers/families/classifier/step.js');
  const { makeOptimizer } = require(dist + '/workers/engine/optimizer.js');
  const { adamKernelFor, columnSumKernelFor } = require(dist + '/workers/engine/simdKernels.js');
  const { batchNormSimdFor } = require(dist + '/workers/engine/kernels/batchNormSimd.js');
  await prepareReplicaBackend('wasm');
  const cm = buildClassifier(classifierTemplate('lenet', [28, 28, 1], 10), [28, 28, 1], 10, 7);
  const opt = makeOptimizer({ optimizer: 'adam', learningRate: 0.001, momentum: 0.9 });
  const losses = [];
  for (let s = 0; s < ${STEPS}; s++) {
    const xs = tf.randomUniform([16, 28, 28, 1], 0, 1, 'float32', 100 + s);
    const labels = tf.tensor1d(Array.from({ length: 16 }, (_, j) => (j * 7 + s) % 10), 'int32');
    const ys = tf.tidy(() => tf.cast(tf.oneHot(labels, 10), 'float32'));
    losses.push((await trainStep(cm, opt, { xs, labels, ys })).loss);
    tf.dispose([xs, labels, ys]);
  }
  const wasm = tf.backend().wasm;
  const simd = adamKernelFor(wasm) !== null && columnSumKernelFor(wasm) !== null && batchNormSimdFor(wasm) !== null;
  parentPort.postMessage({ losses, inUse: wasmThreadsInUse() ?? null, backend: tf.getBackend(), simd });
})().catch((e) => parentPort.postMessage({ error: String(e && e.stack || e) }));
`;

interface Outcome { losses: number[]; inUse: { threads: number; fallback?: string } | null; backend: string; simd: boolean; error?: string }

function trainIn(threads: number): Promise<Outcome> {
  const dist = path.join(repoRoot, 'dist');
  return new Promise((resolve, reject) => {
    const w = new Worker(script(dist), { eval: true, env: { ...process.env, LATENT_WASM_THREADS: String(threads) } });
    w.once('message', (m: Outcome) => { void w.terminate().then(() => resolve(m)); });
    w.once('error', reject);
  });
}

describe('XNNPACK thread pool on the wasm backend', () => {
  it('trains LeNet to the same losses with 2 threads as with 1 (seed 7, relative 1e-4)', async () => {
    requireBuilt();
    const one = await trainIn(1);
    const two = await trainIn(2);
    expect(one.error).toBeUndefined();
    expect(two.error).toBeUndefined();
    expect([one.backend, two.backend]).toEqual(['wasm', 'wasm']);
    expect(one.inUse).toEqual({ threads: 1 });
    expect(two.inUse).toEqual({ threads: 2 });
    // The fused Adam, column sums and batch-norm passes can run in both (the threaded build's memory is shared: their `shared` variant).
    expect([one.simd, two.simd]).toEqual([true, true]);
    expect(one.losses).toHaveLength(STEPS);
    // Random labels for 10 classes: each loss near ln 10 ≈ 2.30, so the run really trained.
    for (const l of one.losses) expect(Math.abs(l - Math.log(10))).toBeLessThan(0.5);
    one.losses.forEach((l, i) => expect(Math.abs(l - two.losses[i]!)).toBeLessThanOrEqual(REL_TOLERANCE * Math.abs(l)));
  });
});
