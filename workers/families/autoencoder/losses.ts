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
 */
export function sumBinaryCrossEntropy(target: tf.Tensor, output: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const x = flat(target);
    const r = flat(output);
    const ll = tf.add(tf.mul(x, tf.log(tf.add(r, EPS))), tf.mul(tf.sub(1, x), tf.log(tf.add(tf.sub(1, r), EPS))));
    return tf.neg(tf.sum(ll, 1)) as tf.Tensor1D;
  });
}

export function perExampleLoss(kind: ReconstructionLoss, target: tf.Tensor, output: tf.Tensor): tf.Tensor1D {
  return kind === 'bce' ? sumBinaryCrossEntropy(target, output) : sumSquaredError(target, output);
}

/** Mean over the batch of the per-example loss. */
export function reconstructionLoss(kind: ReconstructionLoss, target: tf.Tensor, output: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(perExampleLoss(kind, target, output)) as tf.Scalar);
}
