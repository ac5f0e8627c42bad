/**
 * Where a GAN run's real examples come from: the dataset's images scaled to
 * [−1, 1] (one pass of the discriminator over them per epoch, with their
 * one-hot labels when conditional), or a 2-D toy mixture (a fixed number of
 * steps per epoch, fresh points from the step's seed).
 */
import * as tf from '@tensorflow/tfjs';
import type { GanConfig } from '../../common/families/gan/config';
import type { Shape } from '../../common/graph';
import type { ImageDataset } from '../../data/mnist';
import { sampleToy, type ToyMixture } from '../../data/toy2d';
import { deriveSeed } from '../../engine/prng';
import { epochOrder } from '../../engine/trainingData';
import { oneHotLabels } from './conditioning';
import type { GanBatch } from './step';

export interface RealSource {
  dataShape: Shape;
  stepsPerEpoch: number;
  describe: string;
  /** The k real batches of a step, with their one-hot labels when `labelled` (caller disposes). */
  batches(epoch: number, batchIndex: number, step: number): GanBatch[];
  onEpochStart(epoch: number): void;
}

export function imageSource(data: ImageDataset, batchSize: number, dSteps: number, seed: number, labelled: boolean): RealSource {
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

export function toySource(mixture: ToyMixture, hyper: GanConfig['hyper']): RealSource {
  return {
    dataShape: [2], stepsPerEpoch: hyper.toyStepsPerEpoch, describe: `the ${mixture.id} toy mixture, batches of ${hyper.batchSize}`,
    onEpochStart: () => undefined,
    batches: (_e, _b, step) => Array.from({ length: hyper.dSteps }, (_, i) => ({ x: tf.tensor2d(sampleToy(mixture, hyper.batchSize, deriveSeed(hyper.seed, step, i, 0x7d)), [hyper.batchSize, 2]) })),
  };
}
