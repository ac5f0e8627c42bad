/**
 * The importance-weighted bound on log p(x) (IWAE, Burda et al. 2016) of a
 * trained VAE on held-out images, in nats per image:
 *
 *   log p(x) ≥ L_K(x) = E[ log (1/K) Σ_k w_k ],  w_k = p(x|z_k) p(z_k) / q(z_k|x),  z_k ~ q(z|x)
 *
 * L_1 is the ELBO, L_K rises with K and tends to log p(x), so with K in the
 * thousands it is the usual "test log-likelihood" of VAE papers. Next to it
 * the ELBO of the same images from the same samples, mean_k log w_k (≤ L_K
 * by Jensen, exactly, sample for sample). With z = μ + σ·ε:
 *
 *   log w = log p(x|z) − ½‖z‖² + ½‖ε‖² + ½ Σ log σ²   (the log 2π terms cancel)
 *
 * The encoder runs once per image; the decoder runs on K·n codes, in passes
 * of at most `rowsPerPass` codes (K split across passes when larger), and
 * the log-sum-exp over k is kept in float64 as a running (max, sum) pair.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../../engine/prng';
import { makeVaeBatch } from './data';
import type { VaeNetworks } from './model';
import { negLogLikelihood, splitGaussian, type Likelihood } from './objective';
import type { HeldOutData } from './step';

export interface IwaeEstimate {
  /** Images scored. */
  count: number;
  /** Importance samples per image (K). */
  samples: number;
  /** Mean over images of L_K(x) (nats per image). */
  iwae: number;
  /** Standard error of `iwae` over the images (sd / √count; 0 for one image). */
  iwaeStandardError: number;
  /** Mean over images and samples of log w: the ELBO of the same images (nats per image). */
  elbo: number;
  /** Standard error of `elbo` over the images. */
  elboStandardError: number;
}

/** log w for a [kc, b] block of codes: decoder pass and the Gaussian terms, as a [kc·b] vector ordered k-major. */
function logWeights(v: VaeNetworks, x: tf.Tensor, mu: tf.Tensor2D, logVar: tf.Tensor2D, kc: number, lik: Likelihood, seed: number): tf.Tensor1D {
  return tf.tidy(() => {
    const b = x.shape[0]!;
    const L = v.latentDim;
    const eps = tf.randomNormal([kc, b, L], 0, 1, 'float32', seed);
    const z = tf.reshape(tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps)), [kc * b, L]);
    const logits = v.decoder.apply(z, { training: false }) as tf.Tensor;
    const xTiled = tf.reshape(tf.tile(tf.expandDims(x, 0), [kc, ...x.shape.map(() => 1)]), [kc * b, ...x.shape.slice(1)]);
    const logPxz = tf.neg(negLogLikelihood(xTiled, logits, lik));
    const gaussianTerms = tf.mul(tf.sub(tf.sum(tf.reshape(tf.square(eps), [kc * b, L]), 1), tf.sum(tf.square(z), 1)), 0.5);
    const logDet = tf.reshape(tf.tile(tf.expandDims(tf.mul(tf.sum(logVar, 1), 0.5), 0), [kc, 1]), [kc * b]);
    return tf.add(tf.add(logPxz, gaussianTerms), logDet) as tf.Tensor1D;
  });
}

/** Running log-sum-exp and plain sum of log w per image, fed [kc, b] blocks. */
class PerImageAccumulator {
  readonly max: Float64Array;
  readonly scaled: Float64Array;
  readonly sum: Float64Array;
  constructor(n: number) {
    this.max = new Float64Array(n).fill(-Infinity);
    this.scaled = new Float64Array(n);
    this.sum = new Float64Array(n);
  }
  add(block: ArrayLike<number>, kc: number, b: number, offset: number): void {
    for (let j = 0; j < b; j++) {
      const i = offset + j;
      let m = this.max[i]!;
      for (let k = 0; k < kc; k++) m = Math.max(m, block[k * b + j]!);
      let s = this.scaled[i]! * Math.exp(this.max[i]! - m);
      for (let k = 0; k < kc; k++) { const lw = block[k * b + j]!; s += Math.exp(lw - m); this.sum[i]! += lw; }
      this.max[i] = m;
      this.scaled[i] = s;
    }
  }
  /** log (1/K) Σ_k w_k of image i. */
  bound(i: number, K: number): number { return this.max[i]! + Math.log(this.scaled[i]!) - Math.log(K); }
}

function meanAndStandardError(values: Float64Array): { mean: number; se: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, se: 0 };
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, se: Math.sqrt(ss / (n - 1) / n) };
}

/**
 * L_K over the held-out images `d`, K = `samples` ≥ 1. The noise of image
 * batch i, sample pass j is seeded deriveSeed(seed, i, j): the same data,
 * seed and K give the same estimate.
 */
export async function estimateIwae(v: VaeNetworks, d: HeldOutData, lik: Likelihood, samples: number, seed: number, rowsPerPass = 1000): Promise<IwaeEstimate> {
  if (!Number.isInteger(samples) || samples < 1) throw new Error(`The IWAE bound needs a whole number of importance samples ≥ 1, got ${samples}`);
  const n = d.indices.length;
  if (n === 0) throw new Error('The IWAE bound needs at least one image');
  const perPass = Math.min(samples, rowsPerPass);
  const imagesPerBatch = Math.max(1, Math.floor(rowsPerPass / perPass));
  const acc = new PerImageAccumulator(n);
  for (let start = 0, bi = 0; start < n; start += imagesPerBatch, bi++) {
    const end = Math.min(start + imagesPerBatch, n);
    const x = makeVaeBatch(d.images, d.inputShape, d.indices, start, end, d.mode, d.seed, d.key);
    const { mu, logVar } = tf.tidy(() => splitGaussian(v.encoder.apply(x, { training: false }) as tf.Tensor, v.latentDim));
    try {
      for (let k0 = 0, pass = 0; k0 < samples; k0 += perPass, pass++) {
        const kc = Math.min(perPass, samples - k0);
        const lw = logWeights(v, x, mu, logVar, kc, lik, deriveSeed(seed, bi, pass));
        try { acc.add(await lw.data(), kc, end - start, start); } finally { lw.dispose(); }
      }
    } finally {
      tf.dispose([x, mu, logVar]);
    }
  }
  const bounds = Float64Array.from({ length: n }, (_, i) => acc.bound(i, samples));
  const elbos = Float64Array.from(acc.sum, (s) => s / samples);
  const iw = meanAndStandardError(bounds);
  const el = meanAndStandardError(elbos);
  return { count: n, samples, iwae: iw.mean, iwaeStandardError: iw.se, elbo: el.mean, elboStandardError: el.se };
}
