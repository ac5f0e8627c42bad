/**
 * Matrix products whose gradients use explicit transposes: tfjs's MatMul
 * gradient calls matMul with transposeA/transposeB, which takes a path ~15×
 * slower on the wasm backend. The sequence runtime and the self-attention
 * block train through these. Callers tidy.
 */
import * as tf from '@tensorflow/tfjs';

/** a [m, k] × b [k, n], with a gradient that never asks for a transposed product. */
export const mm = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy)];
    },
  };
}) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;

/** Batched a [n, p, k] × b [n, k, q], gradient with explicit transposes. */
export const bmm = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor3D, tf.Tensor3D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor3D, tf.Tensor3D];
      return [tf.matMul(dy, tf.transpose(sb, [0, 2, 1])), tf.matMul(tf.transpose(sa, [0, 2, 1]), dy)];
    },
  };
}) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor3D;

/**
 * h [m, k] × u [k, n] for a weight reused at every step of a sequence, with
 * uᵀ computed once by the caller: the gradient for h then multiplies by the
 * saved uᵀ instead of transposing u again at every step (for an LSTM of 256
 * units, a 256 × 1024 transpose per step was a third of the backward pass on
 * wasm). uᵀ is not an input: u's gradient comes from hᵀ·dy alone.
 */
export function mmTransposed(uT: tf.Tensor): (h: tf.Tensor, u: tf.Tensor) => tf.Tensor2D {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([a, uT]);
    return {
      value: tf.matMul(a, b),
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [sa, sbT] = saved as [tf.Tensor2D, tf.Tensor2D];
        return [tf.matMul(dy, sbT), tf.matMul(tf.transpose(sa), dy)];
      },
    };
  }) as (h: tf.Tensor, u: tf.Tensor) => tf.Tensor2D;
}
