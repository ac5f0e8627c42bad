/**
 * The RBM's galleries:
 *
 * - 'filters': the weights into each of the first (up to) 100 hidden units,
 *   as images, each scaled to its own range (what a hidden unit looks for);
 * - 'samples': 64 Gibbs chains from fixed random images (the same seed at
 *   every step, so the slider shows learning), gibbsSteps alternating
 *   updates, shown as the last visible probabilities.
 */
import * as tf from '@tensorflow/tfjs';
import type { Shape } from '../../common/graph';
import { stepArtifactPath } from '../../engine/galleryFiles';
import { writeImageGrid } from '../../engine/imageGrid';
import { deriveSeed } from '../../engine/prng';
import type { FamilySink } from '../../engine/sink';
import { gibbsSamples, type RbmParams } from './rbm';

export const MAX_FILTERS = 100;
export const SAMPLE_CHAINS = 64;

export interface RbmGalleryContext {
  params: RbmParams;
  inputShape: Shape;
  runDir: string;
  sink: FamilySink<'rbm'>;
  seed: number;
  gibbsSteps: number;
  /** The samples gallery's images in [0, 1] (Gaussian visible units: un-standardised and clipped); the Bernoulli chains' P(v | h) when absent. */
  drawSamples?: (count: number, steps: number, seed: number) => tf.Tensor2D;
}

/** Each column of W (one hidden unit's filter) scaled to [0, 1] by its own min and max. */
export function filterImages(weights: Float32Array, visible: number, hidden: number, count: number): Float32Array {
  const out = new Float32Array(count * visible);
  for (let j = 0; j < count; j++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < visible; i++) {
      const w = weights[i * hidden + j]!;
      if (w < lo) lo = w;
      if (w > hi) hi = w;
    }
    const span = hi - lo || 1;
    for (let i = 0; i < visible; i++) out[j * visible + i] = (weights[i * hidden + j]! - lo) / span;
  }
  return out;
}

function geometry(shape: Shape): { height: number; width: number; channels: 1 | 3 } {
  if (shape.length === 3) return { height: shape[0]!, width: shape[1]!, channels: shape[2] === 3 ? 3 : 1 };
  if (shape.length === 2) return { height: shape[0]!, width: shape[1]!, channels: 1 };
  return { height: 1, width: shape[0] ?? 1, channels: 1 };
}

async function grid(ctx: RbmGalleryContext, kind: 'filters' | 'samples', step: number, epoch: number, pixels: Float32Array, count: number, caption: string): Promise<void> {
  const cols = Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / cols);
  const file = stepArtifactPath(ctx.runDir, kind, step, 'png');
  const meta = await writeImageGrid(file, { pixels, count, ...geometry(ctx.inputShape) }, { rows, cols }, { epoch, caption });
  ctx.sink.sample(kind, step, file, { ...meta });
}

/** Write the filters and the Gibbs samples for `step`. */
export async function writeRbmGalleries(ctx: RbmGalleryContext, step: number, epoch: number): Promise<void> {
  const [visible, hidden] = ctx.params.weights.shape as [number, number];
  const count = Math.min(MAX_FILTERS, hidden);
  const weights = await ctx.params.weights.data() as Float32Array;
  await grid(ctx, 'filters', step, epoch, filterImages(weights, visible, hidden, count), count, `Weights into the first ${count} of ${hidden} hidden units, each scaled to its own range`);
  const draw = ctx.drawSamples ?? ((count: number, steps: number, seed: number) => gibbsSamples(ctx.params, count, steps, seed));
  const samples = draw(SAMPLE_CHAINS, ctx.gibbsSteps, deriveSeed(ctx.seed, 0x61bb5));
  try {
    const pixels = await samples.data() as Float32Array;
    await grid(ctx, 'samples', step, epoch, pixels, SAMPLE_CHAINS, `${ctx.drawSamples ? 'E[v | h]' : 'P(v | h)'} after ${ctx.gibbsSteps} Gibbs steps from random images (the same start at every step)`);
  } finally {
    tf.dispose(samples);
  }
}
