/**
 * Training-mode batch norm over every axis but the last (NHWC, [N, C]) as two
 * wasm kernels of a few one-pass SIMD loops each (batchNormSimd.ts).
 *
 * tfjs runs it as moments (a mean, a broadcast squared difference, a mean)
 * and batchNorm, and differentiates that chain: ~10 broadcasting element-wise
 * ops and reductions per layer and step, the broadcasting ones ~27× slower
 * than same-shape ones on wasm (issue 17). Here:
 *  - forward (LwBatchNormTrain → y, mean, variance): mean (colsum), biased
 *    variance Σ(x − μ)²/R (colsqdev), y = (x − μ)·γ/σ + β (bnmix), σ = √(var + ε);
 *  - backward (LwBatchNormTrainGrad): Σdy and Σdy·(x − μ) in one pass, then
 *    dx = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂)) in one pass, dγ = Σdy·x̂,
 *    dβ = Σdy. The mean and variance depend on x; dx above is the full
 *    derivative through them, so their own output gradients are not used
 *    (the layers use them only for the moving averages, off the tape).
 *
 * batchNormTraining() takes this path on the wasm backend when the SIMD
 * module can run, else tfjs' own chain (as tf.layers' training path).
 */
import * as tf from '@tensorflow/tfjs';
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { batchNormSimdFor, type BatchNormSimd } from './batchNormSimd';
import { columnSumKernelFor, type ColumnSumKernel } from '../simdKernels';

export const BATCH_NORM_TRAIN = 'LwBatchNormTrain';
export const BATCH_NORM_TRAIN_GRAD = 'LwBatchNormTrainGrad';
const BACKEND = 'wasm';

interface Simd { bn: BatchNormSimd; colsum: ColumnSumKernel; backend: BackendWasm }

function simdOn(backend: unknown): Simd | null {
  if (!(backend instanceof BackendWasm)) return null;
  const bn = batchNormSimdFor(backend.wasm);
  const colsum = columnSumKernelFor(backend.wasm);
  return bn && colsum ? { bn, colsum, backend } : null;
}

function requireSimd(backend: unknown): Simd {
  const simd = simdOn(backend);
  if (!simd) throw new Error(`${BATCH_NORM_TRAIN} needs the wasm backend with SIMD; batchNormTraining() checks this before running it`);
  return simd;
}

/** [R, C] of a channels-last tensor. */
function rowsCols(shape: readonly number[]): [number, number] {
  const cols = shape[shape.length - 1]!;
  return [tf.util.sizeFromShape([...shape]) / cols, cols];
}

function floats(backend: BackendWasm, t: tf.TensorInfo): Float32Array {
  const values = backend.readSync(t.dataId);
  if (!(values instanceof Float32Array)) throw new Error(`${BATCH_NORM_TRAIN}: expected float32 data`);
  return values;
}

const at = (s: Simd, t: tf.TensorInfo): number => s.backend.getMemoryOffset(t.dataId);

const forwardKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const s = requireSimd(backend);
  const { x, gamma, beta } = inputs as { x: tf.TensorInfo; gamma: tf.TensorInfo; beta: tf.TensorInfo };
  const epsilon = Number(attrs?.['epsilon']);
  const [rows, cols] = rowsCols(x.shape);
  const mean = s.backend.makeOutput([cols], 'float32');
  const variance = s.backend.makeOutput([cols], 'float32');
  s.colsum(at(s, x), at(s, mean), rows, cols, 1 / rows);
  s.bn.colsqdev(at(s, x), at(s, mean), at(s, variance), rows, cols, 1 / rows);
  const v = floats(s.backend, variance);
  const g = floats(s.backend, gamma);
  const scale = s.backend.makeOutput([cols], 'float32', undefined, g.map((gc, c) => gc / Math.sqrt(v[c]! + epsilon)));
  const zeros = s.backend.makeOutput([cols], 'float32', undefined, new Float32Array(cols));
  const y = s.backend.makeOutput([...x.shape], 'float32');
  s.bn.bnmix(at(s, x), at(s, zeros), at(s, x), at(s, mean), at(s, scale), at(s, beta), at(s, y), rows, cols);
  s.backend.disposeData(scale.dataId);
  s.backend.disposeData(zeros.dataId);
  return [y, mean, variance];
};

const backwardKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const s = requireSimd(backend);
  const { dy, x, mean, variance, gamma } = inputs as Record<'dy' | 'x' | 'mean' | 'variance' | 'gamma', tf.TensorInfo>;
  const epsilon = Number(attrs?.['epsilon']);
  const [rows, cols] = rowsCols(x.shape);
  const sumDy = s.backend.makeOutput([cols], 'float32');
  const sumDyCentred = s.backend.makeOutput([cols], 'float32');
  s.bn.colsum2(at(s, dy), at(s, x), at(s, mean), at(s, sumDy), at(s, sumDyCentred), rows, cols);
  const [sa, sb, v, g] = [floats(s.backend, sumDy), floats(s.backend, sumDyCentred), floats(s.backend, variance), floats(s.backend, gamma)];
  // dx = a·dy + (x − μ)·q + b with a = γ/σ, q = −a·Σdy(x − μ)/(σ²R), b = −a·Σdy/R (per channel, in double).
  const p = new Float32Array(cols); const q = new Float32Array(cols); const b = new Float32Array(cols); const dGamma = new Float32Array(cols);
  for (let c = 0; c < cols; c++) {
    const invStd = 1 / Math.sqrt(v[c]! + epsilon);
    const a = g[c]! * invStd;
    p[c] = a; q[c] = -a * sb[c]! * invStd * invStd / rows; b[c] = -a * sa[c]! / rows; dGamma[c] = sb[c]! * invStd;
  }
  const [pT, qT, bT] = [p, q, b].map((values) => s.backend.makeOutput([cols], 'float32', undefined, values)) as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
  const dx = s.backend.makeOutput([...x.shape], 'float32');
  s.bn.bnmix(at(s, dy), at(s, pT), at(s, x), at(s, mean), at(s, qT), at(s, bT), at(s, dx), rows, cols);
  for (const t of [pT, qT, bT, sumDyCentred]) s.backend.disposeData(t.dataId);
  return [dx, s.backend.makeOutput([cols], 'float32', undefined, dGamma), sumDy];
};

let registered = false;

/** Register both kernels on the wasm backend and the forward's gradient. Idempotent. */
export function registerFusedBatchNormKernels(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({ kernelName: BATCH_NORM_TRAIN, backendName: BACKEND, kernelFunc: forwardKernel });
  tf.registerKernel({ kernelName: BATCH_NORM_TRAIN_GRAD, backendName: BACKEND, kernelFunc: backwardKernel });
  tf.registerGradient({
    kernelName: BATCH_NORM_TRAIN,
    inputsToSave: ['x', 'gamma'],
    outputsToSave: [false, true, true],
    gradFunc: (dys, saved, attrs) => {
      const dy = Array.isArray(dys) ? dys[0]! : dys;
      const [x, gamma, mean, variance] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      // One kernel computes all three. Not lazily: the tape calls each part inside its own tidy, which would dispose the other two.
      const [dx, dGamma, dBeta] = tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, { dy, x, mean, variance, gamma }, { epsilon: attrs['epsilon'] as number }) as [tf.Tensor, tf.Tensor, tf.Tensor];
      return { x: () => dx, gamma: () => dGamma, beta: () => dBeta };
    },
  });
}

/** Whether batchNormTraining() takes the fused path for these inputs on the current backend. */
export function fusedBatchNormApplies(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): boolean {
  const cols = x.shape[x.rank - 1] ?? 0;
  return x.rank >= 2 && x.dtype === 'float32' && x.size > 0
    && [gamma, beta].every((t) => t.rank === 1 && t.dtype === 'float32' && t.size === cols)
    && simdOn(tf.backend()) !== null;
}

export interface BatchNormResult { y: tf.Tensor; mean: tf.Tensor1D; variance: tf.Tensor1D }

/**
 * Batch norm of x over every axis but the last with the batch's own mean and
 * (biased) variance, as tf.layers' training path computes it; also returns
 * that mean and variance for the moving averages. On the fused path
 * gradients flow through y only (dx is the full derivative): a gradient
 * arriving at the returned mean or variance is dropped.
 */
export function batchNormTraining(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): BatchNormResult {
  if (fusedBatchNormApplies(x, gamma, beta)) {
    registerFusedBatchNormKernels();
    const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x, gamma, beta }, { epsilon }) as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
    return { y, mean, variance };
  }
  return tfjsBatchNormTraining(x, gamma, beta, epsilon);
}

/** tfjs' own chain, as tf.layers' training path runs it (moments, then batchNorm); the fallback and the benchmark's baseline. */
export function tfjsBatchNormTraining(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): BatchNormResult {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, Array.from({ length: x.rank - 1 }, (_, i) => i));
    const y = tf.batchNorm(x, mean, variance, beta, gamma, epsilon);
    return { y, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
  });
}
