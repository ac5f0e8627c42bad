/**
 * The classifier's train step and batched evaluation.
 */
import * as tf from '@tensorflow/tfjs';
import type { Shape } from '../../common/graph';
import { probabilityCrossEntropy } from '../../engine/probabilityCrossEntropy';
import { disposeBatch, makeBatch, type Batch } from './data';
import type { ClassifierModel } from './model';

const EPS = 1e-7;

/** Mean categorical cross-entropy of one-hot `ys` against the model's output. */
export function crossEntropy(ys: tf.Tensor2D, output: tf.Tensor, probabilities: boolean): tf.Scalar {
  return tf.tidy(() => {
    if (!probabilities) return tf.losses.softmaxCrossEntropy(ys, output) as tf.Scalar;
    // log(p + ε), not a clip: clipping maps NaN into range on wasm and would hide divergence. One taped op, bit-identical to the autodiff chain.
    return probabilityCrossEntropy(ys, output, EPS);
  });
}

export interface StepResult {
  loss: number;
  /** Correct predictions in the batch. */
  correct: number;
}

function countCorrect(output: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(output, -1), labels), 'int32')));
}

/**
 * One optimizer step on a batch; leaves no tensor behind. The correct count
 * is taken from the kept output after the gradient, off the tape (recording
 * it there saved its ops' inputs for a backward pass that never uses them).
 */
export async function trainStep(cm: ClassifierModel, optimizer: tf.Optimizer, batch: Batch): Promise<StepResult> {
  const varList = cm.model.trainableWeights.map((w) => w.read() as tf.Variable);
  let outT: tf.Tensor | undefined;
  const lossT = optimizer.minimize(() => {
    outT = tf.keep(cm.model.apply(batch.xs, { training: true }) as tf.Tensor);
    return crossEntropy(batch.ys, outT, cm.probabilities);
  }, true, varList);
  const correctT = countCorrect(outT!, batch.labels);
  outT!.dispose();
  try {
    const [loss, correct] = await Promise.all([lossT!.data(), correctT.data()]);
    return { loss: loss[0]!, correct: correct[0]! };
  } finally {
    tf.dispose([lossT!, correctT]);
  }
}

export interface EvalResult {
  loss: number;
  accuracy: number;
  count: number;
}

/** Loss and accuracy over `indices`, in batches of `batchSize` to bound memory. */
export async function evaluate(
  cm: ClassifierModel, images: Float32Array, labels: Int32Array, inputShape: Shape, numClasses: number,
  indices: Int32Array, batchSize = 500,
): Promise<EvalResult> {
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < indices.length; start += batchSize) {
    const end = Math.min(start + batchSize, indices.length);
    const batch = makeBatch(images, labels, inputShape, numClasses, indices, start, end);
    try {
      const [l, c] = tf.tidy(() => {
        const out = cm.model.apply(batch.xs, { training: false }) as tf.Tensor;
        return [crossEntropy(batch.ys, out, cm.probabilities), countCorrect(out, batch.labels)];
      });
      const [lv, cv] = await Promise.all([l!.data(), c!.data()]);
      tf.dispose([l!, c!]);
      lossSum += lv[0]! * (end - start);
      correct += cv[0]!;
    } finally {
      disposeBatch(batch);
    }
  }
  const n = indices.length;
  return { loss: n ? lossSum / n : NaN, accuracy: n ? correct / n : NaN, count: n };
}
