/**
 * The classifier's loss on a softmax output, −mean Σ_c y·log(p + ε), as one
 * taped op with its gradient written out.
 *
 * Differentiated by the tape, its six ops record six nodes (with saved-input
 * clones) and their gradients run ~ten more kernels, about a quarter of a
 * small MLP's ~90 kernels per step, where each kernel costs tfjs ~10 µs of
 * bookkeeping whatever its size (issue 17). Here the forward runs the same
 * ops in the same order, and the gradient ∂/∂p = (−dy/n)·y / (p + ε) is the
 * tape's own chain (neg, mean, sum, mul, log) in the same roundings, so both
 * are bit-identical to the autodiff path (the tests check it).
 */
import * as tf from '@tensorflow/tfjs';

/** Mean over the leading dimensions of −Σ over the last axis of ys·log(p + eps). */
export function probabilityCrossEntropy(ys: tf.Tensor, p: tf.Tensor, eps: number): tf.Scalar {
  const rows = p.size / p.shape[p.rank - 1]!;
  const loss = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [probs, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const shifted = tf.add(probs, eps);
    save([shifted]);
    return {
      value: tf.neg(tf.mean(tf.sum(tf.mul(ys, tf.log(shifted)), -1))),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.div(tf.mul(ys, tf.div(tf.neg(dy), rows)), saved[0]!),
    };
  }) as (probs: tf.Tensor) => tf.Scalar;
  return loss(p);
}
