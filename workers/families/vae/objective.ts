/**
 * The VAE objective as tensor functions, all per image (summed over pixels or
 * latent dimensions), in nats:
 *
 *   −ELBO(x) = −E_q[log p(x|z)] + KL(q(z|x) ‖ N(0, I))
 *
 * estimated with one reparameterised sample z = μ + exp(½ log σ²)·ε.
 */
import * as tf from '@tensorflow/tfjs';
import type { VaeHyper } from '../../common/families/vae/config';
import { bernoulliNll } from './bernoulliNll';
import { discretisedGaussianLogMass } from './discretisedGaussian';

export type Likelihood =
  | { kind: 'bernoulli' }
  /**
   * Gaussian with fixed variance σ² around sigmoid(logits): discretised on
   * the 8-bit grid (a probability mass per pixel), or the continuous density
   * of runs recorded before it (kept so those resume as they trained).
   */
  | { kind: 'gaussian'; variance: number; discretised: boolean };

/** The likelihood a run's hyperparameters name. */
export function likelihoodOf(hyper: Pick<VaeHyper, 'decoder' | 'decoderVariance' | 'gaussianLikelihood'>): Likelihood {
  return hyper.decoder === 'bernoulli'
    ? { kind: 'bernoulli' }
    : { kind: 'gaussian', variance: hyper.decoderVariance, discretised: hyper.gaussianLikelihood === 'discretised' };
}

/** μ and log σ² from the encoder's [n, 2·latentDim] output. */
export function splitGaussian(encoded: tf.Tensor, latentDim: number): { mu: tf.Tensor2D; logVar: tf.Tensor2D } {
  const flat = tf.reshape(encoded, [encoded.shape[0]!, -1]) as tf.Tensor2D;
  return { mu: tf.slice(flat, [0, 0], [-1, latentDim]), logVar: tf.slice(flat, [0, latentDim], [-1, latentDim]) };
}

/** z = μ + exp(½ log σ²)·ε. */
export function reparameterize(mu: tf.Tensor2D, logVar: tf.Tensor2D, eps: tf.Tensor2D): tf.Tensor2D {
  return tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
}

/** KL(N(μ, σ²) ‖ N(0, 1)) per image and dimension: ½(μ² + σ² − 1 − log σ²), [n, latentDim]. */
export function klPerDim(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), tf.add(logVar, 1)), 0.5);
}

const sumPerImage = (t: tf.Tensor): tf.Tensor1D => tf.sum(tf.reshape(t, [t.shape[0]!, -1]), 1);

/**
 * −log p(x|z) per image, [n]. Bernoulli: sigmoid cross-entropy from logits,
 * max(l, 0) − l·x + log(1 + e^{−|l|}) (stable for any l). Discretised
 * Gaussian: −log of the mass of x's 8-bit bin (discretisedGaussian.ts).
 * Continuous Gaussian: ½ log(2πσ²) + (x − sigmoid(l))² / (2σ²) per pixel, a
 * density, so not a probability and not comparable across decoders.
 */
export function negLogLikelihood(x: tf.Tensor, logits: tf.Tensor, lik: Likelihood): tf.Tensor1D {
  if (lik.kind === 'bernoulli') return bernoulliNll(x, logits); // one taped op, gradient sigmoid(l) − x
  const v = lik.variance;
  const mean = tf.sigmoid(logits);
  if (lik.discretised) return sumPerImage(tf.neg(discretisedGaussianLogMass(x, mean, Math.sqrt(v))));
  const perPixel = tf.add(tf.div(tf.square(tf.sub(x, mean)), 2 * v), 0.5 * Math.log(2 * Math.PI * v));
  return sumPerImage(perPixel);
}

/** β at a (1-based) global step: rises linearly from 0 (first step) to β over `warmupSteps`. */
export function betaAt(step: number, beta: number, warmupSteps: number): number {
  if (warmupSteps <= 0) return beta;
  return beta * Math.min(1, (step - 1) / warmupSteps);
}
