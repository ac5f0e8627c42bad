/**
 * The contractive penalty ||∂h/∂x||²_F (Rifai et al. 2011), for any encoder,
 * by a stochastic estimator: for v ~ N(0, I) in code space,
 * E_v ||Jᵀv||² = E_v tr(Jᵀ v vᵀ J) = tr(J Jᵀ) = ||J||²_F. Each Jᵀv is one
 * vector–Jacobian product, i.e. tf.grad of Σ h·v with respect to the input;
 * `draws` of them are averaged, computed in one pass on the input repeated
 * `draws` times. The estimate is unbiased; it is differentiable with respect
 * to the weights (a second-order gradient, which tfjs records on the same tape),
 * so minimising it contracts the encoder.
 */
import * as tf from '@tensorflow/tfjs';

/** Draws of v per step: 4 keeps the estimator's variance moderate at 4 extra backward passes' cost. */
export const CONTRACTIVE_DRAWS = 4;

/** Mean over the batch of the estimated ||∂h/∂x||²_F per example (a scalar). */
export function jacobianPenalty(encoder: tf.LayersModel, x: tf.Tensor, seed: number, draws = CONTRACTIVE_DRAWS): tf.Scalar {
  return tf.tidy(() => {
    const batch = x.shape[0]!;
    const reps = [draws, ...x.shape.slice(1).map(() => 1)];
    const tiled = tf.tile(x, reps);
    const codeShape = encoder.outputs[0]!.shape.slice(1).map((d) => d ?? 1);
    const v = tf.randomNormal([draws * batch, ...codeShape], 0, 1, 'float32', seed);
    const jtv = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(encoder.apply(input, { training: true }) as tf.Tensor, v)))(tiled);
    const sq = tf.sum(tf.square(tf.reshape(jtv, [draws * batch, -1])));
    return tf.div(sq, draws * batch) as tf.Scalar;
  });
}

/** The exact ||∂h/∂x||²_F averaged over the batch, one gradient per code unit (tests; small codes). */
export function exactJacobianPenalty(encoder: tf.LayersModel, x: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const codeDim = encoder.outputs[0]!.shape.slice(1).reduce<number>((a, b) => a * (b ?? 1), 1);
    let total: tf.Tensor = tf.scalar(0);
    for (let k = 0; k < codeDim; k++) {
      const g = tf.grad((input: tf.Tensor) => {
        const h = tf.reshape(encoder.apply(input) as tf.Tensor, [x.shape[0]!, codeDim]);
        return tf.sum(tf.slice(h, [0, k], [-1, 1]));
      })(x);
      total = tf.add(total, tf.sum(tf.square(g)));
    }
    return tf.div(total, x.shape[0]!) as tf.Scalar;
  });
}
