/**
 * An RBM run through the one trainer: no optimizer and no gradient tape —
 * the session's step is the CD-k (or PCD) update of rbm.ts. Parts: 'rbm'
 * (weights and biases) and 'cd' (the momentum terms, and the persistent
 * chains), so a resumed run continues exactly where it stopped.
 *
 * Metrics: per step `reconstruction_error` (the batch's, checked for NaN);
 * per epoch `epoch_reconstruction_error`, `val_reconstruction_error` and
 * `val_pseudo_log_likelihood` (on the held-out `validationSplit` of the
 * training images: the epoch a run is quoted at is chosen on these, never on
 * the test images), `test_reconstruction_error`,
 * `train_free_energy` (on as many training images as there are test images),
 * `test_free_energy`, `free_energy_gap` (test − train) and
 * `test_pseudo_log_likelihood` (one fixed flipped bit per test image),
 * `mean_hidden_activation` (the epoch's batches' mean P(h = 1 | v)); when
 * `hyper.logLikelihood` says so (logLikelihood.ts), `test_log_likelihood`,
 * `log_partition_function` and, for an AIS estimate, `test_log_likelihood_se`.
 * Gaussian visible units (`hyper.visible`, visibleUnits.ts) record no
 * pseudo-likelihood or log-likelihood: both are Bernoulli-only measures.
 * Galleries: 'filters' and 'samples' at step 0, every sampleEverySteps and
 * each epoch end.
 */
import * as tf from '@tensorflow/tfjs';
import type { ConfigOf, FamilyMetricKey } from '../../common/families/registry';
import { deriveSeed, mulberry32 } from '../../engine/prng';
import { preparePixels, type DrawKey } from '../../engine/pixels';
import { epochOrder, loadRunDataset, range, splitTrainValidation } from '../../engine/trainingData';
import { train, type MetricValues } from '../../engine/trainer';
import type { ImageDataset } from '../../data/mnist';
import type { FamilyContext, FamilyRunOptions, FamilyRunResult, FamilySession } from '../familyRun';
import { writeRbmGalleries } from './galleries';
import { logLikelihoodDue, modelLogLikelihood, type ModelLogLikelihood } from './logLikelihood';
import { baseRateBiases, pseudoLogLikelihood, variableOf } from './rbm';
import { SPARSITY_ESTIMATE_START, type SparsityOptions } from './sparsity';
import { bernoulliUnits, gaussianUnits, type VisibleUnits } from './visibleUnits';

type RbmConfig = ConfigOf<'rbm'>;
/** The keys the RBM records (`satisfies` checks each literal record: a returned object literal escapes excess-property checks). */
type RbmKey = FamilyMetricKey<'rbm'>;

/** Held-out measures are computed in chunks of this many images. */
const EVAL_CHUNK = 2000;

export function runRbm(o: FamilyRunOptions<'rbm'>): Promise<FamilyRunResult> {
  return train(o, (ctx) => rbmSession(o.config, o.dataset ?? loadRunDataset(o.config), ctx));
}

/** Images `indices` as the visible units' raw input: binary for Bernoulli units (a fixed binarisation for held-out sets), grey levels for Gaussian ones. */
function binary(images: Float32Array, d: number, indices: Int32Array, config: RbmConfig, key: DrawKey): Float32Array {
  return preparePixels(images, d, indices, 0, indices.length, pixelMode(config), config.hyper.seed, key);
}

function pixelMode(config: RbmConfig): 'real' | 'threshold' | 'stochastic' {
  return config.hyper.visible === 'gaussian' ? 'real' : config.hyper.binarize;
}

/** The mean over `x` (n × d raw rows, made visible states by `units`) of a per-example measure, in chunks (the measure is told which examples it gets). */
function meanOver(units: VisibleUnits, x: Float32Array, n: number, d: number, measure: (v: tf.Tensor2D, start: number, end: number) => tf.Tensor1D): number {
  let sum = 0;
  for (let start = 0; start < n; start += EVAL_CHUNK) {
    const end = Math.min(start + EVAL_CHUNK, n);
    const s = tf.tidy(() => tf.sum(measure(units.prepare(tf.tensor2d(x.subarray(start * d, end * d), [end - start, d])), start, end)));
    sum += s.dataSync()[0]!;
    s.dispose();
  }
  return sum / n;
}

/** The run's data as the RBM sees it: binary held-out sets, fixed flips, the pixels' means. */
interface RbmData {
  /** Visible units (pixels per image). */
  d: number;
  nTrain: number;
  batchSize: number;
  stepsPerEpoch: number;
  /** The test images, binarised once. */
  test: Float32Array;
  nTest: number;
  /** As many training images as test images (at most), binarised once: the free-energy gap's reference. */
  trainRef: Float32Array;
  nRef: number;
  /** The pixel each test image has flipped for the pseudo-likelihood. */
  flips: Int32Array;
  /** The validation images (the last `validationSplit` of the training file, never trained on), binarised once, and their flips. */
  val: Float32Array;
  nVal: number;
  valFlips: Int32Array;
  /** Every training image binarised once (grey for Gaussian units): the visible biases' start (the standardisation's statistics) and the persistent chains' first states. */
  binaryTrain: Float32Array;
}

function prepareData(config: RbmConfig, data: ImageDataset): RbmData {
  const h = config.hyper;
  const d = data.inputShape.reduce((a, b) => a * b, 1);
  const split = splitTrainValidation(data.trainLabels.length, h.validationSplit);
  const nTrain = split.train.length;
  const nVal = split.validation.length;
  const nTest = data.testLabels.length;
  if (nTrain === 0) throw new Error(`The RBM needs training images (${data.trainLabels.length} minus ${nVal} held out for validation leaves none)`);
  if (nTest === 0) throw new Error('The RBM needs test images to measure its held-out free energy and pseudo-likelihood');
  const batchSize = Math.min(h.batchSize, nTrain);
  const nRef = Math.min(nTest, nTrain);
  const rnd = mulberry32(deriveSeed(h.seed, 0xf11b));
  return {
    d, nTrain, batchSize, stepsPerEpoch: Math.ceil(nTrain / batchSize), nTest, nRef,
    test: binary(data.testImages, d, range(nTest), config, { kind: 'fixed', split: 'test' }),
    trainRef: binary(data.trainImages, d, range(nRef), config, { kind: 'fixed', split: 'train' }),
    flips: Int32Array.from({ length: nTest }, () => Math.floor(rnd() * d)),
    binaryTrain: binary(data.trainImages, d, range(nTrain), config, { kind: 'fixed', split: 'train' }),
    nVal,
    val: binary(data.trainImages, d, split.validation, config, { kind: 'fixed', split: 'train' }),
    // Drawn after the test flips, from the same stream: a run without validation draws the test flips it always did.
    valFlips: Int32Array.from({ length: nVal }, () => Math.floor(rnd() * d)),
  };
}

/** Each pixel's mean over the binarised training images. */
function pixelMeans(rd: RbmData): Float32Array {
  const means = new Float32Array(rd.d);
  for (let i = 0; i < rd.binaryTrain.length; i++) means[i % rd.d]! += rd.binaryTrain[i]! / rd.nTrain;
  return means;
}

/**
 * The epoch-end measures on the held-out images. The pseudo-likelihood flips a bit, so it exists
 * for Bernoulli units only (`pll` and `val.pll` are absent for Gaussian ones).
 */
function heldOut(units: VisibleUnits, rd: RbmData): { testError: number; testF: number; trainF: number; pll?: number; val?: { error: number; pll?: number } } {
  const bernoulli = units.kind === 'bernoulli';
  const pll = (x: Float32Array, n: number, flips: Int32Array): number =>
    meanOver(units, x, n, rd.d, (v, start, end) => pseudoLogLikelihood(units.params, v, flips.subarray(start, end)));
  return {
    ...(rd.nVal > 0 ? { val: {
      error: meanOver(units, rd.val, rd.nVal, rd.d, (v) => units.reconstructionError(v)),
      ...(bernoulli ? { pll: pll(rd.val, rd.nVal, rd.valFlips) } : {}),
    } } : {}),
    testError: meanOver(units, rd.test, rd.nTest, rd.d, (v) => units.reconstructionError(v)),
    testF: meanOver(units, rd.test, rd.nTest, rd.d, (v) => units.freeEnergy(v)),
    trainF: meanOver(units, rd.trainRef, rd.nRef, rd.d, (v) => units.freeEnergy(v)),
    ...(bernoulli ? { pll: pll(rd.test, rd.nTest, rd.flips) } : {}),
  };
}

/** The run's visible units: Gaussian ones standardised by the training images' statistics, Bernoulli ones with base-rate visible biases. */
function visibleUnitsOf(config: RbmConfig, rd: RbmData, means: Float32Array): VisibleUnits {
  const h = config.hyper;
  const seed = deriveSeed(h.seed, 0x4b1);
  return h.visible === 'gaussian'
    ? gaussianUnits(rd.binaryTrain, rd.nTrain, rd.d, h.numHidden, seed, h.learnVariance)
    : bernoulliUnits(rd.d, h.numHidden, seed, means);
}

/** The run's one-line description, for its log. */
function runSummary(config: RbmConfig, rd: RbmData): string {
  const h = config.hyper;
  const method = h.persistent ? `persistent CD-${h.cdK}` : `CD-${h.cdK}`;
  const units = h.visible === 'gaussian'
    ? `Gaussian visible units standardised per pixel (std floored at 0.1), ${h.learnVariance ? 'learned σ' : 'σ = 1 fixed'}, mean-field reconstructions${h.learnVariance ? ' replaced by samples (σ is learned)' : ''}; no pseudo-likelihood or log-likelihood (Bernoulli-only measures)`
    : h.binarize === 'threshold' ? 'binarised at 0.5' : 'stochastically binarised';
  const sparsity = h.sparsityTarget > 0 ? `, sparsity target ${h.sparsityTarget} (cost ${h.sparsityCost}, decay ${h.sparsityDecay})` : '';
  return `RBM (${rd.d} visible, ${h.numHidden} hidden units, ${method}, learning rate ${h.learningRate}, momentum ${h.momentum}, weight decay ${h.weightDecay}${sparsity}) on ${rd.nTrain} training images, ${units}; ${rd.stepsPerEpoch} batches of ${rd.batchSize} per epoch; validation on ${rd.nVal} held-out training images, held-out measures on ${rd.nTest} test images`;
}

/** The running estimate of the hidden units' activations, when the run has a sparsity target. */
function sparsityOf(config: RbmConfig): SparsityOptions | undefined {
  const h = config.hyper;
  if (h.sparsityTarget <= 0) return undefined;
  const estimate = variableOf(() => tf.fill([h.numHidden], SPARSITY_ESTIMATE_START), false);
  return { target: h.sparsityTarget, cost: h.sparsityCost, decay: h.sparsityDecay, estimate };
}

/** The epoch's metrics from its held-out measures and (when measured) log-likelihood. */
function epochMetrics(train: { error: number; meanHidden: number }, m: ReturnType<typeof heldOut>, ll: ModelLogLikelihood | undefined): MetricValues<RbmKey> {
  return {
    epoch_reconstruction_error: train.error,
    mean_hidden_activation: train.meanHidden,
    ...(m.val ? { val_reconstruction_error: m.val.error } : {}),
    ...(m.val?.pll !== undefined ? { val_pseudo_log_likelihood: m.val.pll } : {}),
    test_reconstruction_error: m.testError,
    train_free_energy: m.trainF,
    test_free_energy: m.testF,
    free_energy_gap: m.testF - m.trainF,
    ...(m.pll !== undefined ? { test_pseudo_log_likelihood: m.pll } : {}),
    ...(ll ? { test_log_likelihood: ll.value, log_partition_function: ll.logZ } : {}),
    ...(ll?.ais ? { test_log_likelihood_se: ll.ais.se } : {}),
  } satisfies MetricValues<RbmKey>;
}

function rbmSession(config: RbmConfig, data: ImageDataset, ctx: FamilyContext<'rbm'>): FamilySession<'rbm'> {
  const h = config.hyper;
  const rd = prepareData(config, data);
  const { d, nTrain, batchSize, stepsPerEpoch } = rd;
  const all = range(nTrain);
  const means = pixelMeans(rd);
  const units = visibleUnitsOf(config, rd, means);
  const baseVisibleBias = baseRateBiases(means);
  const chain = h.persistent ? variableOf(() => units.prepare(tf.tensor2d(rd.binaryTrain.subarray(0, batchSize * d), [batchSize, d])), false) : undefined;
  const sparsity = sparsityOf(config);
  ctx.sink.log('info', runSummary(config, rd));

  let order = all;
  let errorSum = 0;
  let hiddenSum = 0;
  let batches = 0;
  return {
    parts: [
      { name: 'rbm', weights: { variables: units.modelVariables } },
      { name: 'cd', weights: { variables: [
        ...units.updateVariables,
        ...(chain ? [{ name: 'pcd_chain', variable: chain }] : []),
        ...(sparsity ? [{ name: 'sparsity_estimate', variable: sparsity.estimate }] : []),
      ] } },
    ],
    optimizers: [],
    epochs: h.epochs,
    stepsPerEpoch,
    sampleEverySteps: h.sampleEverySteps,
    galleryAtStart: true,
    startEpoch: (epoch) => {
      order = epochOrder(all, h.seed, epoch);
      errorSum = 0;
      hiddenSum = 0;
      batches = 0;
    },
    step: async ({ batchIndex, step }) => {
      const start = batchIndex * batchSize;
      const end = Math.min(start + batchSize, nTrain);
      const v0 = tf.tidy(() => units.prepare(tf.tensor2d(preparePixels(data.trainImages, d, order, start, end, pixelMode(config), h.seed, { kind: 'step', step }), [end - start, d])));
      try {
        const { error, meanHidden } = units.update(v0, {
          k: h.cdK, learningRate: h.learningRate, momentum: h.momentum, weightDecay: h.weightDecay, seed: deriveSeed(h.seed, step, 0xcd),
          ...(chain ? { chain } : {}),
          ...(sparsity ? { sparsity } : {}),
        });
        errorSum += error;
        hiddenSum += meanHidden;
        batches++;
        return { values: { reconstruction_error: error } satisfies MetricValues<RbmKey>, checked: [{ value: error, learningRate: h.learningRate }] };
      } finally {
        v0.dispose();
      }
    },
    endEpoch: async (epoch) => {
      const m = heldOut(units, rd);
      const ll = units.kind === 'bernoulli' && logLikelihoodDue(h.logLikelihood, h.numHidden, epoch, h.epochs)
        ? modelLogLikelihood(units.params, m.testF, { aisRuns: h.aisRuns, aisSteps: h.aisSteps, seed: deriveSeed(h.seed, 0xa15, epoch), baseVisibleBias })
        : undefined;
      if (ll) ctx.sink.log('info', `Epoch ${epoch}/${h.epochs}: test log-likelihood ${ll.value.toFixed(2)} nats per image, ${ll.label}; log Z ${ll.logZ.toFixed(2)}`);
      const train = { error: errorSum / Math.max(1, batches), meanHidden: hiddenSum / Math.max(1, batches) };
      const pll = m.pll !== undefined ? `, pseudo-log-likelihood ${m.pll.toFixed(2)} nats` : '';
      return {
        metrics: epochMetrics(train, m, ll),
        log: `Epoch ${epoch}/${h.epochs}: test reconstruction error ${m.testError.toFixed(2)}${pll}, free energy train ${m.trainF.toFixed(2)} / test ${m.testF.toFixed(2)}, mean hidden activation ${train.meanHidden.toFixed(3)}`,
      };
    },
    galleries: async (step, epoch) => {
      if (ctx.runDir === undefined) return;
      await writeRbmGalleries({ params: units.params, inputShape: data.inputShape, runDir: ctx.runDir, sink: ctx.sink, seed: h.seed, gibbsSteps: h.gibbsSteps, drawSamples: units.drawSamples }, step, epoch);
    },
    dispose: () => {
      units.dispose();
      chain?.dispose();
      sparsity?.estimate.dispose();
    },
  };
}
