/**
 * The graph's `positionalEncoding` kind: x [n, T, d] → x + P[0..T−1], with
 * T ≤ maxLength. 'sinusoidal' is Vaswani et al. 2017's fixed table
 * (sinusoidalTable; no weights); 'learned' a trained [maxLength, d] table
 * (seeded uniform ±0.05, as our embeddings start) of which the first T rows
 * are added. Registered with tf.serialization as 'PositionalEncoding'.
 */
import * as tf from '@tensorflow/tfjs';

export type PositionEncoding = 'sinusoidal' | 'learned';

export interface PositionalEncodingArgs {
  encoding: PositionEncoding;
  maxLength: number;
  /** Seeds the learned table's initialiser. */
  seed: number;
  name?: string;
}

/**
 * The fixed table [T, d], row-major: P[pos, 2i] = sin(pos / 10000^(2i/d)),
 * P[pos, 2i+1] = cos(pos / 10000^(2i/d)) (an odd d ends on a sine).
 */
export function sinusoidalTable(t: number, d: number): Float32Array {
  const table = new Float32Array(t * d);
  for (let pos = 0; pos < t; pos++) {
    for (let j = 0; j < d; j++) {
      const pair = j - (j % 2); // 2i
      const angle = pos / Math.pow(10000, pair / d);
      table[pos * d + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return table;
}

export class PositionalEncoding extends tf.layers.Layer {
  static readonly className = 'PositionalEncoding';
  readonly encoding: PositionEncoding;
  readonly maxLength: number;
  private readonly seed: number;
  private table: tf.LayerVariable | undefined;

  constructor(args: PositionalEncodingArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.encoding = args.encoding;
    this.maxLength = args.maxLength;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const [, t, d] = shape;
    if (typeof d !== 'number') throw new Error(`PositionalEncoding '${this.name}' needs a known feature size`);
    if (typeof t === 'number' && t > this.maxLength) throw new Error(`PositionalEncoding '${this.name}': ${t} steps exceed maxLength ${this.maxLength}`);
    if (this.encoding === 'learned') {
      this.table = this.addWeight('table', [this.maxLength, d], 'float32', tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: this.seed }));
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [...(inputShape as tf.Shape)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const [, t, d] = x.shape as [number, number, number];
    if (t > this.maxLength) throw new Error(`PositionalEncoding '${this.name}': ${t} steps exceed maxLength ${this.maxLength}`);
    return tf.tidy(() => {
      const codes = this.table ? tf.slice(this.table.read(), [0, 0], [t, d]) : tf.tensor2d(sinusoidalTable(t, d), [t, d]);
      return tf.add(x, codes);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), encoding: this.encoding, maxLength: this.maxLength, seed: this.seed };
  }
}

tf.serialization.registerClass(PositionalEncoding);
