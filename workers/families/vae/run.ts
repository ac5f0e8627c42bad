/**
 * A VAE run: load data, build encoder and decoder (or resume them from a
 * checkpoint), train with the shared loop on reconstruction + β_t·KL, report
 * metrics, write galleries, checkpoint each epoch.
 *
 * Metrics, per batch (step = global batch): `loss` (reconstruction + β_t·KL),
 * `reconstruction`, `kl` (nats per image), `beta` (β_t: 0 → β linearly over
 * klWarmupEpochs epochs). Per epoch (step = epoch) on the held-out test set:
 * `elbo` (nats per image, one z sample per image with fixed noise),
 * `bits_per_dim` (−elbo / (D ln 2)), `test_reconstruction`, `test_kl` (named
 * apart from the per-batch keys, whose steps are global steps), `kl_dim/<i>`,
 * `active_units` (μ_i with variance over the test images above
 * activeUnitThreshold), and `val_loss` (reconstruction + β_t·KL on the
 * validation split) when validationSplit > 0.
 */
import type { ModelDocument } from '../../common/graph';
import { isCollapsed } from '../../common/gallery';
import type { VaeConfig } from '../../common/runConfig';
import { loadCheckpoint, saveCheckpoint } from '../../engine/checkpoint';
import { deriveSeed } from '../../engine/prng';
import { randomLayers } from '../../engine/randomLayers';
import { trainLoop } from '../../engine/trainLoop';
import { makeOptimizer } from '../../engine/optimizer';
import { epochOrder, loadRunDataset, splitTrainValidation } from '../../engine/trainingData';
import { checkpointDir, type FamilyRunOptions, type FamilyRunResult } from '../familyRun';
import { preparePixels } from '../../engine/pixels';
import { makeVaeBatch, pixelMode } from './data';
import { firstOfEachClass, fixedPriorSamples, writeTrainingGalleries, writeTrainingScatter, type GalleryContext } from './galleries';
import { buildVae, disposeVae, vaeLatentModel } from './model';
import { betaAt, type Likelihood } from './objective';
import { countActiveUnits, evaluateVae, vaeTrainStep } from './step';

export interface VaeRunOptions extends FamilyRunOptions<VaeConfig> {
  model: ModelDocument;
}

export type VaeRunResult = FamilyRunResult;


const EVAL_NOISE = 0xe5a1;

export async function runVae(o: VaeRunOptions): Promise<VaeRunResult> {
  const { config, sink } = o;
  const hyper = config.hyper;
  const data = o.dataset ?? loadRunDataset(config);
  const { inputShape } = data;
  const D = inputShape.reduce((a, b) => a * b, 1);
  const L = hyper.latentDim;
  const split = splitTrainValidation(data.trainLabels.length, hyper.validationSplit);
  const nTrain = split.train.length;
  const nTest = data.testLabels.length;
  if (nTrain === 0) throw new Error(`No training examples left after holding out ${split.validation.length} for validation`);
  if (nTest === 0) throw new Error('The VAE needs test images to measure the held-out ELBO');
  const batchSize = Math.min(hyper.batchSize, nTrain);
  const stepsPerEpoch = Math.ceil(nTrain / batchSize);
  const totalSteps = stepsPerEpoch * hyper.epochs;
  const warmupSteps = hyper.klWarmupEpochs * stepsPerEpoch;
  const mode = pixelMode(hyper);
  const lik: Likelihood = hyper.decoder === 'bernoulli' ? { kind: 'bernoulli' } : { kind: 'gaussian', variance: hyper.decoderVariance };
  const pixelsNote = mode === 'real' ? 'grey levels' : mode === 'threshold' ? 'pixels binarised at 0.5' : 'stochastically binarised pixels';
  sink.log('info', `VAE (latent ${L}, ${hyper.decoder} decoder on ${pixelsNote}, β ${hyper.beta}${hyper.klWarmupEpochs > 0 ? `, KL warm-up ${hyper.klWarmupEpochs} epochs` : ''}): training on ${nTrain} images, validating on ${split.validation.length}, testing on ${nTest}; ${stepsPerEpoch} batches of ${batchSize} per epoch`);

  const vae = buildVae(o.model, inputShape, L, hyper.seed);
  const optimizer = makeOptimizer(hyper);
  const dropouts = [...randomLayers(vae.encoder), ...randomLayers(vae.decoder)];
  const testIndices = Int32Array.from({ length: nTest }, (_, i) => i);
  const reconIndices = firstOfEachClass(data.testLabels, data.numClasses);
  const gallery: GalleryContext | undefined = o.runDir === undefined ? undefined : {
    model: vaeLatentModel(vae), runDir: o.runDir, sink, seed: hyper.seed,
    priorZ: fixedPriorSamples(L, hyper.seed), testLabels: data.testLabels, reconIndices,
    reconImages: preparePixels(data.testImages, D, reconIndices, 0, reconIndices.length, mode, hyper.seed, { kind: 'fixed', split: 'test' }),
  };
  const final: Record<string, number> = {};
  let lastMu: Float32Array | undefined;
  let collapsed = false;
  try {
    let startEpoch = 0;
    let startStep = 0;
    if (o.resumeFrom) {
      const state = await loadCheckpoint(o.resumeFrom.dir, [vae.encoder, vae.decoder], optimizer);
      dropouts.forEach((d) => { const s = state.rng[d.name]; if (s !== undefined) d.setRngState(s); });
      startEpoch = state.epoch;
      startStep = state.step;
      sink.log('info', `Resumed from ${o.resumeFrom.dir} after epoch ${startEpoch}, step ${startStep}`);
    }
    sink.log('info', `Encoder has ${vae.encoder.countParams()} parameters, decoder ${vae.decoder.countParams()}`);

    let order = split.train;
    let lastBeta = betaAt(startStep + 1, hyper.beta, warmupSteps);
    const result = await trainLoop({
      epochs: hyper.epochs,
      stepsPerEpoch,
      startEpoch,
      startStep,
      learningRate: hyper.learningRate,
      isCancelled: o.isCancelled,
      onEpochStart: (epoch) => {
        order = epochOrder(split.train, hyper.seed, epoch);
      },
      runBatch: async ({ batchIndex, step }) => {
        const start = batchIndex * batchSize;
        const end = Math.min(start + batchSize, nTrain);
        const x = makeVaeBatch(data.trainImages, inputShape, order, start, end, mode, hyper.seed, { kind: 'step', step });
        lastBeta = betaAt(step, hyper.beta, warmupSteps);
        try {
          const r = await vaeTrainStep(vae, optimizer, x, lik, lastBeta, deriveSeed(hyper.seed, step, 0xe95));
          return { loss: r.loss, values: { reconstruction: r.reconstruction, kl: r.kl } };
        } finally {
          x.dispose();
        }
      },
      onBatchEnd: async ({ epoch, batchIndex, step }, r) => {
        sink.metric('loss', step, r.loss);
        sink.metric('reconstruction', step, r.values!['reconstruction']!);
        sink.metric('kl', step, r.values!['kl']!);
        sink.metric('beta', step, lastBeta);
        sink.progress({ epoch, epochs: hyper.epochs, step, totalSteps });
        const epochEnd = batchIndex === stepsPerEpoch - 1;
        if (gallery && hyper.sampleEverySteps > 0 && step % hyper.sampleEverySteps === 0 && !epochEnd) {
          await writeTrainingGalleries(gallery, step, epoch);
        }
      },
      onEpochEnd: async (epoch, step) => {
        const put = (key: string, value: number): void => { sink.metric(key, epoch, value); final[key] = value; };
        const heldOut = { images: data.testImages, inputShape, indices: testIndices, mode, seed: hyper.seed, key: { kind: 'fixed', split: 'test' } } as const;
        const t = await evaluateVae(vae, heldOut, lik, deriveSeed(hyper.seed, EVAL_NOISE));
        const elbo = -(t.reconstruction + t.kl);
        put('elbo', elbo);
        put('bits_per_dim', -elbo / (D * Math.LN2));
        put('test_reconstruction', t.reconstruction);
        put('test_kl', t.kl);
        t.klPerDim.forEach((v, i) => sink.metric(`kl_dim/${i}`, epoch, v));
        const active = countActiveUnits(t.mu, t.count, L, hyper.activeUnitThreshold);
        put('active_units', active);
        lastMu = t.mu;
        if (split.validation.length > 0) {
          const v = await evaluateVae(vae, { ...heldOut, images: data.trainImages, indices: split.validation, key: { kind: 'fixed', split: 'train' } }, lik, deriveSeed(hyper.seed, EVAL_NOISE, 1));
          put('val_loss', v.reconstruction + lastBeta * v.kl);
        }
        sink.log('info', `Epoch ${epoch}/${hyper.epochs}: test ELBO ${elbo.toFixed(2)} nats (${(-elbo / (D * Math.LN2)).toFixed(4)} bits/dim), reconstruction ${t.reconstruction.toFixed(2)}, KL ${t.kl.toFixed(2)}, ${active} of ${L} latent units active`);
        const nowCollapsed = isCollapsed(L, active);
        if (nowCollapsed && !collapsed) {
          sink.log('warn', `Posterior collapse: only ${active} of ${L} latent units are active (Cov_x(μ_i) > ${hyper.activeUnitThreshold}); the decoder is ignoring the code. Try a smaller β, a KL warm-up (klWarmupEpochs), or a weaker decoder`);
        }
        collapsed = nowCollapsed;
        if (gallery) await writeTrainingGalleries(gallery, step, epoch);
        if (o.runDir !== undefined) {
          const dir = checkpointDir(o.runDir, epoch);
          const rng: Record<string, number> = {};
          for (const d of dropouts) rng[d.name] = d.getRngState();
          await saveCheckpoint(dir, [vae.encoder, vae.decoder], optimizer, { epoch, step, rng });
          sink.checkpoint({ dir, epoch, step });
        }
      },
    });
    if (result.status === 'cancelled') {
      sink.log('info', `Cancelled at step ${result.step}`);
      return { status: 'cancelled' };
    }
    if (gallery && lastMu) await writeTrainingScatter(gallery, result.step, lastMu, nTest);
    return { status: 'done', final };
  } finally {
    disposeVae(vae);
    optimizer.dispose();
  }
}
