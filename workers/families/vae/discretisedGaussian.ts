/**
 * The Gaussian decoder's likelihood on the 8-bit grid: each pixel value
 * x = k/255 (k = 0…255) gets the probability mass N(μ, σ²) puts on its bin
 * [x − 1/510, x + 1/510], the two edge bins open to −∞ (k = 0) and +∞
 * (k = 255), as in PixelCNN++'s discretised logistic (Salimans et al. 2017)
 * with a Gaussian in its place.
 *
 * Why this and not uniform dequantisation (continuous density at x + u, u ~
 * U(bin), plus D·log 256): MNIST's pixels sit mostly at exactly 0 or 1, and
 * the open edge bins give those pixels the mass the Gaussian puts beyond
 * [0, 1], so the likelihood is a proper probability mass (log p ≤ 0, ELBO ≤ 0,
 * bits/dim > 0) with no dequantisation noise in the estimate; and on binary
 * data it is a two-outcome model like the Bernoulli, so bits/dim compare.
 * Bin half-width 1/510: neighbouring grey levels are 1/255 apart in [0, 1].
 *
 * Tail masses are computed in log space: log Q(z) (Q the standard normal
 * upper tail) from the Numerical Recipes erfc approximation, whose relative
 * error is below 1.2e-7 for every z, so a bin 10σ from μ still gets a finite
 * log-mass (tf.erf's absolute error of ~1e-7 would round it to 0). A bin is
 * reflected about μ so that it lies mostly in the upper tail, and its mass is
 * Q(a) − Q(b) = Q(a)·(1 − Q(b)/Q(a)). Every branch stays finite for every
 * input, so choosing between them passes no NaN into the gradients; the
 * choices that depend on μ are 0/1 masks from tf.step (whose gradient is 0)
 * blended arithmetically, since tfjs has no gradient for a comparison.
 */
import * as tf from '@tensorflow/tfjs';

/** Half the distance between neighbouring 8-bit grey levels in [0, 1]. */
export const BIN_HALF_WIDTH = 1 / 510;

// Numerical Recipes' erfcc: erfc(u) = t·exp(−u² + P(t)), t = 1/(1 + u/2), u ≥ 0.
const ERFC_COEFFS = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];

/** log erfc(u) for u ≥ 0 (elementwise). */
function logErfc(u: tf.Tensor): tf.Tensor {
  const t = tf.reciprocal(tf.add(tf.mul(u, 0.5), 1));
  let poly: tf.Tensor = tf.scalar(ERFC_COEFFS[ERFC_COEFFS.length - 1]!);
  for (let i = ERFC_COEFFS.length - 2; i >= 0; i--) poly = tf.add(tf.mul(poly, t), ERFC_COEFFS[i]!);
  return tf.add(tf.sub(tf.log(t), tf.square(u)), poly);
}

/** m·a + (1 − m)·b for a 0/1 mask m. */
const choose = (m: tf.Tensor, a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.add(tf.mul(m, a), tf.mul(tf.sub(1, m), b));

/** log Q(z) = log P(Z > z) for a standard normal Z, finite for every finite z. */
export function logUpperTail(z: tf.Tensor): tf.Tensor {
  // log Q(|z|) = log(½ erfc(|z|/√2)) ≤ log ½; for z < 0, Q(z) = 1 − Q(|z|) (at z = 0 both give log ½).
  const tailOfAbs = tf.sub(logErfc(tf.mul(tf.abs(z), Math.SQRT1_2)), Math.LN2);
  return choose(tf.step(z), tailOfAbs, tf.log1p(tf.neg(tf.exp(tailOfAbs))));
}

/** log(Q(a) − Q(b)) for a < b with a + b ≥ 0 (the bin on μ's upper side). */
function logBinMass(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const logQa = logUpperTail(a);
  // Q(b)/Q(a) < 1 in exact arithmetic; keep it below 1 in float32 too (a bin far narrower than σ).
  const ratio = tf.minimum(tf.sub(logUpperTail(b), logQa), -1e-7);
  return tf.add(logQa, tf.log1p(tf.neg(tf.exp(ratio))));
}

/**
 * log P(x | μ, σ²) per pixel under the discretised Gaussian, same shape as
 * `x`. `x` holds grey levels k/255; `mean` is μ; `sigma` is σ > 0.
 */
export function discretisedGaussianLogMass(x: tf.Tensor, mean: tf.Tensor, sigma: number): tf.Tensor {
  return tf.tidy(() => {
    const lo = tf.div(tf.sub(tf.sub(x, BIN_HALF_WIDTH), mean), sigma);
    const hi = tf.div(tf.sub(tf.add(x, BIN_HALF_WIDTH), mean), sigma);
    // Reflect a bin below μ to above it: the same mass, computed in the accurate tail.
    const below = tf.step(tf.neg(tf.add(lo, hi)));
    const interior = logBinMass(choose(below, tf.neg(hi), lo), choose(below, tf.neg(lo), hi));
    const firstBin = logUpperTail(tf.neg(hi)); // P(X < x + h): the bin of 0, open to −∞
    const lastBin = logUpperTail(lo); // P(X > x − h): the bin of 1, open to +∞
    // These masks depend on the data only, never on a trained weight.
    const isFirst = tf.less(x, BIN_HALF_WIDTH);
    const isLast = tf.greater(x, 1 - BIN_HALF_WIDTH);
    return tf.where(isFirst, firstBin, tf.where(isLast, lastBin, interior));
  });
}
