/**
 * Batched evaluation of reconstruction on held-out images, and encoding
 * of many images at once (for the latent scatter).
 */
import * as tf from '@tensorflow/tfjs';
import type { Shape } from '../../common/graph';
import { deriveSeed } from '../../engine/prng';
import { corrupt, imageBatch, type NoiseSpec } from './data';
import { perExampleLoss, sumBinaryCrossEntropy, sumSquaredError, type ReconstructionLoss } from './losses';
import type { Autoencoder } from './model';
import { reconstruct } from './step';

export interface EvalOptions {
  loss: ReconstructionLoss;
  /** Denoising: corrupt the inputs with this noise, seeded per batch (the same noise at every evaluation). */
  noise?: NoiseSpec & { seed: number };
  batchSize?: number;
}

export interface EvalResult {
  count: number;
  /** Mean of the per-image training loss (bce or mse, summed over pixels), from the model input. */
  loss: number;
  /** Mean per-image Σ (x − x̂)², x̂ reconstructed from the model input (the noisy one when denoising). */
  mse: number;
  /** Mean per-image Σ BCE(x, x̂), same input. */
  bce: number;
  /** Denoising: mean per-image Σ (x − x̃)² of the noisy input itself. */
  noisyInputMse?: number;
  /** Denoising: mean per-image Σ (x − x̂)² reconstructing the clean input. */
  cleanInputMse?: number;
}

/** The noisy test input for the batch starting at `start` (fixed by seed and start). */
export function evalNoiseSeed(seed: number, start: number): number {
  return deriveSeed(seed, start, 0x7e57);
}

function total(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s;
}

export async function evaluateReconstruction(ae: Autoencoder, images: Float32Array, inputShape: Shape, indices: Int32Array, o: EvalOptions): Promise<EvalResult> {
  const batchSize = o.batchSize ?? 500;
  const sums = { loss: 0, mse: 0, bce: 0, noisy: 0, clean: 0 };
  for (let start = 0; start < indices.length; start += batchSize) {
    const end = Math.min(start + batchSize, indices.length);
    const x = imageBatch(images, inputShape, indices, start, end);
    const parts = tf.tidy(() => {
      const input = o.noise ? corrupt(x, o.noise, evalNoiseSeed(o.noise.seed, start)) : x;
      const out = reconstruct(ae, input, false);
      const r: tf.Tensor1D[] = [perExampleLoss(o.loss, x, out), sumSquaredError(x, out), sumBinaryCrossEntropy(x, out)];
      if (o.noise) {
        r.push(sumSquaredError(x, input));
        r.push(sumSquaredError(x, reconstruct(ae, x, false)));
      }
      return r;
    });
    // Per-example values from tf, totals in float64.
    const values = (await Promise.all(parts.map((t) => t.data()))).map(total);
    tf.dispose([x, ...parts]);
    sums.loss += values[0]!;
    sums.mse += values[1]!;
    sums.bce += values[2]!;
    if (o.noise) {
      sums.noisy += values[3]!;
      sums.clean += values[4]!;
    }
  }
  const n = indices.length;
  const mean = (s: number): number => (n > 0 ? s / n : NaN);
  const r: EvalResult = { count: n, loss: mean(sums.loss), mse: mean(sums.mse), bce: mean(sums.bce) };
  if (o.noise) {
    r.noisyInputMse = mean(sums.noisy);
    r.cleanInputMse = mean(sums.clean);
  }
  return r;
}

/** Codes of the first `count` images, row-major count × latentDim. */
export async function encodeImages(ae: Autoencoder, images: Float32Array, inputShape: Shape, count: number, batchSize = 500): Promise<Float32Array> {
  const latentDim = ae.encoder.outputs[0]!.shape.slice(1).reduce<number>((a, b) => a * (b ?? 1), 1);
  const out = new Float32Array(count * latentDim);
  const all = Int32Array.from({ length: count }, (_, i) => i);
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(start + batchSize, count);
    const x = imageBatch(images, inputShape, all, start, end);
    const h = tf.tidy(() => ae.encoder.apply(x, { training: false }) as tf.Tensor);
    out.set(await h.data(), start * latentDim);
    tf.dispose([x, h]);
  }
  return out;
}
