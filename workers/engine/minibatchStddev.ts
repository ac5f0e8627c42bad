/**
 * Minibatch standard deviation (Karras et al. 2018, "Progressive growing of
 * GANs", §3): for each group of examples, the standard deviation of every
 * feature over the group, averaged over the features, is appended to each
 * example of the group as one more channel (or feature, for flat inputs).
 * A discriminator with it can see how varied a batch is, which penalises a
 * generator whose samples all look alike (mode collapse). No weights.
 *
 * Grouping follows the paper's code: with G = group size and M = N / G,
 * example i belongs to group i mod M. Variance is the biased one (mean of
 * squares), σ = sqrt(var + 1e-8). The statistic is computed the same way in
 * training and inference (it is part of the function D computes).
 */
import * as tf from '@tensorflow/tfjs';

export interface MinibatchStddevArgs {
  /** 0: the whole batch is one group. */
  groupSize: number;
  name?: string;
}

/** The group size used for a batch of n: groupSize capped at n, lowered to the largest divisor of n not above it (0 = n). */
export function effectiveGroupSize(n: number, groupSize: number): number {
  if (groupSize <= 0 || groupSize >= n) return n;
  let g = groupSize;
  while (n % g !== 0) g--;
  return g;
}

/** [n, ...features] → [n, ...features with the last axis one longer]. Callers tidy. */
export function minibatchStddevFeature(x: tf.Tensor, groupSize: number): tf.Tensor {
  const n = x.shape[0]!;
  const inner = x.shape.slice(1);
  const g = effectiveGroupSize(n, groupSize);
  const m = n / g;
  const f = inner.reduce((a, b) => a * b, 1);
  const y = tf.reshape(x, [g, m, f]);
  const centred = tf.sub(y, tf.mean(y, 0, true));
  const std = tf.sqrt(tf.add(tf.mean(tf.square(centred), 0), 1e-8)); // [m, f]
  const perGroup = tf.mean(std, 1); // [m]
  const perExample = tf.reshape(tf.tile(tf.reshape(perGroup, [1, m]), [g, 1]), [n, ...inner.slice(0, -1).map(() => 1), 1]);
  const column = inner.length > 1 ? tf.broadcastTo(perExample, [n, ...inner.slice(0, -1), 1]) : perExample;
  return tf.concat([x, column], -1);
}

export class MinibatchStddev extends tf.layers.Layer {
  static readonly className = 'MinibatchStddev';
  readonly groupSize: number;

  constructor(args: MinibatchStddevArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.groupSize = args.groupSize;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = [...(Array.isArray(inputShape[0]) ? (inputShape as tf.Shape[])[0]! : (inputShape as tf.Shape))];
    const last = s[s.length - 1];
    s[s.length - 1] = last === null || last === undefined ? null : last + 1;
    return s;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => minibatchStddevFeature(x, this.groupSize));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), groupSize: this.groupSize };
  }
}

tf.serialization.registerClass(MinibatchStddev);
