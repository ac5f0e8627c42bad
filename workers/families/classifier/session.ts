/**
 * The classifier's training session for the trainer (engine/trainer.ts):
 * one model part ('model') and one optimiser; each step a batch of the
 * epoch's seeded order; each epoch end the running training accuracy and
 * loss, then the held-out sets' loss and accuracy (validation, test). A
 * classifier run and the reference classifier train through it.
 */
import type * as tf from '@tensorflow/tfjs';
import type { FamilyMetricKey } from '../../common/families/registry';
import type { Shape } from '../../common/graph';
import { epochOrder } from '../../engine/trainingData';
import type { MetricValues, TrainSession } from '../../engine/trainer';
import { disposeBatch, makeBatch } from './data';
import type { ClassifierModel } from './model';
import { evaluate, trainStep } from './step';

export type ClassifierMetricKey = FamilyMetricKey<'classifier'>;

/** Examples scored at each epoch end, recorded as `${prefix}_loss` and `${prefix}_accuracy`. */
export interface HeldOutSet {
  prefix: 'val' | 'test';
  images: Float32Array;
  labels: Int32Array;
  indices: Int32Array;
}

export interface ClassifierSessionOptions {
  cm: ClassifierModel;
  optimizer: tf.Optimizer;
  /** The training arrays, and the indices into them that are trained on. */
  images: Float32Array;
  labels: Int32Array;
  train: Int32Array;
  inputShape: Shape;
  numClasses: number;
  batchSize: number;
  epochs: number;
  seed: number;
  /** Named when the loss stops being finite. */
  learningRate: number;
  heldOut: readonly HeldOutSet[];
}

/** The session; its dispose frees the model and the optimiser. */
export function classifierSession(o: ClassifierSessionOptions): TrainSession<ClassifierMetricKey> {
  const n = o.train.length;
  const batchSize = Math.min(o.batchSize, n);
  let order = o.train;
  let seen = 0;
  let correct = 0;
  let lossSum = 0;
  return {
    parts: [{ name: 'model', weights: o.cm.model }],
    optimizers: [o.optimizer],
    epochs: o.epochs,
    stepsPerEpoch: Math.ceil(n / batchSize),
    startEpoch: (epoch) => {
      // Same order for an epoch whether or not the run was resumed.
      order = epochOrder(o.train, o.seed, epoch);
      seen = 0; correct = 0; lossSum = 0;
    },
    step: async ({ batchIndex }) => {
      const start = batchIndex * batchSize;
      const end = Math.min(start + batchSize, n);
      const batch = makeBatch(o.images, o.labels, o.inputShape, o.numClasses, order, start, end);
      try {
        const r = await trainStep(o.cm, o.optimizer, batch);
        seen += end - start;
        correct += r.correct;
        lossSum += r.loss * (end - start);
        return { values: { loss: r.loss } satisfies MetricValues<ClassifierMetricKey>, checked: [{ value: r.loss, learningRate: o.learningRate }] };
      } finally {
        disposeBatch(batch);
      }
    },
    endEpoch: async (epoch) => {
      const metrics: MetricValues<ClassifierMetricKey> = { accuracy: correct / seen, epoch_loss: lossSum / seen };
      for (const h of o.heldOut) {
        const r = await evaluate(o.cm, h.images, h.labels, o.inputShape, o.numClasses, h.indices);
        metrics[`${h.prefix}_loss`] = r.loss;
        metrics[`${h.prefix}_accuracy`] = r.accuracy;
      }
      const test = metrics.test_accuracy === undefined ? '' : `, test accuracy ${metrics.test_accuracy.toFixed(4)}`;
      return { metrics, log: `Epoch ${epoch}/${o.epochs}: loss ${(lossSum / seen).toFixed(4)}, accuracy ${(correct / seen).toFixed(4)}${test}` };
    },
    dispose: () => {
      o.cm.model.dispose();
      o.optimizer.dispose();
    },
  };
}
