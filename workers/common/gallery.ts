/**
 * Gallery artifacts: what a family logs as images (and the data to redraw
 * them), and the on-demand analyses the UI can ask of a trained model.
 * Shared by the worker (writes them), the services (record and serve them)
 * and the renderer (shows them).
 */
import { z } from 'zod';

// The artifact kinds are each family's (its descriptor's `artifacts`); the registry
// (families/registry.ts) derives the typed catalogue from them.

/** Meta of an image-grid artifact: enough to redraw it or to tell what each cell is. */
export interface ImageGridMeta {
  rows: number;
  cols: number;
  /** One cell's size in pixels (before any scaling). */
  cellHeight: number;
  cellWidth: number;
  channels: number;
  /** Epoch the images were made at (the artifact's step is the global step). */
  epoch?: number;
  /** What each row shows, e.g. ['input', 'noisy', 'reconstruction']. */
  rowLabels?: string[];
  /** Dataset indices (test split) of the images in the grid, when they come from data. */
  testIndices?: number[];
  /** Class labels of those images. */
  labels?: number[];
  /** Latent points decoded into the cells (row-major), for samples, manifold and interpolation. */
  z?: number[][];
  /** Free-form description shown under the grid. */
  caption?: string;
  /** 'neighbours': training-split indices of the neighbour cells (after the sample). */
  trainIndices?: number[];
  /** 'neighbours': L2 distance (pixels in [0, 1]) of each neighbour to the sample. */
  distances?: number[];
  /** A classifier's 'misclassified' grid: the predicted class of each cell (`labels` are the true ones). */
  predicted?: number[];
  /** …and the model's probability of that prediction. */
  confidences?: number[];
  /** A caption per cell, row-major ("7 → 1 (98 %)"). */
  cellLabels?: string[];
}

/** The meta recorded with a 'latent-scatter' artifact (the document itself is LatentScatterData). */
export interface LatentScatterMeta {
  method: LatentScatterData['method'];
  latentDim: number;
  /** Points in the document. */
  count: number;
}

/** The JSON file of a 'latent-scatter' artifact. */
export interface LatentScatterData {
  method: 'identity' | 'pca' | 'umap';
  /** Latent size before projection. */
  latentDim: number;
  /** [x, y] per point. */
  points: [number, number][];
  labels: number[];
  testIndices: number[];
}

/**
 * The JSON file of a GAN's 'toy-scatter' artifact (2-D toy mixtures): generated
 * points from fixed noise, real points, the mixture, and the discriminator
 * over a regular grid of the data's bounding box.
 */
export interface ToyScatterData {
  toy: string;
  centres: [number, number][];
  sigma: number;
  generated: [number, number][];
  real: [number, number][];
  surface: {
    xMin: number; xMax: number; yMin: number; yMax: number;
    /** Grid size; values are row-major from (xMin, yMin): values[j·nx + i] is at x_i, y_j. */
    nx: number; ny: number;
    values: number[];
    /** probability: σ(D) in [0, 1]; score: LSGAN's raw D; critic: a WGAN critic's raw value. */
    kind: 'probability' | 'score' | 'critic';
  };
  modesCovered: number;
  modeDistance: number;
  /** Generated points within 3σ of each centre. */
  perMode: number[];
}

/**
 * The JSON file of a 'class-histogram' artifact: the reference classifier's
 * classes of a generative model's samples at one step (mode coverage).
 */
export interface ClassHistogramData {
  numClasses: number;
  /** Samples classified as each class. */
  histogram: number[];
  samples: number;
  /** Samples a class needs to count as present. */
  threshold: number;
  classesPresent: number;
  /** KL(sample classes ‖ data classes), nats. */
  klToData: number;
  /** The training data's class frequencies (sum 1). */
  dataClassFreq: number[];
  inceptionScore: number;
  frechetDistance: number;
  /** The reference classifier's held-out accuracy. */
  referenceAccuracy: number;
  /** The same score of real test images (the ceiling). */
  realInceptionScore: number;
  /**
   * Written since the confident count (older documents lack these): then
   * `histogram` counts only samples whose top class probability is ≥
   * confidenceThreshold, class k is present with ≥ classThresholds[k] of them
   * (half its data-expected count), and `threshold` is the smallest of those.
   */
  confidenceThreshold?: number;
  classThresholds?: number[];
  /** Samples counted in `histogram` (confident ones). */
  confidentSamples?: number;
  /** All samples by their most probable class (no confidence filter). */
  argmaxHistogram?: number[];
  /** The real test images' confident counts, and how many were scored (the same sample size as the generated). */
  realHistogram?: number[];
  realSamples?: number;
  realClassesPresent?: number;
  /** Uncertainty: IS sd over `inceptionScoreSplits`, FD bootstrap percentiles, KID ± its standard error. */
  inceptionScoreSd?: number;
  inceptionScoreSplits?: number;
  frechetDistanceLo?: number;
  frechetDistanceHi?: number;
  frechetResamples?: number;
  kid?: number;
  kidSe?: number;
  kidSubsets?: number;
  /** Improved precision / recall with k-NN radii (k = precisionRecallK). */
  precision?: number;
  recall?: number;
  precisionRecallK?: number;
  /** The real-vs-real floor at the same size: other real images against the test images. */
  realFrechetDistance?: number;
  realKid?: number;
  realKidSe?: number;
  realInceptionScoreSd?: number;
  /** The final evaluation of a finished run (more samples than during training). */
  final?: boolean;
}

/**
 * The meta of a GAN's 'scored-generator' artifact: the generator's weights
 * (a checkpoint directory of the generator part only, engine/checkpoint.ts
 * format) at a step where its sample scores were recorded, with those scores,
 * so any recorded score can be recomputed from exactly those weights.
 */
export interface ScoredGeneratorMeta {
  step: number;
  epoch: number;
  /** Generated samples the recorded scores were computed on. */
  samples: number;
  /** The scores recorded at this step (metric key → value). */
  scores: Record<string, number>;
}

/** The reference classifier a score was computed with, as its cache manifest describes it. */
export interface ReferenceClassifierInfo {
  template: string;
  /** Its held-out accuracy and on how many test images it was measured. */
  accuracy: number;
  evaluatedOn: number;
  /** The data it was trained for (the cache's dataset key). */
  datasetHash: string;
  /** Whether it was read from the cache (false: trained for this evaluation). */
  cached: boolean;
  /** The sha256 of its weights: scores compare only under the same hash. */
  hash?: string;
  source?: 'trained' | 'imported';
}

/** The JSON file of a 're-evaluation' artifact: a scored generator's scores recomputed on more samples. */
export interface ReevaluationData {
  /** The scored step whose generator was re-scored, and its epoch. */
  step: number;
  epoch: number;
  /** Generated samples scored now (real test images: the same count, up to the test split's size). */
  samples: number;
  /** The scores now (metric key → value). */
  scores: Record<string, number>;
  /** The scores recorded during training at that step, and on how many samples. */
  recorded: { samples: number; scores: Record<string, number> };
  reference: ReferenceClassifierInfo;
}

/** The meta recorded with a 're-evaluation' artifact. */
export interface ReevaluationMeta {
  sourceStep: number;
  samples: number;
  scores: Record<string, number>;
}

/** Generated samples a re-evaluation may ask for (the default is the final-evaluation size). */
export const REEVALUATE_MIN_SAMPLES = 100;
export const REEVALUATE_MAX_SAMPLES = 50_000;
export const REEVALUATE_DEFAULT_SAMPLES = 10_000;

export const projectionMethodSchema = z.enum(['pca', 'umap']);

/** Test images one reconstruction analysis may show. */
export const MAX_RECONSTRUCTIONS = 16;
/** Axes one traversal may walk (one row each). */
export const MAX_TRAVERSAL_ROWS = 10;

/** What the UI can ask of a finished (or checkpointed) encoder/decoder run. */
export const analysisRequestSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('interpolation'),
    /** Test-split indices of the two images. */
    a: z.number().int().min(0),
    b: z.number().int().min(0),
    steps: z.number().int().min(2, 'steps must be at least 2').max(32, 'steps must be at most 32').default(10),
  }).strict(),
  z.object({
    kind: z.literal('arithmetic'),
    /** Test-split indices: the result decodes z(a) − z(b) + z(c). */
    a: z.number().int().min(0),
    b: z.number().int().min(0),
    c: z.number().int().min(0),
  }).strict(),
  z.object({
    kind: z.literal('latent-scatter'),
    method: projectionMethodSchema.default('pca'),
    /** How many test images to encode. */
    count: z.number().int().min(10, 'count must be at least 10').max(10_000, 'count must be at most 10000').default(2000),
  }).strict(),
  z.object({
    /**
     * GANs: the generator (from the run's last checkpoint) along a path
     * between the fixed noise vectors of two cells `a` and `b` of the
     * samples grid (row-major; every samples grid of a run uses the same
     * noise). 'slerp' follows the great circle, which keeps the path where
     * Gaussian noise has its mass (White 2016); 'linear' the straight line.
     */
    kind: z.literal('latent-interpolation'),
    a: z.number().int().min(0).max(10_000),
    b: z.number().int().min(0).max(10_000),
    steps: z.number().int().min(2, 'steps must be at least 2').max(32, 'steps must be at most 32').default(10),
    path: z.enum(['slerp', 'linear']).default('slerp'),
  }).strict(),
  z.object({
    /**
     * GANs (and any 'samples' grid): the training images nearest (L2 in pixel
     * space) to one cell of the samples grid logged at `step`. The result is a
     * one-row 'neighbours' grid: the sample, then its `count` neighbours, with
     * `trainIndices`, `labels` and `distances` in the meta.
     */
    kind: z.literal('nearest-neighbours'),
    step: z.number().int().min(0),
    /** Row-major cell index in that grid. */
    cell: z.number().int().min(0).max(10_000),
    count: z.number().int().min(1, 'count must be at least 1').max(16, 'count must be at most 16').default(5),
  }).strict(),
  z.object({
    /**
     * GANs: recompute the sample scores of the generator kept at a scored
     * step (its 'scored-generator' artifact; the last one when `step` is
     * omitted) on `samples` generated images, with the same fixed noise the
     * run scored with (its first evalSamples draws are the ones training
     * scored), recorded as a 're-evaluation' document.
     */
    kind: z.literal('re-evaluate'),
    step: z.number().int().min(0).optional(),
    samples: z.number({ error: 'samples must be a number' }).int('samples must be a whole number')
      .min(REEVALUATE_MIN_SAMPLES, `samples must be at least ${REEVALUATE_MIN_SAMPLES}`)
      .max(REEVALUATE_MAX_SAMPLES, `samples must be at most ${REEVALUATE_MAX_SAMPLES}`)
      .default(REEVALUATE_DEFAULT_SAMPLES),
  }).strict(),
  z.object({
    /**
     * Classifiers: what each convolutional layer of the run's model makes of
     * one test image (its feature maps, after the layer's activation), as a
     * 'feature-maps' document (workers/common/families/classifier/featureMaps.ts).
     */
    kind: z.literal('feature-maps'),
    /** Test-split index of the image. */
    index: z.number({ error: 'index must be a number' }).int('index must be a whole number').min(0, 'index must be 0 or more'),
  }).strict(),
  z.object({
    /**
     * Encoder/decoder runs that list it (PCA): chosen test images and their
     * decoded codes, as a two-row 'reconstruction' grid with each image's
     * squared error in the meta.
     */
    kind: z.literal('reconstruction'),
    /** Test-split indices of the images. */
    indices: z.array(z.number().int().min(0)).min(1, 'pick at least one image').max(MAX_RECONSTRUCTIONS, `pick at most ${MAX_RECONSTRUCTIONS} images`),
  }).strict(),
  z.object({
    /**
     * Runs whose code has a known spread per axis (PCA: σᵢ = √λᵢ): the
     * decoder along each chosen axis i from centre − range·σᵢ to
     * centre + range·σᵢ, one row per axis, as a 'traversal' grid.
     */
    kind: z.literal('traversal'),
    /** Code axes, 1-based (component 1 is the first principal component). */
    components: z.array(z.number({ error: 'a component must be a number' }).int('a component must be a whole number').min(1, 'components are numbered from 1'))
      .min(1, 'choose at least one component').max(MAX_TRAVERSAL_ROWS, `choose at most ${MAX_TRAVERSAL_ROWS} components`),
    /** How far each way, in standard deviations along the axis. */
    range: z.number({ error: 'range must be a number' }).min(0.5, 'range must be at least 0.5').max(4, 'range must be at most 4').default(2),
    steps: z.number({ error: 'steps must be a number' }).int('steps must be a whole number').min(3, 'steps must be at least 3').max(15, 'steps must be at most 15').default(7),
  }).strict(),
]);
export type AnalysisRequest = z.output<typeof analysisRequestSchema>;
export type AnalysisKind = AnalysisRequest['kind'];

/**
 * Posterior collapse: fewer active latent units than this means most of the
 * code carries nothing. A quarter of the latent size, and at least one.
 */
export function collapseThreshold(latentDim: number): number {
  return Math.max(1, Math.floor(latentDim / 4));
}

export function isCollapsed(latentDim: number, activeUnits: number): boolean {
  return activeUnits < collapseThreshold(latentDim);
}
