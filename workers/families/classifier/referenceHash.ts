/**
 * The content hash that identifies a reference classifier: sha256 over its
 * weights in the model's weight order, each as its dtype, its shape and its
 * values' little-endian bytes. Names are left out (tfjs may rename a layer
 * it loads twice in one process); order, shapes and values are what the
 * scores depend on. Two trainings on the same data, seed and backend give
 * the same hash; one changed value gives another.
 */
import { createHash } from 'node:crypto';
import type * as tf from '@tensorflow/tfjs';

/** The weights' bytes, in order, with the header that delimits each (so [a][bc] and [ab][c] differ). */
export async function hashWeights(model: tf.LayersModel): Promise<string> {
  const h = createHash('sha256');
  for (const w of model.weights) {
    const t = w.read();
    const values = await t.data();
    h.update(`${t.dtype}[${t.shape.join(',')}]:`);
    h.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  return h.digest('hex');
}
