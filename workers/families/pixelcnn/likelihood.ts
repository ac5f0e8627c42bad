/**
 * PixelCNN's Bernoulli likelihood on binary pixels: −log p(x) = Σ_i BCE(l_i, x_i)
 * over an image's pixels, with l_i the logit of p(x_i = 1 | x_<i). Per pixel
 * max(l, 0) − l·x + log(1 + e^{−|l|}), stable for any l.
 */
import * as tf from '@tensorflow/tfjs';

/** −log p(x) in nats, one per image: x and logits [n, …] of the same shape → [n]. */
export function bernoulliNllPerImage(x: tf.Tensor, logits: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const n = logits.shape[0]!;
    const perPixel = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, x)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return tf.sum(tf.reshape(perPixel, [n, -1]), 1);
  });
}
