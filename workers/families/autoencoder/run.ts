/**
 * An autoencoder run: load data, compile the encoder and decoder, optionally
 * pre-train layer by layer (stacked), and train end to end through the
 * trainer (resume, checkpoints, cancel, gallery schedule) with the
 * autoencoder's session.
 *
 * Variants: plain; denoising (the encoder sees a corrupted input, the loss is
 * against the clean one); contractive (+ contractiveWeight · ||∂h/∂x||²_F,
 * estimated with random projections, see contractive.ts); stacked (greedy
 * layer-wise pre-training of dense chains, then end-to-end fine-tuning).
 *
 * Losses are per image, summed over pixels (bce or squared error), averaged
 * over the batch. Metrics: per step `loss` (and `contractive_penalty`); per
 * epoch (step = epoch) `epoch_loss`, `val_loss` (validationSplit > 0),
 * `test_mse` and `test_bce` (per-image sums, mean over the test images; from
 * the noisy input when denoising), and for denoising `test_noisy_input_mse`
 * and `test_mse_clean_input`; stacked adds `pretrain_loss/layerK` per
 * pre-training epoch. Galleries: 'reconstructions' at each epoch end (and
 * every sampleEverySteps steps), 'latent-scatter' at the end.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelDocument } from '../../common/graph';
import type { AutoencoderConfig } from '../../common/families/autoencoder/config';
import type { FamilyMetricKey } from '../../common/families/registry';
import type { ImageDataset } from '../../data/mnist';
import { makeOptimizer } from '../../engine/optimizer';
import { deriveSeed } from '../../engine/prng';
import { train, type MetricValues } from '../../engine/trainer';
import { epochOrder, loadRunDataset, range, splitTrainValidation, type Split } from '../../engine/trainingData';
import type { FamilyContext, FamilyRunOptions, FamilyRunResult, FamilySession } from '../familyRun';
import { logLatentScatter, ReconstructionGallery } from './artifacts';
import { corrupt, imageBatch, type NoiseSpec } from './data';
import { evaluateReconstruction, type EvalOptions } from './evaluate';
import { buildAutoencoder, disposeAutoencoder, type Autoencoder } from './model';
import { pretrainStacked, stackedLayerPairs, type LayerPair } from './stacked';
import { trainStep } from './step';

export interface AutoencoderRunOptions extends FamilyRunOptions<'autoencoder'> {
  /** The resolved encoder/decoder model. */
  model: ModelDocument;
}

type Key = FamilyMetricKey<'autoencoder'>;

const NOISE_TAG = 0x401e;
const CONTRACTIVE_TAG = 0xc0de;
const GALLERY_TAG = 0x9a11;
const VALIDATION_TAG = 0x7a11;
const TEST_TAG = 0x7e57;

/** What the run trains on and how, fixed before any tensor exists. */
interface Plan {
  hyper: AutoencoderConfig['hyper'];
  data: ImageDataset;
  split: Split;
  batchSize: number;
  stepsPerEpoch: number;
  noise: NoiseSpec | undefined;
  /** Stacked: the layer pairs to pre-train (checked first, so a non-chain model fails at once). */
  pairs: LayerPair[];
}

function plan(o: AutoencoderRunOptions): Plan {
  const hyper = o.config.hyper;
  const data = o.dataset ?? loadRunDataset(o.config);
  const split = splitTrainValidation(data.trainLabels.length, hyper.validationSplit);
  const nTrain = split.train.length;
  if (nTrain === 0) throw new Error(`No training examples left after holding out ${split.validation.length} for validation`);
  const batchSize = Math.min(hyper.batchSize, nTrain);
  const pixels = data.inputShape.reduce((a, b) => a * b, 1);
  return {
    hyper, data, split, batchSize, stepsPerEpoch: Math.ceil(nTrain / batchSize),
    noise: hyper.variant === 'denoising' ? { noise: hyper.noise, noiseLevel: hyper.noiseLevel } : undefined,
    pairs: hyper.variant === 'stacked' ? stackedLayerPairs(o.model, pixels) : [],
  };
}

export async function runAutoencoder(o: AutoencoderRunOptions): Promise<FamilyRunResult> {
  const p = plan(o);
  return train(o, (ctx) => autoencoderSession(ctx, p, buildAutoencoder(o.model, p.data.inputShape, p.hyper.latentDim, p.hyper.seed)));
}

/** The epoch-end evaluation: training loss, validation loss, test reconstruction errors. */
async function evaluateEpoch(ae: Autoencoder, p: Plan, trainLoss: number): Promise<MetricValues<Key>> {
  const { hyper, data, noise } = p;
  const options = (tag: number): EvalOptions => (noise ? { loss: hyper.loss, noise: { ...noise, seed: deriveSeed(hyper.seed, tag) } } : { loss: hyper.loss });
  const metrics: MetricValues<Key> = { epoch_loss: trainLoss };
  if (p.split.validation.length > 0) metrics.val_loss = (await evaluateReconstruction(ae, data.trainImages, data.inputShape, p.split.validation, options(VALIDATION_TAG))).loss;
  const t = await evaluateReconstruction(ae, data.testImages, data.inputShape, range(data.testLabels.length), options(TEST_TAG));
  metrics.test_mse = t.mse;
  metrics.test_bce = t.bce;
  if (t.noisyInputMse !== undefined) metrics.test_noisy_input_mse = t.noisyInputMse;
  if (t.cleanInputMse !== undefined) metrics.test_mse_clean_input = t.cleanInputMse;
  return metrics;
}

/** Greedy layer-wise pre-training of a fresh stacked run, before the loop. */
function pretraining(ctx: FamilyContext<'autoencoder'>, p: Plan, ae: Autoencoder): FamilySession<'autoencoder'>['beforeTraining'] {
  if (p.pairs.length === 0 || p.hyper.pretrainEpochs === 0) return undefined;
  return async ({ totalSteps }) => {
    const pre = await pretrainStacked({
      ae, pairs: p.pairs, hyper: p.hyper, images: p.data.trainImages, inputShape: p.data.inputShape, train: p.split.train,
      batchSize: p.batchSize, sink: ctx.sink, isCancelled: ctx.isCancelled, totalSteps,
    });
    ctx.sink.log('info', pre.status === 'cancelled' ? `Cancelled during pre-training at step ${pre.steps}` : 'Pre-training done; fine-tuning end to end');
    return { status: pre.status, step: pre.steps };
  };
}

function autoencoderSession(ctx: FamilyContext<'autoencoder'>, p: Plan, ae: Autoencoder): FamilySession<'autoencoder'> {
  const { hyper, data, noise } = p;
  const { inputShape } = data;
  const nTrain = p.split.train.length;
  const optimizer = makeOptimizer(hyper);
  const gallery = ctx.runDir === undefined ? undefined : ReconstructionGallery.create(data, noise ? { ...noise, seed: deriveSeed(hyper.seed, GALLERY_TAG) } : undefined);
  if (ctx.runDir !== undefined && !gallery) ctx.sink.log('warn', `Examples of shape [${inputShape.join(', ')}] are not images: no reconstruction gallery`);
  ctx.sink.log('info', `Training a ${hyper.variant} autoencoder (${ae.encoder.countParams() + ae.decoder.countParams()} parameters, code of ${hyper.latentDim}) on ${nTrain} images, validating on ${p.split.validation.length}, testing on ${data.testLabels.length}; ${p.stepsPerEpoch} batches of ${p.batchSize} per epoch`);
  let order = p.split.train;
  let lossSum = 0;
  let seen = 0;
  const session: FamilySession<'autoencoder'> = {
    parts: [{ name: 'encoder', weights: ae.encoder }, { name: 'decoder', weights: ae.decoder }],
    optimizers: [optimizer],
    epochs: hyper.epochs,
    stepsPerEpoch: p.stepsPerEpoch,
    stepsBeforeTraining: p.pairs.length * hyper.pretrainEpochs * p.stepsPerEpoch,
    sampleEverySteps: hyper.sampleEverySteps,
    startEpoch: (epoch) => { order = epochOrder(p.split.train, hyper.seed, epoch); lossSum = 0; seen = 0; },
    step: async ({ batchIndex, step }) => {
      const start = batchIndex * p.batchSize;
      const end = Math.min(start + p.batchSize, nTrain);
      const x = imageBatch(data.trainImages, inputShape, order, start, end);
      const input = noise ? corrupt(x, noise, deriveSeed(hyper.seed, step, NOISE_TAG)) : x;
      try {
        const r = await trainStep(ae, optimizer, input, x, hyper.variant === 'contractive'
          ? { loss: hyper.loss, contractiveWeight: hyper.contractiveWeight, seed: deriveSeed(hyper.seed, step, CONTRACTIVE_TAG) }
          : { loss: hyper.loss });
        lossSum += r.loss * (end - start);
        seen += end - start;
        const values: MetricValues<Key> = { loss: r.loss };
        if (r.penalty !== undefined) values.contractive_penalty = r.penalty;
        return { values, checked: [{ value: r.loss, learningRate: hyper.learningRate }] };
      } finally {
        tf.dispose(input === x ? [x] : [x, input]);
      }
    },
    endEpoch: async (epoch) => {
      const metrics = await evaluateEpoch(ae, p, lossSum / seen);
      const noisyNote = metrics.test_noisy_input_mse === undefined ? '' : ` (noisy input ${metrics.test_noisy_input_mse.toFixed(2)})`;
      return { metrics, log: `Epoch ${epoch}/${hyper.epochs}: loss ${(lossSum / seen).toFixed(3)}, test squared error per image ${metrics.test_mse!.toFixed(3)}${noisyNote}` };
    },
    extraState: () => ({ variant: hyper.variant }),
    finish: async (step) => {
      if (ctx.runDir !== undefined) await logLatentScatter(ae, data, hyper.latentDim, ctx.runDir, step, ctx.sink);
    },
    dispose: () => { disposeAutoencoder(ae); optimizer.dispose(); },
  };
  const before = pretraining(ctx, p, ae);
  if (before) session.beforeTraining = before;
  if (gallery && ctx.runDir !== undefined) {
    const runDir = ctx.runDir;
    session.galleries = (step, epoch) => gallery.log(ae, runDir, step, epoch, ctx.sink);
  }
  return session;
}
