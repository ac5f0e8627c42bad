/**
 * A PixelCNN run through the one trainer: the network of network.ts trained
 * by the run's optimiser on −log p(x), the sum over an image's binarised
 * pixels of the Bernoulli cross-entropy of each pixel given those before it.
 * Part 'model' and the optimiser are checkpointed by the trainer, so a
 * resumed run continues where it stopped; training images are drawn afresh
 * per step for a stochastic binarisation (seeded by seed and step), held-out
 * images binarised once.
 *
 * Metrics: per step `loss` (the batch's mean NLL, nats per image, checked for
 * NaN); per epoch `epoch_nll_nats`, `val_nll_nats` (on the held-out
 * `validationSplit` of the training images: the epoch a run is quoted at is
 * chosen on it), `test_nll_nats` and `test_bits_per_dim`.
 */
import * as tf from '@tensorflow/tfjs';
import { bitsPerDim } from '../../common/families/pixelcnn/bitsPerDim';
import type { ConfigOf, FamilyMetricKey } from '../../common/families/registry';
import { makeOptimizer } from '../../engine/optimizer';
import { preparePixels } from '../../engine/pixels';
import { epochOrder, loadRunDataset, range, splitTrainValidation } from '../../engine/trainingData';
import { train, type MetricValues } from '../../engine/trainer';
import type { ImageDataset } from '../../data/mnist';
import type { FamilyContext, FamilyRunOptions, FamilyRunResult, FamilySession } from '../familyRun';
import { bernoulliNllPerImage } from './likelihood';
import { buildPixelCnn, pixelLogits } from './network';

type PixelCnnConfig = ConfigOf<'pixelcnn'>;
type PixelCnnKey = FamilyMetricKey<'pixelcnn'>;

/** Held-out images go through the network this many at a time. */
const EVAL_CHUNK = 250;

export function runPixelCnn(o: FamilyRunOptions<'pixelcnn'>): Promise<FamilyRunResult> {
  return train(o, (ctx) => pixelCnnSession(o.config, o.dataset ?? loadRunDataset(o.config), ctx));
}

/** An image's height and width; PixelCNN's Bernoulli output models one channel. */
function imageSize(data: ImageDataset): { height: number; width: number } {
  const [height, width, channels] = data.inputShape;
  if (height === undefined || width === undefined || (channels ?? 1) !== 1 || data.inputShape.length > 3) {
    throw new Error(`The PixelCNN models one-channel images (binarised MNIST); this dataset's images are ${data.inputShape.join('×')}`);
  }
  return { height, width };
}

/** Mean −log p(x) in nats per image over `n` binary images (n × d values), in chunks. */
export function meanNll(model: tf.LayersModel, images: Float32Array, n: number, height: number, width: number): number {
  const d = height * width;
  let sum = 0;
  for (let start = 0; start < n; start += EVAL_CHUNK) {
    const end = Math.min(start + EVAL_CHUNK, n);
    const s = tf.tidy(() => {
      const x = tf.tensor4d(images.subarray(start * d, end * d), [end - start, height, width, 1]);
      return tf.sum(bernoulliNllPerImage(x, pixelLogits(model, x, false)));
    });
    sum += s.dataSync()[0]!;
    s.dispose();
  }
  return sum / n;
}

/** The held-out images, binarised once (a fixed draw per image for the stochastic mode). */
function heldOutImages(config: PixelCnnConfig, data: ImageDataset, d: number, validation: Int32Array): { val: Float32Array; test: Float32Array; nTest: number } {
  const h = config.hyper;
  const nTest = data.testLabels.length;
  return {
    val: preparePixels(data.trainImages, d, validation, 0, validation.length, h.binarize, h.seed, { kind: 'fixed', split: 'train' }),
    test: preparePixels(data.testImages, d, range(nTest), 0, nTest, h.binarize, h.seed, { kind: 'fixed', split: 'test' }),
    nTest,
  };
}

function pixelCnnSession(config: PixelCnnConfig, data: ImageDataset, ctx: FamilyContext<'pixelcnn'>): FamilySession<'pixelcnn'> {
  const h = config.hyper;
  const { height, width } = imageSize(data);
  const d = height * width;
  const split = splitTrainValidation(data.trainLabels.length, h.validationSplit);
  const nTrain = split.train.length;
  if (nTrain === 0) throw new Error(`The PixelCNN needs training images (${data.trainLabels.length} minus ${split.validation.length} held out for validation leaves none)`);
  if (data.testLabels.length === 0) throw new Error('The PixelCNN needs test images to measure its held-out negative log-likelihood');
  const held = heldOutImages(config, data, d, split.validation);
  const batchSize = Math.min(h.batchSize, nTrain);
  const stepsPerEpoch = Math.ceil(nTrain / batchSize);
  const model = buildPixelCnn({ height, width, filters: h.filters, residualBlocks: h.residualBlocks, seed: h.seed });
  const optimizer = makeOptimizer(h);
  ctx.sink.log('info', `PixelCNN (${height}×${width}, 7×7 mask A, ${h.residualBlocks} residual blocks, ${h.filters} filters, ${model.countParams()} parameters; ${h.optimizer}, learning rate ${h.learningRate}) on ${nTrain} training images, ${h.binarize === 'threshold' ? 'binarised at 0.5' : 'stochastically binarised'}; ${stepsPerEpoch} batches of ${batchSize} per epoch; validation on ${split.validation.length} held-out training images, test NLL on ${held.nTest} test images`);

  let order = split.train;
  let nllSum = 0;
  let batches = 0;
  return {
    parts: [{ name: 'model', weights: model }],
    optimizers: [optimizer],
    epochs: h.epochs,
    stepsPerEpoch,
    startEpoch: (epoch) => {
      order = epochOrder(split.train, h.seed, epoch);
      nllSum = 0;
      batches = 0;
    },
    step: async ({ batchIndex, step }) => {
      const start = batchIndex * batchSize;
      const end = Math.min(start + batchSize, nTrain);
      const pixels = preparePixels(data.trainImages, d, order, start, end, h.binarize, h.seed, { kind: 'step', step });
      const x = tf.tensor4d(pixels, [end - start, height, width, 1]);
      try {
        const lossT = optimizer.minimize(() => tf.mean(bernoulliNllPerImage(x, pixelLogits(model, x, true))), true);
        const loss = lossT === null ? NaN : (await lossT.data())[0]!;
        lossT?.dispose();
        nllSum += loss;
        batches++;
        return { values: { loss } satisfies MetricValues<PixelCnnKey>, checked: [{ value: loss, learningRate: h.learningRate }] };
      } finally {
        x.dispose();
      }
    },
    endEpoch: async (epoch) => {
      const val = split.validation.length > 0 ? meanNll(model, held.val, split.validation.length, height, width) : undefined;
      const test = meanNll(model, held.test, held.nTest, height, width);
      const bpd = bitsPerDim(test, d);
      return {
        metrics: {
          epoch_nll_nats: nllSum / Math.max(1, batches),
          ...(val !== undefined ? { val_nll_nats: val } : {}),
          test_nll_nats: test,
          test_bits_per_dim: bpd,
        } satisfies MetricValues<PixelCnnKey>,
        log: `Epoch ${epoch}/${h.epochs}: test NLL ${test.toFixed(2)} nats per image (${bpd.toFixed(4)} bits/dim)${val !== undefined ? `, validation ${val.toFixed(2)}` : ''}`,
      };
    },
    dispose: () => {
      model.dispose();
      optimizer.dispose();
    },
  };
}
