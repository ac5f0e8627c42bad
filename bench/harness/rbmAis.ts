/**
 * The AIS log-likelihood of a finished RBM bench run, on its final weights
 * (read back from the run's last checkpoint, so the training wall time stays
 * the training's own): log Ẑ by AIS from the base-rate model of the
 * threshold-binarised training images, and the test log-likelihood
 * −mean F(v) − log Ẑ with the run's own last test_free_energy (the same
 * weights, all test images). Timed on its own.
 */
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint } from '../../workers/engine/checkpoint';
import { aisLogPartition, type AisEstimate } from '../../workers/families/rbm/ais';
import { baseRateBiases, createRbm, createVelocity, disposeRbm, namedParams, variableOf } from '../../workers/families/rbm/rbm';

export interface RbmAisSettings { runs: number; steps: number; seed: number }

export interface RbmAisResult { logLikelihood: number; estimate: AisEstimate; seconds: number }

/** Each pixel's share of training images above 0.5 (the bench binarises at 0.5). */
export function thresholdPixelMeans(images: Float32Array, d: number): Float32Array {
  const n = images.length / d;
  const counts = new Float64Array(d);
  for (let i = 0; i < images.length; i++) if (images[i]! > 0.5) counts[i % d]! += 1;
  return Float32Array.from(counts, (c) => c / n);
}

/**
 * AIS on the weights in checkpoint `dir` of an RBM with `d` visible and
 * `hidden` hidden units (its 'cd' part: momentum terms, and a persistent
 * chain of `chainRows` rows when persistent, read and ignored).
 */
export async function rbmAisFromCheckpoint(
  dir: string, shape: { d: number; hidden: number; chainRows?: number }, testFreeEnergy: number, baseMeans: Float32Array, s: RbmAisSettings,
): Promise<RbmAisResult> {
  const params = createRbm(shape.d, shape.hidden, 0);
  const velocity = createVelocity(params);
  const chain = shape.chainRows === undefined ? undefined : variableOf(() => tf.zeros([shape.chainRows!, shape.d]), false);
  try {
    await loadCheckpoint(dir, [
      { variables: namedParams(params) },
      { variables: [...namedParams(velocity), ...(chain ? [{ name: 'pcd_chain', variable: chain }] : [])] },
    ]);
    const t0 = performance.now();
    const estimate = aisLogPartition(params, { runs: s.runs, steps: s.steps, seed: s.seed, baseVisibleBias: baseRateBiases(baseMeans) });
    const seconds = (performance.now() - t0) / 1000;
    return { logLikelihood: -testFreeEnergy - estimate.logZ, estimate, seconds };
  } finally {
    disposeRbm(params);
    disposeRbm(velocity);
    chain?.dispose();
  }
}
