/**
 * An autoencoder run: load data, compile the encoder and decoder (or resume
 * them from a checkpoint), optionally pre-train layer by layer (stacked),
 * train with the shared loop, evaluate, draw galleries and checkpoint.
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
import type { AutoencoderConfig } from '../../common/runConfig';
import { loadCheckpoint, saveCheckpoint } from '../../engine/checkpoint';
import { deriveSeed } from '../../engine/prng';
import { randomLayers, type RandomLayer } from '../../engine/randomLayers';
import { trainLoop } from '../../engine/trainLoop';
import { makeOptimizer } from '../../engine/optimizer';
import { epochOrder, loadRunDataset, range, splitTrainValidation } from '../../engine/trainingData';
import { logLatentScatter, ReconstructionGallery } from './artifacts';
import { corrupt, imageBatch, type NoiseSpec } from './data';
import { evaluateReconstruction, type EvalOptions } from './evaluate';
import { buildAutoencoder, disposeAutoencoder, type Autoencoder } from './model';
import { pretrainStacked, stackedLayerPairs, type LayerPair } from './stacked';
import { trainStep } from './step';
import { checkpointDir, type FamilyRunOptions, type FamilyRunResult } from '../familyRun';

export interface AutoencoderRunOptions extends FamilyRunOptions<AutoencoderConfig> {
  /** The resolved encoder/decoder model. */
  model: ModelDocument;
}

export type AutoencoderRunResult = FamilyRunResult;

const NOISE_TAG = 0x401e;
const CONTRACTIVE_TAG = 0xc0de;
const GALLERY_TAG = 0x9a11;
const VALIDATION_TAG = 0x7a11;
const TEST_TAG = 0x7e57;


function dropoutStates(parts: Record<string, RandomLayer[]>): Record<string, number> {
  const rng: Record<string, number> = {};
  for (const [part, list] of Object.entries(parts)) for (const d of list) rng[`${part}/${d.name}`] = d.getRngState();
  return rng;
}

function restoreDropouts(parts: Record<string, RandomLayer[]>, rng: Record<string, number>): void {
  for (const [part, list] of Object.entries(parts)) {
    for (const d of list) {
      const s = rng[`${part}/${d.name}`];
      if (s !== undefined) d.setRngState(s);
    }
  }
}

export async function runAutoencoder(o: AutoencoderRunOptions): Promise<AutoencoderRunResult> {
  const { config, sink } = o;
  const hyper = config.hyper;
  const data = o.dataset ?? loadRunDataset(config);
  const { inputShape } = data;
  const pixels = inputShape.reduce((a, b) => a * b, 1);
  const split = splitTrainValidation(data.trainLabels.length, hyper.validationSplit);
  const nTrain = split.train.length;
  if (nTrain === 0) throw new Error(`No training examples left after holding out ${split.validation.length} for validation`);
  const batchSize = Math.min(hyper.batchSize, nTrain);
  const stepsPerEpoch = Math.ceil(nTrain / batchSize);
  const denoising = hyper.variant === 'denoising';
  const contractive = hyper.variant === 'contractive';
  const noise: NoiseSpec | undefined = denoising ? { noise: hyper.noise, noiseLevel: hyper.noiseLevel } : undefined;
  // Checked before any tensor exists, so a non-chain model fails at once.
  const pairs: LayerPair[] = hyper.variant === 'stacked' ? stackedLayerPairs(o.model, pixels) : [];
  const pretrainSteps = pairs.length * hyper.pretrainEpochs * stepsPerEpoch;

  const ae: Autoencoder = buildAutoencoder(o.model, inputShape, hyper.latentDim, hyper.seed);
  const optimizer = makeOptimizer(hyper);
  const dropouts = { encoder: randomLayers(ae.encoder), decoder: randomLayers(ae.decoder) };
  const final: Record<string, number> = {};
  const evalOptions = (tag: number): EvalOptions => (noise ? { loss: hyper.loss, noise: { ...noise, seed: deriveSeed(hyper.seed, tag) } } : { loss: hyper.loss });
  const gallery = o.runDir === undefined ? undefined : ReconstructionGallery.create(data, noise ? { ...noise, seed: deriveSeed(hyper.seed, GALLERY_TAG) } : undefined);
  if (o.runDir !== undefined && !gallery) sink.log('warn', `Examples of shape [${inputShape.join(', ')}] are not images: no reconstruction gallery`);
  let lastGalleryStep = -1;
  const logGallery = async (step: number, epoch: number): Promise<void> => {
    if (!gallery || o.runDir === undefined || step === lastGalleryStep) return;
    lastGalleryStep = step;
    await gallery.log(ae, o.runDir, step, epoch, sink);
  };

  try {
    let startEpoch = 0;
    let startStep = 0;
    if (o.resumeFrom) {
      const state = await loadCheckpoint(o.resumeFrom.dir, [ae.encoder, ae.decoder], optimizer);
      restoreDropouts(dropouts, state.rng);
      startEpoch = state.epoch;
      startStep = state.step;
      sink.log('info', `Resumed from ${o.resumeFrom.dir} after epoch ${startEpoch}, step ${startStep}`);
    }
    const fineTuneStart = o.resumeFrom ? startStep : pretrainSteps;
    const totalSteps = fineTuneStart - startEpoch * stepsPerEpoch + hyper.epochs * stepsPerEpoch;
    sink.log('info', `Training a ${hyper.variant} autoencoder (${ae.encoder.countParams() + ae.decoder.countParams()} parameters, code of ${hyper.latentDim}) on ${nTrain} images, validating on ${split.validation.length}, testing on ${data.testLabels.length}; ${stepsPerEpoch} batches of ${batchSize} per epoch`);

    if (pairs.length > 0 && !o.resumeFrom && hyper.pretrainEpochs > 0) {
      const pre = await pretrainStacked({
        ae, pairs, hyper, images: data.trainImages, inputShape, train: split.train, batchSize, sink, isCancelled: o.isCancelled, totalSteps,
      });
      if (pre.status === 'cancelled') {
        sink.log('info', `Cancelled during pre-training at step ${pre.steps}`);
        return { status: 'cancelled' };
      }
      startStep = pre.steps;
      sink.log('info', 'Pre-training done; fine-tuning end to end');
    }

    let order = split.train;
    let lossSum = 0;
    let seen = 0;
    const result = await trainLoop({
      epochs: hyper.epochs,
      stepsPerEpoch,
      startEpoch,
      startStep,
      learningRate: hyper.learningRate,
      isCancelled: o.isCancelled,
      onEpochStart: (epoch) => {
        order = epochOrder(split.train, hyper.seed, epoch);
        lossSum = 0;
        seen = 0;
      },
      runBatch: async ({ batchIndex, step }) => {
        const start = batchIndex * batchSize;
        const end = Math.min(start + batchSize, nTrain);
        const x = imageBatch(data.trainImages, inputShape, order, start, end);
        const input = noise ? corrupt(x, noise, deriveSeed(hyper.seed, step, NOISE_TAG)) : x;
        try {
          const r = await trainStep(ae, optimizer, input, x, contractive
            ? { loss: hyper.loss, contractiveWeight: hyper.contractiveWeight, seed: deriveSeed(hyper.seed, step, CONTRACTIVE_TAG) }
            : { loss: hyper.loss });
          lossSum += r.loss * (end - start);
          seen += end - start;
          const values: Record<string, number> = r.penalty === undefined ? {} : { contractive_penalty: r.penalty };
          return { loss: r.loss, values };
        } finally {
          tf.dispose(input === x ? [x] : [x, input]);
        }
      },
      onBatchEnd: async ({ epoch, step }, r) => {
        sink.metric('loss', step, r.loss);
        for (const [k, v] of Object.entries(r.values ?? {})) sink.metric(k, step, v);
        sink.progress({ epoch, epochs: hyper.epochs, step, totalSteps });
        if (hyper.sampleEverySteps > 0 && step % hyper.sampleEverySteps === 0) await logGallery(step, epoch);
      },
      onEpochEnd: async (epoch, step) => {
        const put = (key: string, value: number): void => { sink.metric(key, epoch, value); final[key] = value; };
        put('epoch_loss', lossSum / seen);
        if (split.validation.length > 0) {
          const v = await evaluateReconstruction(ae, data.trainImages, inputShape, split.validation, evalOptions(VALIDATION_TAG));
          put('val_loss', v.loss);
        }
        const t = await evaluateReconstruction(ae, data.testImages, inputShape, range(data.testLabels.length), evalOptions(TEST_TAG));
        put('test_mse', t.mse);
        put('test_bce', t.bce);
        if (t.noisyInputMse !== undefined) put('test_noisy_input_mse', t.noisyInputMse);
        if (t.cleanInputMse !== undefined) put('test_mse_clean_input', t.cleanInputMse);
        const noisyNote = t.noisyInputMse === undefined ? '' : ` (noisy input ${t.noisyInputMse.toFixed(2)})`;
        sink.log('info', `Epoch ${epoch}/${hyper.epochs}: loss ${(lossSum / seen).toFixed(3)}, test squared error per image ${t.mse.toFixed(3)}${noisyNote}`);
        await logGallery(step, epoch);
        if (o.runDir !== undefined) {
          const dir = checkpointDir(o.runDir, epoch);
          await saveCheckpoint(dir, [ae.encoder, ae.decoder], optimizer, { epoch, step, rng: dropoutStates(dropouts), extra: { variant: hyper.variant } });
          sink.checkpoint({ dir, epoch, step });
        }
      },
    });
    if (result.status === 'cancelled') {
      sink.log('info', `Cancelled at step ${result.step}`);
      return { status: 'cancelled' };
    }
    if (o.runDir !== undefined) await logLatentScatter(ae, data, hyper.latentDim, o.runDir, result.step, sink);
    return { status: 'done', final };
  } finally {
    disposeAutoencoder(ae);
    optimizer.dispose();
  }
}
