/**
 * A plain PixelCNN (van den Oord et al. 2016, "Pixel recurrent neural
 * networks", §3.5 and figure 5) for one-channel images with a Bernoulli
 * output: a 7×7 mask-A convolution, `residualBlocks` residual blocks
 * (ReLU → 1×1 conv to half the channels → ReLU → 3×3 mask-B conv → ReLU →
 * 1×1 conv back, added to the block's input), then ReLU → 1×1 conv → ReLU →
 * 1×1 conv to one logit per pixel.
 *
 * Mask A keeps each output pixel blind to its own input and to every later
 * pixel in raster order; mask-B and 1×1 convolutions only ever look at
 * pixels already visible, so the whole network stays causal — the property
 * p(x) = Π p(x_i | x_<i) needs, checked by test/unit/workers/pixelCnnCausality.test.ts.
 * This plain stack has the paper's blind spot (pixels up and to the right are
 * never seen); the gated variant that removes it is a later slice.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../../engine/prng';
import { MaskedConv2d } from '../../engine/maskedConv2d';

export interface PixelCnnSpec {
  height: number;
  width: number;
  /** Channels of the residual stream (2h in the paper); the blocks' inner convolutions have half (at least 1). */
  filters: number;
  residualBlocks: number;
  seed: number;
}

/** The first layer's kernel (7×7 in the paper). */
export const FIRST_KERNEL = 7;

/** A layer applied to symbolic inputs (checked: tfjs types `apply` as returning any tensor kind). */
function on(layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]): tf.SymbolicTensor {
  const y = layer.apply(x);
  if (!(y instanceof tf.SymbolicTensor)) throw new Error(`PixelCNN layer '${layer.name}' did not give one symbolic tensor`);
  return y;
}

function pointwise(filters: number, seed: number, name: string): tf.layers.Layer {
  return tf.layers.conv2d({ filters, kernelSize: 1, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed }), name });
}

function relu(x: tf.SymbolicTensor): tf.SymbolicTensor {
  return on(tf.layers.reLU(), x);
}

/** One residual block of figure 5: the stream's channels in and out, a causal 3×3 (mask B) inside. */
function residualBlock(x: tf.SymbolicTensor, spec: PixelCnnSpec, index: number): tf.SymbolicTensor {
  const inner = Math.max(1, Math.floor(spec.filters / 2));
  const seed = (k: number): number => deriveSeed(spec.seed, index + 1, k);
  let y = on(pointwise(inner, seed(0), `res${index}_in`), relu(x));
  y = on(new MaskedConv2d({ filters: inner, kernelSize: 3, maskType: 'B', activation: 'linear', useBias: true, seed: seed(1), name: `res${index}_masked_b` }), relu(y));
  y = on(pointwise(spec.filters, seed(2), `res${index}_out`), relu(y));
  return on(tf.layers.add(), [x, y]);
}

/** The network: [n, height, width, 1] binary pixels → [n, height, width, 1] logits of p(x_i = 1 | x_<i). */
export function buildPixelCnn(spec: PixelCnnSpec): tf.LayersModel {
  const input = tf.input({ shape: [spec.height, spec.width, 1], name: 'pixels' });
  let x = on(new MaskedConv2d({ filters: spec.filters, kernelSize: FIRST_KERNEL, maskType: 'A', activation: 'linear', useBias: true, seed: deriveSeed(spec.seed, 0), name: 'masked_a' }), input);
  for (let b = 0; b < spec.residualBlocks; b++) x = residualBlock(x, spec, b);
  const head = on(pointwise(spec.filters, deriveSeed(spec.seed, 0x4ead, 0), 'head'), relu(x));
  const logits = on(pointwise(1, deriveSeed(spec.seed, 0x4ead, 1), 'logits'), relu(head));
  return tf.model({ inputs: input, outputs: logits, name: 'pixelcnn' });
}

/** The network's logits for concrete pixels [n, height, width, 1] (checked: tfjs types `apply` as returning any tensor kind). */
export function pixelLogits(model: tf.LayersModel, x: tf.Tensor4D, training: boolean): tf.Tensor {
  const y = model.apply(x, { training });
  if (!(y instanceof tf.Tensor)) throw new Error('the PixelCNN gave no single tensor of logits');
  return y;
}
