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
 * `test_pseudo_log_likelihood` (one fixed flipped bit per test image); when
 * `hyper.logLikelihood` says so (logLikelihood.ts), `test_log_likelihood`,
 * `log_partition_function` and, for an AIS estimate, `test_log_likelihood_se`.
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
import { logLikelihoodDue, modelLogLikelihood } from './logLikelihood';
import { baseRateBiases, cdUpdate, createRbm, createVelocity, disposeRbm, freeEnergy, namedParams, pseudoLogLikelihood, reconstructionError, variableOf, type RbmParams } from './rbm';

type RbmConfig = ConfigOf<'rbm'>;
/** The keys the RBM records (`satisfies` checks each literal record: a returned object literal escapes excess-property checks). */
type RbmKey = FamilyMetricKey<'rbm'>;

/** Held-out measures are computed in chunks of this many images. */
const EVAL_CHUNK = 2000;

export function runRbm(o: FamilyRunOptions<'rbm'>): Promise<FamilyRunResult> {
  return train(o, (ctx) => rbmSession(o.config, o.dataset ?? loadRunDataset(o.config), ctx));
}

/** Images `indices` as binary visible units (a fixed binarisation for held-out sets). */
function binary(images: Float32Array, d: number, indices: Int32Array, config: RbmConfig, key: DrawKey): Float32Array {
  return preparePixels(images, d, indices, 0, indices.length, config.hyper.binarize, config.hyper.seed, key);
}

/** The mean over `x` (n × d) of a per-example measure, in chunks (the measure is told which examples it gets). */
function meanOver(x: Float32Array, n: number, d: number, measure: (v: tf.Tensor2D, start: number, end: number) => tf.Tensor1D): number {
  let sum = 0;
  for (let start = 0; start < n; start += EVAL_CHUNK) {
    const end = Math.min(start + EVAL_CHUNK, n);
    const s = tf.tidy(() => tf.sum(measure(tf.tensor2d(x.subarray(start * d, end * d), [end - start, d]), start, end)));
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
  /** Every training image binarised once: the visible biases' start and the persistent chains' first states. */
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

/** The epoch-end measures on the held-out images. */
function heldOut(params: RbmParams, rd: RbmData): { testError: number; testF: number; trainF: number; pll: number; val?: { error: number; pll: number } } {
  return {
    ...(rd.nVal > 0 ? { val: {
      error: meanOver(rd.val, rd.nVal, rd.d, (v) => reconstructionError(params, v)),
      pll: meanOver(rd.val, rd.nVal, rd.d, (v, start, end) => pseudoLogLikelihood(params, v, rd.valFlips.subarray(start, end))),
    } } : {}),
    testError: meanOver(rd.test, rd.nTest, rd.d, (v) => reconstructionError(params, v)),
    testF: meanOver(rd.test, rd.nTest, rd.d, (v) => freeEnergy(params, v)),
    trainF: meanOver(rd.trainRef, rd.nRef, rd.d, (v) => freeEnergy(params, v)),
    pll: meanOver(rd.test, rd.nTest, rd.d, (v, start, end) => pseudoLogLikelihood(params, v, rd.flips.subarray(start, end))),
  };
}

function rbmSession(config: RbmConfig, data: ImageDataset, ctx: FamilyContext<'rbm'>): FamilySession<'rbm'> {
  const h = config.hyper;
  const rd = prepareData(config, data);
  const { d, nTrain, batchSize, stepsPerEpoch } = rd;
  const all = range(nTrain);
  const means = pixelMeans(rd);
  const params = createRbm(d, h.numHidden, deriveSeed(h.seed, 0x4b1), means);
  const baseVisibleBias = baseRateBiases(means);
  const velocity = createVelocity(params);
  const chain = h.persistent ? variableOf(() => tf.tensor2d(rd.binaryTrain.subarray(0, batchSize * d), [batchSize, d]), false) : undefined;
  const method = h.persistent ? `persistent CD-${h.cdK}` : `CD-${h.cdK}`;
  ctx.sink.log('info', `RBM (${d} visible, ${h.numHidden} hidden units, ${method}, learning rate ${h.learningRate}, momentum ${h.momentum}, weight decay ${h.weightDecay}) on ${nTrain} training images, ${h.binarize === 'threshold' ? 'binarised at 0.5' : 'stochastically binarised'}; ${stepsPerEpoch} batches of ${batchSize} per epoch; validation on ${rd.nVal} held-out training images, held-out measures on ${rd.nTest} test images`);

  let order = all;
  let errorSum = 0;
  let batches = 0;
  return {
    parts: [
      { name: 'rbm', weights: { variables: namedParams(params) } },
      { name: 'cd', weights: { variables: [...namedParams(velocity).map((v) => ({ ...v, name: `${v.name}_velocity` })), ...(chain ? [{ name: 'pcd_chain', variable: chain }] : [])] } },
    ],
    optimizers: [],
    epochs: h.epochs,
    stepsPerEpoch,
    sampleEverySteps: h.sampleEverySteps,
    galleryAtStart: true,
    startEpoch: (epoch) => {
      order = epochOrder(all, h.seed, epoch);
      errorSum = 0;
      batches = 0;
    },
    step: async ({ batchIndex, step }) => {
      const start = batchIndex * batchSize;
      const end = Math.min(start + batchSize, nTrain);
      const v0 = tf.tensor2d(preparePixels(data.trainImages, d, order, start, end, h.binarize, h.seed, { kind: 'step', step }), [end - start, d]);
      try {
        const error = cdUpdate(params, velocity, v0, {
          k: h.cdK, learningRate: h.learningRate, momentum: h.momentum, weightDecay: h.weightDecay, seed: deriveSeed(h.seed, step, 0xcd),
          ...(chain ? { chain } : {}),
        });
        errorSum += error;
        batches++;
        return { values: { reconstruction_error: error } satisfies MetricValues<RbmKey>, checked: [{ value: error, learningRate: h.learningRate }] };
      } finally {
        v0.dispose();
      }
    },
    endEpoch: async (epoch) => {
      const m = heldOut(params, rd);
      const ll = logLikelihoodDue(h.logLikelihood, h.numHidden, epoch, h.epochs)
        ? modelLogLikelihood(params, m.testF, { aisRuns: h.aisRuns, aisSteps: h.aisSteps, seed: deriveSeed(h.seed, 0xa15, epoch), baseVisibleBias })
        : undefined;
      if (ll) ctx.sink.log('info', `Epoch ${epoch}/${h.epochs}: test log-likelihood ${ll.value.toFixed(2)} nats per image, ${ll.label}; log Z ${ll.logZ.toFixed(2)}`);
      return {
        metrics: {
          epoch_reconstruction_error: errorSum / Math.max(1, batches),
          ...(m.val ? { val_reconstruction_error: m.val.error, val_pseudo_log_likelihood: m.val.pll } : {}),
          test_reconstruction_error: m.testError,
          train_free_energy: m.trainF,
          test_free_energy: m.testF,
          free_energy_gap: m.testF - m.trainF,
          test_pseudo_log_likelihood: m.pll,
          ...(ll ? { test_log_likelihood: ll.value, log_partition_function: ll.logZ } : {}),
          ...(ll?.ais ? { test_log_likelihood_se: ll.ais.se } : {}),
        } satisfies MetricValues<RbmKey>,
        log: `Epoch ${epoch}/${h.epochs}: test reconstruction error ${m.testError.toFixed(2)}, pseudo-log-likelihood ${m.pll.toFixed(2)} nats, free energy train ${m.trainF.toFixed(2)} / test ${m.testF.toFixed(2)}`,
      };
    },
    galleries: async (step, epoch) => {
      if (ctx.runDir === undefined) return;
      await writeRbmGalleries({ params, inputShape: data.inputShape, runDir: ctx.runDir, sink: ctx.sink, seed: h.seed, gibbsSteps: h.gibbsSteps }, step, epoch);
    },
    dispose: () => {
      disposeRbm(params);
      disposeRbm(velocity);
      chain?.dispose();
    },
  };
}
