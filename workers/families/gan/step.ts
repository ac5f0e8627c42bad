/**
 * One GAN training step: k discriminator (critic) steps, each on a fresh
 * real batch and fresh noise, then one generator step — against the
 * discriminator as it is, or (unrolling) against a copy of it advanced
 * `unroll.steps` more steps (see unrolled.ts). Leaves no tensor behind.
 *
 * Conditional GANs (nets.conditioning, see conditioning.ts): every real batch
 * carries its one-hot labels; every generated batch gets labels drawn
 * uniformly from the step's seed. A cgan discriminator is told the label; an
 * AC-GAN's predicts it, and both losses add the class cross-entropy
 * (weight auxWeight): D's on the real and the generated batch, G's on its
 * own. The step also reports D's class accuracy on the real batch (the last
 * D step) and on the generator's batch (the G step).
 */
import * as tf from '@tensorflow/tfjs';
import type { GanLoss } from '../../common/runConfig';
import { deriveSeed } from '../../engine/prng';
import { classAccuracy, classCrossEntropy, classLogits, sampleOneHot, sourceLogits } from './conditioning';
import { discriminatorLoss, ensureHigherOrderGradients, generatorLoss, gradientPenalty, outputSummary, type Targets } from './losses';
import { discriminatorForward, generatorForward, trainableVariables, type GanNetworks } from './model';
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
  /** Seed of this step's noise (and interpolation weights, and generated labels). */
  seed: number;
  /** Unrolled GAN: the generator's loss against D advanced this many steps. */
  unroll?: GanUnrollOptions;
  /** AC-GAN: weight of the class cross-entropy terms (default 1). */
  auxWeight?: number;
}

/** A batch of examples, with their one-hot labels [n, numClasses] in a conditional GAN. */
export interface GanBatch { x: tf.Tensor; y?: tf.Tensor }

export interface GanStepResult {
  /** Of the last discriminator step (including the gradient penalty for WGAN-GP, and AC-GAN's class terms). */
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
  /** AC-GAN: D's class accuracy on the last real batch, and on the generator's batch (against the labels asked for). */
  dClassAccuracy?: number;
  gClassAccuracy?: number;
  /** AC-GAN: the class cross-entropy terms (before auxWeight): D's on real + generated, G's on its batch. */
  dClassLoss?: number;
  gClassLoss?: number;
}

function globalNorm(grads: tf.NamedTensorMap): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))) as tf.Scalar);
}

const asBatch = (b: tf.Tensor | GanBatch): GanBatch => (b instanceof tf.Tensor ? { x: b } : b);

/** The critic's source score on examples (and labels): D's output, or an AC-GAN's first column. Callers tidy. */
const criticOf = (nets: GanNetworks) => (x: tf.Tensor, y?: tf.Tensor): tf.Tensor => sourceLogits(discriminatorForward(nets, x, true, y), nets.conditioning);

/** A generated batch on noise z, with labels drawn from `labelSeed` when conditional. Callers tidy. */
function fakeBatch(nets: GanNetworks, z: tf.Tensor, labelSeed: number): GanBatch {
  if (nets.conditioning === 'none') return { x: generatorForward(nets, z, true) };
  const y = sampleOneHot(z.shape[0]!, nets.numClasses, labelSeed);
  return { x: generatorForward(nets, z, true, y), y };
}

function requireLabels(nets: GanNetworks, b: GanBatch): void {
  if (nets.conditioning !== 'none' && !b.y) throw new Error(`A conditional GAN (${nets.conditioning}) step needs every real batch's one-hot labels`);
}

interface DiscriminatorObjective {
  total: tf.Scalar;
  realSource: tf.Tensor;
  fakeSource: tf.Tensor;
  gp?: tf.Scalar;
  /** AC-GAN: class accuracy on the real batch, and the class cross-entropy (real + fake). */
  classAccuracy?: tf.Scalar;
  classLoss?: tf.Scalar;
}

/** The discriminator's loss on a real and a fake batch, with WGAN-GP's penalty (interpolation weights from gpSeed) and AC-GAN's class terms. */
function discriminatorObjective(nets: GanNetworks, real: GanBatch, fake: GanBatch, o: GanStepOptions, gpSeed: number): DiscriminatorObjective {
  const realOut = discriminatorForward(nets, real.x, true, real.y);
  const fakeOut = discriminatorForward(nets, fake.x, true, fake.y);
  const realSource = sourceLogits(realOut, nets.conditioning);
  const fakeSource = sourceLogits(fakeOut, nets.conditioning);
  let total = discriminatorLoss(o.loss, realSource, fakeSource, o.targets);
  const out: Omit<DiscriminatorObjective, 'total'> = { realSource, fakeSource };
  if (o.loss === 'wgan-gp') {
    ensureHigherOrderGradients(); // the penalty's gradient is second order (LeakyReLU's needs Greater's)
    const labels = nets.conditioning === 'cgan' ? { real: real.y!, fake: fake.y! } : undefined;
    out.gp = gradientPenalty(criticOf(nets), real.x, fake.x, gpSeed, labels);
    total = tf.add(total, tf.mul(out.gp, o.gpWeight));
  }
  if (nets.conditioning === 'acgan') {
    const realClasses = classLogits(realOut);
    out.classLoss = tf.add(classCrossEntropy(realClasses, real.y!), classCrossEntropy(classLogits(fakeOut), fake.y!));
    out.classAccuracy = classAccuracy(realClasses, real.y!);
    total = tf.add(total, tf.mul(out.classLoss, o.auxWeight ?? 1));
  }
  return { total, ...out };
}

export interface GeneratorGradients {
  value: tf.Scalar;
  grads: tf.NamedTensorMap;
  /** AC-GAN: D's class accuracy on the generator's batch, and G's class cross-entropy (the caller disposes them). */
  classAccuracy?: tf.Scalar;
  classLoss?: tf.Scalar;
}

/**
 * The generator's loss and gradients on noise z (and, when conditional, the
 * labels asked for, `y`), against D or (o.unroll) the unrolled D, whose
 * optimizer state comes from `optD` (read only). `real` is the batch the
 * unrolled steps use. D's batch-norm moving averages are restored after
 * unrolling. Async only to read the optimizer's state.
 */
export async function generatorGradients(nets: GanNetworks, optD: tf.Optimizer, real: tf.Tensor | GanBatch, z: tf.Tensor, o: GanStepOptions, y?: tf.Tensor): Promise<GeneratorGradients> {
  const D = nets.discriminator;
  const realBatch = asBatch(real);
  requireLabels(nets, realBatch);
  if (nets.conditioning !== 'none' && !y) throw new Error('A conditional generator step needs the labels it is asked for');
  const gVars = trainableVariables(nets.generator);
  const kept: { classAccuracy?: tf.Scalar; classLoss?: tf.Scalar } = {};
  const gLoss = (): tf.Scalar => {
    const out = discriminatorForward(nets, generatorForward(nets, z, true, y), true, y);
    const adversarial = generatorLoss(o.loss, sourceLogits(out, nets.conditioning));
    if (nets.conditioning !== 'acgan') return adversarial;
    const classes = classLogits(out);
    const ce = classCrossEntropy(classes, y!);
    // Kept: variableGrads disposes what the loss function made besides its result.
    tf.dispose([kept.classAccuracy, kept.classLoss].filter((t): t is tf.Scalar => t !== undefined));
    kept.classAccuracy = tf.keep(classAccuracy(classes, y!));
    kept.classLoss = tf.keep(ce);
    return tf.add(adversarial, tf.mul(ce, o.auxWeight ?? 1));
  };
  const withKept = (r: { value: tf.Scalar; grads: tf.NamedTensorMap }): GeneratorGradients => ({ ...r, ...kept });
  if (!o.unroll || o.unroll.steps < 1) return withKept(tf.variableGrads(gLoss, gVars));
  const u = o.unroll;
  if (u.secondOrder) ensureHigherOrderGradients();
  const rule = await readUnrollRule(optD, trainableVariables(D));
  const state = D.nonTrainableWeights;
  const saved = state.map((w) => tf.clone(w.read()));
  const n = realBatch.x.shape[0]!;
  try {
    return withKept(unrolledGeneratorGrads<GanBatch>(D, gVars, {
      steps: u.steps,
      secondOrder: u.secondOrder,
      rule,
      ...(o.loss === 'wgan' ? { clipValue: o.clipValue } : {}),
      fakeBatch: (j) => fakeBatch(nets, tf.randomNormal([n, nets.latentDim], 0, 1, 'float32', deriveSeed(o.seed, j, 3)), deriveSeed(o.seed, j, 7)),
      discriminatorLoss: (fake, j) => discriminatorObjective(nets, realBatch, fake, o, deriveSeed(o.seed, j, 5)).total,
      generatorLoss: gLoss,
    }));
  } finally {
    state.forEach((w, i) => w.write(saved[i]!));
    tf.dispose(saved);
    disposeUnrollRule(rule);
  }
}

/**
 * `realBatches` are the k discriminator steps' real batches (each
 * [n, ...dataShape], scaled as the generator outputs; with their one-hot
 * labels in a conditional GAN); the caller disposes them.
 */
export async function ganTrainStep(nets: GanNetworks, optD: tf.Optimizer, optG: tf.Optimizer, realBatches: readonly (tf.Tensor | GanBatch)[], o: GanStepOptions): Promise<GanStepResult> {
  const dVars = trainableVariables(nets.discriminator);
  const ac = nets.conditioning === 'acgan';
  const batches = realBatches.map(asBatch);
  for (const b of batches) requireLabels(nets, b);
  /** The last D step's [loss, dReal, dFake, norm, gp?, classAccuracy?, classLoss?]. */
  let last: (tf.Tensor | undefined)[] = [];
  const gKept: tf.Tensor[] = [];
  try {
    for (let i = 0; i < batches.length; i++) {
      tf.dispose(last.filter((t): t is tf.Tensor => t !== undefined));
      const real = batches[i]!;
      const n = real.x.shape[0]!;
      last = tf.tidy(() => {
        const z = tf.randomNormal([n, nets.latentDim], 0, 1, 'float32', deriveSeed(o.seed, i, 1));
        const fake = fakeBatch(nets, z, deriveSeed(o.seed, i, 6));
        const keep: (tf.Scalar | undefined)[] = [];
        const { value, grads } = tf.variableGrads(() => {
          const obj = discriminatorObjective(nets, real, fake, o, deriveSeed(o.seed, i, 2));
          // Kept: variableGrads disposes what the loss function made besides its result.
          keep.push(tf.keep(outputSummary(o.loss, obj.realSource)), tf.keep(outputSummary(o.loss, obj.fakeSource)));
          keep.push(obj.gp ? tf.keep(obj.gp) : undefined, obj.classAccuracy ? tf.keep(obj.classAccuracy) : undefined, obj.classLoss ? tf.keep(obj.classLoss) : undefined);
          return obj.total;
        }, dVars);
        const norm = globalNorm(grads);
        optD.applyGradients(grads);
        if (o.loss === 'wgan') for (const v of dVars) v.assign(tf.clipByValue(v, -o.clipValue, o.clipValue));
        const [dReal, dFake, gp, acc, ce] = keep;
        return [value, dReal, dFake, norm, gp, acc, ce];
      }) as (tf.Tensor | undefined)[];
    }
    const lastReal = batches[batches.length - 1]!;
    const n = batches[0]!.x.shape[0]!;
    const z = tf.randomNormal([n, nets.latentDim], 0, 1, 'float32', deriveSeed(o.seed, batches.length, 1));
    gKept.push(z);
    const y = nets.conditioning === 'none' ? undefined : sampleOneHot(n, nets.numClasses, deriveSeed(o.seed, batches.length, 6));
    if (y) gKept.push(y);
    const g = await generatorGradients(nets, optD, lastReal, z, o, y);
    gKept.push(g.value, ...Object.values(g.grads));
    if (g.classAccuracy) gKept.push(g.classAccuracy);
    if (g.classLoss) gKept.push(g.classLoss);
    const norm = globalNorm(g.grads);
    gKept.push(norm);
    optG.applyGradients(g.grads);
    const read = async (t: tf.Tensor | undefined): Promise<number | undefined> => (t ? (await t.data())[0]! : undefined);
    const [dLoss, dReal, dFake, dNorm, gp, dAcc, dCe] = await Promise.all(last.map(read));
    const r: GanStepResult = { dLoss: dLoss!, dReal: dReal!, dFake: dFake!, dGradNorm: dNorm!, gLoss: (await read(g.value))!, gGradNorm: (await read(norm))! };
    if (gp !== undefined) r.gradientPenalty = gp;
    if (ac) {
      r.dClassAccuracy = dAcc!;
      r.dClassLoss = dCe!;
      r.gClassAccuracy = (await read(g.classAccuracy))!;
      r.gClassLoss = (await read(g.classLoss))!;
    }
    return r;
  } finally {
    tf.dispose(last.filter((t): t is tf.Tensor => t !== undefined));
    tf.dispose(gKept);
  }
}
