/**
 * A GAN run's charts, all per step: both losses, D's mean outputs, the two
 * gradient norms; for the 2-D toys mode coverage, mode distance and the
 * share of points near a mode; for images the reference classifier's
 * measures (classes present, inception score against the real images',
 * Fréchet distance with its bootstrap interval, class KL, KID ± SE,
 * precision / recall, each with the real-vs-real floor where there is one)
 * once the run has logged them. Conditional
 * runs (conditioning cgan / acgan) add how often the samples are of the
 * class asked for (conditional_accuracy), and AC-GAN its discriminator's
 * class accuracy on real and generated images per step. No generic
 * per-step loss chart: the GAN's own loss chart has both losses.
 */
import { chartKey as k, type ChartArtifact, type ChartContext, type ChartKey, type EpochChartSpec, type RefLine } from '../runCharts';
import type { GanConditioning, GanConfig, GanLoss } from './config';

/** Classes an image GAN is measured against when no class histogram says otherwise (MNIST). */
export const DEFAULT_NUM_CLASSES = 10;

/** The GAN losses whose d_real / d_fake are σ(D), probabilities with the equilibrium at ½. */
const logitLosses: readonly string[] = ['minimax', 'nonsaturating'] satisfies GanLoss[];
const wassersteinLosses: readonly string[] = ['wgan', 'wgan-gp'] satisfies GanLoss[];

/** Whether a loss trains a Wasserstein critic rather than a discriminator of probabilities. */
export const isWassersteinLoss = (loss: string): boolean => wassersteinLosses.includes(loss);

/** The GAN loss of a run's params (the schema's default when absent). */
export function ganLossOf(params: ChartContext['params']): string {
  const v = params['loss'];
  return typeof v === 'string' ? v : 'nonsaturating';
}

/** The GAN conditioning of a run's params ('none' when absent). */
export function ganConditioningOf(params: ChartContext['params']): GanConditioning {
  const v = params['conditioning'];
  return v === 'cgan' || v === 'acgan' ? v : 'none';
}

/**
 * Modes of the 2-D toy mixtures (hyper.toy; workers/data/toy2d.ts): 8
 * Gaussians on a ring, a 5×5 grid. Undefined for anything else (images).
 */
export function toyModeCount(toy: unknown): number | undefined {
  if (toy === 'ring8') return 8;
  if (toy === 'grid25') return 25;
  return undefined;
}

/** The 2-D toy a GAN run trains on (hyper.toy), from its params or its config; undefined for images. */
export function ganToyOf(ctx: Pick<ChartContext<GanConfig>, 'params' | 'config'>): string | undefined {
  const fromParams = ctx.params['toy'];
  return typeof fromParams === 'string' ? fromParams : ctx.config?.hyper.toy;
}

/** The meta of a 'class-histogram' artifact, as the GAN's evaluation writes it: the step's epoch, classes present, class count, samples scored, and whether it is the finished run's final evaluation. */
export interface ClassHistogramMeta {
  epoch?: number;
  classesPresent?: number;
  numClasses?: number;
  samples?: number;
  final?: boolean;
}

/** What the worker records with a class histogram: every field above, and (when known) the reference classifier that scored — scores compare only under the same hash. */
export type RecordedClassHistogramMeta = Required<ClassHistogramMeta> & {
  classifierHash?: string;
  classifierAccuracy?: number;
  classifierSource?: 'trained' | 'imported';
  classifierTemplate?: string;
};

const finite = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** A class-histogram artifact's meta, each field kept only when it is a number. */
export function classHistogramMeta(meta: Readonly<Record<string, unknown>>): ClassHistogramMeta {
  const out: ClassHistogramMeta = {};
  const epoch = finite(meta['epoch']);
  const present = finite(meta['classesPresent']);
  const classes = finite(meta['numClasses']);
  if (epoch !== undefined) out.epoch = epoch;
  if (present !== undefined) out.classesPresent = present;
  if (classes !== undefined && Number.isInteger(classes) && classes > 0) out.numClasses = classes;
  const samples = finite(meta['samples']);
  if (samples !== undefined) out.samples = samples;
  if (meta['final'] === true) out.final = true;
  return out;
}

export const CLASS_HISTOGRAM_KIND = 'class-histogram';

/** The meta recorded with a 'toy-scatter' artifact (the document itself is ToyScatterData). */
export interface ToyScatterMeta {
  epoch: number;
  toy: string;
  modesCovered: number;
  modeDistance: number;
}

/** The classes the run's samples are scored against: the newest class histogram's, else DEFAULT_NUM_CLASSES. */
export function ganNumClasses(artifacts: readonly ChartArtifact[]): number {
  let newest: ChartArtifact | undefined;
  for (const a of artifacts) if (a.kind === CLASS_HISTOGRAM_KIND && (!newest || a.step >= newest.step)) newest = a;
  return (newest ? classHistogramMeta(newest.meta).numClasses : undefined) ?? DEFAULT_NUM_CLASSES;
}

function lossKeys(loss: string): ChartKey[] {
  const keys = [k('d_loss', isWassersteinLoss(loss) ? 'critic loss' : 'D loss'), k('g_loss', 'G loss')];
  if (loss === 'wgan-gp') keys.push(k('gradient_penalty', 'gradient penalty (in the critic loss)'));
  return keys;
}

/** The D(x) / D(G(z)) chart: probabilities with the ½ line for the logit losses, raw scores (said so) for the others. */
function outputChart(loss: string): EpochChartSpec {
  const base = { testId: 'gan-d-output-chart', xName: 'step', percent: false, keys: [k('d_real', 'D(x), real'), k('d_fake', 'D(G(z)), generated')] };
  if (logitLosses.includes(loss)) {
    return {
      ...base,
      title: 'Mean D(x) and D(G(z)) per step',
      yName: 'D',
      refLine: { y: 0.5, label: '½ equilibrium' },
      yRange: [0, 1],
      caption: 'The discriminator’s probability of “real”. At the game’s equilibrium both approach ½ (dashed); D(x) → 1 with D(G(z)) → 0 means D is winning.',
    };
  }
  if (loss === 'lsgan') {
    return {
      ...base,
      title: 'Mean D score on real and generated per step (LSGAN: raw scores)',
      yName: 'D score',
      caption: 'Raw least-squares scores, not probabilities: D is trained towards 1 for real and 0 for generated; there is no ½ equilibrium.',
    };
  }
  return {
    ...base,
    title: 'Mean critic value on real and generated per step (raw scores)',
    yName: 'critic',
    caption: 'A Wasserstein critic’s raw output, not a probability: only the gap D(x) − D(G(z)) means something (it estimates the Wasserstein distance).',
  };
}

/** The losses, D's outputs and the gradient norms: every GAN run has them. */
function trainingCharts(loss: string): EpochChartSpec[] {
  return [
    {
      testId: 'gan-loss-chart',
      title: isWassersteinLoss(loss) ? 'Critic and generator loss per step' : 'Discriminator and generator loss per step',
      xName: 'step', yName: 'loss', percent: false, keys: lossKeys(loss),
    },
    outputChart(loss),
    {
      testId: 'gan-grad-norm-chart', title: 'Gradient norms per step', xName: 'step', yName: '‖∇‖', percent: false,
      keys: [k('g_grad_norm', 'generator'), k('d_grad_norm', 'discriminator')],
      caption: 'Global L2 norm of each network’s gradient at its step: vanishing G gradients mean D has won; spikes, instability.',
    },
  ];
}

/** A 2-D toy's coverage, distance and quality charts. */
function toyCharts(modes: number): EpochChartSpec[] {
  return [
    {
      testId: 'gan-coverage-chart', title: `Modes covered (of ${modes})`, xName: 'step', yName: 'modes', percent: false,
      keys: [k('modes_covered', 'modes covered')], refLine: { y: modes, label: `all ${modes}` }, yRange: [0, modes],
      caption: 'A mode counts as covered when enough generated points fall within 3σ of its centre.',
    },
    {
      testId: 'gan-mode-distance-chart', title: 'Mode distance', xName: 'step', yName: 'distance', percent: false,
      keys: [k('mode_distance', 'mean distance to the nearest centre')],
    },
    {
      testId: 'gan-high-quality-chart', title: 'Generated points near a mode', xName: 'step', yName: 'within 3σ', percent: true,
      keys: [k('high_quality', 'within 3σ of a centre')],
    },
  ];
}

/** The reference classifier's measures of image samples, each once the run has logged it. */
/** A dashed reference line at a real-vs-real value, when the run recorded it. */
function floorLine(value: number | undefined, label: string): RefLine | undefined {
  return value !== undefined && Number.isFinite(value) ? { y: value, label: `${label} ${Number(value.toPrecision(3))}` } : undefined;
}

/** KID ± SE and precision / recall, once the run has logged them (runs since the uncertainty was added). */
function uncertaintyCharts(has: (key: string) => boolean, realKid: number | undefined): EpochChartSpec[] {
  const charts: EpochChartSpec[] = [];
  if (has('kid')) {
    charts.push({
      testId: 'gan-kid-chart', title: 'Kernel Inception Distance (reference classifier)', xName: 'step', yName: 'KID', percent: false,
      keys: [k('kid', 'KID'), k('kid_se', 'standard error')],
      refLine: floorLine(realKid, 'real vs real'),
      caption: 'Unbiased MMD² with the cubic kernel (Bińkowski et al. 2018), mean over 10 disjoint subsets, and its standard error: lower is better; dashed, real images against real images at the same sample size (≈ 0).',
    });
  }
  if (has('precision')) {
    charts.push({
      testId: 'gan-precision-recall-chart', title: 'Precision and recall of the samples', xName: 'step', yName: 'share', percent: true,
      keys: [k('precision', 'precision (realistic)'), k('recall', 'recall (coverage)')], yRange: [0, 1],
      caption: 'Kynkäänniemi et al. 2019, k = 3 nearest-neighbour balls in the reference classifier’s features: precision is the share of samples inside the real images’ manifold, recall the share of real images inside the samples’.',
    });
  }
  return charts;
}

function referenceCharts(has: (key: string) => boolean, classes: number, realInceptionScore: number | undefined, realFd?: number): EpochChartSpec[] {
  const charts: EpochChartSpec[] = [];
  if (has('classes_present')) {
    charts.push({
      testId: 'gan-coverage-chart', title: 'Classes present in the samples', xName: 'step', yName: 'classes', percent: false,
      keys: [k('classes_present', 'classes present')], refLine: { y: classes, label: `all ${classes}` }, yRange: [0, classes],
      caption: 'Classes the reference classifier finds among the generated samples (mode coverage): since the confident count, a class needs half its data-expected share of samples classified with probability ≥ confidenceThreshold (older runs: argmax, ≥ 1 %).',
    });
  }
  if (has('inception_score')) {
    charts.push({
      testId: 'gan-quality-chart', title: 'Inception score (reference classifier)', xName: 'step', yName: 'score', percent: false,
      keys: [k('inception_score', 'inception score')],
      refLine: realInceptionScore !== undefined && Number.isFinite(realInceptionScore)
        ? { y: realInceptionScore, label: `real images ${Number(realInceptionScore.toPrecision(3))}` }
        : undefined,
      caption: `exp E KL(p(y|x) ‖ p(y)) on the samples: higher is better, at most ${classes} (confident and varied); dashed: the real test images’ score.`,
    });
  }
  if (has('frechet_distance')) {
    charts.push({
      testId: 'gan-fid-chart', title: 'Fréchet distance to the data', xName: 'step', yName: 'distance', percent: false,
      keys: has('frechet_distance_lo')
        ? [k('frechet_distance', 'Fréchet distance'), k('frechet_distance_lo', '2.5 % bootstrap'), k('frechet_distance_hi', '97.5 % bootstrap')]
        : [k('frechet_distance', 'Fréchet distance')],
      refLine: floorLine(realFd, 'real vs real'),
      caption: 'Between Gaussians fitted to the reference classifier’s features of samples and of real images: lower is better. With its 95 % bootstrap interval (50 resamplings of both sets) and, dashed, real images against real images at the same sample size.',
    });
  }
  if (has('class_kl')) {
    charts.push({
      testId: 'gan-class-kl-chart', title: 'KL of the samples’ classes to the data’s', xName: 'step', yName: 'nats', percent: false,
      keys: [k('class_kl', 'KL(samples ‖ data)')],
    });
  }
  return charts;
}

/** A conditional run's charts: samples of the class asked for, and AC-GAN's class accuracies. */
function conditionalCharts(conditioning: GanConditioning, has: (key: string) => boolean, classes: number): EpochChartSpec[] {
  const charts: EpochChartSpec[] = [];
  const chance: RefLine = { y: 1 / classes, label: `chance (1/${classes})` };
  if (conditioning !== 'none' && has('conditional_accuracy')) {
    charts.push({
      testId: 'gan-conditional-accuracy-chart', title: 'Samples of the class asked for (reference classifier)', xName: 'step', yName: 'agreement', percent: true,
      keys: [k('conditional_accuracy', 'conditional accuracy')], refLine: chance, yRange: [0, 1],
      caption: 'How often the reference classifier finds, in a sample, the class the generator was asked for (labels drawn uniformly): the conditioning at work. At chance (dashed) the generator ignores its label.',
    });
  }
  if (conditioning === 'acgan' || has('d_class_accuracy')) {
    charts.push({
      testId: 'gan-class-accuracy-chart', title: 'AC-GAN: the discriminator’s class accuracy per step', xName: 'step', yName: 'accuracy', percent: true,
      keys: [k('d_class_accuracy', 'real images'), k('g_class_accuracy', 'generated (class asked for)')], refLine: chance, yRange: [0, 1],
      caption: 'D’s class head on the real batch, and on the generator’s batch against the labels it was asked for. Generated far above real (and above the reference classifier’s agreement) means G fools D’s classifier rather than drawing the class.',
    });
  }
  return charts;
}

export function ganCharts(ctx: ChartContext<GanConfig>): EpochChartSpec[] {
  const loss = ganLossOf(ctx.params);
  const charts = trainingCharts(loss);
  const modes = toyModeCount(ganToyOf(ctx));
  if (modes !== undefined) return [...charts, ...toyCharts(modes)];
  const has = (key: string): boolean => ctx.metricKeys.includes(key);
  const classes = ganNumClasses(ctx.artifacts);
  return [
    ...charts,
    ...referenceCharts(has, classes, ctx.latest('real_inception_score'), ctx.latest('real_frechet_distance')),
    ...uncertaintyCharts(has, ctx.latest('real_kid')),
    ...conditionalCharts(ganConditioningOf(ctx.params), has, classes),
  ];
}
