/**
 * One GAN training step: k discriminator (critic) steps, each on a fresh
 * real batch and fresh noise, then one generator step — against the
 * discriminator as it is, or (unrolling) against a copy of it advanced
 * `unroll.steps` more steps (see unrolled.ts). Leaves no tensor behind.
 */
import * as tf from '@tensorflow/tfjs';
import type { GanLoss } from '../../common/runConfig';
import { deriveSeed } from '../../engine/prng';
import { discriminatorLoss, ensureHigherOrderGradients, generatorLoss, gradientPenalty, outputSummary, type Targets } from './losses';
import { generatorForward, trainableVariables, type GanNetworks } from './model';
import { disposeUnrollRule, readUnrollRule, unrolledGeneratorGrads } from './unrolled';

export interface GanUnrollOptions {
  /** Extra discriminator steps the generator's loss looks ahead (≥ 1). */
  steps: number;
  /** Backpropagate through the unrolled updates (else treat the unrolled weights as constants). */
  secondOrder: boolean;
}

export interface GanStepOptions {
  loss: GanLoss;
  targets: Targets;
  /** WGAN weight clipping bound. */
  clipValue: number;
  /** WGAN-GP λ. */
  gpWeight: number;
  /** Seed of this step's noise (and interpolation weights). */
  seed: number;
  /** Unrolled GAN: the generator's loss against D advanced this many steps. */
  unroll?: GanUnrollOptions;
}

export interface GanStepResult {
  /** Of the last discriminator step (including the gradient penalty for WGAN-GP). */
  dLoss: number;
  /** The generator's loss (with unrolling: against the unrolled discriminator, the surrogate it minimises). */
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

const criticOf = (D: tf.LayersModel) => (x: tf.Tensor): tf.Tensor => D.apply(x, { training: true }) as tf.Tensor;

interface DiscriminatorObjective { total: tf.Scalar; realOut: tf.Tensor; fakeOut: tf.Tensor; gp?: tf.Scalar }

/** The discriminator's loss on a real and a fake batch, with WGAN-GP's penalty (interpolation weights from gpSeed). */
function discriminatorObjective(critic: (x: tf.Tensor) => tf.Tensor, real: tf.Tensor, fake: tf.Tensor, o: GanStepOptions, gpSeed: number): DiscriminatorObjective {
  const realOut = critic(real);
  const fakeOut = critic(fake);
  const base = discriminatorLoss(o.loss, realOut, fakeOut, o.targets);
  if (o.loss !== 'wgan-gp') return { total: base, realOut, fakeOut };
  const gp = gradientPenalty(critic, real, fake, gpSeed);
  return { total: tf.add(base, tf.mul(gp, o.gpWeight)) as tf.Scalar, realOut, fakeOut, gp };
}

/**
 * The generator's loss and gradients on noise z, against D or (o.unroll) the
 * unrolled D, whose optimizer state comes from `optD` (read only). `real` is
 * the batch the unrolled steps use. D's batch-norm moving averages are
 * restored after unrolling. Async only to read the optimizer's state.
 */
export async function generatorGradients(nets: GanNetworks, optD: tf.Optimizer, real: tf.Tensor, z: tf.Tensor, o: GanStepOptions): Promise<{ value: tf.Scalar; grads: tf.NamedTensorMap }> {
  const D = nets.discriminator;
  const critic = criticOf(D);
  const gVars = trainableVariables(nets.generator);
  const gLoss = (): tf.Scalar => generatorLoss(o.loss, critic(generatorForward(nets, z, true)));
  if (!o.unroll || o.unroll.steps < 1) return tf.variableGrads(gLoss, gVars);
  const u = o.unroll;
  if (u.secondOrder) ensureHigherOrderGradients();
  const rule = await readUnrollRule(optD, trainableVariables(D));
  const state = D.nonTrainableWeights;
  const saved = state.map((w) => tf.clone(w.read()));
  const n = real.shape[0]!;
  try {
    return unrolledGeneratorGrads(D, gVars, {
      steps: u.steps,
      secondOrder: u.secondOrder,
      rule,
      ...(o.loss === 'wgan' ? { clipValue: o.clipValue } : {}),
      fakeBatch: (j) => generatorForward(nets, tf.randomNormal([n, nets.latentDim], 0, 1, 'float32', deriveSeed(o.seed, j, 3)), true),
      discriminatorLoss: (fake, j) => discriminatorObjective(critic, real, fake, o, deriveSeed(o.seed, j, 5)).total,
      generatorLoss: gLoss,
    });
  } finally {
    state.forEach((w, i) => w.write(saved[i]!));
    tf.dispose(saved);
    disposeUnrollRule(rule);
  }
}

/**
 * `realBatches` are the k discriminator steps' real batches (each
 * [n, ...dataShape], scaled as the generator outputs); the caller disposes them.
 */
export async function ganTrainStep(nets: GanNetworks, optD: tf.Optimizer, optG: tf.Optimizer, realBatches: readonly tf.Tensor[], o: GanStepOptions): Promise<GanStepResult> {
  const D = nets.discriminator;
  const dVars = trainableVariables(D);
  const critic = criticOf(D);
  let last: tf.Tensor[] = [];
  const gKept: tf.Tensor[] = [];
  try {
    for (let i = 0; i < realBatches.length; i++) {
      tf.dispose(last);
      const real = realBatches[i]!;
      const n = real.shape[0]!;
      const stats = tf.tidy(() => {
        const z = tf.randomNormal([n, nets.latentDim], 0, 1, 'float32', deriveSeed(o.seed, i, 1));
        const fake = generatorForward(nets, z, true);
        let dReal: tf.Scalar | undefined;
        let dFake: tf.Scalar | undefined;
        let gp: tf.Scalar | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const obj = discriminatorObjective(critic, real, fake, o, deriveSeed(o.seed, i, 2));
          // Kept: variableGrads disposes what the loss function made besides its result.
          dReal = tf.keep(outputSummary(o.loss, obj.realOut));
          dFake = tf.keep(outputSummary(o.loss, obj.fakeOut));
          if (obj.gp) gp = tf.keep(obj.gp);
          return obj.total;
        }, dVars);
        const norm = globalNorm(grads);
        optD.applyGradients(grads);
        if (o.loss === 'wgan') for (const v of dVars) v.assign(tf.clipByValue(v, -o.clipValue, o.clipValue));
        return gp ? [value, dReal!, dFake!, norm, gp] : [value, dReal!, dFake!, norm];
      });
      last = stats;
    }
    const lastReal = realBatches[realBatches.length - 1]!;
    const n = realBatches[0]!.shape[0]!;
    const z = tf.randomNormal([n, nets.latentDim], 0, 1, 'float32', deriveSeed(o.seed, realBatches.length, 1));
    gKept.push(z);
    const { value, grads } = await generatorGradients(nets, optD, lastReal, z, o);
    gKept.push(value, ...Object.values(grads));
    const norm = globalNorm(grads);
    gKept.push(norm);
    optG.applyGradients(grads);
    last.push(value, norm);
    const v = await Promise.all(last.map((t) => t.data()));
    const r: GanStepResult = { dLoss: v[0]![0]!, dReal: v[1]![0]!, dFake: v[2]![0]!, dGradNorm: v[3]![0]!, gLoss: v[v.length - 2]![0]!, gGradNorm: v[v.length - 1]![0]! };
    if (last.length === 7) r.gradientPenalty = v[4]![0]!;
    return r;
  } finally {
    tf.dispose(last);
    tf.dispose(gKept);
  }
}
