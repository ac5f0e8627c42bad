/**
 * A VAE run: load data, build the encoder and decoder, and train them on
 * reconstruction + β_t·KL through the trainer (resume, checkpoints, cancel,
 * gallery schedule) with the VAE's session.
 *
 * Metrics, per batch (step = global batch): `loss` (reconstruction + β_t·KL),
 * `reconstruction`, `kl` (nats per image), `beta` (β_t: 0 → β linearly over
 * klWarmupEpochs epochs). Per epoch (step = epoch) on the held-out test set:
 * `elbo` (nats per image, one z sample per image with fixed noise),
 * `bits_per_dim` (−elbo / (D ln 2)), `test_reconstruction`, `test_kl` (named
 * apart from the per-batch keys, whose steps are global steps), `kl_dim/<i>`,
 * `active_units` (μ_i with variance over the test images above
 * activeUnitThreshold), and `val_loss` (reconstruction + β_t·KL on the
 * validation split) when validationSplit > 0; with iwaeSamples K > 0,
 * `test_iwae` (the IWAE bound L_K, nats per image) and `test_iwae_elbo` (the
 * ELBO of the same images from the same K samples) on the first iwaeImages
 * test images. Held-out images (test and validation) are binarised once per
 * DATASET (heldOutSeed), so runs with different seeds score the same binary
 * images. The posterior-collapse warning is given once (a resumed run
 * remembers it from the checkpoint).
 */
import { isCollapsed } from '../../common/gallery';
import type { ModelDocument } from '../../common/graph';
import type { VaeConfig } from '../../common/families/vae/config';
import { likelihoodDescription } from '../../common/families/vae/likelihood';
import type { FamilyMetricKey } from '../../common/families/registry';
import type { ImageDataset } from '../../data/mnist';
import { makeOptimizer } from '../../engine/optimizer';
import { preparePixels, type PixelMode } from '../../engine/pixels';
import { deriveSeed } from '../../engine/prng';
import { train, type EpochReport, type MetricValues } from '../../engine/trainer';
import { epochOrder, loadRunDataset, splitTrainValidation, type Split } from '../../engine/trainingData';
import type { FamilyContext, FamilyRunOptions, FamilyRunResult, FamilySession } from '../familyRun';
import { heldOutSeed, makeVaeBatch, pixelMode } from './data';
import { estimateIwae } from './iwae';
import { firstOfEachClass, fixedPriorSamples, writeTrainingGalleries, writeTrainingScatter, type GalleryContext } from './galleries';
import { buildVae, disposeVae, vaeLatentModel, type VaeNetworks } from './model';
import { betaAt, likelihoodOf, type Likelihood } from './objective';
import { countActiveUnits, evaluateVae, vaeTrainStep, type HeldOutData } from './step';

export interface VaeRunOptions extends FamilyRunOptions<'vae'> {
  model: ModelDocument;
}

type Key = FamilyMetricKey<'vae'>;

const EVAL_NOISE = 0xe5a1;
const IWAE_NOISE = 0x1a7e;

/** What the run trains on and how, fixed before any tensor exists. */
export interface Plan {
  hyper: VaeConfig['hyper'];
  data: ImageDataset;
  split: Split;
  batchSize: number;
  stepsPerEpoch: number;
  mode: PixelMode;
  lik: Likelihood;
  /** Pixels per image. */
  D: number;
  /** The seed of the held-out binarisation: the dataset's, not the run's. */
  heldOutSeed: number;
}

/** What a run of these options trains on and how it scores (exported for the tests of its held-out data). */
export function planVaeRun(o: VaeRunOptions): Plan {
  const hyper = o.config.hyper;
  const data = o.dataset ?? loadRunDataset(o.config);
  const split = splitTrainValidation(data.trainLabels.length, hyper.validationSplit);
  const nTrain = split.train.length;
  if (nTrain === 0) throw new Error(`No training examples left after holding out ${split.validation.length} for validation`);
  if (data.testLabels.length === 0) throw new Error('The VAE needs test images to measure the held-out ELBO');
  const batchSize = Math.min(hyper.batchSize, nTrain);
  return {
    hyper, data, split, batchSize, stepsPerEpoch: Math.ceil(nTrain / batchSize), mode: pixelMode(hyper),
    lik: likelihoodOf(hyper), D: data.inputShape.reduce((a, b) => a * b, 1), heldOutSeed: heldOutSeed(o.config.dataset.id),
  };
}

export async function runVae(o: VaeRunOptions): Promise<FamilyRunResult> {
  const p = planVaeRun(o);
  return train(o, (ctx) => {
    const { hyper } = p;
    ctx.sink.log('info', `VAE (latent ${hyper.latentDim}, likelihood: ${likelihoodDescription(hyper)}, β ${hyper.beta}${hyper.klWarmupEpochs > 0 ? `, KL warm-up ${hyper.klWarmupEpochs} epochs` : ''}): training on ${p.split.train.length} images, validating on ${p.split.validation.length}, testing on ${p.data.testLabels.length}; ${p.stepsPerEpoch} batches of ${p.batchSize} per epoch`);
    const vae = buildVae(o.model, p.data.inputShape, hyper.latentDim, hyper.seed);
    ctx.sink.log('info', `Encoder has ${vae.encoder.countParams()} parameters, decoder ${vae.decoder.countParams()}`);
    return vaeSession(ctx, p, vae);
  });
}

function galleryContext(ctx: FamilyContext<'vae'>, p: Plan, vae: VaeNetworks): GalleryContext | undefined {
  if (ctx.runDir === undefined) return undefined;
  const { data, hyper } = p;
  const reconIndices = firstOfEachClass(data.testLabels, data.numClasses);
  return {
    model: vaeLatentModel(vae), runDir: ctx.runDir, sink: ctx.sink, seed: hyper.seed,
    priorZ: fixedPriorSamples(hyper.latentDim, hyper.seed), testLabels: data.testLabels, reconIndices,
    reconImages: preparePixels(data.testImages, p.D, reconIndices, 0, reconIndices.length, p.mode, p.heldOutSeed, { kind: 'fixed', split: 'test' }),
  };
}

/** The held-out evaluation at an epoch end; returns its metrics and μ of the test images. */
async function evaluateEpoch(ctx: FamilyContext<'vae'>, p: Plan, vae: VaeNetworks, epoch: number, beta: number): Promise<{ metrics: MetricValues<Key>; mu: Float32Array }> {
  const { hyper } = p;
  const heldOut = vaeHeldOut(p, 'test');
  const t = await evaluateVae(vae, heldOut, p.lik, deriveSeed(hyper.seed, EVAL_NOISE));
  const elbo = -(t.reconstruction + t.kl);
  const metrics: MetricValues<Key> = { elbo, bits_per_dim: -elbo / (p.D * Math.LN2), test_reconstruction: t.reconstruction, test_kl: t.kl };
  // Per-dimension KL is a detail panel's, not a final value.
  t.klPerDim.forEach((v, i) => ctx.sink.metric(`kl_dim/${i}`, epoch, v));
  metrics.active_units = countActiveUnits(t.mu, t.count, hyper.latentDim, hyper.activeUnitThreshold);
  if (p.split.validation.length > 0) {
    const v = await evaluateVae(vae, vaeHeldOut(p, 'validation'), p.lik, deriveSeed(hyper.seed, EVAL_NOISE, 1));
    metrics.val_loss = v.reconstruction + beta * v.kl;
  }
  if (hyper.iwaeSamples > 0) {
    const subset = { ...heldOut, indices: heldOut.indices.subarray(0, Math.min(hyper.iwaeImages, heldOut.indices.length)) };
    const iw = await estimateIwae(vae, subset, p.lik, hyper.iwaeSamples, deriveSeed(hyper.seed, IWAE_NOISE));
    metrics.test_iwae = iw.iwae;
    metrics.test_iwae_elbo = iw.elbo;
  }
  return { metrics, mu: t.mu };
}

/**
 * The held-out images a run scores, binarised with the dataset's seed: the
 * whole test set, or the validation split (the end of the training images).
 */
export function vaeHeldOut(p: Pick<Plan, 'data' | 'split' | 'mode' | 'heldOutSeed'>, which: 'test' | 'validation'): HeldOutData & { indices: Int32Array } {
  const { data } = p;
  return which === 'test'
    ? { images: data.testImages, inputShape: data.inputShape, indices: Int32Array.from({ length: data.testLabels.length }, (_, i) => i), mode: p.mode, seed: p.heldOutSeed, key: { kind: 'fixed', split: 'test' } }
    : { images: data.trainImages, inputShape: data.inputShape, indices: p.split.validation, mode: p.mode, seed: p.heldOutSeed, key: { kind: 'fixed', split: 'train' } };
}

function vaeSession(ctx: FamilyContext<'vae'>, p: Plan, vae: VaeNetworks): FamilySession<'vae'> {
  const { hyper, data } = p;
  const L = hyper.latentDim;
  const warmupSteps = hyper.klWarmupEpochs * p.stepsPerEpoch;
  const optimizer = makeOptimizer(hyper);
  const gallery = galleryContext(ctx, p, vae);
  let order = p.split.train;
  let lastBeta = betaAt(1, hyper.beta, warmupSteps);
  let lastMu: Float32Array | undefined;
  let collapsed = false;
  const endEpoch = async (epoch: number): Promise<EpochReport<Key>> => {
    const { metrics, mu } = await evaluateEpoch(ctx, p, vae, epoch, lastBeta);
    lastMu = mu;
    const { elbo = NaN, test_reconstruction: rec = NaN, test_kl: kl = NaN, active_units: active = 0, test_iwae: iwae } = metrics;
    const nowCollapsed = isCollapsed(L, active);
    if (nowCollapsed && !collapsed) {
      ctx.sink.log('warn', `Posterior collapse: only ${active} of ${L} latent units are active (Cov_x(μ_i) > ${hyper.activeUnitThreshold}); the decoder is ignoring the code. Try a smaller β, a KL warm-up (klWarmupEpochs), or a weaker decoder`);
    }
    collapsed = nowCollapsed;
    return { metrics, log: `Epoch ${epoch}/${hyper.epochs}: test ELBO ${elbo.toFixed(2)} nats (${(-elbo / (p.D * Math.LN2)).toFixed(4)} bits/dim), reconstruction ${rec.toFixed(2)}, KL ${kl.toFixed(2)}, ${active} of ${L} latent units active${iwae === undefined ? '' : `; IWAE (K = ${hyper.iwaeSamples}, first ${Math.min(hyper.iwaeImages, data.testLabels.length)} test images) ${iwae.toFixed(2)} nats`}` };
  };
  const session: FamilySession<'vae'> = {
    parts: [{ name: 'encoder', weights: vae.encoder }, { name: 'decoder', weights: vae.decoder }],
    optimizers: [optimizer],
    epochs: hyper.epochs,
    stepsPerEpoch: p.stepsPerEpoch,
    sampleEverySteps: hyper.sampleEverySteps,
    startEpoch: (epoch) => { order = epochOrder(p.split.train, hyper.seed, epoch); },
    step: async ({ batchIndex, step }) => {
      const start = batchIndex * p.batchSize;
      const end = Math.min(start + p.batchSize, p.split.train.length);
      const x = makeVaeBatch(data.trainImages, data.inputShape, order, start, end, p.mode, hyper.seed, { kind: 'step', step });
      lastBeta = betaAt(step, hyper.beta, warmupSteps);
      try {
        const r = await vaeTrainStep(vae, optimizer, x, p.lik, lastBeta, deriveSeed(hyper.seed, step, 0xe95));
        return { values: { loss: r.loss, reconstruction: r.reconstruction, kl: r.kl, beta: lastBeta } satisfies MetricValues<Key>, checked: [{ value: r.loss, learningRate: hyper.learningRate }] };
      } finally {
        x.dispose();
      }
    },
    endEpoch,
    extraState: () => ({ collapsed }),
    restoreExtraState: (extra) => { collapsed = extra['collapsed'] === true; },
    finish: async (step) => {
      if (gallery && lastMu) await writeTrainingScatter(gallery, step, lastMu, data.testLabels.length);
    },
    dispose: () => { disposeVae(vae); optimizer.dispose(); },
  };
  if (gallery) session.galleries = (step, epoch) => writeTrainingGalleries(gallery, step, epoch);
  return session;
}
