/**
 * A classifier's predictions over held-out images: each image's most
 * probable class and the probability the model gave it (softmax of the
 * logits when the model ends without one). What the confusion matrix and the
 * misclassified gallery are made of.
 */
import * as tf from '@tensorflow/tfjs';
import type { Shape } from '../../common/graph';
import { randomLayers } from '../../engine/randomLayers';
import { disposeBatch, makeBatch } from './data';
import type { ClassifierModel } from './model';

export interface Predictions {
  /** Predicted class of indices[i]. */
  predicted: Int32Array;
  /** The model's probability of that class. */
  confidence: Float32Array;
  /** True class of indices[i]. */
  labels: Int32Array;
}

/**
 * Predictions for `indices` of the arrays, in batches of `batchSize`; leaves
 * no tensor behind. A run's random layers (a sampler) draw even at inference:
 * their states are put back afterwards, so these extra passes (which only a
 * run with a folder makes) change nothing the training draws, and a resumed
 * run still equals an uninterrupted one.
 */
export async function predictClasses(
  cm: ClassifierModel, images: Float32Array, labels: Int32Array, inputShape: Shape, numClasses: number,
  indices: Int32Array, batchSize = 500,
): Promise<Predictions> {
  const random = randomLayers(cm.model);
  const states = random.map((l) => l.getRngState());
  try {
    return await predictBatches(cm, images, labels, inputShape, numClasses, indices, batchSize);
  } finally {
    random.forEach((l, i) => l.setRngState(states[i]!));
  }
}

async function predictBatches(
  cm: ClassifierModel, images: Float32Array, labels: Int32Array, inputShape: Shape, numClasses: number,
  indices: Int32Array, batchSize = 500,
): Promise<Predictions> {
  const n = indices.length;
  const out: Predictions = { predicted: new Int32Array(n), confidence: new Float32Array(n), labels: new Int32Array(n) };
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(start + batchSize, n);
    const batch = makeBatch(images, labels, inputShape, numClasses, indices, start, end);
    try {
      const [arg, top] = tf.tidy(() => {
        const raw = cm.model.apply(batch.xs, { training: false }) as tf.Tensor;
        const p = cm.probabilities ? raw : tf.softmax(raw);
        return [tf.argMax(p, -1), tf.max(p, -1)];
      });
      const [a, t] = await Promise.all([arg!.data(), top!.data()]);
      tf.dispose([arg!, top!]);
      out.predicted.set(a as Int32Array, start);
      out.confidence.set(t as Float32Array, start);
    } finally {
      disposeBatch(batch);
    }
    for (let i = start; i < end; i++) out.labels[i] = labels[indices[i]!]!;
  }
  return out;
}
