/**
 * The graph's `oneHot` kind: token ids [n, T] (whole numbers fed as floats)
 * → one-hot vectors [n, T, depth] in float32. No weights. The ids are cast
 * to int32 and tf.oneHot is taken in int32, then cast to float32: a float32
 * tf.oneHot is broken on the wasm backend. Ids outside 0..depth−1 give a
 * row of zeros (tf.oneHot's rule). Registered with tf.serialization as
 * 'OneHot' so saved models load back.
 */
import * as tf from '@tensorflow/tfjs';

export interface OneHotArgs {
  depth: number;
  name?: string;
}

/** ids [..] → [.., depth] float32. Callers tidy. */
export function oneHotFloat(ids: tf.Tensor, depth: number): tf.Tensor {
  return tf.cast(tf.oneHot(tf.cast(ids, 'int32'), depth, 1, 0, 'int32'), 'float32');
}

export class OneHot extends tf.layers.Layer {
  static readonly className = 'OneHot';
  readonly depth: number;

  constructor(args: OneHotArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.depth = args.depth;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [...(inputShape as tf.Shape), this.depth];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => oneHotFloat(x, this.depth));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), depth: this.depth };
  }
}

tf.serialization.registerClass(OneHot);
