/**
 * Classifier data handling: the train/validation split and batch assembly
 * from plain typed arrays (the whole set never becomes one tensor).
 */
import * as tf from '@tensorflow/tfjs';
import type { Shape } from '../../common/graph';

export interface Split {
  /** Indices into the training arrays used for training. */
  train: Int32Array;
  /** Indices held out for validation (the end of the training subset, as Keras does). */
  validation: Int32Array;
}

export function splitTrainValidation(n: number, validationSplit: number): Split {
  const nVal = Math.floor(n * validationSplit);
  const nTrain = n - nVal;
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  return { train: all.slice(0, nTrain), validation: all.slice(nTrain) };
}

export interface Batch {
  xs: tf.Tensor;
  /** One-hot float32 labels. */
  ys: tf.Tensor2D;
  /** Class indices (int32). */
  labels: tf.Tensor1D;
}

/** Build a batch from `indices[start, end)`; caller disposes it (disposeBatch). */
export function makeBatch(
  images: Float32Array, labels: Int32Array, inputShape: Shape, numClasses: number,
  indices: Int32Array, start: number, end: number,
): Batch {
  const per = inputShape.reduce((a, b) => a * b, 1);
  const count = end - start;
  const x = new Float32Array(count * per);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const idx = indices[start + i]!;
    x.set(images.subarray(idx * per, (idx + 1) * per), i * per);
    y[i] = labels[idx]!;
  }
  return tf.tidy(() => {
    const lab = tf.tensor1d(y, 'int32');
    // float32 oneHot is broken on wasm (returns 1.4e-45 for 1): build int32 and cast.
    const ys = tf.cast(tf.oneHot(lab, numClasses, 1, 0, 'int32'), 'float32') as tf.Tensor2D;
    return { xs: tf.tensor(x, [count, ...inputShape]), ys, labels: lab };
  });
}

export function disposeBatch(b: Batch): void {
  tf.dispose([b.xs, b.ys, b.labels]);
}
