/**
 * Classifier batches, assembled from plain typed arrays (the whole set never
 * becomes one tensor).
 */
import * as tf from '@tensorflow/tfjs';
import type { Shape } from '../../common/graph';

export interface Batch {
  xs: tf.Tensor;
  /** One-hot float32 labels. */
  ys: tf.Tensor2D;
  /** Class indices (int32). */
  labels: tf.Tensor1D;
}

/** The examples `indices[start, end)` as flat arrays: each example's values in turn, and their classes. */
export function gatherExamples(images: Float32Array, labels: Int32Array, inputShape: Shape, indices: Int32Array, start: number, end: number): { x: Float32Array; y: Int32Array } {
  const per = inputShape.reduce((a, b) => a * b, 1);
  const count = end - start;
  const x = new Float32Array(count * per);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const idx = indices[start + i]!;
    x.set(images.subarray(idx * per, (idx + 1) * per), i * per);
    y[i] = labels[idx]!;
  }
  return { x, y };
}

/** Build a batch from `indices[start, end)`; caller disposes it (disposeBatch). */
export function makeBatch(
  images: Float32Array, labels: Int32Array, inputShape: Shape, numClasses: number,
  indices: Int32Array, start: number, end: number,
): Batch {
  const count = end - start;
  const { x, y } = gatherExamples(images, labels, inputShape, indices, start, end);
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
