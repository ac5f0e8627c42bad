/**
 * PixelCNN's masked convolution (van den Oord et al. 2016, "Pixel recurrent
 * neural networks", §3.4), for the graph's `maskedConv2d` kind: a stride-1,
 * 'same'-padded convolution with an odd k×k kernel whose weights are
 * multiplied by a fixed causal mask before tf.conv2d, so each output pixel
 * sees only the input pixels above it, and to its left in its own row
 * (raster order). Mask 'A' (the first layer) also hides the centre pixel;
 * 'B' (later layers) lets it through, so stacking A then B layers keeps every
 * output pixel independent of itself and of the pixels after it. The mask is
 * spatial only: all channels of a visible pixel are visible (no R→G→B split).
 *
 * The mask is not a weight (countParams counts the kernel and bias only).
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../common/layers';

export type MaskType = 'A' | 'B';

export interface MaskedConv2dArgs {
  filters: number;
  /** Odd. */
  kernelSize: number;
  maskType: MaskType;
  activation: Activation;
  useBias: boolean;
  seed: number;
  name?: string;
}

/** The k×k spatial mask, row-major: 1 where the kernel may look. */
export function causalMask2d(k: number, type: MaskType): Float32Array {
  if (k % 2 !== 1) throw new Error(`a masked convolution needs an odd kernel, got ${k}`);
  const m = (k - 1) / 2;
  const out = new Float32Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) out[i * k + j] = i < m || (i === m && (j < m || (j === m && type === 'B'))) ? 1 : 0;
  }
  return out;
}

/** The mask broadcast to the kernel's [k, k, inChannels, filters]. */
function kernelMask(k: number, inChannels: number, filters: number, type: MaskType): tf.Tensor4D {
  const spatial = causalMask2d(k, type);
  const data = new Float32Array(k * k * inChannels * filters);
  const per = inChannels * filters;
  for (let p = 0; p < k * k; p++) if (spatial[p] === 1) data.fill(1, p * per, (p + 1) * per);
  return tf.tensor4d(data, [k, k, inChannels, filters]);
}

/** The graph's activations as tensor ops (leakyRelu with tf.layers.leakyReLU's α = 0.3). */
export function activate(x: tf.Tensor, a: Activation): tf.Tensor {
  switch (a) {
    case 'linear': return x;
    case 'relu': return tf.relu(x);
    case 'sigmoid': return tf.sigmoid(x);
    case 'tanh': return tf.tanh(x);
    case 'softmax': return tf.softmax(x, -1);
    case 'elu': return tf.elu(x);
    case 'selu': return tf.selu(x);
    case 'leakyRelu': return tf.leakyRelu(x, 0.3);
  }
}

export class MaskedConv2d extends tf.layers.Layer {
  static readonly className = 'MaskedConv2d';
  readonly filters: number;
  readonly kernelSize: number;
  readonly maskType: MaskType;
  readonly activation: Activation;
  readonly useBias: boolean;
  private readonly seed: number;
  private kernel: tf.LayerVariable | undefined;
  private bias: tf.LayerVariable | undefined;
  private mask: tf.Tensor4D | undefined;

  constructor(args: MaskedConv2dArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    if (args.kernelSize % 2 !== 1) throw new Error(`MaskedConv2d needs an odd kernel, got ${args.kernelSize}`);
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    // tf's JSON serialisation turns config strings snake_case ('B' → 'b', 'leakyRelu' → 'leaky_relu'): read them back.
    const mask = String(args.maskType).toUpperCase();
    if (mask !== 'A' && mask !== 'B') throw new Error(`MaskedConv2d mask type must be 'A' or 'B', got '${String(args.maskType)}'`);
    this.maskType = mask;
    this.activation = (String(args.activation) === 'leaky_relu' ? 'leakyRelu' : args.activation);
    this.useBias = args.useBias;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = Array.isArray(inputShape[0]) ? (inputShape as tf.Shape[])[0]! : (inputShape as tf.Shape);
    const c = s[3];
    if (c === null || c === undefined) throw new Error(`MaskedConv2d '${this.name}' needs a known channel count`);
    const k = this.kernelSize;
    this.kernel = this.addWeight('kernel', [k, k, c, this.filters], 'float32', tf.initializers.glorotUniform({ seed: this.seed }));
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.mask = tf.keep(kernelMask(k, c, this.filters, this.maskType));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = Array.isArray(inputShape[0]) ? (inputShape as tf.Shape[])[0]! : (inputShape as tf.Shape);
    return [s[0]!, s[1]!, s[2]!, this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D;
    return tf.tidy(() => {
      const kernel = tf.mul(this.kernel!.read(), this.mask!) as tf.Tensor4D;
      let y: tf.Tensor = tf.conv2d(x, kernel, 1, 'same');
      if (this.bias) y = tf.add(y, this.bias.read());
      return activate(y, this.activation);
    });
  }

  override dispose(): ReturnType<tf.layers.Layer['dispose']> {
    const result = super.dispose();
    if (result.refCountAfterDispose === 0 && this.mask) {
      this.mask.dispose();
      this.mask = undefined;
    }
    return result;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters, kernelSize: this.kernelSize, maskType: this.maskType,
      activation: this.activation, useBias: this.useBias, seed: this.seed,
    };
  }
}

tf.serialization.registerClass(MaskedConv2d);
