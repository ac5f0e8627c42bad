/**
 * The RBM run's visible units, Bernoulli or Gaussian, behind one face: the
 * parameters and their checkpoint names, how a batch of raw pixels becomes
 * visible states (Gaussian: standardised per pixel), the update, the free
 * energy and reconstruction error, and the samples gallery's draw. run.ts
 * stays one loop for both.
 *
 * The Gaussian units' standardisation (each pixel's mean and std over the
 * training images, std floored at STD_FLOOR) is held in two variables saved
 * with the weights ('input_mean', 'input_std'), so a resumed run and any
 * later evaluation of the checkpoint standardise as training did.
 */
import * as tf from '@tensorflow/tfjs';
import type { CdOptions, CdResult, RbmParams, RbmVelocity } from './rbm';
import { cdUpdate, createRbm, createVelocity, disposeRbm, freeEnergy, gibbsSamples, namedParams, reconstructionError, variableOf } from './rbm';
import { gaussianCdUpdate, gaussianFreeEnergy, gaussianGibbsSamples, gaussianReconstructionError, type GaussianRbm } from './gaussian';

/**
 * A pixel's std is at least this (grey levels in [0, 1]): MNIST's border pixels are almost never
 * inked, and dividing by their tiny std would turn a rare test stroke into a value in the hundreds.
 */
export const STD_FLOOR = 0.1;

export interface NamedVariable { name: string; variable: tf.Variable }

export interface VisibleUnits {
  kind: 'bernoulli' | 'gaussian';
  params: RbmParams;
  velocity: RbmVelocity;
  /** The checkpoint's 'rbm' part (weights, biases and, for Gaussian units, log σ and the standardisation). */
  modelVariables: NamedVariable[];
  /** The checkpoint's 'cd' part besides the persistent chains and the sparsity estimate. */
  updateVariables: NamedVariable[];
  /** Raw pixel rows (already binarised for Bernoulli units) as visible states. Call inside tf.tidy. */
  prepare: (x: tf.Tensor2D) => tf.Tensor2D;
  update: (v0: tf.Tensor2D, o: CdOptions) => CdResult;
  freeEnergy: (v: tf.Tensor2D) => tf.Tensor1D;
  reconstructionError: (v: tf.Tensor2D) => tf.Tensor1D;
  /** Gallery images in [0, 1]. */
  drawSamples: (count: number, steps: number, seed: number) => tf.Tensor2D;
  dispose: () => void;
}

/** Each pixel's mean and std (floored at STD_FLOOR) over `n` images of `d` pixels. */
export function pixelStatistics(x: Float32Array, n: number, d: number): { mean: Float32Array; std: Float32Array } {
  const mean = new Float32Array(d);
  const sq = new Float64Array(d);
  for (let i = 0; i < n * d; i++) mean[i % d]! += x[i]! / n;
  for (let i = 0; i < n * d; i++) sq[i % d]! += (x[i]! - mean[i % d]!) ** 2 / n;
  return { mean, std: Float32Array.from(sq, (s) => Math.max(STD_FLOOR, Math.sqrt(s))) };
}

export function bernoulliUnits(visible: number, hidden: number, seed: number, pixelMeans: Float32Array): VisibleUnits {
  const params = createRbm(visible, hidden, seed, pixelMeans);
  const velocity = createVelocity(params);
  return {
    kind: 'bernoulli', params, velocity,
    modelVariables: namedParams(params),
    updateVariables: velocityNames(velocity),
    prepare: (x) => x,
    update: (v0, o) => cdUpdate(params, velocity, v0, o),
    freeEnergy: (v) => freeEnergy(params, v),
    reconstructionError: (v) => reconstructionError(params, v),
    drawSamples: (count, steps, s) => gibbsSamples(params, count, steps, s),
    dispose: () => { disposeRbm(params); disposeRbm(velocity); },
  };
}

/** Gaussian visible units over the training images `train` (n × d grey levels): biases 0 (the data standardised), σ = 1 at the start. */
export function gaussianUnits(train: Float32Array, n: number, d: number, hidden: number, seed: number, learnVariance: boolean): VisibleUnits {
  const stats = pixelStatistics(train, n, d);
  const inputMean = variableOf(() => tf.tensor1d(stats.mean), false);
  const inputStd = variableOf(() => tf.tensor1d(stats.std), false);
  const params: GaussianRbm = { ...createRbm(d, hidden, seed), logSigma: variableOf(() => tf.zeros([d]), learnVariance) };
  const velocity = createVelocity(params);
  const logSigmaVelocity = learnVariance ? variableOf(() => tf.zeros([d]), false) : undefined;
  return {
    kind: 'gaussian', params, velocity,
    modelVariables: [
      ...namedParams(params),
      ...(learnVariance ? [{ name: 'log_sigma', variable: params.logSigma }] : []),
      { name: 'input_mean', variable: inputMean },
      { name: 'input_std', variable: inputStd },
    ],
    updateVariables: [...velocityNames(velocity), ...(logSigmaVelocity ? [{ name: 'log_sigma_velocity', variable: logSigmaVelocity }] : [])],
    prepare: (x) => tf.div(tf.sub(x, inputMean), inputStd),
    update: (v0, o) => gaussianCdUpdate(params, velocity, v0, o, logSigmaVelocity),
    freeEnergy: (v) => gaussianFreeEnergy(params, v),
    reconstructionError: (v) => gaussianReconstructionError(params, v),
    drawSamples: (count, steps, s) => {
      const standardised = gaussianGibbsSamples(params, count, steps, s);
      const images = tf.tidy(() => tf.clipByValue(tf.add(tf.mul(standardised, inputStd), inputMean), 0, 1) as tf.Tensor2D);
      standardised.dispose();
      return images;
    },
    dispose: () => {
      disposeRbm(params);
      disposeRbm(velocity);
      tf.dispose([params.logSigma, inputMean, inputStd]);
      logSigmaVelocity?.dispose();
    },
  };
}

function velocityNames(v: RbmVelocity): NamedVariable[] {
  return namedParams(v).map((x) => ({ ...x, name: `${x.name}_velocity` }));
}
