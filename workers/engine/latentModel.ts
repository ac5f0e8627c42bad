/**
 * A trained encoder/decoder pair seen from the latent space, the same way for
 * every family that has one: `encode` gives the code of an image (μ for a
 * VAE, the code itself for an autoencoder), `decode` gives an image in [0, 1].
 * The galleries and the on-demand analyses only use this.
 */
import * as tf from '@tensorflow/tfjs';
import type { Shape } from '../common/graph';

export interface LatentModel {
  readonly latentDim: number;
  readonly inputShape: Shape;
  /** Codes [n, latentDim] of images [n, ...inputShape]; the caller disposes the result. */
  encode(x: tf.Tensor): tf.Tensor2D;
  /** Images [n, ...inputShape] in [0, 1] of codes [n, latentDim]; the caller disposes the result. */
  decode(z: tf.Tensor2D): tf.Tensor;
}

export interface EncoderDecoderOptions {
  latentDim: number;
  inputShape: Shape;
  /** 'gaussian': the encoder outputs μ then log σ² and the code is μ; 'code': the output is the code. */
  encoderOutput: 'gaussian' | 'code';
  /** 'logits': the decoder outputs logits (sigmoid applied); 'probabilities': already in [0, 1]. */
  decoderOutput: 'logits' | 'probabilities';
}

export function encoderDecoderLatentModel(encoder: tf.LayersModel, decoder: tf.LayersModel, o: EncoderDecoderOptions): LatentModel {
  const { latentDim } = o;
  return {
    latentDim,
    inputShape: [...o.inputShape],
    encode: (x) => tf.tidy(() => {
      const out = encoder.apply(x, { training: false }) as tf.Tensor;
      const flat = tf.reshape(out, [out.shape[0]!, -1]) as tf.Tensor2D;
      return o.encoderOutput === 'gaussian' ? tf.slice(flat, [0, 0], [-1, latentDim]) : flat;
    }),
    decode: (z) => tf.tidy(() => {
      const out = decoder.apply(z, { training: false }) as tf.Tensor;
      return o.decoderOutput === 'logits' ? tf.sigmoid(out) : out;
    }),
  };
}

const perExample = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

/** Gather images `indices` of a flat n × D array into a [k, ...shape] tensor. */
export function gatherImages(images: Float32Array, shape: Shape, indices: readonly number[]): tf.Tensor {
  const d = perExample(shape);
  const x = new Float32Array(indices.length * d);
  indices.forEach((idx, i) => x.set(images.subarray(idx * d, (idx + 1) * d), i * d));
  return tf.tensor(x, [indices.length, ...shape]);
}

/** Codes of images `indices` (row-major k × latentDim), in batches. */
export async function encodeImages(model: LatentModel, images: Float32Array, indices: readonly number[], batchSize = 500): Promise<Float32Array> {
  const out = new Float32Array(indices.length * model.latentDim);
  for (let start = 0; start < indices.length; start += batchSize) {
    const x = gatherImages(images, model.inputShape, indices.slice(start, start + batchSize));
    const z = model.encode(x);
    try {
      out.set(await z.data(), start * model.latentDim);
    } finally {
      tf.dispose([x, z]);
    }
  }
  return out;
}

/** Decoded images (k × D values in [0, 1]) of codes given as rows, in batches. */
export async function decodeCodes(model: LatentModel, codes: readonly (readonly number[])[], batchSize = 500): Promise<Float32Array> {
  const d = perExample(model.inputShape);
  const out = new Float32Array(codes.length * d);
  for (let start = 0; start < codes.length; start += batchSize) {
    const rows = codes.slice(start, start + batchSize);
    const z = tf.tensor2d(rows.map((r) => [...r]), [rows.length, model.latentDim]);
    const x = model.decode(z);
    try {
      out.set(await x.data(), start * d);
    } finally {
      tf.dispose([z, x]);
    }
  }
  return out;
}

/** Row i of a row-major k × dim array, as plain numbers. */
export function row(values: Float32Array | Float64Array, i: number, dim: number): number[] {
  return Array.from(values.subarray(i * dim, (i + 1) * dim));
}
