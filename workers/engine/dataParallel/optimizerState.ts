/**
 * An optimiser's state (tfjs `getWeights()`: its step count, then its slots —
 * Adam's first and second moments, momentum's velocity) as plain arrays that
 * cross to a replica thread, and back into that thread's optimiser
 * (`setWeights()`). Without it a resumed data-parallel run's replicas would
 * start Adam from zero moments while the leader continues the checkpoint's,
 * and the copies would part after the first step.
 */
import * as tf from '@tensorflow/tfjs';

/** One tensor of an optimiser's state (structured-cloneable). */
export interface OptimizerStateEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  values: Float32Array | Int32Array;
}

export async function readOptimizerState(optimizer: tf.Optimizer): Promise<OptimizerStateEntry[]> {
  const weights = await optimizer.getWeights();
  try {
    return await Promise.all(weights.map(async (w) => {
      const dtype = w.tensor.dtype === 'int32' ? 'int32' : 'float32';
      const data = await w.tensor.data();
      return { name: w.name, shape: w.tensor.shape, dtype, values: dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data) };
    }));
  } finally {
    // getWeights hands out the step count as a new tensor and the slots as the optimiser's own variables: free only the former.
    tf.dispose(weights.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor));
  }
}

/** Give `optimizer` the state read from another (the same kind, over variables of the same shapes in the same order). */
export async function writeOptimizerState(optimizer: tf.Optimizer, state: readonly OptimizerStateEntry[]): Promise<void> {
  const named = state.map((e) => ({ name: e.name, tensor: tf.tensor(e.values, e.shape, e.dtype) }));
  try {
    await optimizer.setWeights(named);
  } finally {
    tf.dispose(named.map((n) => n.tensor));
  }
}
