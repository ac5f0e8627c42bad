/**
 * On-demand analyses of a trained run, from one of its checkpoints:
 * an interpolation between two test images' codes, latent arithmetic
 * a − b + c, a 2-D projection (PCA, UMAP) of the codes of the first `count`
 * test images, the training images nearest to a generated sample, a
 * generator's images along a path between two samples' noise, and a GAN's
 * sample scores recomputed from the generator kept at a scored step, on
 * more samples ('re-evaluate').
 *
 * Family-agnostic: the caller (the worker registry) hands over the run's
 * family as an AnalysisFamily: which analyses its descriptor lists, and what
 * the family lends them: its encoder and decoder as a LatentModel (code = μ
 * for a VAE, the code for an autoencoder), or its generator on a noise path.
 *
 * Files go to `${runDir}/gallery/<kind>/analysis-<timestamp>.{png,json}`.
 * Test indices may be any image of the dataset's whole test file, not only
 * the run's test subset.
 */
import { existsSync } from 'node:fs';
import type { AnalysisKind, AnalysisRequest, ImageGridMeta, ReevaluationData, ReevaluationMeta, ReferenceClassifierInfo, ScoredGeneratorMeta } from '../common/gallery';
import { analysisRequestSchema } from '../common/gallery';
import type { FeatureMapsData, FeatureMapsMeta } from '../common/families/classifier/featureMaps';
import type { Architecture, Shape } from '../common/graph';
import type { ArtifactKind, CheckpointRef, RunConfig } from '../common/protocol';
import { getDatasetEntry } from '../common/datasets';
import { loadImageDataset, type ImageDataset } from '../data/mnist';
import { analysisArtifactPath, writeJsonArtifact } from './galleryFiles';
import { writeImageGrid } from './imageGrid';
import { decodeCodes, encodeImages, row, type LatentModel } from './latentModel';
import { latentPath } from './latentPath';
import { preparePixels, type PixelMode } from './pixels';
import { gridGeometry, nearestNeighbours, readGridCell } from './nearestNeighbours';
import { latentScatter } from './projection';

/** A family's encoder and decoder, restored from a checkpoint. */
export interface LoadedLatentModel {
  model: LatentModel;
  /** How the encoder sees a test image (a Bernoulli VAE's binarised pixels). */
  pixelMode: PixelMode;
  /** The seed of the test images' fixed binarisation, the one the run scored them with (a VAE's is its dataset's, not its run's). */
  heldOutSeed: number;
  /** The code's spread along each axis, when the family knows it (PCA: the components' √eigenvalues): traversals need it. */
  axes?: LatentAxes;
  dispose(): void;
}

/** Where a code's axes are centred and how far they spread: a traversal walks centre ± c·σᵢ along axis i. */
export interface LatentAxes {
  /** What one axis is called ("component"). */
  name: string;
  /** The code of the centre (PCA: 0, the code of the mean image). */
  centre: number[];
  /** The standard deviation of the training codes along each axis. */
  sigma: number[];
  /** Each axis' fraction of the training variance, when known (PCA). */
  share?: number[];
}

/** What a generator analysis asks of a family: its images along a noise path. */
export interface GenerateAlongInput<C> {
  config: C;
  architecture: Architecture;
  /** One example's shape (the dataset's). */
  dataShape: Shape;
  checkpointDir: string;
  path: number[][];
  /**
   * Conditional runs: the classes of the two end cells. The one-hot label
   * moves from a's to b's along the path with the same t (a soft label in
   * between), so the ends are exactly the two samples.
   */
  endLabels?: readonly [number, number];
}

/** What a re-evaluation asks of a family: the generator kept at a scored step, scored on `samples` draws. */
export interface ReevaluateInput<C> {
  config: C;
  architecture: Architecture;
  /** The 'scored-generator' checkpoint directory (the generator part only). */
  generatorDir: string;
  step: number;
  epoch: number;
  samples: number;
  /** Where the reference classifier is cached (`<data>/cache`); trained now without one. */
  cacheDir?: string;
  /** The reference data (tests); the dataset's whole splits otherwise, as a run without a preloaded dataset scores. */
  reference?: ImageDataset;
}

/** The recomputed scores and the classifier that computed them. */
export interface ReevaluateResult {
  scores: Record<string, number>;
  reference: ReferenceClassifierInfo;
}

/** What the feature-maps analysis asks of a family: its model from a checkpoint, run on one test image. */
export interface FeatureMapsInput<C> {
  config: C;
  architecture: Architecture;
  checkpoint: CheckpointRef;
  test: TestSet;
  /** Test-split index of the image (checked in range). */
  index: number;
  /** The dataset's class names by label. */
  classNames: string[];
}

/** What a family lends the analyses its descriptor lists (its worker registry entry's). */
export interface FamilyAnalysis<C> {
  /** Feature maps: what each convolutional layer of a classifier makes of one test image. */
  featureMaps?(o: FeatureMapsInput<C>): Promise<FeatureMapsData>;
  /** Re-evaluate: a scored generator's sample scores on more samples. */
  reevaluate?(o: ReevaluateInput<C>): Promise<ReevaluateResult>;
  /** Interpolation, latent arithmetic and the latent scatter: the run's encoder and decoder. */
  latentModel?(config: C, architecture: Architecture, inputShape: Shape, checkpoint: CheckpointRef): Promise<LoadedLatentModel>;
  /** The same, for a family whose model is a file in the run folder, not a checkpoint (PCA's components; descriptor `runFolderModel`). */
  runFolderLatentModel?(config: C, runDir: string, inputShape: Shape): Promise<LoadedLatentModel>;
  /** Latent interpolation between samples: the run's generator on each point of a path, pixels in [0, 1], flat. */
  generateAlong?(o: GenerateAlongInput<C>): Promise<Float32Array>;
}

/** A run's family as the analyses see it: what it lends, and what its descriptor says. */
export interface AnalysisFamily<C> extends FamilyAnalysis<C> {
  /** The analyses its descriptor lists. */
  analyses: readonly AnalysisKind[];
  /** For the refusal of one it does not list: the runs that offer it ("an autoencoder or variational autoencoder run"). */
  offeredBy(kind: AnalysisKind): string;
  /** What the run trains on instead of its dataset's images (a GAN's 2-D toy): no image analyses then. */
  dataOverride?(config: C): string | undefined;
}

export interface AnalysisInput<C extends RunConfig = RunConfig> {
  config: C;
  architecture: Architecture;
  runDir: string;
  /** Needed by every analysis but nearest-neighbours. */
  checkpoint?: CheckpointRef;
  request: AnalysisRequest;
  /** Step recorded on the artifact. */
  step: number;
  /**
   * nearest-neighbours: the samples grid the cell is in; latent-interpolation: a samples grid;
   * re-evaluate: the 'scored-generator' directory (absolute path, and its recorded meta).
   */
  source?: { path: string; meta: Record<string, unknown> };
  /** re-evaluate: where the reference classifier is cached (`<data>/cache`). */
  cacheDir?: string;
}

/** The dataset's whole test split, as plain arrays. */
export interface TestSet {
  images: Float32Array;
  labels: Int32Array;
  inputShape: Shape;
}

export interface AnalysisOptions {
  /** The test split (tests); loaded from the dataset catalogue otherwise. */
  testSet?: TestSet;
  /** nearest-neighbours: the training split to search (tests); loaded from the catalogue otherwise. */
  trainSet?: TestSet;
  /** Clock for the file name (default Date.now). */
  now?: () => number;
  /** re-evaluate: the reference data (tests); the dataset's whole splits otherwise. */
  referenceDataset?: ImageDataset;
}

export interface AnalysisArtifact {
  /** The kind of artifact written: the analysis' kind, 'neighbours' for nearest neighbours, 'interpolation' for a latent interpolation. */
  kind: ArtifactKind;
  /** Absolute path of the file written. */
  path: string;
  meta: Record<string, unknown>;
}

const analysisNames: Record<AnalysisKind, string> = {
  interpolation: 'Interpolation between test images',
  arithmetic: 'Latent arithmetic',
  'latent-scatter': 'A latent scatter',
  'nearest-neighbours': 'Nearest training neighbours',
  'latent-interpolation': 'Latent interpolation between samples',
  're-evaluate': 'Re-evaluating the sample scores',
  'feature-maps': 'Feature maps',
  reconstruction: 'Reconstructions of chosen test images',
  traversal: 'A latent traversal',
};

/** Throws unless the run's family lists the analysis. */
function requireApplies<C extends RunConfig>(family: AnalysisFamily<C>, config: C, kind: AnalysisKind): void {
  if (family.analyses.includes(kind)) return;
  throw new Error(`${analysisNames[kind]} needs ${family.offeredBy(kind)}; this run is a ${config.family}`);
}

/** Throws when the run trains on something other than its dataset's images (a GAN's 2-D toy). */
function requireImageData<C extends RunConfig>(family: AnalysisFamily<C>, config: C, what: string): void {
  const other = family.dataOverride?.(config);
  if (other !== undefined) throw new Error(`${what} needs image data; this run trains on ${other}`);
}

/** What a family lent, or a message saying the registry entry lacks it. */
function lent<T>(value: T | undefined, config: RunConfig, what: string): T {
  if (value === undefined) throw new Error(`The ${config.family} family lists this analysis but its worker lends no ${what}`);
  return value;
}

function loadTestSet(config: RunConfig): TestSet {
  const entry = getDatasetEntry(config.dataset.id);
  // The whole test file: analyses may pick any test image.
  const d = loadImageDataset(entry, { trainSize: 1 });
  return { images: d.testImages, labels: d.testLabels, inputShape: d.inputShape };
}

function checkIndices(indices: readonly number[], n: number): void {
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`Test index ${i} is out of range: the test split has ${n} images`);
  }
}

function uniquePath(runDir: string, kind: ArtifactKind, ext: 'png' | 'json', now: () => number): string {
  let t = now();
  let path = analysisArtifactPath(runDir, kind, t, ext);
  while (existsSync(path)) path = analysisArtifactPath(runDir, kind, ++t, ext);
  return path;
}

interface Ctx {
  input: AnalysisInput;
  test: TestSet;
  model: LatentModel;
  pixelMode: PixelMode;
  heldOutSeed: number;
  axes?: LatentAxes;
  now: () => number;
}

const round4 = (v: number): number => Math.round(v * 1e4) / 1e4;

async function imageRow(ctx: Ctx, kind: ArtifactKind, pixels: Float32Array, count: number, meta: Partial<ImageGridMeta>): Promise<AnalysisArtifact> {
  const [h = 1, w = 1, c = 1] = ctx.test.inputShape;
  const path = uniquePath(ctx.input.runDir, kind, 'png', ctx.now);
  const written = await writeImageGrid(path, { pixels, count, height: h, width: w, channels: c === 3 ? 3 : 1 }, { rows: 1, cols: count }, meta);
  return { kind, path, meta: { ...written } };
}

/** Codes and model-input images of test images `indices`. */
async function encodeTest(ctx: Ctx, indices: readonly number[]): Promise<{ codes: number[][]; inputs: Float32Array }> {
  const d = ctx.test.inputShape.reduce((a, b) => a * b, 1);
  const inputs = preparePixels(ctx.test.images, d, indices, 0, indices.length, ctx.pixelMode, ctx.heldOutSeed, { kind: 'fixed', split: 'test' });
  const flat = await encodeImages(ctx.model, inputs, indices.map((_, i) => i));
  return { codes: indices.map((_, i) => row(flat, i, ctx.model.latentDim)), inputs };
}

async function interpolation(ctx: Ctx, r: Extract<AnalysisRequest, { kind: 'interpolation' }>): Promise<AnalysisArtifact> {
  const { codes: [za, zb], inputs } = await encodeTest(ctx, [r.a, r.b]);
  const path: number[][] = [];
  for (let i = 0; i < r.steps; i++) {
    const t = i / (r.steps - 1);
    path.push(za!.map((v, j) => (1 - t) * v + t * zb![j]!));
  }
  const decoded = await decodeCodes(ctx.model, path);
  const d = decoded.length / r.steps;
  const pixels = new Float32Array((r.steps + 2) * d);
  pixels.set(inputs.subarray(0, d), 0);
  pixels.set(decoded, d);
  pixels.set(inputs.subarray(d, 2 * d), (r.steps + 1) * d);
  return imageRow(ctx, 'interpolation', pixels, r.steps + 2, {
    rowLabels: [`test ${r.a} → test ${r.b}`],
    testIndices: [r.a, r.b],
    labels: [ctx.test.labels[r.a]!, ctx.test.labels[r.b]!],
    // One code per cell: the originals' codes at both ends, the decoded path between.
    z: [za!, ...path, zb!].map((z) => z.map(round4)),
    caption: `Test image ${r.a}, ${r.steps} decodings along the straight line between the codes of ${r.a} and ${r.b}, test image ${r.b}`,
  });
}

async function arithmetic(ctx: Ctx, r: Extract<AnalysisRequest, { kind: 'arithmetic' }>): Promise<AnalysisArtifact> {
  const { codes: [za, zb, zc], inputs } = await encodeTest(ctx, [r.a, r.b, r.c]);
  const zr = za!.map((v, j) => v - zb![j]! + zc![j]!);
  const decoded = await decodeCodes(ctx.model, [zr]);
  const pixels = new Float32Array(inputs.length + decoded.length);
  pixels.set(inputs, 0);
  pixels.set(decoded, inputs.length);
  // 'arithmetic' is missing from every descriptor's artifacts (the autoencoder's and the VAE's should list it,
  // with 'interpolation' and 'neighbours'): reported; this line goes when a descriptor lists it.
  return imageRow(ctx, 'arithmetic', pixels, 4, {
    rowLabels: ['a, b, c, decode(z(a) − z(b) + z(c))'],
    testIndices: [r.a, r.b, r.c],
    labels: [r.a, r.b, r.c].map((i) => ctx.test.labels[i]!),
    z: [za!, zb!, zc!, zr].map((z) => z.map(round4)),
    caption: `Latent arithmetic: test ${r.a} − test ${r.b} + test ${r.c}`,
  });
}

/** Chosen test images over their decoded codes, as a two-row 'reconstruction' grid with each one's squared error. */
async function reconstruction(ctx: Ctx, r: Extract<AnalysisRequest, { kind: 'reconstruction' }>): Promise<AnalysisArtifact> {
  const { codes, inputs } = await encodeTest(ctx, r.indices);
  const decoded = await decodeCodes(ctx.model, codes);
  const n = r.indices.length;
  const d = decoded.length / n;
  const errors = r.indices.map((_, i) => {
    let sse = 0;
    for (let j = 0; j < d; j++) sse += (decoded[i * d + j]! - inputs[i * d + j]!) ** 2;
    return sse;
  });
  const pixels = new Float32Array(2 * n * d);
  pixels.set(inputs, 0);
  pixels.set(decoded, n * d);
  const [h = 1, w = 1, c = 1] = ctx.test.inputShape;
  const path = uniquePath(ctx.input.runDir, 'reconstruction', 'png', ctx.now);
  const meta = await writeImageGrid(path, { pixels, count: 2 * n, height: h, width: w, channels: c === 3 ? 3 : 1 }, { rows: 2, cols: n }, {
    rowLabels: ['input', 'reconstruction'],
    testIndices: [...r.indices],
    labels: r.indices.map((i) => ctx.test.labels[i]!),
    z: codes.map((z) => z.map(round4)),
    caption: `Test images ${r.indices.join(', ')} and their reconstructions from ${ctx.model.latentDim}-number codes; squared error per image (the shown reconstruction, pixels in [0, 1]): ${errors.map((e) => e.toFixed(2)).join(', ')}`,
  });
  return { kind: 'reconstruction', path, meta: { ...meta, errors: errors.map(round4) } };
}

/** The decoder along each chosen axis from centre − range·σ to centre + range·σ, one row per axis, as a 'traversal' grid. */
async function traversal(ctx: Ctx, r: Extract<AnalysisRequest, { kind: 'traversal' }>): Promise<AnalysisArtifact> {
  const axes = ctx.axes;
  if (!axes) throw new Error(`A latent traversal needs the spread of the code along each axis, which a ${ctx.input.config.family} run does not record`);
  for (const i of r.components) {
    if (i > ctx.model.latentDim) throw new Error(`There is no ${axes.name} ${i}: the run keeps ${ctx.model.latentDim}`);
  }
  const offsets = Array.from({ length: r.steps }, (_, s) => -r.range + (2 * r.range * s) / (r.steps - 1));
  const codes = r.components.flatMap((i) => offsets.map((c) => axes.centre.map((v, j) => (j === i - 1 ? v + c * axes.sigma[j]! : v))));
  const pixels = await decodeCodes(ctx.model, codes);
  const [h = 1, w = 1, ch = 1] = ctx.test.inputShape;
  const path = uniquePath(ctx.input.runDir, 'traversal', 'png', ctx.now);
  const share = (i: number): string => (axes.share ? `, ${(100 * axes.share[i - 1]!).toFixed(1)} % of the variance` : '');
  const meta = await writeImageGrid(path, { pixels, count: codes.length, height: h, width: w, channels: ch === 3 ? 3 : 1 }, { rows: r.components.length, cols: r.steps }, {
    rowLabels: r.components.map((i) => `${axes.name} ${i} (σ = ${axes.sigma[i - 1]!.toFixed(3)}${share(i)})`),
    z: codes.map((z) => z.map(round4)),
    caption: `The decoder at the centre of the code ± up to ${r.range} σ along ${axes.name}${r.components.length > 1 ? 's' : ''} ${r.components.join(', ')} (${r.steps} steps: ${offsets.map((o) => o.toFixed(2)).join(', ')} σ); pixels clipped to [0, 1]`,
  });
  return { kind: 'traversal', path, meta: { ...meta, components: [...r.components], offsets: offsets.map(round4) } };
}

async function scatter(ctx: Ctx, r: Extract<AnalysisRequest, { kind: 'latent-scatter' }>): Promise<AnalysisArtifact> {
  const n = Math.min(r.count, ctx.test.labels.length);
  const indices = Array.from({ length: n }, (_, i) => i);
  const d = ctx.test.inputShape.reduce((a, b) => a * b, 1);
  const inputs = preparePixels(ctx.test.images, d, indices, 0, n, ctx.pixelMode, ctx.heldOutSeed, { kind: 'fixed', split: 'test' });
  const codes = await encodeImages(ctx.model, inputs, indices);
  const data = latentScatter({ values: codes, n, dim: ctx.model.latentDim }, r.method, ctx.input.config.hyper.seed, indices.map((i) => ctx.test.labels[i]!), indices);
  const path = uniquePath(ctx.input.runDir, 'latent-scatter', 'json', ctx.now);
  await writeJsonArtifact(path, data);
  return { kind: 'latent-scatter', path, meta: { method: data.method, latentDim: data.latentDim, count: n } };
}

/** The training images nearest to one cell of a logged samples grid, as a one-row 'neighbours' grid. */
async function neighbours<C extends RunConfig>(input: AnalysisInput<C>, family: AnalysisFamily<C>, r: Extract<AnalysisRequest, { kind: 'nearest-neighbours' }>, options: AnalysisOptions): Promise<AnalysisArtifact> {
  requireImageData(family, input.config, 'Nearest training neighbours');
  if (!input.source) throw new Error(`There is no samples grid at step ${r.step}`);
  const g = gridGeometry(input.source.meta);
  const sample = await readGridCell(input.source.path, g, r.cell);
  let train = options.trainSet;
  if (!train) {
    // The images the run trained on (its first trainSize), the ones it could have memorised.
    const d = loadImageDataset(getDatasetEntry(input.config.dataset.id), { testSize: 1, ...(input.config.dataset.trainSize !== undefined ? { trainSize: input.config.dataset.trainSize } : {}) });
    train = { images: d.trainImages, labels: d.trainLabels, inputShape: d.inputShape };
  }
  const [h = 1, w = 1, c = 1] = train.inputShape;
  if (h !== g.cellHeight || w !== g.cellWidth || c !== g.channels) {
    throw new Error(`The samples are ${g.cellHeight}×${g.cellWidth}×${g.channels} but the training images are ${h}×${w}×${c}`);
  }
  const per = h * w * c;
  const nn = nearestNeighbours(sample, train.images, per, r.count);
  const pixels = new Float32Array((nn.indices.length + 1) * per);
  pixels.set(sample, 0);
  nn.indices.forEach((idx, i) => pixels.set(train.images.subarray(idx * per, (idx + 1) * per), (i + 1) * per));
  const path = uniquePath(input.runDir, 'neighbours', 'png', options.now ?? Date.now);
  const meta = await writeImageGrid(path, { pixels, count: nn.indices.length + 1, height: h, width: w, channels: c === 3 ? 3 : 1 }, { rows: 1, cols: nn.indices.length + 1 }, {
    rowLabels: ['sample, then its nearest training images'],
    trainIndices: nn.indices,
    labels: nn.indices.map((i) => train.labels[i]!),
    distances: nn.distances.map(round4),
    caption: `Sample ${r.cell} of the grid at step ${r.step}, then the ${nn.indices.length} nearest of the run's ${train.labels.length} training images (L2 distance in pixels in [0, 1]: ${nn.distances.map((d) => d.toFixed(2)).join(', ')})`,
  });
  return { kind: 'neighbours', path, meta: { ...meta, sourceStep: r.step, cell: r.cell } };
}

/** A generator between the fixed noise of two samples-grid cells, as a one-row 'interpolation' grid. */
async function samplesInterpolation<C extends RunConfig>(input: AnalysisInput<C>, family: AnalysisFamily<C>, r: Extract<AnalysisRequest, { kind: 'latent-interpolation' }>, options: AnalysisOptions): Promise<AnalysisArtifact> {
  const config = input.config;
  requireImageData(family, config, 'Latent interpolation');
  const generateAlong = lent(family.generateAlong, config, 'generator');
  if (!input.checkpoint) throw new Error('Latent interpolation loads the generator from a checkpoint, and none was given');
  const z = input.source?.meta['z'];
  if (!Array.isArray(z) || z.length === 0) throw new Error('The run has no samples grid with its noise recorded yet');
  for (const [slot, cell] of [['a', r.a], ['b', r.b]] as const) {
    if (cell >= z.length) throw new Error(`Sample ${slot.toUpperCase()} (cell ${cell}) is outside the samples grid, which has ${z.length} cells`);
  }
  const za = z[r.a] as number[];
  const zb = z[r.b] as number[];
  const path = latentPath(za, zb, r.steps, r.path);
  const dataShape = getDatasetEntry(config.dataset.id).inputShape;
  // A conditional run's grid records each cell's class: the label moves from a's to b's too.
  const cellLabels = input.source?.meta['labels'];
  const endLabels = Array.isArray(cellLabels) && typeof cellLabels[r.a] === 'number' && typeof cellLabels[r.b] === 'number' ? [cellLabels[r.a] as number, cellLabels[r.b] as number] as const : undefined;
  const pixels = await generateAlong({ config, architecture: input.architecture, dataShape, checkpointDir: input.checkpoint.dir, path, ...(endLabels ? { endLabels } : {}) });
  const [h = 1, w = 1, c = 1] = dataShape;
  const file = uniquePath(input.runDir, 'interpolation', 'png', options.now ?? Date.now);
  const meta = await writeImageGrid(file, { pixels, count: r.steps, height: h, width: w, channels: c === 3 ? 3 : 1 }, { rows: 1, cols: r.steps }, {
    rowLabels: [`sample ${r.a} → sample ${r.b} (${r.path})`],
    z: path.map((p) => p.map(round4)),
    caption: `The generator after epoch ${input.checkpoint.epoch} along the ${r.path === 'slerp' ? 'great circle' : 'straight line'} between the noise of samples ${r.a} and ${r.b}, ${r.steps} points`,
  });
  return { kind: 'interpolation', path: file, meta: { ...meta, cells: [r.a, r.b], path: r.path } };
}

/** The recorded meta of a 'scored-generator' artifact, checked field by field (it comes back from the database). */
function scoredMeta(meta: Record<string, unknown> | undefined): ScoredGeneratorMeta {
  const m = meta ?? {};
  const num = (k: string): number => {
    const v = m[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`The scored generator's record has no ${k}`);
    return v;
  };
  const scores = m['scores'];
  const record: Record<string, number> = {};
  if (typeof scores === 'object' && scores !== null) for (const [k, v] of Object.entries(scores)) if (typeof v === 'number') record[k] = v;
  return { step: num('step'), epoch: num('epoch'), samples: num('samples'), scores: record };
}

/** A scored generator's sample scores recomputed on `samples` draws, as a 're-evaluation' document. */
async function reevaluation<C extends RunConfig>(input: AnalysisInput<C>, family: AnalysisFamily<C>, r: Extract<AnalysisRequest, { kind: 're-evaluate' }>, options: AnalysisOptions): Promise<AnalysisArtifact> {
  requireImageData(family, input.config, 'Re-evaluating the sample scores');
  const reevaluate = lent(family.reevaluate, input.config, 'scorer');
  if (!input.source) throw new Error(`There is no scored generator${r.step === undefined ? '' : ` at step ${r.step}`}: the run keeps one at each step it scores`);
  const scored = scoredMeta(input.source.meta);
  const result = await reevaluate({
    config: input.config, architecture: input.architecture, generatorDir: input.source.path, step: scored.step, epoch: scored.epoch, samples: r.samples,
    ...(input.cacheDir !== undefined ? { cacheDir: input.cacheDir } : {}),
    ...(options.referenceDataset ? { reference: options.referenceDataset } : {}),
  });
  const data: ReevaluationData = {
    step: scored.step, epoch: scored.epoch, samples: r.samples, scores: result.scores,
    recorded: { samples: scored.samples, scores: scored.scores }, reference: result.reference,
  };
  const path = uniquePath(input.runDir, 're-evaluation', 'json', options.now ?? Date.now);
  await writeJsonArtifact(path, data);
  const meta: ReevaluationMeta = { sourceStep: scored.step, samples: r.samples, scores: result.scores };
  return { kind: 're-evaluation', path, meta: { ...meta } };
}

/** A classifier's feature maps of one test image, as a 'feature-maps' document. */
async function featureMaps<C extends RunConfig>(input: AnalysisInput<C>, family: AnalysisFamily<C>, r: Extract<AnalysisRequest, { kind: 'feature-maps' }>, options: AnalysisOptions): Promise<AnalysisArtifact> {
  requireImageData(family, input.config, 'Feature maps');
  const compute = lent(family.featureMaps, input.config, 'classifier');
  if (!input.checkpoint) throw new Error('Feature maps load the model from a checkpoint, and none was given');
  const test = options.testSet ?? loadTestSet(input.config);
  checkIndices([r.index], test.labels.length);
  const entry = getDatasetEntry(input.config.dataset.id);
  const classNames = Array.from({ length: entry.numClasses }, (_, i) => entry.classNames?.[i] ?? String(i));
  const data = await compute({ config: input.config, architecture: input.architecture, checkpoint: input.checkpoint, test, index: r.index, classNames });
  const path = uniquePath(input.runDir, 'feature-maps', 'json', options.now ?? Date.now);
  await writeJsonArtifact(path, data);
  const meta: FeatureMapsMeta = { index: data.index, label: data.label, predicted: data.predicted, layers: data.layers.length };
  return { kind: 'feature-maps', path, meta: { ...meta } };
}

/** The run's encoder and decoder: from the run folder when the family keeps its model there (PCA), else from the checkpoint. */
function loadLatentModel<C extends RunConfig>(input: AnalysisInput<C>, family: AnalysisFamily<C>, inputShape: Shape): Promise<LoadedLatentModel> {
  if (family.runFolderLatentModel) return family.runFolderLatentModel(input.config, input.runDir, inputShape);
  const loadModel = lent(family.latentModel, input.config, 'encoder and decoder');
  if (!input.checkpoint) throw new Error('This analysis loads the model from a checkpoint, and none was given');
  return loadModel(input.config, input.architecture, inputShape, input.checkpoint);
}

/**
 * Run one analysis of a run and return the artifact it wrote; `family` is
 * the run's family (see AnalysisFamily; the worker registry builds it). Throws
 * with a message for the user on bad input or an analysis that does not
 * apply to the run's family.
 */
export async function runAnalysis<C extends RunConfig>(input: AnalysisInput<C>, family: AnalysisFamily<C>, options: AnalysisOptions = {}): Promise<AnalysisArtifact> {
  const parsed = analysisRequestSchema.safeParse(input.request);
  if (!parsed.success) throw new Error(`Invalid analysis request: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  const request = parsed.data;
  requireApplies(family, input.config, request.kind);
  if (request.kind === 'nearest-neighbours') return neighbours(input, family, request, options);
  if (request.kind === 'latent-interpolation') return samplesInterpolation(input, family, request, options);
  if (request.kind === 're-evaluate') return reevaluation(input, family, request, options);
  if (request.kind === 'feature-maps') return featureMaps(input, family, request, options);
  const test = options.testSet ?? loadTestSet(input.config);
  if (request.kind === 'interpolation') checkIndices([request.a, request.b], test.labels.length);
  if (request.kind === 'arithmetic') checkIndices([request.a, request.b, request.c], test.labels.length);
  if (request.kind === 'reconstruction') checkIndices(request.indices, test.labels.length);
  const { model, pixelMode, heldOutSeed, axes, dispose } = await loadLatentModel(input, family, test.inputShape);
  const ctx: Ctx = { input, test, model, pixelMode, heldOutSeed, ...(axes ? { axes } : {}), now: options.now ?? Date.now };
  try {
    switch (request.kind) {
      case 'interpolation': return await interpolation(ctx, request);
      case 'arithmetic': return await arithmetic(ctx, request);
      case 'latent-scatter': return await scatter(ctx, request);
      case 'reconstruction': return await reconstruction(ctx, request);
      case 'traversal': return await traversal(ctx, request);
    }
  } finally {
    dispose();
  }
}
