/**
 * An optimiser's state (tfjs `getWeights()`: its step count, then its slots —
 * Adam's first and second moments, momentum's velocity — plus Adam's running
 * products β₁ᵗ, β₂ᵗ that getWeights leaves out, as checkpoints keep them) as
 * plain arrays that cross to a replica thread, and back into that thread's
 * optimiser (`setWeights()`, then the products). Without it a resumed
 * data-parallel run's replicas would start Adam from zero moments while the
 * leader continues the checkpoint's, and the copies would part at once;
 * without the products they would part in the last bits.
 */
import * as tf from '@tensorflow/tfjs';
import { hiddenOptimizerState } from '../checkpoint';

/** One tensor of an optimiser's state (structured-cloneable). */
export interface OptimizerStateEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  values: Float32Array | Int32Array;
}

export interface OptimizerState {
  /** What getWeights returns, in its order. */
  weights: OptimizerStateEntry[];
  /** Adam's accBeta1 and accBeta2 (none for other optimisers), by name. */
  hidden: OptimizerStateEntry[];
}

async function entry(name: string, tensor: tf.Tensor): Promise<OptimizerStateEntry> {
  const dtype = tensor.dtype === 'int32' ? 'int32' : 'float32';
  const data = await tensor.data();
  return { name, shape: tensor.shape, dtype, values: dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data) };
}

export async function readOptimizerState(optimizer: tf.Optimizer): Promise<OptimizerState> {
  const weights = await optimizer.getWeights();
  try {
    return {
      weights: await Promise.all(weights.map((w) => entry(w.name, w.tensor))),
      hidden: await Promise.all(hiddenOptimizerState(optimizer).map((h) => entry(h.name, h.variable))),
    };
  } finally {
    // getWeights hands out the step count as a new tensor and the slots as the optimiser's own variables: free only the former.
    tf.dispose(weights.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor));
  }
}

/** Give `optimizer` the state read from another (the same kind, over variables of the same shapes in the same order). */
export async function writeOptimizerState(optimizer: tf.Optimizer, state: OptimizerState): Promise<void> {
  const named = state.weights.map((e) => ({ name: e.name, tensor: tf.tensor(e.values, e.shape, e.dtype) }));
  try {
    await optimizer.setWeights(named);
  } finally {
    tf.dispose(named.map((n) => n.tensor));
  }
  const own = hiddenOptimizerState(optimizer);
  for (const h of state.hidden) {
    const target = own.find((o) => o.name === h.name);
    if (!target) throw new Error(`The replica's optimiser has no ${h.name} to take the leader's value`);
    tf.tidy(() => target.variable.assign(tf.tensor(h.values, h.shape, h.dtype)));
  }
}
