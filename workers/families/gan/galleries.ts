/**
 * The GAN's training-time artifacts:
 *
 * - images: 'samples', the generator on a FIXED set of 64 z ~ N(0, I) (drawn
 *   once from the seed, the same at every step; z in the meta), 8×8, pixels
 *   mapped from [−1, 1] back to [0, 1]. A conditional generator's grid is
 *   class-conditional: one row per class (up to MAX_CLASS_ROWS), 10 columns,
 *   column j showing the same fixed z_j for every class, so a row shows one
 *   class in 10 styles and a column one style in every class; rowLabels are
 *   the class names, meta.z and meta.labels give each cell's noise and label
 *   (row-major);
 * - 2-D toys: 'toy-scatter' JSON: generated points (fixed noise) and real
 *   points, the mixture's centres and σ, and the discriminator over a 40×40
 *   grid of the data's bounding box (σ(D) for the logit losses, raw D for
 *   LSGAN and the WGAN critics), row-major from (xMin, yMin).
 */
import * as tf from '@tensorflow/tfjs';
import type { GanLoss } from '../../common/runConfig';
import { stepArtifactPath, writeJsonArtifact } from '../../engine/galleryFiles';
import { writeImageGrid } from '../../engine/imageGrid';
import { standardNormals } from '../../engine/normal';
import { deriveSeed } from '../../engine/prng';
import type { FamilySink } from '../../engine/sink';
import { modeCoverage, toyBounds, type ModeCoverage, type ToyMixture } from '../../data/toy2d';
import { classNamesFor, oneHotLabels } from './conditioning';
import { generatorForward, type GanNetworks } from './model';

export const SAMPLE_GRID = 8;
/** Columns (fixed noise vectors) of a class-conditional samples grid. */
export const CLASS_GRID_COLS = 10;
/** At most this many classes (the first ones) get a row of the class-conditional grid. */
export const MAX_CLASS_ROWS = 32;
export const SURFACE_GRID = 40;
/** Generated points the mode measures use (fixed noise). */
export const TOY_EVAL_POINTS = 2000;
/** Points of each kind stored in a toy-scatter file. */
export const TOY_SCATTER_POINTS = 500;
/** A mode is covered when at least this many of the TOY_EVAL_POINTS fall within 3σ of its centre. */
export const MIN_POINTS_PER_MODE = 20;

const round4 = (v: number): number => Math.round(v * 1e4) / 1e4;

/** A tanh generator's output in [−1, 1] as pixels in [0, 1] (clamped). */
export function toUnitPixels(raw: Float32Array): Float32Array {
  return raw.map((v) => Math.min(1, Math.max(0, (v + 1) / 2)));
}

/** `count` fixed noise vectors of size latentDim from the seed (rounded to 4 decimals, as recorded). */
export function fixedNoise(count: number, latentDim: number, seed: number): number[][] {
  const flat = standardNormals(count * latentDim, seed);
  return Array.from({ length: count }, (_, i) => Array.from(flat.subarray(i * latentDim, (i + 1) * latentDim), round4));
}

/** Class labels of generated samples: one class per sample, or a label vector per sample (e.g. between two classes, for an interpolation). */
export type SampleLabels = ArrayLike<number> | readonly (readonly number[])[];

/**
 * The generator on the given noise (inference mode), flat. A conditional
 * generator needs `labels`, one per noise vector.
 */
export async function generate(nets: GanNetworks, z: number[][], labels?: SampleLabels): Promise<Float32Array> {
  if (nets.conditioning !== 'none' && (!labels || labels.length !== z.length)) {
    throw new Error(`This generator is conditional (${nets.conditioning}): give one class label per noise vector (${z.length} noise vectors, ${labels?.length ?? 0} labels)`);
  }
  const out = tf.tidy(() => {
    const rows = labels !== undefined && labels.length > 0 && Array.isArray(labels[0]) ? (labels as readonly (readonly number[])[]) : undefined;
    const y = nets.conditioning === 'none' ? undefined : rows ? tf.tensor2d(rows.map((r) => [...r]), [rows.length, nets.numClasses]) : oneHotLabels(labels as ArrayLike<number>, nets.numClasses);
    return generatorForward(nets, tf.tensor2d(z, [z.length, nets.latentDim]), false, y);
  });
  try {
    return (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
}

export interface ImageGalleryContext {
  nets: GanNetworks;
  runDir: string;
  sink: FamilySink<'gan'>;
  /** Each cell's noise, row-major. */
  z: number[][];
  rows: number;
  cols: number;
  /** Conditional: each cell's class, and each row's name. */
  labels?: number[];
  rowLabels?: string[];
  caption: string;
}

/** The fixed samples grid of a run: 8×8 draws, or (conditional) one row per class × CLASS_GRID_COLS draws shared by the rows. */
export function imageGalleryContext(nets: GanNetworks, runDir: string, sink: FamilySink<'gan'>, seed: number, classNames?: readonly string[]): ImageGalleryContext {
  if (nets.conditioning === 'none') {
    const z = fixedNoise(SAMPLE_GRID * SAMPLE_GRID, nets.latentDim, deriveSeed(seed, 0x5a3));
    return { nets, runDir, sink, z, rows: SAMPLE_GRID, cols: SAMPLE_GRID, caption: `Generator on ${z.length} fixed draws z ~ N(0, I)` };
  }
  const rows = Math.min(nets.numClasses, MAX_CLASS_ROWS);
  const cols = CLASS_GRID_COLS;
  const columns = fixedNoise(cols, nets.latentDim, deriveSeed(seed, 0x5a3));
  const names = classNamesFor(nets.numClasses, classNames);
  const z: number[][] = [];
  const labels: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) { z.push(columns[c]!); labels.push(r); }
  }
  const more = nets.numClasses > rows ? ` (the first ${rows} of ${nets.numClasses} classes)` : '';
  return {
    nets, runDir, sink, z, rows, cols, labels, rowLabels: names.slice(0, rows),
    caption: `Conditional generator: one row per class${more}, each column one fixed draw z ~ N(0, I) shared by every row`,
  };
}

export async function writeSamples(ctx: ImageGalleryContext, step: number, epoch: number): Promise<void> {
  const raw = await generate(ctx.nets, ctx.z, ctx.labels);
  const pixels = toUnitPixels(raw);
  const [h = 1, w = 1, c = 1] = ctx.nets.dataShape;
  const file = stepArtifactPath(ctx.runDir, 'samples', step, 'png');
  const meta = await writeImageGrid(file, { pixels, count: ctx.z.length, height: h, width: w, channels: c === 3 ? 3 : 1 }, { rows: ctx.rows, cols: ctx.cols }, {
    epoch, z: ctx.z, caption: ctx.caption,
    ...(ctx.labels ? { labels: ctx.labels, rowLabels: ctx.rowLabels } : {}),
  });
  ctx.sink.sample('samples', step, file, { ...meta });
}

export interface ToyContext {
  nets: GanNetworks;
  mixture: ToyMixture;
  loss: GanLoss;
  /** Fixed evaluation noise (TOY_EVAL_POINTS draws). */
  z: number[][];
  /** Real points for the scatter, flat. */
  real: Float32Array;
}

/** Mode coverage of the generator on the fixed evaluation noise. */
export async function toyCoverage(ctx: ToyContext): Promise<{ coverage: ModeCoverage; points: Float32Array }> {
  const points = await generate(ctx.nets, ctx.z);
  return { coverage: modeCoverage(ctx.mixture, points, MIN_POINTS_PER_MODE), points };
}

/** D over a SURFACE_GRID² grid of the data's bounding box. */
async function decisionSurface(ctx: ToyContext): Promise<{ xMin: number; xMax: number; yMin: number; yMax: number; nx: number; ny: number; values: number[] }> {
  const b = toyBounds(ctx.mixture);
  const n = SURFACE_GRID;
  const grid: number[][] = [];
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) grid.push([b.xMin + ((b.xMax - b.xMin) * i) / (n - 1), b.yMin + ((b.yMax - b.yMin) * j) / (n - 1)]);
  const out = tf.tidy(() => {
    const d = ctx.nets.discriminator.apply(tf.tensor2d(grid), { training: false }) as tf.Tensor;
    return ctx.loss === 'minimax' || ctx.loss === 'nonsaturating' ? tf.sigmoid(d) : d;
  });
  try {
    const v = await out.data();
    return { ...b, nx: n, ny: n, values: Array.from(v, round4) };
  } finally {
    out.dispose();
  }
}

const pairs = (flat: Float32Array, n: number): [number, number][] => Array.from({ length: Math.min(n, flat.length / 2) }, (_, i) => [round4(flat[2 * i]!), round4(flat[2 * i + 1]!)]);

export async function writeToyScatter(ctx: ToyContext, runDir: string, sink: FamilySink<'gan'>, step: number, epoch: number, generated: Float32Array, coverage: ModeCoverage): Promise<void> {
  const surface = await decisionSurface(ctx);
  const data = {
    toy: ctx.mixture.id, centres: ctx.mixture.centres, sigma: ctx.mixture.sigma,
    generated: pairs(generated, TOY_SCATTER_POINTS), real: pairs(ctx.real, TOY_SCATTER_POINTS),
    surface: { ...surface, kind: ctx.loss === 'minimax' || ctx.loss === 'nonsaturating' ? 'probability' : ctx.loss === 'lsgan' ? 'score' : 'critic' },
    modesCovered: coverage.modesCovered, modeDistance: coverage.modeDistance, perMode: coverage.perMode,
  };
  const file = stepArtifactPath(runDir, 'toy-scatter', step, 'json');
  await writeJsonArtifact(file, data);
  sink.sample('toy-scatter', step, file, { epoch, toy: ctx.mixture.id, modesCovered: coverage.modesCovered, modeDistance: coverage.modeDistance });
}
