/**
 * Reconstruction losses, per example and summed over its values (pixels), as
 * Hinton & Salakhutdinov report "squared error per image": the batch loss is
 * their mean over the batch.
 */
import * as tf from '@tensorflow/tfjs';

const EPS = 1e-7;

export type ReconstructionLoss = 'bce' | 'mse';

function flat(t: tf.Tensor): tf.Tensor2D {
  return tf.reshape(t, [t.shape[0]!, -1]);
}

/** Σ (x − r)² per example: shape [batch]. */
export function sumSquaredError(target: tf.Tensor, output: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.square(tf.sub(flat(output), flat(target))), 1) as tf.Tensor1D);
}

/**
 * −Σ [x log r + (1 − x) log(1 − r)] per example: shape [batch]. log(r + ε),
 * not a clip, so a NaN output stays NaN and the loop reports divergence.
 * One taped op (issue 17: each taped op costs the small autoencoders'
 * steps tfjs bookkeeping and saved-input copies): the forward runs the ops
 * it always ran, and the gradient is the tape's chain written out,
 * ∂/∂r = (−dy)·x/(r + ε) − (−dy)·(1 − x)/((1 − r) + ε), in the same
 * roundings, so values and gradients are bit-identical to the taped ops.
 * The target gets no gradient (it is the data everywhere this is used).
 */
export function sumBinaryCrossEntropy(target: tf.Tensor, output: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const perExample = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [r, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
      const x = flat(target);
      const oneMinusX = tf.sub(1, x);
      const shifted = tf.add(r, EPS);
      const shiftedComplement = tf.add(tf.sub(1, r), EPS);
      save([x, oneMinusX, shifted, shiftedComplement]);
      const ll = tf.add(tf.mul(x, tf.log(shifted)), tf.mul(oneMinusX, tf.log(shiftedComplement)));
      return {
        value: tf.neg(tf.sum(ll, 1)),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sx, sOneMinusX, s, c] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
          const g = tf.reshape(tf.neg(dy), [s.shape[0], 1]);
          return tf.add(tf.div(tf.mul(g, sx), s), tf.neg(tf.div(tf.mul(g, sOneMinusX), c)));
        },
      };
    }) as (r: tf.Tensor2D) => tf.Tensor1D;
    return perExample(flat(output));
  });
}

export function perExampleLoss(kind: ReconstructionLoss, target: tf.Tensor, output: tf.Tensor): tf.Tensor1D {
  return kind === 'bce' ? sumBinaryCrossEntropy(target, output) : sumSquaredError(target, output);
}

/** Mean over the batch of the per-example loss. */
export function reconstructionLoss(kind: ReconstructionLoss, target: tf.Tensor, output: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(perExampleLoss(kind, target, output)) as tf.Scalar);
}
