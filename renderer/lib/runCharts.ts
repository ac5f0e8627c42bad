/**
 * What the run page plots for each family: the per-epoch charts with their
 * headline metrics, the VAE's diagnostics (KL per latent dimension, active
 * units, posterior collapse) and the GAN's (both losses, D's outputs,
 * gradient norms, mode coverage and sample quality, mode collapse).
 * Pure; no Vue.
 */
import type { Family } from '../../workers/common/runConfig';
import { collapseThreshold, isCollapsed } from '../../workers/common/gallery';
import type { ParamValue } from '../../main/common/domain';

export interface ChartKey { key: string; label: string }

/** A dashed horizontal line across a chart (D's equilibrium at ½, all modes covered, …). */
export interface RefLine { y: number; label: string }

export interface EpochChartSpec {
  testId: string;
  title: string;
  xName: string;
  yName: string;
  percent: boolean;
  keys: ChartKey[];
  refLine?: RefLine | undefined;
  /** A fixed y range (D's probabilities); the data's range otherwise. */
  yRange?: [number, number] | undefined;
  /** One sentence under the title: how to read the chart. */
  caption?: string | undefined;
}

const k = (key: string, label = key): ChartKey => ({ key, label });

/** Keys of the stacked autoencoder's per-layer pre-training losses, by layer. */
export function pretrainKeys(metricKeys: readonly string[]): string[] {
  return metricKeys
    .filter((key) => /^pretrain_loss\/layer\d+$/.test(key))
    .sort((a, b) => Number(a.slice(a.lastIndexOf('r') + 1)) - Number(b.slice(b.lastIndexOf('r') + 1)));
}

/** The per-step loss chart's series: the loss, with a VAE's two terms or the contractive penalty (per batch). */
export function stepLossKeys(family: Family | string, params: Record<string, ParamValue> = {}): ChartKey[] {
  if (family === 'vae') return [k('loss'), k('reconstruction'), k('kl')];
  if (family === 'gan') return ganLossKeys(params);
  if (family === 'autoencoder' && params['variant'] === 'contractive') return [k('loss'), k('contractive_penalty')];
  return [k('loss')];
}

/** Whether the run page shows the generic per-step loss chart (a GAN has its own: both losses). */
export function hasStepLoss(family: Family | string): boolean {
  return family !== 'pca' && family !== 'gan';
}

/**
 * The per-epoch charts of a family. The first is the headline chart:
 * `accuracy-chart` for the classifier, `epoch-chart` for the others.
 */
export function epochCharts(family: Family | string, params: Record<string, ParamValue>, metricKeys: readonly string[] = []): EpochChartSpec[] {
  switch (family) {
    case 'classifier':
      return [{ testId: 'accuracy-chart', title: 'Accuracy per epoch', xName: 'epoch', yName: 'accuracy', percent: true, keys: [k('accuracy'), k('val_accuracy'), k('test_accuracy')] }];
    case 'autoencoder': {
      const keys = [k('test_mse')];
      if (params['variant'] === 'denoising') {
        keys.push(k('test_noisy_input_mse', 'test_noisy_input_mse (the noisy input itself)'), k('test_mse_clean_input', 'test_mse_clean_input (from clean input)'));
      }
      const charts: EpochChartSpec[] = [
        { testId: 'epoch-chart', title: 'Test reconstruction error per epoch', xName: 'epoch', yName: 'MSE', percent: false, keys },
        { testId: 'epoch-loss-chart', title: 'Loss per epoch', xName: 'epoch', yName: 'loss', percent: false, keys: [k('epoch_loss'), k('val_loss')] },
      ];
      const pre = pretrainKeys(metricKeys);
      if (pre.length) {
        charts.push({ testId: 'pretrain-chart', title: 'Layer-wise pre-training', xName: 'epoch', yName: 'loss', percent: false, keys: pre.map((p) => k(p, p.replace('pretrain_loss/', ''))) });
      }
      return charts;
    }
    case 'pca':
      return [{ testId: 'epoch-chart', title: 'Reconstruction error', xName: 'step', yName: 'MSE', percent: false, keys: [k('test_mse'), k('train_mse')] }];
    case 'vae':
      return [
        { testId: 'epoch-chart', title: 'ELBO per epoch (nats)', xName: 'epoch', yName: 'ELBO', percent: false, keys: [k('elbo')] },
        { testId: 'vae-terms-chart', title: 'Test reconstruction and KL per epoch (nats)', xName: 'epoch', yName: 'nats', percent: false, keys: [k('test_reconstruction', 'reconstruction'), k('test_kl', 'kl')] },
      ];
    default:
      return [];
  }
}

/** Number of the kl_dim/<i> key, or null. */
export function klDimIndex(key: string): number | null {
  const m = /^kl_dim\/(\d+)$/.exec(key);
  return m ? Number(m[1]) : null;
}

/** KL per latent dimension from the latest values, by dimension index. */
export function klPerDimension(latest: (key: string) => number | undefined, keys: readonly string[]): { dim: number; kl: number }[] {
  const out: { dim: number; kl: number }[] = [];
  for (const key of keys) {
    const dim = klDimIndex(key);
    if (dim === null) continue;
    const v = latest(key);
    if (typeof v === 'number' && Number.isFinite(v)) out.push({ dim, kl: v });
  }
  return out.sort((a, b) => a.dim - b.dim);
}

export interface CollapseStatus {
  latentDim: number;
  activeUnits: number;
  threshold: number;
  collapsed: boolean;
}

/** Posterior-collapse status once the run has reported active units; null before. */
export function collapseStatus(latentDim: unknown, activeUnits: number | undefined): CollapseStatus | null {
  if (typeof latentDim !== 'number' || !Number.isInteger(latentDim) || latentDim < 1) return null;
  if (typeof activeUnits !== 'number' || !Number.isFinite(activeUnits)) return null;
  return { latentDim, activeUnits, threshold: collapseThreshold(latentDim), collapsed: isCollapsed(latentDim, activeUnits) };
}

/** Metric keys the "latest metrics" panel leaves out (shown by a dedicated chart). */
export function isDetailMetric(key: string): boolean {
  return klDimIndex(key) !== null;
}

// ---- GANs -------------------------------------------------------------------

/** Classes an image GAN is measured against when no class histogram says otherwise (MNIST). */
export const DEFAULT_NUM_CLASSES = 10;
/** Coverage has dropped when the latest value is this many below the best. */
export const MODE_DROP = 2;
/** Coverage is low below this fraction of the classes / modes. */
export const MODE_COVERAGE_FRACTION = 0.8;

/** The GAN losses whose d_real / d_fake are σ(D), probabilities with the equilibrium at ½. */
const logitLosses: readonly string[] = ['minimax', 'nonsaturating'];
const wassersteinLosses: readonly string[] = ['wgan', 'wgan-gp'];

/** The GAN loss of a run's params (the schema's default when absent). */
export function ganLossOf(params: Record<string, ParamValue>): string {
  const v = params['loss'];
  return typeof v === 'string' ? v : 'nonsaturating';
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

function ganLossKeys(params: Record<string, ParamValue>): ChartKey[] {
  const loss = ganLossOf(params);
  const keys = [k('d_loss', wassersteinLosses.includes(loss) ? 'critic loss' : 'D loss'), k('g_loss', 'G loss')];
  if (loss === 'wgan-gp') keys.push(k('gradient_penalty', 'gradient penalty (in the critic loss)'));
  return keys;
}

/** The D(x) / D(G(z)) chart: probabilities with the ½ line for the logit losses, raw scores (said so) for the others. */
function ganOutputChart(loss: string): EpochChartSpec {
  const base = { testId: 'gan-d-output-chart', xName: 'step', percent: false };
  if (logitLosses.includes(loss)) {
    return {
      ...base,
      title: 'Mean D(x) and D(G(z)) per step',
      yName: 'D',
      keys: [k('d_real', 'D(x), real'), k('d_fake', 'D(G(z)), generated')],
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
      keys: [k('d_real', 'D(x), real'), k('d_fake', 'D(G(z)), generated')],
      caption: 'Raw least-squares scores, not probabilities: D is trained towards 1 for real and 0 for generated; there is no ½ equilibrium.',
    };
  }
  return {
    ...base,
    title: 'Mean critic value on real and generated per step (raw scores)',
    yName: 'critic',
    keys: [k('d_real', 'D(x), real'), k('d_fake', 'D(G(z)), generated')],
    caption: 'A Wasserstein critic’s raw output, not a probability: only the gap D(x) − D(G(z)) means something (it estimates the Wasserstein distance).',
  };
}

/**
 * A GAN run's charts, all per step: both losses, D's mean outputs, the two
 * gradient norms; for the 2-D toys mode coverage, mode distance and the
 * share of points near a mode; for images the reference classifier's
 * measures (classes present, inception score against the real images',
 * Fréchet distance, class KL) once the run has logged them. Conditional
 * runs (params.conditioning cgan / acgan) add how often the samples are of
 * the class asked for (conditional_accuracy), and AC-GAN its
 * discriminator's class accuracy on real and generated images per step.
 */
export function ganCharts(
  params: Record<string, ParamValue>,
  metricKeys: readonly string[] = [],
  opts: { numClasses?: number | undefined; realInceptionScore?: number | undefined } = {},
): EpochChartSpec[] {
  const loss = ganLossOf(params);
  const charts: EpochChartSpec[] = [
    {
      testId: 'gan-loss-chart',
      title: wassersteinLosses.includes(loss) ? 'Critic and generator loss per step' : 'Discriminator and generator loss per step',
      xName: 'step', yName: 'loss', percent: false, keys: ganLossKeys(params),
    },
    ganOutputChart(loss),
    {
      testId: 'gan-grad-norm-chart', title: 'Gradient norms per step', xName: 'step', yName: '‖∇‖', percent: false,
      keys: [k('g_grad_norm', 'generator'), k('d_grad_norm', 'discriminator')],
      caption: 'Global L2 norm of each network’s gradient at its step: vanishing G gradients mean D has won; spikes, instability.',
    },
  ];
  const modes = toyModeCount(params['toy']);
  if (modes !== undefined) {
    charts.push(
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
    );
    return charts;
  }
  const has = (key: string): boolean => metricKeys.includes(key);
  const classes = opts.numClasses !== undefined && opts.numClasses > 0 ? opts.numClasses : DEFAULT_NUM_CLASSES;
  if (has('classes_present')) {
    charts.push({
      testId: 'gan-coverage-chart', title: 'Classes present in the samples', xName: 'step', yName: 'classes', percent: false,
      keys: [k('classes_present', 'classes present')], refLine: { y: classes, label: `all ${classes}` }, yRange: [0, classes],
      caption: 'Classes the reference classifier finds among the generated samples (mode coverage).',
    });
  }
  if (has('inception_score')) {
    charts.push({
      testId: 'gan-quality-chart', title: 'Inception score (reference classifier)', xName: 'step', yName: 'score', percent: false,
      keys: [k('inception_score', 'inception score')],
      refLine: opts.realInceptionScore !== undefined && Number.isFinite(opts.realInceptionScore)
        ? { y: opts.realInceptionScore, label: `real images ${Number(opts.realInceptionScore.toPrecision(3))}` }
        : undefined,
      caption: `exp E KL(p(y|x) ‖ p(y)) on the samples: higher is better, at most ${classes} (confident and varied); dashed: the real test images’ score.`,
    });
  }
  if (has('frechet_distance')) {
    charts.push({
      testId: 'gan-fid-chart', title: 'Fréchet distance to the data', xName: 'step', yName: 'distance', percent: false,
      keys: [k('frechet_distance', 'Fréchet distance')],
      caption: 'Between Gaussians fitted to the reference classifier’s features of samples and of real images: lower is better.',
    });
  }
  if (has('class_kl')) {
    charts.push({
      testId: 'gan-class-kl-chart', title: 'KL of the samples’ classes to the data’s', xName: 'step', yName: 'nats', percent: false,
      keys: [k('class_kl', 'KL(samples ‖ data)')],
    });
  }
  const conditioning = ganConditioningOf(params);
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

/** The GAN conditioning of a run's params ('none' when absent). */
export function ganConditioningOf(params: Record<string, ParamValue>): 'none' | 'cgan' | 'acgan' {
  const v = params['conditioning'];
  return v === 'cgan' || v === 'acgan' ? v : 'none';
}

export interface ModeCollapseStatus {
  unit: 'classes' | 'modes';
  total: number;
  latest: number;
  latestStep: number;
  /** Best value after the first evaluation, and its step. */
  best: number;
  bestStep: number;
  /** Evaluations after the first one (which the status ignores: an untrained generator). */
  evaluations: number;
  /** At least MODE_DROP below the best so far. */
  dropped: boolean;
  /** Below MODE_COVERAGE_FRACTION of the total. */
  low: boolean;
  collapsed: boolean;
}

/**
 * Mode collapse from a coverage history (classes_present for images,
 * modes_covered for the toys). The first logged evaluation (the untrained
 * generator, step 0) is ignored; after it, the run has collapsed when the
 * latest value is MODE_DROP or more below the best seen so far, or below
 * MODE_COVERAGE_FRACTION of the total. Null until there is a history and a
 * total.
 */
export function modeCollapseStatus(history: { steps: readonly number[]; values: readonly number[] } | undefined, total: unknown, unit: 'classes' | 'modes'): ModeCollapseStatus | null {
  if (!history || typeof total !== 'number' || !Number.isFinite(total) || total < 1) return null;
  const points: { step: number; value: number }[] = [];
  const n = Math.min(history.steps.length, history.values.length);
  for (let i = 0; i < n; i++) {
    const step = history.steps[i]!;
    const value = history.values[i]!;
    if (Number.isFinite(value)) points.push({ step, value });
  }
  if (points.length === 0) return null;
  const after = points.slice(1);
  const last = points[points.length - 1]!;
  if (after.length === 0) {
    return { unit, total, latest: last.value, latestStep: last.step, best: last.value, bestStep: last.step, evaluations: 0, dropped: false, low: false, collapsed: false };
  }
  let best = after[0]!;
  for (const p of after) if (p.value > best.value) best = p;
  const dropped = last.value <= best.value - MODE_DROP;
  const low = last.value < MODE_COVERAGE_FRACTION * total;
  return { unit, total, latest: last.value, latestStep: last.step, best: best.value, bestStep: best.step, evaluations: after.length, dropped, low, collapsed: dropped || low };
}

/** What a mode-collapse warning says: what happened, what it means, what to try. */
export function modeCollapseMessage(s: ModeCollapseStatus): string {
  const what = s.dropped
    ? `The samples now cover ${s.latest} of ${s.total} ${s.unit}, down from ${s.best} at step ${s.bestStep}.`
    : `The samples cover only ${s.latest} of ${s.total} ${s.unit} (fewer than ${Math.round(MODE_COVERAGE_FRACTION * 100)} %).`;
  return `${what} The generator is producing only part of what the data holds, and the discriminator no longer pushes it to the rest. `
    + 'Try an unrolled discriminator, a minibatch-stddev feature in D, a lower discriminator learning rate (learningRateD), or the WGAN-GP loss.';
}
