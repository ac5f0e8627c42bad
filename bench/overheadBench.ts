/**
 * Issue 17's overhead items, each measured as old vs new in one process,
 * interleaved (A, B, A, B, … rounds of a few steps), min and median ms:
 *  - adam: the deep autoencoder 784-1000-500-250-30-250-500-1000-784 (relu,
 *    sigmoid out, MSE, batch 64, 2.8 M weights) — a whole training step, and
 *    the optimizer update alone (applyGradients on fixed gradients), with
 *    tfjs' Adam vs the fused Adam (workers/engine/fusedAdam.ts).
 *  - lazy_grads: one DCGAN step (D then G, MNIST-shaped batch 64, Adam β₁ 0.5)
 *    with tfjs' eager fused-conv gradients vs the lazy ones
 *    (workers/engine/lazyFusedGradients.ts).
 *  - leading_sum: Σ over [0, 1, 2] of a 64×14×14×64 activation (batch norm's
 *    moments and the bias gradients), the backend's transpose + reduce vs the
 *    one-pass SIMD kernel (workers/engine/kernels/leadingAxisSum.ts); and a
 *    DCGAN step with each.
 *  - fused_batchnorm: training batch norm over the last axis forward, and
 *    forward + backward (dx, dγ, dβ for a fixed dy), on DCGAN's shapes
 *    (D 64×7×7×128, G 64×14×14×64 and G's dense 64×6272), tfjs' moments +
 *    batchNorm chain vs the fused kernels (workers/engine/kernels/fusedBatchNorm.ts);
 *    and a DCGAN step (this file's and perf.ts' dcgan workload) with
 *    tf.layers' call tfjs' own vs fused.
 *  - dense_grads: one step of perf.ts' mlp, ae_mlp and vae_mlp workloads
 *    with tfjs' dense input gradient (dy·Wᵀ, and tf.fused.matMul's
 *    customGrad for linear layers) vs (W·dyᵀ)ᵀ (workers/engine/denseGradients.ts).
 *  - classifier_loss: perf.ts' mlp classifier step (784-128-10 softmax, batch
 *    64, Adam) with the loss and correct count taped as before (six taped
 *    loss ops, the count inside the tape) vs classifier/step.ts' trainStep
 *    (the loss as one op, workers/engine/probabilityCrossEntropy.ts, the count
 *    off the tape); dense gradients on in both.
 *  - vae_nll: perf.ts' vae_mlp step (Bernoulli decoder, β 1) with the NLL's
 *    seven element-wise ops taped vs one op with the gradient sigmoid(l) − x
 *    (workers/families/vae/bernoulliNll.ts); dense gradients on in both.
 *  - ae_bce: perf.ts' ae_mlp step (sigmoid out, BCE) with the BCE's ops taped
 *    vs one op with the tape's gradient chain written out
 *    (workers/families/autoencoder/losses.ts); dense gradients on in both.
 *  - small_dense: the mlp, ae_mlp and vae_mlp steps with all four of the
 *    above off (before) vs on (after).
 * The harness registers the leading-axis kernels, so the adam and lazy_grads
 * arms both run with them.
 * Merges its keys (overhead.*) into bench/results/throughput.json.
 *
 *   npm run build:node && node dist/bench/overheadBench.js [--rounds 10] [--steps 5] [--gan-rounds 6]
 *     [--only adam|leading_sum|lazy_grads|fused_batchnorm|dense_grads|classifier_loss|vae_nll|ae_bce|small_dense] [--dense-rounds 12]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { appRoot } from '../main/services/appInfo';
import { ganTemplate } from '../workers/common/families/gan/templates';
import { FusedAdamOptimizer } from '../workers/engine/fusedAdam';
import { setLeadingAxisReductions } from '../workers/engine/kernels/leadingAxisSum';
import { setLazyFusedGradients } from '../workers/engine/lazyFusedGradients';
import { batchNormTraining, tfjsBatchNormTraining, type BatchNormResult } from '../workers/engine/kernels/fusedBatchNorm';
import { setFusedBatchNorm } from '../workers/engine/fusedBatchNormLayer';
import { setDenseGradients } from '../workers/engine/denseGradients';
import { buildGan, makeGanOptimizer } from '../workers/families/gan/model';
import { classifierTemplate } from '../workers/common/families/classifier/templates';
import { makeOptimizer } from '../workers/engine/optimizer';
import { buildClassifier } from '../workers/families/classifier/model';
import { trainStep as classifierStep } from '../workers/families/classifier/step';
import { vaeTemplate } from '../workers/common/families/vae/templates';
import { buildVae, disposeVae } from '../workers/families/vae/model';
import { vaeTrainStep } from '../workers/families/vae/step';
import { tapedAutoencoderStep, tapedClassifierStep, tapedVaeStep } from './harness/tapedSteps';
import { autoencoderTemplate } from '../workers/common/families/autoencoder/templates';
import { buildAutoencoder, disposeAutoencoder } from '../workers/families/autoencoder/model';
import { trainStep as autoencoderStep } from '../workers/families/autoencoder/step';
import { ganTrainStep } from '../workers/families/gan/step';
import { machineInfo, prepareBackend } from './harness/runtime';
import { buildWorkload, type WorkloadId } from './harness/perfWorkloads';

const BATCH = 64;

function argNumber(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

export interface Summary { min: number; median: number; n: number }

export function summarise(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { min: Number(s[0]!.toFixed(3)), median: Number(median.toFixed(3)), n: s.length };
}

/** `<key>.<arm>_min_ms` and `<key>.<arm>_median_ms` of each arm's samples. */
function recordArms(results: Record<string, number | string>, key: string, r: Readonly<Record<string, readonly number[]>>, arms: readonly string[]): void {
  for (const arm of arms) {
    const s = summarise(r[arm]!);
    results[`${key}.${arm}_min_ms`] = s.min;
    results[`${key}.${arm}_median_ms`] = s.median;
  }
}

/** Rounds of `steps` calls of each variant in turn (after one warm-up round each); per-call ms of every round. */
export async function interleave(variants: Record<string, () => Promise<void>>, rounds: number, steps: number): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let r = -1; r < rounds; r++) {
    for (const [name, fn] of Object.entries(variants)) {
      const t0 = performance.now();
      for (let s = 0; s < steps; s++) await fn();
      if (r >= 0) out[name]!.push((performance.now() - t0) / steps);
    }
  }
  return out;
}

function deepAutoencoder(seed: number): tf.Sequential {
  const sizes = [1000, 500, 250, 30, 250, 500, 1000];
  const m = tf.sequential();
  sizes.forEach((units, i) => m.add(tf.layers.dense({ units, activation: units === 30 ? 'linear' : 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }), ...(i === 0 ? { inputShape: [784] } : {}) })));
  m.add(tf.layers.dense({ units: 784, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 99 }) }));
  return m;
}

/** Deep-AE step and update-only timings, tfjs Adam vs fused. */
async function adamBench(results: Record<string, number | string>, rounds: number, steps: number): Promise<void> {
  const x = tf.randomUniform([BATCH, 784], 0, 1, 'float32', 1);
  const arms = { tfjs: { model: deepAutoencoder(3), opt: tf.train.adam(1e-3) as tf.Optimizer }, fused: { model: deepAutoencoder(3), opt: new FusedAdamOptimizer(1e-3) as tf.Optimizer } };
  const step = (a: { model: tf.Sequential; opt: tf.Optimizer }) => async (): Promise<void> => {
    const loss = a.opt.minimize(() => tf.losses.meanSquaredError(x, a.model.apply(x) as tf.Tensor) as tf.Scalar, true);
    await loss!.data();
    loss!.dispose();
  };
  const whole = await interleave({ tfjs: step(arms.tfjs), fused: step(arms.fused) }, rounds, steps);
  const vars = arms.tfjs.model.trainableWeights.map((w) => w.read() as tf.Variable);
  const grads = tf.tidy(() => tf.variableGrads(() => tf.losses.meanSquaredError(x, arms.tfjs.model.apply(x) as tf.Tensor) as tf.Scalar, vars).grads);
  const update = (opt: tf.Optimizer) => async (): Promise<void> => {
    opt.applyGradients(grads);
    await vars[0]!.data();
  };
  const only = await interleave({ tfjs: update(tf.train.adam(1e-3)), fused: update(new FusedAdamOptimizer(1e-3)) }, rounds, steps);
  for (const [what, r] of [['step', whole], ['update', only]] as const) {
    recordArms(results, `overhead.adam.deep_ae_b64.${what}`, r, ['tfjs', 'fused']);
  }
  results['overhead.adam.samples_per_arm'] = rounds;
  tf.dispose([x, ...Object.values(grads)]);
}

/** One DCGAN step per call; `variants` name an arm and what to switch before its step. */
async function dcganBench(results: Record<string, number | string>, key: string, variants: Record<string, () => void>, rounds: number): Promise<void> {
  const real = tf.tidy(() => tf.sub(tf.mul(tf.randomUniform([BATCH, 28, 28, 1], 0, 1, 'float32', 5), 2), 1));
  const arms: Record<string, () => Promise<void>> = {};
  let seed = 0;
  for (const [name, setUp] of Object.entries(variants)) {
    const nets = buildGan(ganTemplate('dcgan', [28, 28, 1], 100), [28, 28, 1], 100, 3);
    const hyper = { optimizer: 'adam', momentum: 0.9, beta1: 0.5 } as const;
    const [optD, optG] = [makeGanOptimizer(hyper, 2e-4), makeGanOptimizer(hyper, 2e-4)];
    arms[name] = async () => {
      setUp();
      await ganTrainStep(nets, optD, optG, [real], { loss: 'nonsaturating', targets: { real: 1, fake: 0 }, clipValue: 0.01, gpWeight: 10, seed: seed++ });
    };
  }
  const r = await interleave(arms, rounds, 1);
  for (const name of Object.keys(variants)) {
    const s = summarise(r[name]!);
    results[`overhead.${key}.dcgan_b64.step.${name}_min_ms`] = s.min;
    results[`overhead.${key}.dcgan_b64.step.${name}_median_ms`] = s.median;
  }
  results[`overhead.${key}.samples_per_arm`] = rounds;
  real.dispose();
}

/**
 * perf.ts' DCGAN workload (noise 64, its image pool), one step per call; an arm's set-up runs before each
 * of its steps. Also the process CPU time of each step (user + system): on a shared machine wall time
 * includes waiting for a core, CPU time much less so.
 */
async function dcganWorkloadBench(results: Record<string, number | string>, key: string, variants: Record<string, () => void>, rounds: number): Promise<void> {
  const workloads = Object.fromEntries(Object.keys(variants).map((name) => [name, buildWorkload('dcgan', 1)]));
  const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  const arms = Object.fromEntries(Object.entries(variants).map(([name, setUp]) => [name, async (): Promise<void> => {
    setUp();
    const c0 = process.cpuUsage();
    await workloads[name]!.step();
    const c = process.cpuUsage(c0);
    cpu[name]!.push((c.user + c.system) / 1000);
  }]));
  const r = await interleave(arms, rounds, 1);
  for (const name of Object.keys(variants)) {
    const [wall, busy] = [summarise(r[name]!), summarise(cpu[name]!.slice(1))]; // slice(1): interleave's warm-up round
    results[`overhead.${key}.perf_dcgan_b64.step.${name}_min_ms`] = wall.min;
    results[`overhead.${key}.perf_dcgan_b64.step.${name}_median_ms`] = wall.median;
    results[`overhead.${key}.perf_dcgan_b64.step_cpu.${name}_min_ms`] = busy.min;
    results[`overhead.${key}.perf_dcgan_b64.step_cpu.${name}_median_ms`] = busy.median;
  }
  results[`overhead.${key}.perf_dcgan_samples_per_arm`] = rounds;
  for (const w of Object.values(workloads)) w.dispose();
}

/**
 * Steps of perf.ts' workloads `ids` (one model per arm, rounds of `steps`), an arm's set-up before each
 * of its rounds; wall ms per step and the process CPU ms per step (user + system, less sensitive to
 * waiting for a core on a shared machine).
 */
async function workloadArmsBench(results: Record<string, number | string>, key: string, ids: readonly WorkloadId[], variants: Record<string, () => void>, rounds: number, steps: number): Promise<void> {
  for (const id of ids) {
    const workloads = Object.fromEntries(Object.keys(variants).map((name) => [name, buildWorkload(id, 1)]));
    const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
    const arms = Object.fromEntries(Object.entries(variants).map(([name, setUp]) => [name, async (): Promise<void> => {
      setUp();
      const c0 = process.cpuUsage();
      await workloads[name]!.step();
      const c = process.cpuUsage(c0);
      cpu[name]!.push((c.user + c.system) / 1000);
    }]));
    const r = await interleave(arms, rounds, steps);
    for (const name of Object.keys(variants)) {
      const perRound = Array.from({ length: rounds }, (_, k) => cpu[name]!.slice((k + 1) * steps, (k + 2) * steps).reduce((a, b) => a + b, 0) / steps);
      const [wall, busy] = [summarise(r[name]!), summarise(perRound)];
      results[`overhead.${key}.${id}_b64.step.${name}_min_ms`] = wall.min;
      results[`overhead.${key}.${id}_b64.step.${name}_median_ms`] = wall.median;
      results[`overhead.${key}.${id}_b64.step_cpu.${name}_min_ms`] = busy.min;
      results[`overhead.${key}.${id}_b64.step_cpu.${name}_median_ms`] = busy.median;
    }
    for (const w of Object.values(workloads)) w.dispose();
  }
  results[`overhead.${key}.samples_per_arm`] = rounds;
}

/** The MLP classifier step (perf.ts' mlp: 784-128-10 softmax, batch 64, Adam), taped loss vs one-op loss. */
async function classifierLossBench(results: Record<string, number | string>, rounds: number, steps: number): Promise<void> {
  const build = () => ({ cm: buildClassifier(classifierTemplate('mlp', [28, 28, 1], 10), [28, 28, 1], 10, 1), opt: makeOptimizer({ optimizer: 'adam', learningRate: 0.001, momentum: 0.9 }) });
  const [taped, oneOp] = [build(), build()];
  const xs = tf.randomUniform([BATCH, 28, 28, 1], 0, 1, 'float32', 1);
  const labels = tf.tensor1d(Array.from({ length: BATCH }, (_, j) => (j * 7) % 10), 'int32');
  const ys = tf.tidy(() => tf.cast(tf.oneHot(labels, 10), 'float32') as tf.Tensor2D);
  const r = await interleave({
    taped: () => tapedClassifierStep(taped.cm, taped.opt, xs, ys, labels),
    one_op: async () => { await classifierStep(oneOp.cm, oneOp.opt, { xs, ys, labels }); },
  }, rounds, steps);
  recordArms(results, `overhead.classifier_loss.mlp_b64.step`, r, ['taped', 'one_op']);
  results['overhead.classifier_loss.samples_per_arm'] = rounds;
  for (const a of [taped, oneOp]) { a.cm.model.dispose(); a.opt.dispose(); }
  tf.dispose([xs, labels, ys]);
}

/** perf.ts' vae_mlp step (784-400-20, Bernoulli, β 1, batch 64, Adam), the NLL taped op by op vs one op. */
async function vaeNllBench(results: Record<string, number | string>, rounds: number, steps: number): Promise<void> {
  const build = () => ({ v: buildVae(vaeTemplate('mlp', [28, 28, 1], 20), [28, 28, 1], 20, 1), opt: makeOptimizer({ optimizer: 'adam', learningRate: 0.001, momentum: 0.9 }) });
  const [taped, oneOp] = [build(), build()];
  const x = tf.randomUniform([BATCH, 28, 28, 1], 0, 1, 'float32', 1);
  let seed = 0;
  const r = await interleave({
    taped: async () => { await tapedVaeStep(taped.v, taped.opt, x, seed++); },
    one_op: async () => { await vaeTrainStep(oneOp.v, oneOp.opt, x, { kind: 'bernoulli' }, 1, seed++); },
  }, rounds, steps);
  recordArms(results, `overhead.vae_nll.vae_mlp_b64.step`, r, ['taped', 'one_op']);
  results['overhead.vae_nll.samples_per_arm'] = rounds;
  for (const a of [taped, oneOp]) { disposeVae(a.v); a.opt.dispose(); }
  x.dispose();
}

/** perf.ts' ae_mlp step (784-256-32, sigmoid out, BCE, batch 64, Adam), the BCE taped op by op vs one op. */
async function aeBceBench(results: Record<string, number | string>, rounds: number, steps: number): Promise<void> {
  const build = () => ({ ae: buildAutoencoder(autoencoderTemplate('mlp', [28, 28, 1], 32), [28, 28, 1], 32, 1), opt: makeOptimizer({ optimizer: 'adam', learningRate: 0.001, momentum: 0.9 }) });
  const [taped, oneOp] = [build(), build()];
  const x = tf.randomUniform([BATCH, 28, 28, 1], 0, 1, 'float32', 1);
  const r = await interleave({
    taped: () => tapedAutoencoderStep(taped.ae, taped.opt, x),
    one_op: async () => { await autoencoderStep(oneOp.ae, oneOp.opt, x, x, { loss: 'bce' }); },
  }, rounds, steps);
  recordArms(results, `overhead.ae_bce.ae_mlp_b64.step`, r, ['taped', 'one_op']);
  results['overhead.ae_bce.samples_per_arm'] = rounds;
  for (const a of [taped, oneOp]) { disposeAutoencoder(a.ae); a.opt.dispose(); }
  x.dispose();
}

/**
 * The three small dense workloads with every change of this file's dense_grads, classifier_loss, vae_nll
 * and ae_bce items off (before: tfjs' dense gradient, the taped losses of bench/harness/tapedSteps.ts) vs
 * on (after: perf.ts' workloads as they run now).
 */
async function smallDenseBench(results: Record<string, number | string>, rounds: number, steps: number): Promise<void> {
  const adam = (): tf.Optimizer => makeOptimizer({ optimizer: 'adam', learningRate: 0.001, momentum: 0.9 });
  const xs = tf.randomUniform([BATCH, 28, 28, 1], 0, 1, 'float32', 1);
  const labels = tf.tensor1d(Array.from({ length: BATCH }, (_, j) => (j * 7) % 10), 'int32');
  const ys = tf.tidy(() => tf.cast(tf.oneHot(labels, 10), 'float32') as tf.Tensor2D);
  const cm = buildClassifier(classifierTemplate('mlp', [28, 28, 1], 10), [28, 28, 1], 10, 1);
  const ae = buildAutoencoder(autoencoderTemplate('mlp', [28, 28, 1], 32), [28, 28, 1], 32, 1);
  const v = buildVae(vaeTemplate('mlp', [28, 28, 1], 20), [28, 28, 1], 20, 1);
  const [co, ao, vo] = [adam(), adam(), adam()];
  let seed = 0;
  const before: Record<'mlp' | 'ae_mlp' | 'vae_mlp', () => Promise<unknown>> = {
    mlp: () => tapedClassifierStep(cm, co, xs, ys, labels), ae_mlp: () => tapedAutoencoderStep(ae, ao, xs), vae_mlp: () => tapedVaeStep(v, vo, xs, seed++),
  };
  for (const id of ['mlp', 'ae_mlp', 'vae_mlp'] as const) {
    const after = buildWorkload(id, 1);
    const r = await interleave({
      before: async () => { setDenseGradients(false); await before[id](); },
      after: async () => { setDenseGradients(true); await after.step(); },
    }, rounds, steps);
    recordArms(results, `overhead.small_dense.${id}_b64.step`, r, ['before', 'after']);
    after.dispose();
  }
  results['overhead.small_dense.samples_per_arm'] = rounds;
  cm.model.dispose();
  disposeAutoencoder(ae);
  disposeVae(v);
  for (const o of [co, ao, vo]) o.dispose();
  tf.dispose([xs, labels, ys]);
}

/** Σ over the leading axes of a DCGAN-sized activation, the backend's kernel vs ours (per call). */
async function reductionBench(results: Record<string, number | string>, rounds: number): Promise<void> {
  const x = tf.randomNormal([BATCH, 14, 14, 64], 0, 1, 'float32', 7);
  const sum = (enabled: boolean) => async (): Promise<void> => {
    setLeadingAxisReductions(enabled);
    const s = tf.sum(x, [0, 1, 2]);
    await s.data();
    s.dispose();
  };
  const r = await interleave({ backend: sum(false), one_pass: sum(true) }, rounds, 20);
  recordArms(results, `overhead.leading_sum.b64x14x14x64_axes012`, r, ['backend', 'one_pass']);
  x.dispose();
}

type BatchNormFn = (x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number) => BatchNormResult;

/** Training batch norm alone on DCGAN's shapes, forward and forward + backward, tfjs' chain vs the fused kernels (per call). */
async function batchNormBench(results: Record<string, number | string>, rounds: number): Promise<void> {
  for (const shape of [[BATCH, 7, 7, 128], [BATCH, 14, 14, 64], [BATCH, 6272]]) {
    const c = shape[shape.length - 1]!;
    const [x, dy] = [tf.randomNormal(shape, 0.3, 1.5, 'float32', 11), tf.randomNormal(shape, 0, 1, 'float32', 12)];
    const [gamma, beta] = [tf.randomNormal([c], 1, 0.1, 'float32', 13) as tf.Tensor1D, tf.randomNormal([c], 0, 0.1, 'float32', 14) as tf.Tensor1D];
    const forward = (bn: BatchNormFn) => async (): Promise<void> => {
      const r = bn(x, gamma, beta, 1e-3);
      await r.y.data();
      tf.dispose([r.y, r.mean, r.variance]);
    };
    const both = (bn: BatchNormFn) => async (): Promise<void> => {
      const g = tf.grads((xx, gg, bb) => bn(xx!, gg as tf.Tensor1D, bb as tf.Tensor1D, 1e-3).y)([x, gamma, beta], dy);
      await g[0]!.data();
      tf.dispose(g);
    };
    const key = `overhead.fused_batchnorm.b${shape.join('x')}`;
    for (const [what, make] of [['fwd', forward], ['fwd_bwd', both]] as const) {
      const r = await interleave({ tfjs: make(tfjsBatchNormTraining), fused: make(batchNormTraining) }, rounds, 10);
      recordArms(results, `${key}.${what}`, r, ['tfjs', 'fused']);
    }
    tf.dispose([x, dy, gamma, beta]);
  }
}

function mergeInto(file: string, results: Record<string, number | string>, description: string): void {
  const existing = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as { results?: Record<string, unknown>; overhead?: unknown } : {};
  const merged = { ...existing, results: { ...(existing.results ?? {}), ...results }, overhead: { description, date: new Date().toISOString(), machine: machineInfo() } };
  writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
}

async function main(): Promise<void> {
  const backend = await prepareBackend('wasm');
  const rounds = argNumber('rounds', 10);
  const steps = argNumber('steps', 5);
  const results: Record<string, number | string> = {};
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  const run = (item: string): boolean => only === undefined || only === item;
  setFusedBatchNorm(false); // the harness installs it; only its own item switches it, so the other items compare as before
  setDenseGradients(false); // likewise
  if (run('adam')) await adamBench(results, rounds, steps);
  if (run('leading_sum')) {
    await reductionBench(results, rounds);
    await dcganBench(results, 'leading_sum', { backend: () => setLeadingAxisReductions(false), one_pass: () => setLeadingAxisReductions(true) }, argNumber('gan-rounds', 6));
  }
  setLeadingAxisReductions(true);
  if (run('lazy_grads')) await dcganBench(results, 'lazy_grads', { eager: () => setLazyFusedGradients(false), lazy: () => setLazyFusedGradients(true) }, argNumber('gan-rounds', 6));
  setLazyFusedGradients(true);
  if (run('fused_batchnorm')) {
    await batchNormBench(results, rounds);
    const fusedArms = { tfjs: () => setFusedBatchNorm(false), fused: () => setFusedBatchNorm(true) };
    await dcganBench(results, 'fused_batchnorm', fusedArms, argNumber('gan-rounds', 6));
    await dcganWorkloadBench(results, 'fused_batchnorm', fusedArms, argNumber('gan-rounds', 6));
    results['overhead.fused_batchnorm.op_samples_per_arm'] = rounds;
  }
  if (run('dense_grads')) {
    await workloadArmsBench(results, 'dense_grads', ['mlp', 'ae_mlp', 'vae_mlp'], { tfjs: () => setDenseGradients(false), wdyT: () => setDenseGradients(true) }, argNumber('dense-rounds', 12), steps);
  }
  setDenseGradients(true);
  if (run('classifier_loss')) await classifierLossBench(results, argNumber('dense-rounds', 12), steps);
  if (run('vae_nll')) await vaeNllBench(results, argNumber('dense-rounds', 12), steps);
  if (run('ae_bce')) await aeBceBench(results, argNumber('dense-rounds', 12), steps);
  if (run('small_dense')) await smallDenseBench(results, argNumber('dense-rounds', 12), steps);
  const description = `overhead.*: issue 17's overhead items on ${backend}, old vs new interleaved in one process (${rounds} rounds of ${steps} calls per arm after a warm-up round; min and median of the per-call mean of each round, ms; shared 2-core machine). adam: deep AE 784-1000-500-250-30-…-784 batch 64, whole step (minimize) and the update alone (applyGradients on fixed gradients), tfjs Adam vs fused Adam. lazy_grads: one DCGAN step (D then G, batch 64, 28×28×1, noise 100) with tfjs' eager fused-conv gradients vs lazy ones (gan-rounds rounds of 1 step). leading_sum: Σ over [0,1,2] of 64×14×14×64 (rounds of 20 calls) and the DCGAN step, the backend's transpose+reduce vs the one-pass SIMD column sum. The adam and lazy_grads arms run with the one-pass sums. fused_batchnorm: training batch norm over the last axis (ε 1e-3) on 64×7×7×128, 64×14×14×64 and 64×6272, forward alone and forward + backward (tf.grads w.r.t. x, γ, β for a fixed dy), rounds of 10 calls, tfjs' moments + batchNorm vs the fused SIMD kernels; and the DCGAN step (lazy gradients on; dcgan_b64: noise 100 as above, perf_dcgan_b64: bench/perf.ts' dcgan workload, noise 64, wall and process CPU time (step_cpu)) with tf.layers' own training call vs the fused one. dense_grads: perf.ts' mlp, ae_mlp, vae_mlp workloads (batch 64, Adam), dense-rounds rounds of ${steps} steps per arm, wall (step) and process CPU (step_cpu) ms per step, tfjs' dense input gradient dy·Wᵀ (tfjs) vs (W·dyᵀ)ᵀ (wdyT). classifier_loss: the mlp classifier step (784-128-10 softmax, batch 64, Adam, dense gradients on), dense-rounds rounds of ${steps} steps per arm, loss and correct count taped as before (taped) vs the one-op loss with the count off the tape (one_op). vae_nll: the vae_mlp step (784-400-20, Bernoulli, β 1, batch 64, Adam, dense gradients on), same rounds, the NLL taped op by op (taped) vs one op (one_op). ae_bce: the ae_mlp step (784-256-32, BCE, batch 64, Adam, dense gradients on), same rounds, the BCE taped op by op (taped) vs one op (one_op). small_dense: the mlp, ae_mlp and vae_mlp steps (batch 64, Adam), same rounds, with tfjs' dense gradients and the taped losses (before) vs perf.ts' workloads as they run now (after).`;
  mergeInto(join(appRoot, 'bench', 'results', 'throughput.json'), results, description);
  console.log(JSON.stringify(results, null, 2));
}

void main();
