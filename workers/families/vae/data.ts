/**
 * VAE batches from plain typed arrays, with the pixels prepared for the
 * likelihood (see engine/pixels): grey levels for the Gaussian decoder; for
 * the Bernoulli decoder pixels binarised at 0.5 ('threshold'), or sampled
 * afresh at each step during training ('stochastic') and, for held-out data,
 * from one fixed draw per image seeded by the DATASET (heldOutSeed), not the
 * run: every run on a dataset is scored on the same binary test images, so
 * two seeds' ELBOs differ by their models only.
 */
import * as tf from '@tensorflow/tfjs';
import type { Shape } from '../../common/graph';
import type { VaeHyper } from '../../common/runConfig';
import { preparePixels, type DrawKey, type PixelMode } from '../../engine/pixels';
import { deriveSeed } from '../../engine/prng';

export type { DrawKey, PixelMode };

export function pixelMode(hyper: Pick<VaeHyper, 'decoder' | 'binarize'>): PixelMode {
  return hyper.decoder === 'gaussian' ? 'real' : hyper.binarize;
}

const HELD_OUT_TAG = 0x4e1d;

/**
 * The seed of a dataset's held-out binarisation: a hash of its id (FNV-1a
 * over the UTF-16 code units) mixed with a fixed tag. Image i of the test
 * file gets the same draw in every run on the dataset, whatever its seed
 * or testSize (testSize takes the first images, and the draw is per index).
 */
export function heldOutSeed(datasetId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < datasetId.length; i++) h = Math.imul(h ^ datasetId.charCodeAt(i), 0x01000193) >>> 0;
  return deriveSeed(h, HELD_OUT_TAG);
}

/** A [count, ...inputShape] batch tensor of images `indices[start, end)` (caller disposes). */
export function makeVaeBatch(
  images: Float32Array, inputShape: Shape, indices: ArrayLike<number>, start: number, end: number,
  mode: PixelMode, seed: number, key: DrawKey,
): tf.Tensor {
  const per = inputShape.reduce((a, b) => a * b, 1);
  return tf.tensor(preparePixels(images, per, indices, start, end, mode, seed, key), [end - start, ...inputShape]);
}
