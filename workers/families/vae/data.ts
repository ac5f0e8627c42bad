/**
 * VAE batches from plain typed arrays, with the pixels prepared for the
 * likelihood (see engine/pixels): grey levels for the Gaussian decoder; for
 * the Bernoulli decoder pixels binarised at 0.5 ('threshold'), or sampled
 * afresh at each step during training and from one fixed, seeded draw per
 * image for held-out data ('stochastic').
 */
import * as tf from '@tensorflow/tfjs';
import type { Shape } from '../../common/graph';
import type { VaeHyper } from '../../common/runConfig';
import { preparePixels, type DrawKey, type PixelMode } from '../../engine/pixels';

export type { DrawKey, PixelMode };

export function pixelMode(hyper: Pick<VaeHyper, 'decoder' | 'binarize'>): PixelMode {
  return hyper.decoder === 'gaussian' ? 'real' : hyper.binarize;
}

/** A [count, ...inputShape] batch tensor of images `indices[start, end)` (caller disposes). */
export function makeVaeBatch(
  images: Float32Array, inputShape: Shape, indices: ArrayLike<number>, start: number, end: number,
  mode: PixelMode, seed: number, key: DrawKey,
): tf.Tensor {
  const per = inputShape.reduce((a, b) => a * b, 1);
  return tf.tensor(preparePixels(images, per, indices, start, end, mode, seed, key), [end - start, ...inputShape]);
}
