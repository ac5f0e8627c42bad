/**
 * A GAN run: data (images scaled to [−1, 1], or a 2-D toy mixture), generator
 * and discriminator (or resumed from a checkpoint), two optimizers; each
 * step is `dSteps` discriminator steps (a fresh real batch each) then one
 * generator step, through the shared loop.
 *
 * Epochs: for images, one pass of the discriminator over the training
 * images (ceil(nTrain / (batchSize·dSteps)) steps); for the toys, a fixed
 * `toyStepsPerEpoch` steps (default 200). Checkpoints [generator,
 * discriminator] with both optimizers at each epoch end.
 *
 * Image runs with evalSamples > 0 are scored by the dataset's reference
 * classifier at logged steps (see evaluation.ts): classes_present, class_kl,
 * inception_score, frechet_distance; reference_accuracy and
 * real_inception_score once, at step 0.
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
import type { Shape } from '../../common/graph';
import type { ModelDocument } from '../../common/graph';
import { ganLatentDim, type GanConfig } from '../../common/runConfig';
import { sampleToy, toyMixture } from '../../data/toy2d';
import { loadCheckpoint, saveCheckpoint } from '../../engine/checkpoint';
import { deriveSeed } from '../../engine/prng';
import { trainLoop } from '../../engine/trainLoop';
import { loadImageDataset, type ImageDataset } from '../../data/mnist';
import { getDatasetEntry } from '../../common/datasets';
import { obtainReferenceClassifier } from '../../engine/referenceCache';
import { checkpointDir, type FamilyRunOptions, type FamilyRunResult } from '../familyRun';
import { epochOrder, loadRunDataset } from '../../engine/trainingData';
import { fixedNoise, imageGalleryContext, toyCoverage, TOY_EVAL_POINTS, TOY_SCATTER_POINTS, writeSamples, writeToyScatter, type ImageGalleryContext, type ToyContext } from './galleries';
import { assertSecondOrderGradients, fusedSecondOrderProblem, isWasserstein, type Targets } from './losses';
import { buildGan, discriminatorForward, disposeGan, ganBuildOptions, makeGanOptimizer, trainableVariables, type GanNetworks } from './model';
import { classNamesFor, oneHotLabels, sourceLogits } from './conditioning';
import { ganTrainStep, type GanBatch } from './step';
import { prepareTricks } from './tricks';
import { createGanEvaluator, type GanEvaluator as Scorer } from './evaluation';

interface GanEvaluator extends Scorer { dispose(): void }

export interface GanRunOptions extends FamilyRunOptions<GanConfig> {
  model: ModelDocument;
  /** Where the reference classifier is cached (`<data>/cache`); trained per run without one. */
  cacheDir?: string;
  /** The data the reference classifier trains on and is scored against: the dataset's whole splits by default (the run's own `dataset` when one is preloaded). */
  referenceDataset?: ImageDataset;
  /** Tests only: called once the networks are built (e.g. to perturb a weight). */
  onNetworksBuilt?: (nets: GanNetworks) => void;
}

export type GanRunResult = FamilyRunResult;

/** Thrown when one of the two losses stops being finite; names the network. */
export class GanLossNotFiniteError extends Error {
  constructor(network: 'Discriminator' | 'Generator', loss: number, epoch: number, step: number, learningRate: number) {
    const what = Number.isNaN(loss) ? 'NaN' : loss > 0 ? 'Infinity' : '-Infinity';
    super(`${network} loss became ${what} at epoch ${epoch}, step ${step} (the ${network.toLowerCase()} learning rate ${learningRate} may be too high)`);
    this.name = 'GanLossNotFiniteError';
  }
}

interface RealSource {
  dataShape: Shape;
  stepsPerEpoch: number;
  describe: string;
  /** The k real batches of a step, with their one-hot labels when `labelled` (caller disposes). */
  batches(epoch: number, batchIndex: number, step: number): GanBatch[];
  onEpochStart(epoch: number): void;
}

function imageSource(data: ImageDataset, batchSize: number, dSteps: number, seed: number, labelled: boolean): RealSource {
  const nTrain = data.trainLabels.length;
  if (nTrain === 0) throw new Error('No training images');
  const per = data.inputShape.reduce((a, b) => a * b, 1);
  const all = Int32Array.from({ length: nTrain }, (_, i) => i);
  const bs = Math.min(batchSize, nTrain);
  let order: Int32Array = all;
  return {
    dataShape: [...data.inputShape],
    stepsPerEpoch: Math.ceil(nTrain / (bs * dSteps)),
    describe: `${nTrain} images, batches of ${bs}`,
    onEpochStart: (epoch) => { order = epochOrder(all, seed, epoch); },
    batches: (_epoch, batchIndex) => Array.from({ length: dSteps }, (_, i) => {
      const start = ((batchIndex * dSteps + i) * bs) % nTrain;
      const end = Math.min(start + bs, nTrain);
      const x = new Float32Array((end - start) * per);
      const labels = new Int32Array(end - start);
      for (let k = start; k < end; k++) {
        const src = order[k]! * per;
        for (let p = 0; p < per; p++) x[(k - start) * per + p] = 2 * data.trainImages[src + p]! - 1;
        labels[k - start] = data.trainLabels[order[k]!]!;
      }
      const batch: GanBatch = { x: tf.tensor(x, [end - start, ...data.inputShape]) };
      if (labelled) batch.y = oneHotLabels(labels, data.numClasses);
      return batch;
    }),
  };
}

/**
 * The sample scorer of an image run: the dataset's reference classifier
 * (from the cache, or trained now on the dataset's whole training split) and
 * the real test images' statistics. Records reference_accuracy at step 0.
 */
async function imageEvaluator(o: GanRunOptions, nets: GanNetworks, runData: ImageDataset): Promise<GanEvaluator> {
  const { hyper } = o.config;
  const reference = o.referenceDataset ?? (o.dataset ? runData : loadImageDataset(getDatasetEntry(o.config.dataset.id)));
  const { classifier } = await obtainReferenceClassifier({
    ...(o.cacheDir !== undefined ? { cacheDir: o.cacheDir } : {}),
    datasetId: o.config.dataset.id, template: hyper.referenceTemplate, epochs: hyper.referenceEpochs, data: reference,
    log: (m) => o.sink.log('info', m), isCancelled: o.isCancelled,
  });
  o.sink.metric('reference_accuracy', 0, classifier.accuracy);
  try {
    const evaluator = await createGanEvaluator({ nets, classifier, reference, samples: hyper.evalSamples, seed: deriveSeed(hyper.seed, 0xe7a1), sink: o.sink, ...(o.runDir !== undefined ? { runDir: o.runDir } : {}) });
    o.sink.metric('real_inception_score', 0, evaluator.realScores.inception_score);
    return { realScores: evaluator.realScores, evaluate: evaluator.evaluate, dispose: () => classifier.dispose() };
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

export async function runGan(o: GanRunOptions): Promise<GanRunResult> {
  const { config, sink } = o;
  const hyper = config.hyper;
  const L = ganLatentDim(hyper);
  const lrD = hyper.learningRateD ?? hyper.learningRate;
  const mixture = hyper.toy !== undefined ? toyMixture(hyper.toy) : undefined;
  const runData = mixture ? undefined : o.dataset ?? loadRunDataset(config);
  const source: RealSource = mixture
    ? {
      dataShape: [2], stepsPerEpoch: hyper.toyStepsPerEpoch, describe: `the ${mixture.id} toy mixture, batches of ${hyper.batchSize}`,
      onEpochStart: () => undefined,
      batches: (_e, _b, step) => Array.from({ length: hyper.dSteps }, (_, i) => ({ x: tf.tensor2d(sampleToy(mixture, hyper.batchSize, deriveSeed(hyper.seed, step, i, 0x7d)), [hyper.batchSize, 2]) })),
    }
    : imageSource(runData!, hyper.batchSize, hyper.dSteps, hyper.seed, hyper.conditioning !== 'none');
  if (mixture && hyper.conditioning !== 'none') throw new Error(`conditioning '${hyper.conditioning}' needs class labels, and the 2-D toy mixtures have none`);
  const numClasses = runData?.numClasses ?? 0;
  const { stepsPerEpoch } = source;
  const totalSteps = stepsPerEpoch * hyper.epochs;
  const wasserstein = isWasserstein(hyper.loss);
  const targets: Targets = { real: hyper.labelSmoothing, fake: hyper.smoothNegatives ? 1 - hyper.labelSmoothing : 0 };
  sink.log('info', `GAN (${hyper.loss} loss, noise ${L}, ${hyper.dSteps} discriminator step${hyper.dSteps > 1 ? 's' : ''} per generator step, learning rates G ${hyper.learningRate} / D ${lrD}): training on ${source.describe}; ${stepsPerEpoch} steps per epoch`);
  if (wasserstein && (hyper.labelSmoothing !== 1 || hyper.smoothNegatives)) {
    sink.log('warn', `Label smoothing does not apply to the ${hyper.loss} critic and is ignored`);
  } else if (hyper.smoothNegatives) {
    sink.log('warn', `smoothNegatives: fake examples get target ${targets.fake.toFixed(2)} instead of 0. Smoothing the negative labels rewards the generator for samples where the data has no mass (Salimans et al. 2016); prefer one-sided smoothing`);
  }
  if (wasserstein) sink.log('info', `d_real and d_fake are the critic's mean raw outputs (not probabilities)${hyper.loss === 'wgan' ? `; critic weights are clipped to ±${hyper.clipValue}` : `; gradient penalty λ ${hyper.gpWeight}`}`);
  if (hyper.loss === 'lsgan') sink.log('info', 'd_real and d_fake are the discriminator\'s mean raw outputs (LSGAN targets 1 for real, 0 for fake)');
  if (hyper.conditioning === 'cgan') sink.log('info', `Conditional GAN (Mirza & Osindero 2014): the generator and the discriminator both get the one-hot label of each example (${numClasses} classes); real batches carry their own, generated ones labels drawn uniformly`);
  if (hyper.conditioning === 'acgan') sink.log('info', `AC-GAN (Odena et al. 2017): the generator gets a one-hot label (${numClasses} classes, drawn uniformly); the discriminator outputs the source logit and ${numClasses} class logits, and both networks add the class cross-entropy (weight ${hyper.auxWeight}) to their ${hyper.loss} loss`);

  const nets = buildGan(o.model, source.dataShape, L, hyper.seed, ganBuildOptions(hyper, numClasses || undefined));
  const optG = makeGanOptimizer(hyper, hyper.learningRate);
  const optD = makeGanOptimizer(hyper, lrD);
  const final: Record<string, number> = {};
  let evaluator: GanEvaluator | undefined;
  try {
    o.onNetworksBuilt?.(nets);
    if (hyper.loss === 'wgan-gp') {
      const fused = fusedSecondOrderProblem(nets.discriminator);
      if (fused) throw new Error(`WGAN-GP needs the gradient of a gradient through the discriminator, and its ${fused}. Use the 'wgan' loss (weight clipping) instead, or change that layer`);
      const critic = (x: tf.Tensor, y?: tf.Tensor): tf.Tensor => sourceLogits(discriminatorForward(nets, x, true, y), nets.conditioning);
      assertSecondOrderGradients(critic, trainableVariables(nets.discriminator), source.dataShape, nets.numClasses);
    }
    // Unrolled discriminator, minibatch stddev, virtual batch norm: one log line each that is on.
    const unroll = await prepareTricks(nets, optD, hyper, targets, sink);
    const images: ImageGalleryContext | undefined = !mixture && o.runDir !== undefined ? imageGalleryContext(nets, o.runDir, sink, hyper.seed, datasetClassNames(config.dataset.id, numClasses)) : undefined;
    const toy: ToyContext | undefined = mixture ? {
      nets, mixture, loss: hyper.loss, z: fixedNoise(TOY_EVAL_POINTS, L, deriveSeed(hyper.seed, 0x70e)),
      real: sampleToy(mixture, TOY_SCATTER_POINTS, deriveSeed(hyper.seed, 0x7ea1)),
    } : undefined;
    const logToy = async (step: number, epoch: number): Promise<void> => {
      if (!toy) return;
      const { coverage, points } = await toyCoverage(toy);
      sink.metric('modes_covered', step, coverage.modesCovered);
      sink.metric('mode_distance', step, coverage.modeDistance);
      sink.metric('high_quality', step, coverage.highQuality);
      final['modes_covered'] = coverage.modesCovered;
      final['mode_distance'] = coverage.modeDistance;
      final['high_quality'] = coverage.highQuality;
      if (o.runDir !== undefined) await writeToyScatter(toy, o.runDir, sink, step, epoch, points, coverage);
    };
    if (runData && hyper.evalSamples > 0) evaluator = await imageEvaluator(o, nets, runData);
    const scorer = evaluator;
    const logGalleries = async (step: number, epoch: number): Promise<void> => {
      await logToy(step, epoch);
      if (images) await writeSamples(images, step, epoch);
      if (scorer) Object.assign(final, await scorer.evaluate(step, epoch));
    };

    let startEpoch = 0;
    let startStep = 0;
    if (o.resumeFrom) {
      const state = await loadCheckpoint(o.resumeFrom.dir, [nets.generator, nets.discriminator], [optG, optD]);
      startEpoch = state.epoch;
      startStep = state.step;
      sink.log('info', `Resumed from ${o.resumeFrom.dir} after epoch ${startEpoch}, step ${startStep}`);
    } else {
      await logGalleries(0, 0);
    }
    sink.log('info', `Generator has ${nets.generator.countParams()} parameters, discriminator ${nets.discriminator.countParams()}`);

    const result = await trainLoop({
      epochs: hyper.epochs,
      stepsPerEpoch,
      startEpoch,
      startStep,
      learningRate: hyper.learningRate,
      isCancelled: o.isCancelled,
      onEpochStart: (epoch) => source.onEpochStart(epoch),
      runBatch: async ({ epoch, batchIndex, step }) => {
        const real = source.batches(epoch, batchIndex, step);
        try {
          const r = await ganTrainStep(nets, optD, optG, real, { loss: hyper.loss, targets, clipValue: hyper.clipValue, gpWeight: hyper.gpWeight, auxWeight: hyper.auxWeight, seed: deriveSeed(hyper.seed, step, 0x6a7), ...(unroll ? { unroll } : {}) });
          if (!Number.isFinite(r.dLoss)) throw new GanLossNotFiniteError('Discriminator', r.dLoss, epoch, step, lrD);
          if (!Number.isFinite(r.gLoss)) throw new GanLossNotFiniteError('Generator', r.gLoss, epoch, step, hyper.learningRate);
          const values: Record<string, number> = { d_loss: r.dLoss, g_loss: r.gLoss, d_real: r.dReal, d_fake: r.dFake, d_grad_norm: r.dGradNorm, g_grad_norm: r.gGradNorm };
          if (r.gradientPenalty !== undefined) values['gradient_penalty'] = r.gradientPenalty;
          if (r.dClassAccuracy !== undefined) values['d_class_accuracy'] = r.dClassAccuracy;
          if (r.gClassAccuracy !== undefined) values['g_class_accuracy'] = r.gClassAccuracy;
          if (r.dClassLoss !== undefined) values['d_class_loss'] = r.dClassLoss;
          if (r.gClassLoss !== undefined) values['g_class_loss'] = r.gClassLoss;
          return { loss: r.gLoss, values };
        } finally {
          tf.dispose(real.flatMap((b) => (b.y ? [b.x, b.y] : [b.x])));
        }
      },
      onBatchEnd: async ({ epoch, batchIndex, step }, r) => {
        for (const [k, v] of Object.entries(r.values!)) { sink.metric(k, step, v); final[k] = v; }
        sink.progress({ epoch, epochs: hyper.epochs, step, totalSteps });
        const epochEnd = batchIndex === stepsPerEpoch - 1;
        if (hyper.sampleEverySteps > 0 && step % hyper.sampleEverySteps === 0 && !epochEnd) await logGalleries(step, epoch);
      },
      onEpochEnd: async (epoch, step) => {
        await logGalleries(step, epoch);
        sink.log('info', `Epoch ${epoch}/${hyper.epochs}: d_loss ${final['d_loss']?.toFixed(4)}, g_loss ${final['g_loss']?.toFixed(4)}, d_real ${final['d_real']?.toFixed(3)}, d_fake ${final['d_fake']?.toFixed(3)}${toy ? `, ${final['modes_covered']} of ${toy.mixture.centres.length} modes covered, mode distance ${final['mode_distance']?.toFixed(3)}` : ''}`);
        if (o.runDir !== undefined) {
          const dir = checkpointDir(o.runDir, epoch);
          await saveCheckpoint(dir, [nets.generator, nets.discriminator], [optG, optD], { epoch, step, rng: {} });
          sink.checkpoint({ dir, epoch, step });
        }
      },
    });
    if (result.status === 'cancelled') {
      sink.log('info', `Cancelled at step ${result.step}`);
      return { status: 'cancelled' };
    }
    return { status: 'done', final };
  } finally {
    evaluator?.dispose();
    disposeGan(nets);
    optG.dispose();
    optD.dispose();
  }
}
