/**
 * The VAE's train step and held-out evaluation.
 */
import * as tf from '@tensorflow/tfjs';
import type { Shape } from '../../common/graph';
import { makeVaeBatch, type DrawKey, type PixelMode } from './data';
import type { VaeNetworks } from './model';
import { klPerDim, negLogLikelihood, reparameterize, splitGaussian, type Likelihood } from './objective';

export interface VaeStepResult {
  /** Mean over the batch of reconstruction + β·KL. */
  loss: number;
  /** Mean −log p(x|z) per image (nats). */
  reconstruction: number;
  /** Mean KL per image (nats). */
  kl: number;
}

interface Terms { rec: tf.Tensor1D; klDims: tf.Tensor2D; mu: tf.Tensor2D }

function forward(v: VaeNetworks, x: tf.Tensor, lik: Likelihood, epsSeed: number, training: boolean): Terms {
  const encoded = v.encoder.apply(x, { training }) as tf.Tensor;
  const { mu, logVar } = splitGaussian(encoded, v.latentDim);
  const eps = tf.randomNormal([x.shape[0]!, v.latentDim], 0, 1, 'float32', epsSeed) as tf.Tensor2D;
  const z = reparameterize(mu, logVar, eps);
  const logits = v.decoder.apply(z, { training }) as tf.Tensor;
  return { rec: negLogLikelihood(x, logits, lik), klDims: klPerDim(mu, logVar), mu };
}

/** One optimizer step on the batch `x` with KL weight `beta`; leaves no tensor behind. */
export async function vaeTrainStep(v: VaeNetworks, optimizer: tf.Optimizer, x: tf.Tensor, lik: Likelihood, beta: number, epsSeed: number): Promise<VaeStepResult> {
  const varList = [...v.encoder.trainableWeights, ...v.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
  let recT: tf.Scalar | undefined;
  let klT: tf.Scalar | undefined;
  const lossT = optimizer.minimize(() => {
    const t = forward(v, x, lik, epsSeed, true);
    const kl = tf.sum(t.klDims, 1);
    recT = tf.keep(tf.mean(t.rec));
    klT = tf.keep(tf.mean(kl));
    return tf.mean(tf.add(t.rec, tf.mul(kl, beta))) as tf.Scalar;
  }, true, varList);
  try {
    const [loss, rec, kl] = await Promise.all([lossT!.data(), recT!.data(), klT!.data()]);
    return { loss: loss[0]!, reconstruction: rec[0]!, kl: kl[0]! };
  } finally {
    tf.dispose([lossT!, recT!, klT!]);
  }
}

export interface HeldOutData {
  images: Float32Array;
  inputShape: Shape;
  indices: ArrayLike<number> & { length: number };
  mode: PixelMode;
  seed: number;
  key: DrawKey;
}

export interface VaeEvaluation {
  count: number;
  /** Mean −log p(x|z) per image (one z sample per image, fixed seed). */
  reconstruction: number;
  /** Mean KL per image. */
  kl: number;
  /** Mean KL per latent dimension (sums to `kl`). */
  klPerDim: Float64Array;
  /** μ of every image, row-major count × latentDim. */
  mu: Float32Array;
}

/**
 * Reconstruction and KL over held-out images, in batches. The ε of image k
 * is drawn from `epsSeed` and k's batch, so repeated evaluations of the same
 * data use the same noise and successive epochs are comparable.
 */
export async function evaluateVae(v: VaeNetworks, d: HeldOutData, lik: Likelihood, epsSeed: number, batchSize = 500): Promise<VaeEvaluation> {
  const n = d.indices.length;
  const L = v.latentDim;
  const klDims = new Float64Array(L);
  const mu = new Float32Array(n * L);
  let rec = 0;
  for (let start = 0, b = 0; start < n; start += batchSize, b++) {
    const end = Math.min(start + batchSize, n);
    const x = makeVaeBatch(d.images, d.inputShape, d.indices, start, end, d.mode, d.seed, d.key);
    const [recSum, klSum, muT] = tf.tidy(() => {
      const t = forward(v, x, lik, epsSeed + b, false);
      return [tf.sum(t.rec), tf.sum(t.klDims, 0), t.mu];
    });
    try {
      const [r, k, m] = await Promise.all([recSum!.data(), klSum!.data(), muT!.data()]);
      rec += r[0]!;
      for (let i = 0; i < L; i++) klDims[i]! += k[i]!;
      mu.set(m, start * L);
    } finally {
      tf.dispose([x, recSum!, klSum!, muT!]);
    }
  }
  for (let i = 0; i < L; i++) klDims[i]! /= n;
  return { count: n, reconstruction: rec / n, kl: klDims.reduce((a, b) => a + b, 0), klPerDim: klDims, mu };
}

/** Per-dimension variance over images of μ (Cov_x(E_q[z_i]) of Burda et al. 2015). */
export function muVariance(mu: Float32Array, n: number, dim: number): Float64Array {
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j]! += mu[i * dim + j]!;
  for (let j = 0; j < dim; j++) mean[j]! /= n;
  const variance = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) { const c = mu[i * dim + j]! - mean[j]!; variance[j]! += c * c; }
  for (let j = 0; j < dim; j++) variance[j]! /= n;
  return variance;
}

/** Number of latent units whose μ varies over the data by more than `threshold`. */
export function countActiveUnits(mu: Float32Array, n: number, dim: number, threshold: number): number {
  return muVariance(mu, n, dim).reduce((c, v) => c + (v > threshold ? 1 : 0), 0);
}
