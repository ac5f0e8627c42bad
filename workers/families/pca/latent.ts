/**
 * A PCA run's model seen as an encoder and decoder, so the latent tools of
 * the autoencoders apply to it unchanged: the code of an image is its
 * projection onto the k kept components after centring, z = (x − μ) Vₖᵀ, and
 * the image of a code is the back-projection plus the mean, x̂ = z Vₖ + μ.
 * Both are linear, so an interpolation between two codes is the straight line
 * between the two images' projections, and a traversal along component i
 * walks μ + c·√λᵢ·vᵢ (the classic "eigen-digits"). The axes' spread is the
 * covariance's eigenvalues: component i's training codes have variance λᵢ.
 *
 * Read from `pca/components.json` (run.ts) in the run folder: a PCA run keeps
 * no checkpoint.
 */
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { Shape } from '../../common/graph';
import type { LatentAxes, LoadedLatentModel } from '../../engine/analysis';
import type { LatentModel } from '../../engine/latentModel';
import { pcaComponentsPath, type PcaComponentsFile } from './run';

const componentsFileSchema = z.object({
  format: z.literal('latent-pca'),
  version: z.literal(1),
  n: z.number().int(),
  inputDim: z.number().int().min(1),
  components: z.number().int().min(1),
  mean: z.array(z.number()),
  eigenvalues: z.array(z.number()),
  vectors: z.array(z.array(z.number())),
}).refine((f) => f.mean.length === f.inputDim && f.vectors.length === f.components && f.vectors.every((v) => v.length === f.inputDim), {
  message: 'the mean and every component must have inputDim numbers, and there must be `components` of them',
});

/** The components file of a run, checked; a message naming the file when it is missing or not one. */
export async function readComponentsFile(runDir: string): Promise<PcaComponentsFile> {
  const file = pcaComponentsPath(runDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new Error(`The PCA run has no components file (${file}): it is written when the fit is done`);
  }
  const parsed = componentsFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} is not a version-1 PCA components file: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** The linear maps of a components file as tf ops: encode (x − μ) Vₖᵀ and the unclipped back-projection z Vₖ + μ. */
export interface PcaCodec {
  readonly k: number;
  readonly d: number;
  /** Codes [n, k] of flat or shaped images [n, …]; the caller disposes the result. */
  encode(x: tf.Tensor): tf.Tensor2D;
  /** z Vₖ + μ, flat [n, d], not clipped (so its error is the one the run recorded); the caller disposes the result. */
  backProject(z: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

export function pcaCodec(file: PcaComponentsFile): PcaCodec {
  const d = file.inputDim;
  const k = file.components;
  const rows = tf.tensor2d(Float32Array.from(file.vectors.flat()), [k, d]);
  const basis = tf.transpose(rows) as tf.Tensor2D;
  const mean = tf.tensor2d(Float32Array.from(file.mean), [1, d]);
  return {
    k, d,
    encode: (x) => tf.tidy(() => tf.matMul(tf.sub(tf.reshape(x, [x.shape[0]!, d]), mean), basis)),
    backProject: (z) => tf.tidy(() => tf.add(tf.matMul(z, rows), mean)),
    dispose: () => tf.dispose([rows, basis, mean]),
  };
}

/** Component i's spread: σᵢ = √λᵢ around the code of the mean (0), and its share of the total variance. */
export function pcaAxes(file: PcaComponentsFile): LatentAxes {
  const total = file.eigenvalues.reduce((a, v) => a + Math.max(0, v), 0);
  const kept = file.eigenvalues.slice(0, file.components).map((v) => Math.max(0, v));
  return {
    name: 'component',
    centre: kept.map(() => 0),
    sigma: kept.map(Math.sqrt),
    share: kept.map((v) => (total > 0 ? v / total : 0)),
  };
}

/** The run's PCA as a latent model: decode clips to [0, 1] (the images a decoder shows), encode sees the real pixels. */
export async function pcaLatentModel(runDir: string, inputShape: Shape, seed: number): Promise<LoadedLatentModel> {
  const file = await readComponentsFile(runDir);
  const d = inputShape.reduce((a, b) => a * b, 1);
  if (d !== file.inputDim) throw new Error(`The PCA run's components have ${file.inputDim} numbers but the dataset's images have ${d}`);
  const codec = pcaCodec(file);
  const model: LatentModel = {
    latentDim: codec.k,
    inputShape: [...inputShape],
    encode: (x) => codec.encode(x),
    decode: (z) => tf.tidy(() => tf.reshape(tf.clipByValue(codec.backProject(z), 0, 1), [z.shape[0], ...inputShape])),
  };
  // Real-valued pixels draw nothing: the seed is never read.
  return { model, pixelMode: 'real', heldOutSeed: seed, axes: pcaAxes(file), dispose: () => codec.dispose() };
}
