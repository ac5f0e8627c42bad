/**
 * A GAN run: data (images scaled to [−1, 1], or a 2-D toy mixture, see
 * source.ts), generator and discriminator, two optimizers; each step is
 * `dSteps` discriminator steps (a fresh real batch each) then one generator
 * step, through the trainer (resume, checkpoints, cancel, galleries at step
 * 0, every sampleEverySteps and at epoch ends) with the GAN's session. Both
 * losses are checked after each step, naming the network that diverged.
 *
 * Epochs: for images, one pass of the discriminator over the training
 * images (ceil(nTrain / (batchSize·dSteps)) steps); for the toys, a fixed
 * `toyStepsPerEpoch` steps (default 200). Checkpoints [generator,
 * discriminator] with both optimizers and the random states of both
 * networks' dropout and sampling layers at each epoch end.
 *
 * Image runs with evalSamples > 0 are scored by the dataset's reference
 * classifier at logged steps (see evaluation.ts, sampleScores.ts):
 * classes_present (confident), confident_share, class_kl, inception_score
 * (± _sd), frechet_distance (_lo, _hi), kid (± _se), precision, recall;
 * reference_accuracy and the real-vs-real floor (real_*) once, at step 0;
 * and at the end of a completed run the final_ scores on finalEvalSamples.
 * With a runDir, the generator's weights are kept at each scored step
 * (scoredGenerator.ts), so every score can be recomputed.
 *
 * Metrics per step (step = generator step): d_loss, g_loss, d_real, d_fake
 * (mean σ(D(x)), σ(D(G(z))) for minimax / non-saturating; for LSGAN and the
 * WGAN critics the mean RAW output, which is not a probability),
 * d_grad_norm, g_grad_norm, gradient_penalty (WGAN-GP). Toys, at logged
 * steps (sampleEverySteps, epoch ends, and step 0 of a fresh run):
 * modes_covered, mode_distance, high_quality (fraction of generated points
 * within 3σ of a centre), on 2000 generated points from fixed noise.
 *
 * Conditional runs (hyper.conditioning 'cgan' / 'acgan', image data only):
 * each real batch carries its labels (one-hot), generated batches get labels
 * drawn uniformly from the step's seed (see step.ts, conditioning.ts); the
 * samples grid has a row per class; the scores add conditional_accuracy.
 * AC-GAN also records per step d_class_accuracy (D's class accuracy on the
 * real batch), g_class_accuracy (on the generator's batch, against the
 * labels asked for), d_class_loss and g_class_loss (the class cross-entropy
 * terms before auxWeight).
 */

import * as tf from '@tensorflow/tfjs';
import { getDatasetEntry } from '../../common/datasets';
import { ganLatentDim, type GanConfig } from '../../common/families/gan/config';
import type { ModelDocument } from '../../common/graph';
import { loadImageDataset, type ImageDataset } from '../../data/mnist';
import { sampleToy, toyMixture, type ToyMixture } from '../../data/toy2d';
import { installLazyFusedGradients } from '../../engine/lazyFusedGradients';
import { setFusedBatchNorm } from '../../engine/fusedBatchNormLayer';
import { deriveSeed } from '../../engine/prng';
import { metricEntries, train, type MetricValues } from '../../engine/trainer';
import { loadRunDataset } from '../../engine/trainingData';
import { obtainReferenceClassifier } from '../classifier/referenceCache';
import { scoreProvenance } from '../../common/referenceIdentity';
import type { FamilyContext, FamilyRunOptions, FamilyRunResult, FamilySession } from '../familyRun';
import { classNamesFor, sourceLogits } from './conditioning';
import { createGanEvaluator, type GanEvaluator as Scorer } from './evaluation';
import { fixedNoise, imageGalleryContext, toyCoverage, TOY_EVAL_POINTS, TOY_SCATTER_POINTS, writeSamples, writeToyScatter, type ImageGalleryContext, type ToyContext } from './galleries';
import { assertSecondOrderGradients, fusedSecondOrderProblem, isWasserstein, type Targets } from './losses';
import { buildGan, discriminatorForward, disposeGan, ganBuildOptions, makeGanOptimizer, trainableVariables, type GanNetworks } from './model';
import { imageSource, toySource, type RealSource } from './source';
import { ganEvaluationSeed, keepScoredGenerator } from './scoredGenerator';
import { ganTrainStep, type GanStepResult, type GanUnrollOptions } from './step';
import { prepareTricks } from './tricks';

interface GanEvaluator extends Scorer { dispose(): void }

export interface GanRunOptions extends FamilyRunOptions<'gan'> {
  model: ModelDocument;
  /** Where the reference classifier is cached (`<data>/cache`); trained per run without one. */
  cacheDir?: string;
  /** The data the reference classifier trains on and is scored against: the dataset's whole splits by default (the run's own `dataset` when one is preloaded). */
  referenceDataset?: ImageDataset;
  /** Tests only: called once the networks are built (e.g. to perturb a weight). */
  onNetworksBuilt?: (nets: GanNetworks) => void;
}

type Hyper = GanConfig['hyper'];

/** What the run trains on and how, fixed before any tensor exists. */
interface Plan {
  hyper: Hyper;
  latentDim: number;
  /** The discriminator's learning rate. */
  lrD: number;
  mixture: ToyMixture | undefined;
  runData: ImageDataset | undefined;
  /** The training images held out from the generator's training (the last `validationSplit` of the training split). */
  validation: { images: Float32Array; n: number } | undefined;
  source: RealSource;
  numClasses: number;
  targets: Targets;
}

/** The training split without its last `fraction` (which the generator never sees), and those held-out images. */
function holdOut(data: ImageDataset, fraction: number): { train: ImageDataset; validation: { images: Float32Array; n: number } | undefined } {
  const n = data.trainLabels.length;
  const nVal = Math.floor(n * fraction);
  if (nVal === 0) return { train: data, validation: undefined };
  const per = data.inputShape.reduce((a, b) => a * b, 1);
  const nTrain = n - nVal;
  return {
    train: { ...data, trainImages: data.trainImages.subarray(0, nTrain * per), trainLabels: data.trainLabels.subarray(0, nTrain) },
    validation: { images: data.trainImages.subarray(nTrain * per, n * per), n: nVal },
  };
}

function plan(o: GanRunOptions): Plan {
  const hyper = o.config.hyper;
  const mixture = hyper.toy !== undefined ? toyMixture(hyper.toy) : undefined;
  const runData = mixture ? undefined : o.dataset ?? loadRunDataset(o.config);
  const split = runData ? holdOut(runData, hyper.validationSplit) : undefined;
  const source = mixture ? toySource(mixture, hyper) : imageSource(split!.train, hyper.batchSize, hyper.dSteps, hyper.seed, hyper.conditioning !== 'none');
  if (mixture && hyper.conditioning !== 'none') throw new Error(`conditioning '${hyper.conditioning}' needs class labels, and the 2-D toy mixtures have none`);
  return {
    hyper, latentDim: ganLatentDim(hyper), lrD: hyper.learningRateD ?? hyper.learningRate, mixture, runData, source, validation: split?.validation,
    numClasses: runData?.numClasses ?? 0,
    targets: { real: hyper.labelSmoothing, fake: hyper.smoothNegatives ? 1 - hyper.labelSmoothing : 0 },
  };
}

/** The run's set-up in words: losses, learning rates, what d_real means, conditioning. */
function logPlan(ctx: FamilyContext<'gan'>, p: Plan): void {
  const { hyper, numClasses } = p;
  const log = (m: string): void => ctx.sink.log('info', m);
  log(`GAN (${hyper.loss} loss, noise ${p.latentDim}, ${hyper.dSteps} discriminator step${hyper.dSteps > 1 ? 's' : ''} per generator step, learning rates G ${hyper.learningRate} / D ${p.lrD}): training on ${p.source.describe}; ${p.source.stepsPerEpoch} steps per epoch`);
  const wasserstein = isWasserstein(hyper.loss);
  if (wasserstein && (hyper.labelSmoothing !== 1 || hyper.smoothNegatives)) {
    ctx.sink.log('warn', `Label smoothing does not apply to the ${hyper.loss} critic and is ignored`);
  } else if (hyper.smoothNegatives) {
    ctx.sink.log('warn', `smoothNegatives: fake examples get target ${p.targets.fake.toFixed(2)} instead of 0. Smoothing the negative labels rewards the generator for samples where the data has no mass (Salimans et al. 2016); prefer one-sided smoothing`);
  }
  if (wasserstein) log(`d_real and d_fake are the critic's mean raw outputs (not probabilities)${hyper.loss === 'wgan' ? `; critic weights are clipped to ±${hyper.clipValue}` : `; gradient penalty λ ${hyper.gpWeight}`}`);
  if (hyper.loss === 'lsgan') log('d_real and d_fake are the discriminator\'s mean raw outputs (LSGAN targets 1 for real, 0 for fake)');
  if (hyper.conditioning === 'cgan') log(`Conditional GAN (Mirza & Osindero 2014): the generator and the discriminator both get the one-hot label of each example (${numClasses} classes); real batches carry their own, generated ones labels drawn uniformly`);
  if (hyper.conditioning === 'acgan') log(`AC-GAN (Odena et al. 2017): the generator gets a one-hot label (${numClasses} classes, drawn uniformly); the discriminator outputs the source logit and ${numClasses} class logits, and both networks add the class cross-entropy (weight ${hyper.auxWeight}) to their ${hyper.loss} loss`);
}

/**
 * The sample scorer of an image run: the dataset's reference classifier
 * (from the cache, or trained now on the dataset's whole training split) and
 * the real test images' statistics. Records reference_accuracy at step 0.
 */
async function imageEvaluator(o: GanRunOptions, ctx: FamilyContext<'gan'>, nets: GanNetworks, runData: ImageDataset, validation: Plan['validation']): Promise<GanEvaluator> {
  const { hyper } = o.config;
  const reference = o.referenceDataset ?? (o.dataset ? runData : loadImageDataset(getDatasetEntry(o.config.dataset.id)));
  const { classifier, identity } = await obtainReferenceClassifier({
    ...(o.cacheDir !== undefined ? { cacheDir: o.cacheDir } : {}),
    datasetId: o.config.dataset.id, template: hyper.referenceTemplate, epochs: hyper.referenceEpochs, data: reference,
    log: (m) => ctx.sink.log('info', m), isCancelled: ctx.isCancelled,
  });
  ctx.sink.metric('reference_accuracy', 0, classifier.accuracy);
  try {
    const evaluator = await createGanEvaluator({
      nets, classifier, reference, samples: hyper.evalSamples, seed: ganEvaluationSeed(hyper.seed), sink: ctx.sink, ...(ctx.runDir !== undefined ? { runDir: ctx.runDir } : {}),
      confidenceThreshold: hyper.confidenceThreshold, finalSamples: hyper.finalEvalSamples, provenance: scoreProvenance(identity),
      ...(validation ? { validation } : {}),
    });
    // The real-vs-real floor at the training sample size, once.
    for (const [key, value] of metricEntries(evaluator.realScores.floor)) ctx.sink.metric(key, 0, value);
    return { ...evaluator, dispose: () => classifier.dispose() };
  } catch (e) {
    classifier.dispose();
    throw e;
  }
}

/** The dataset's class names for the samples grid's rows (the label numbers when it has none). */
function datasetClassNames(datasetId: string, numClasses: number): string[] {
  let names: readonly string[] | undefined;
  try {
    names = getDatasetEntry(datasetId).classNames;
  } catch {
    names = undefined; // a preloaded dataset the catalogue does not know (tests)
  }
  return classNamesFor(numClasses, names);
}

/** WGAN-GP takes the gradient of a gradient through D: refuse a discriminator that cannot give it. */
function checkSecondOrder(nets: GanNetworks, p: Plan): void {
  if (p.hyper.loss !== 'wgan-gp') return;
  const fused = fusedSecondOrderProblem(nets.discriminator);
  if (fused) throw new Error(`WGAN-GP needs the gradient of a gradient through the discriminator, and its ${fused}. Use the 'wgan' loss (weight clipping) instead, or change that layer`);
  const critic = (x: tf.Tensor, y?: tf.Tensor): tf.Tensor => sourceLogits(discriminatorForward(nets, x, true, y), nets.conditioning);
  assertSecondOrderGradients(critic, trainableVariables(nets.discriminator), p.source.dataShape, nets.numClasses);
}

export async function runGan(o: GanRunOptions): Promise<FamilyRunResult> {
  const p = plan(o);
  return train(o, async (ctx) => {
    logPlan(ctx, p);
    const { hyper } = p;
    installLazyFusedGradients(); // D's input gradient in the D step, D's weight gradients in the G step: not computed
    // The templates' batch norms in training: a few SIMD passes on wasm. WGAN-GP differentiates D's input
    // gradient again, and the fused gradient has no gradient of its own: tfjs' batch norm there.
    setFusedBatchNorm(hyper.loss !== 'wgan-gp');
    const nets = buildGan(o.model, p.source.dataShape, p.latentDim, hyper.seed, ganBuildOptions(hyper, p.numClasses || undefined));
    const optG = makeGanOptimizer(hyper, hyper.learningRate);
    const optD = makeGanOptimizer(hyper, p.lrD);
    let evaluator: GanEvaluator | undefined;
    try {
      o.onNetworksBuilt?.(nets);
      checkSecondOrder(nets, p);
      // Unrolled discriminator, minibatch stddev, virtual batch norm: one log line each that is on.
      const unroll = await prepareTricks(nets, optD, hyper, p.targets, ctx.sink);
      if (p.runData && hyper.evalSamples > 0) evaluator = await imageEvaluator(o, ctx, nets, p.runData, p.validation);
      ctx.sink.log('info', `Generator has ${nets.generator.countParams()} parameters, discriminator ${nets.discriminator.countParams()}`);
      return ganSession(ctx, p, { nets, optG, optD, unroll, evaluator, classNames: datasetClassNames(o.config.dataset.id, p.numClasses) });
    } catch (e) {
      evaluator?.dispose();
      disposeGan(nets);
      optG.dispose();
      optD.dispose();
      throw e;
    }
  });
}

/** A step's values, under the catalogue's keys. */
function stepValues(r: GanStepResult): MetricValues<'d_loss' | 'g_loss' | 'd_real' | 'd_fake' | 'd_grad_norm' | 'g_grad_norm' | 'gradient_penalty' | 'd_class_accuracy' | 'g_class_accuracy' | 'd_class_loss' | 'g_class_loss'> {
  return {
    d_loss: r.dLoss, g_loss: r.gLoss, d_real: r.dReal, d_fake: r.dFake, d_grad_norm: r.dGradNorm, g_grad_norm: r.gGradNorm,
    gradient_penalty: r.gradientPenalty, d_class_accuracy: r.dClassAccuracy, g_class_accuracy: r.gClassAccuracy, d_class_loss: r.dClassLoss, g_class_loss: r.gClassLoss,
  };
}

interface Trained {
  nets: GanNetworks;
  optG: tf.Optimizer;
  optD: tf.Optimizer;
  unroll: GanUnrollOptions | undefined;
  evaluator: GanEvaluator | undefined;
  classNames: string[];
}

/** What the epoch's log line reports: the last step's losses and the last toy coverage. */
type Latest = MetricValues<'d_loss' | 'g_loss' | 'd_real' | 'd_fake' | 'modes_covered' | 'mode_distance'>;

/** The galleries of a logged step: the toy's coverage and density, the samples grid, the reference scores. */
function galleries(ctx: FamilyContext<'gan'>, p: Plan, t: Trained, latest: Latest): (step: number, epoch: number) => Promise<void> {
  const { hyper, mixture } = p;
  const images: ImageGalleryContext | undefined = !mixture && ctx.runDir !== undefined ? imageGalleryContext(t.nets, ctx.runDir, ctx.sink, hyper.seed, t.classNames) : undefined;
  const toy: ToyContext | undefined = mixture ? {
    nets: t.nets, mixture, loss: hyper.loss, z: fixedNoise(TOY_EVAL_POINTS, p.latentDim, deriveSeed(hyper.seed, 0x70e)),
    real: sampleToy(mixture, TOY_SCATTER_POINTS, deriveSeed(hyper.seed, 0x7ea1)),
  } : undefined;
  return async (step, epoch) => {
    if (toy) {
      const { coverage, points } = await toyCoverage(toy);
      ctx.record('modes_covered', step, coverage.modesCovered);
      ctx.record('mode_distance', step, coverage.modeDistance);
      ctx.record('high_quality', step, coverage.highQuality);
      latest.modes_covered = coverage.modesCovered;
      latest.mode_distance = coverage.modeDistance;
      if (ctx.runDir !== undefined) await writeToyScatter(toy, ctx.runDir, ctx.sink, step, epoch, points, coverage);
    }
    if (images) await writeSamples(images, step, epoch);
    if (t.evaluator) {
      const scores = await t.evaluator.evaluate(step, epoch);
      for (const [key, value] of metricEntries(scores)) ctx.record(key, step, value);
      // The weights these scores came from, so any of them can be recomputed (scoredGenerator.ts).
      if (ctx.runDir !== undefined) await keepScoredGenerator(t.nets, ctx.runDir, ctx.sink, { step, epoch, samples: hyper.evalSamples, scores });
    }
  };
}

function ganSession(ctx: FamilyContext<'gan'>, p: Plan, t: Trained): FamilySession<'gan'> {
  const { hyper, source } = p;
  const last: Latest = {};
  const toyNote = (): string => (p.mixture ? `, ${last.modes_covered} of ${p.mixture.centres.length} modes covered, mode distance ${last.mode_distance?.toFixed(3)}` : '');
  return {
    parts: [{ name: 'generator', weights: t.nets.generator }, { name: 'discriminator', weights: t.nets.discriminator }],
    optimizers: [t.optG, t.optD],
    epochs: hyper.epochs,
    stepsPerEpoch: source.stepsPerEpoch,
    sampleEverySteps: hyper.sampleEverySteps,
    galleryAtStart: true,
    stepValuesAreFinal: true,
    startEpoch: (epoch) => source.onEpochStart(epoch),
    step: async ({ epoch, batchIndex, step }) => {
      const real = source.batches(epoch, batchIndex, step);
      try {
        const r = await ganTrainStep(t.nets, t.optD, t.optG, real, { loss: hyper.loss, targets: p.targets, clipValue: hyper.clipValue, gpWeight: hyper.gpWeight, auxWeight: hyper.auxWeight, seed: deriveSeed(hyper.seed, step, 0x6a7), ...(t.unroll ? { unroll: t.unroll } : {}) });
        Object.assign(last, { d_loss: r.dLoss, g_loss: r.gLoss, d_real: r.dReal, d_fake: r.dFake });
        return {
          values: stepValues(r),
          checked: [{ value: r.dLoss, network: 'Discriminator', learningRate: p.lrD }, { value: r.gLoss, network: 'Generator', learningRate: hyper.learningRate }],
        };
      } finally {
        tf.dispose(real.flatMap((b) => (b.y ? [b.x, b.y] : [b.x])));
      }
    },
    galleries: galleries(ctx, p, t, last),
    // A completed image run is scored once more on finalEvalSamples samples (the final_ keys).
    finish: async (step) => {
      const final = await t.evaluator?.evaluateFinal(step, hyper.epochs);
      if (final) for (const [key, value] of metricEntries(final)) ctx.record(key, step, value);
    },
    endEpoch: async (epoch) => ({
      log: `Epoch ${epoch}/${hyper.epochs}: d_loss ${last.d_loss?.toFixed(4)}, g_loss ${last.g_loss?.toFixed(4)}, d_real ${last.d_real?.toFixed(3)}, d_fake ${last.d_fake?.toFixed(3)}${toyNote()}`,
    }),
    dispose: () => {
      t.evaluator?.dispose();
      disposeGan(t.nets);
      t.optG.dispose();
      t.optD.dispose();
    },
  };
}
