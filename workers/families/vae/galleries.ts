/**
 * The VAE's training-time galleries, through its latent view:
 *
 * - 'samples': decoder means of a FIXED set of 64 z ~ N(0, I) (drawn once
 *   from the seed, the same at every step), 8×8, z in the meta;
 * - 'reconstructions': the first test image of each class, rows input and
 *   reconstruction (decoded from μ);
 * - 'manifold' (2-D latent only): the decoder over a 15×15 grid of Φ⁻¹ of
 *   evenly spaced probabilities (Kingma & Welling 2014, fig. 4);
 * - 'latent-scatter' (end of training): μ of up to 2000 test images.
 */
import type { ImageGridMeta } from '../../common/gallery';
import type { FamilyArtifactKind } from '../../common/families/registry';
import type { Shape } from '../../common/graph';
import { stepArtifactPath, writeJsonArtifact } from '../../engine/galleryFiles';
import { writeImageGrid } from '../../engine/imageGrid';
import { decodeCodes, encodeImages, row, type LatentModel } from '../../engine/latentModel';
import { normalGrid2d, standardNormals } from '../../engine/normal';
import { deriveSeed } from '../../engine/prng';
import { latentScatter } from '../../engine/projection';
import type { FamilySink } from '../../engine/sink';

export const SAMPLE_GRID = 8;
export const MANIFOLD_GRID = 15;
export const SCATTER_MAX = 2000;

const round4 = (v: number): number => Math.round(v * 1e4) / 1e4;

/** The 64 prior draws of the 'samples' gallery (rounded to 4 decimals, as recorded). */
export function fixedPriorSamples(latentDim: number, seed: number): number[][] {
  const flat = standardNormals(SAMPLE_GRID * SAMPLE_GRID * latentDim, deriveSeed(seed, 0x5a3));
  return Array.from({ length: SAMPLE_GRID * SAMPLE_GRID }, (_, i) => Array.from(flat.subarray(i * latentDim, (i + 1) * latentDim), round4));
}

/** Index of the first test image of each class, in class order (classes absent from the set are skipped). */
export function firstOfEachClass(labels: Int32Array, numClasses: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    const i = labels.indexOf(c);
    if (i >= 0) out.push(i);
  }
  return out;
}

export interface GalleryContext {
  model: LatentModel;
  runDir: string;
  sink: FamilySink<'vae'>;
  seed: number;
  priorZ: number[][];
  /** Labels of the held-out (test) images. */
  testLabels: Int32Array;
  /** Test indices of the reconstruction gallery's images. */
  reconIndices: number[];
  /** Those images as the model sees them (binarised for a Bernoulli decoder), flat k × D. */
  reconImages: Float32Array;
}

function channels(shape: Shape): 1 | 3 {
  return shape.length === 3 && shape[2] === 3 ? 3 : 1;
}

async function grid(ctx: GalleryContext, kind: FamilyArtifactKind<'vae'>, step: number, pixels: Float32Array, count: number, rows: number, cols: number, extra: Partial<ImageGridMeta>): Promise<void> {
  const [h = 1, w = 1] = ctx.model.inputShape;
  const file = stepArtifactPath(ctx.runDir, kind, step, 'png');
  const meta = await writeImageGrid(file, { pixels, count, height: h, width: w, channels: channels(ctx.model.inputShape) }, { rows, cols }, extra);
  ctx.sink.sample(kind, step, file, { ...meta });
}

/** Write the samples, reconstructions and (2-D latent) manifold grids for `step`. */
export async function writeTrainingGalleries(ctx: GalleryContext, step: number, epoch: number): Promise<void> {
  const { model } = ctx;
  const samples = await decodeCodes(model, ctx.priorZ);
  await grid(ctx, 'samples', step, samples, ctx.priorZ.length, SAMPLE_GRID, SAMPLE_GRID, {
    epoch, z: ctx.priorZ, caption: `Decoder means of ${ctx.priorZ.length} fixed draws z ~ N(0, I)`,
  });

  const idx = ctx.reconIndices;
  const d = model.inputShape.reduce((a, b) => a * b, 1);
  const codes = await encodeImages(model, ctx.reconImages, idx.map((_, i) => i));
  const recon = await decodeCodes(model, idx.map((_, i) => row(codes, i, model.latentDim)));
  const both = new Float32Array(2 * idx.length * d);
  both.set(ctx.reconImages.subarray(0, idx.length * d), 0);
  both.set(recon, idx.length * d);
  await grid(ctx, 'reconstructions', step, both, 2 * idx.length, 2, idx.length, {
    epoch, rowLabels: ['input', 'reconstruction'], testIndices: [...idx], labels: idx.map((i) => ctx.testLabels[i]!),
    caption: 'Test images and their reconstructions from μ',
  });

  if (model.latentDim === 2) {
    const z = normalGrid2d(MANIFOLD_GRID).map((p) => p.map(round4));
    const pixels = await decodeCodes(model, z);
    await grid(ctx, 'manifold', step, pixels, z.length, MANIFOLD_GRID, MANIFOLD_GRID, {
      epoch, z, caption: `Decoder means over a ${MANIFOLD_GRID}×${MANIFOLD_GRID} grid of the 2-D latent (inverse normal CDF of evenly spaced probabilities)`,
    });
  }
}

/** Write the latent-scatter JSON of μ for the first (up to) 2000 held-out images. */
export async function writeTrainingScatter(ctx: GalleryContext, step: number, mu: Float32Array, count: number): Promise<void> {
  const n = Math.min(count, SCATTER_MAX);
  const L = ctx.model.latentDim;
  const testIndices = Array.from({ length: n }, (_, i) => i);
  const data = latentScatter({ values: mu.subarray(0, n * L), n, dim: L }, L === 2 ? 'identity' : 'pca', ctx.seed, testIndices.map((i) => ctx.testLabels[i]!), testIndices);
  const file = stepArtifactPath(ctx.runDir, 'latent-scatter', step, 'json');
  await writeJsonArtifact(file, data);
  ctx.sink.sample('latent-scatter', step, file, { method: data.method, latentDim: L, count: n });
}
