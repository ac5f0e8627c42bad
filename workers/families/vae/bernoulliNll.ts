/**
 * The Bernoulli decoder's −log p(x|z) per image from logits, as one taped op.
 *
 * Per pixel max(l, 0) − l·x + log(1 + e^{−|l|}) (stable for any l); its
 * derivative in l is sigmoid(l) − x. Differentiated by the tape, the seven
 * element-wise ops over the batch's pixels recorded seven nodes and ran about
 * a dozen gradient kernels over 64×784 values each step (issue 17: the small
 * VAE's step is mostly per-kernel cost); here the gradient is sigmoid(l) − x,
 * scaled by the incoming per-image gradient: three kernels and a reshape. The
 * forward runs the same ops as before, so values are bit-identical; the
 * gradient agrees with the tape's to float32 rounding (at l = 0 exactly, the
 * tape's relu and |·| subgradients of 0 gave −x, this gives ½ − x).
 */
import * as tf from '@tensorflow/tfjs';

/** Σ over each image's pixels of the Bernoulli negative log-likelihood of `x` under `logits`: [n]. */
export function bernoulliNll(x: tf.Tensor, logits: tf.Tensor): tf.Tensor1D {
  const n = logits.shape[0]!;
  const perImage = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [l, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([l]);
    const perPixel = tf.add(tf.sub(tf.relu(l), tf.mul(l, x)), tf.log1p(tf.exp(tf.neg(tf.abs(l)))));
    return {
      value: tf.sum(tf.reshape(perPixel, [n, -1]), 1),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [saveL] = saved as [tf.Tensor];
        const perRow = tf.reshape(dy, [n, ...saveL.shape.slice(1).map(() => 1)]);
        return tf.mul(perRow, tf.sub(tf.sigmoid(saveL), x));
      },
    };
  }) as (l: tf.Tensor) => tf.Tensor1D;
  return perImage(logits);
}
