/**
 * One GAN training step: k discriminator (critic) steps, each on a fresh
 * real batch and fresh noise, then one generator step. Leaves no tensor behind.
 */
import * as tf from '@tensorflow/tfjs';
import type { GanLoss } from '../../common/runConfig';
import { deriveSeed } from '../../engine/prng';
import { discriminatorLoss, generatorLoss, gradientPenalty, outputSummary, type Targets } from './losses';
import { trainableVariables, type GanNetworks } from './model';

export interface GanStepOptions {
  loss: GanLoss;
  targets: Targets;
  /** WGAN weight clipping bound. */
  clipValue: number;
  /** WGAN-GP λ. */
  gpWeight: number;
  /** Seed of this step's noise (and interpolation weights). */
  seed: number;
}

export interface GanStepResult {
  /** Of the last discriminator step (including the gradient penalty for WGAN-GP). */
  dLoss: number;
  gLoss: number;
  /** Mean σ(D(x)) / σ(D(G(z))) on the last discriminator step (raw means for LSGAN and the critics). */
  dReal: number;
  dFake: number;
  /** Global L2 norms of the last discriminator step's and the generator step's gradients. */
  dGradNorm: number;
  gGradNorm: number;
  /** WGAN-GP: the last penalty term (before λ). */
  gradientPenalty?: number;
}

function globalNorm(grads: tf.NamedTensorMap): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))) as tf.Scalar);
}

/**
 * `realBatches` are the k discriminator steps' real batches (each
 * [n, ...dataShape], scaled as the generator outputs); the caller disposes them.
 */
export async function ganTrainStep(nets: GanNetworks, optD: tf.Optimizer, optG: tf.Optimizer, realBatches: readonly tf.Tensor[], o: GanStepOptions): Promise<GanStepResult> {
  const G = nets.generator;
  const D = nets.discriminator;
  const dVars = trainableVariables(D);
  const gVars = trainableVariables(G);
  const critic = (x: tf.Tensor): tf.Tensor => D.apply(x, { training: true }) as tf.Tensor;
  let last: tf.Tensor[] = [];
  try {
    for (let i = 0; i < realBatches.length; i++) {
      tf.dispose(last);
      const real = realBatches[i]!;
      const n = real.shape[0]!;
      const stats = tf.tidy(() => {
        const z = tf.randomNormal([n, nets.latentDim], 0, 1, 'float32', deriveSeed(o.seed, i, 1));
        const fake = G.apply(z, { training: true }) as tf.Tensor;
        let dReal: tf.Scalar | undefined;
        let dFake: tf.Scalar | undefined;
        let gp: tf.Scalar | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const realOut = critic(real);
          const fakeOut = critic(fake);
          // Kept: variableGrads disposes what the loss function made besides its result.
          dReal = tf.keep(outputSummary(o.loss, realOut));
          dFake = tf.keep(outputSummary(o.loss, fakeOut));
          const base = discriminatorLoss(o.loss, realOut, fakeOut, o.targets);
          if (o.loss !== 'wgan-gp') return base;
          gp = tf.keep(gradientPenalty(critic, real, fake, deriveSeed(o.seed, i, 2)));
          return tf.add(base, tf.mul(gp, o.gpWeight)) as tf.Scalar;
        }, dVars);
        const norm = globalNorm(grads);
        optD.applyGradients(grads);
        if (o.loss === 'wgan') for (const v of dVars) v.assign(tf.clipByValue(v, -o.clipValue, o.clipValue));
        return gp ? [value, dReal!, dFake!, norm, gp] : [value, dReal!, dFake!, norm];
      });
      last = stats;
    }
    const gStats = tf.tidy(() => {
      const n = realBatches[0]!.shape[0]!;
      const z = tf.randomNormal([n, nets.latentDim], 0, 1, 'float32', deriveSeed(o.seed, realBatches.length, 1));
      const { value, grads } = tf.variableGrads(() => generatorLoss(o.loss, critic(G.apply(z, { training: true }) as tf.Tensor)), gVars);
      const norm = globalNorm(grads);
      optG.applyGradients(grads);
      return [value, norm];
    });
    last.push(...gStats);
    const v = await Promise.all(last.map((t) => t.data()));
    const r: GanStepResult = { dLoss: v[0]![0]!, dReal: v[1]![0]!, dFake: v[2]![0]!, dGradNorm: v[3]![0]!, gLoss: v[v.length - 2]![0]!, gGradNorm: v[v.length - 1]![0]! };
    if (last.length === 7) r.gradientPenalty = v[4]![0]!;
    return r;
  } finally {
    tf.dispose(last);
  }
}
