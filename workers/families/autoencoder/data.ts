/**
 * Autoencoder data: image batches (no labels needed) from plain typed arrays,
 * and the input corruption of the denoising variant, seeded so a run (and
 * its test noise) is reproducible.
 */
import * as tf from '@tensorflow/tfjs';
import type { Shape } from '../../common/graph';
import type { AutoencoderHyper } from '../../common/runConfig';

/** A [count, ...inputShape] batch of the examples `indices[start, end)`; caller disposes. */
export function imageBatch(images: Float32Array, inputShape: Shape, indices: Int32Array, start: number, end: number): tf.Tensor {
  const per = inputShape.reduce((a, b) => a * b, 1);
  const count = end - start;
  const x = new Float32Array(count * per);
  for (let i = 0; i < count; i++) {
    const idx = indices[start + i]!;
    x.set(images.subarray(idx * per, (idx + 1) * per), i * per);
  }
  return tf.tensor(x, [count, ...inputShape]);
}

export type NoiseSpec = Pick<AutoencoderHyper, 'noise' | 'noiseLevel'>;

/**
 * The corrupted input of a denoising autoencoder: masking zeroes each value
 * with probability noiseLevel; gaussian adds N(0, noiseLevel²) and clips to
 * [0, 1]. The same seed gives the same noise.
 */
export function corrupt(x: tf.Tensor, spec: NoiseSpec, seed: number): tf.Tensor {
  return tf.tidy(() => {
    if (spec.noise === 'masking') {
      const keep = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', seed), spec.noiseLevel), 'float32');
      return tf.mul(x, keep);
    }
    return tf.clipByValue(tf.add(x, tf.mul(tf.randomNormal(x.shape, 0, 1, 'float32', seed), spec.noiseLevel)), 0, 1);
  });
}
