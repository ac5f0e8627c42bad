/**
 * The Gaussian–Bernoulli RBM (Hinton 2010 §13; Cho, Ilin & Raiko 2011 for the
 * learned variance) on standardised real-valued pixels:
 *
 *   E(v, h) = Σᵢ (vᵢ − bᵢ)²/(2σᵢ²) − Σⱼ cⱼhⱼ − Σᵢⱼ (vᵢ/σᵢ) Wᵢⱼ hⱼ
 *   P(hⱼ = 1 | v) = σ(cⱼ + Σᵢ Wᵢⱼ vᵢ/σᵢ),   P(v | h) = N(b + σ ⊙ Wh, σ²)
 *   F(v) = Σᵢ (vᵢ − bᵢ)²/(2σᵢ²) − Σⱼ softplus(cⱼ + Σᵢ Wᵢⱼ vᵢ/σᵢ)
 *
 * σ is stored as log σ (one per pixel): fixed at 0 (σ = 1, the data being
 * standardised) or learned. The negative phase's visible states: with σ fixed
 * the mean field b + σ ⊙ Wh (noise-free reconstructions, as the guide
 * advises); with σ learned, samples from N(b + σ ⊙ Wh, σ²), because the mean
 * field carries no variance and its log σ gradient would shrink σ without
 * end. Hidden states are sampled between Gibbs steps; each phase's last
 * hidden layer enters the statistics as probabilities.
 */
import * as tf from '@tensorflow/tfjs';
import { drawSeed, momentumStep, negativePhase, readResult, bernoulli, type CdOptions, type CdResult, type RbmParams, type RbmVelocity } from './rbm';
import { sparsityGradients } from './sparsity';

/**
 * log σ is kept within [log 0.1, log 100]. The data are standardised (each pixel's training std is 1,
 * or less where floored), so σ below a tenth of that is the model memorising a pixel the training
 * images never move: on MNIST's border pixels a learned σ collapses, and one test stroke there
 * (v/σ in the hundreds) saturates every hidden unit. On 500 images (seed 5, learning rate 0.01,
 * momentum 0.9) the test reconstruction error went 455 → 5.2 million with a floor of 0.01 and
 * 455 → 48,000 with 0.1; at momentum 0.5 it falls 465 → 397 either way. Learned variance wants
 * the smaller steps; the floor only bounds the damage.
 */
export const LOG_SIGMA_MIN = Math.log(0.1);
const LOG_SIGMA_MAX = Math.log(100);

export interface GaussianRbm extends RbmParams {
  /** log σᵢ per visible unit (zeros when σ is fixed). */
  logSigma: tf.Variable;
}

/** P(h = 1 | v) = σ(c + (v/σ)W). */
export function gaussianHiddenProbs(p: GaussianRbm, v: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.sigmoid(tf.add(tf.matMul(tf.div(v, tf.exp(p.logSigma)), p.weights), p.hiddenBias)));
}

/** E[v | h] = b + σ ⊙ (hWᵀ). */
export function gaussianVisibleMean(p: GaussianRbm, h: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.add(p.visibleBias, tf.mul(tf.exp(p.logSigma), tf.matMul(h, p.weights, false, true))));
}

/** F(v) per example: Σᵢ (vᵢ − bᵢ)²/(2σᵢ²) − Σⱼ softplus(cⱼ + Σᵢ Wᵢⱼ vᵢ/σᵢ). */
export function gaussianFreeEnergy(p: GaussianRbm, v: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const sigma = tf.exp(p.logSigma);
    const quadratic = tf.sum(tf.div(tf.square(tf.sub(v, p.visibleBias)), tf.mul(2, tf.square(sigma))), 1);
    const hidden = tf.sum(tf.softplus(tf.add(tf.matMul(tf.div(v, sigma), p.weights), p.hiddenBias)), 1);
    return tf.sub(quadratic, hidden) as tf.Tensor1D;
  });
}

/** Σᵢ (vᵢ − E[vᵢ | P(h | v)])² per example, in the standardised space. */
export function gaussianReconstructionError(p: GaussianRbm, v: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.square(tf.sub(v, gaussianVisibleMean(p, gaussianHiddenProbs(p, v)))), 1) as tf.Tensor1D);
}

/** The per-pixel statistic whose data-minus-model difference is log σ's gradient: (v − b)²/σ² − (v/σ) ⊙ (hWᵀ), batch-averaged. */
function logSigmaStatistic(p: GaussianRbm, v: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor1D {
  const sigma = tf.exp(p.logSigma);
  const quadratic = tf.div(tf.square(tf.sub(v, p.visibleBias)), tf.square(sigma));
  const interaction = tf.mul(tf.div(v, sigma), tf.matMul(h, p.weights, false, true));
  return tf.mean(tf.sub(quadratic, interaction), 0) as tf.Tensor1D;
}

/** A visible state given hidden states h: the mean, or a draw from N(mean, σ²) when `sample`. */
function negativeVisible(p: GaussianRbm, h: tf.Tensor2D, sample: boolean, seed: number): tf.Tensor2D {
  const mean = gaussianVisibleMean(p, h);
  return sample ? tf.add(mean, tf.mul(tf.exp(p.logSigma), tf.randomNormal(mean.shape, 0, 1, 'float32', seed))) : mean;
}

/**
 * One CD-k (or PCD) update of a Gaussian–Bernoulli RBM on the standardised
 * batch v0, in place; `logSigmaVelocity` given means σ is learned.
 */
export function gaussianCdUpdate(p: GaussianRbm, vel: RbmVelocity, v0: tf.Tensor2D, o: CdOptions, logSigmaVelocity?: tf.Variable): CdResult {
  const learnSigma = logSigmaVelocity !== undefined;
  const [error, meanHidden] = tf.tidy(() => {
    const n = v0.shape[0];
    const ph0 = gaussianHiddenProbs(p, v0);
    const { vk, phk } = negativePhase(ph0, o, (v) => gaussianHiddenProbs(p, v), (h, seed) => negativeVisible(p, h, learnSigma, seed));
    const sigma = tf.exp(p.logSigma);
    const scaled0 = tf.div(v0, sigma) as tf.Tensor2D;
    const positive = tf.div(tf.matMul(scaled0, ph0, true, false), n);
    const negative = tf.div(tf.matMul(tf.div(vk, sigma) as tf.Tensor2D, phk, true, false), vk.shape[0]);
    let gradW = tf.sub(tf.sub(positive, negative), tf.mul(o.weightDecay, p.weights));
    const visibleStat = (v: tf.Tensor2D): tf.Tensor => tf.mean(tf.div(tf.sub(v, p.visibleBias), tf.square(sigma)), 0);
    const gradB = tf.sub(visibleStat(v0), visibleStat(vk));
    let gradC = tf.sub(tf.mean(ph0, 0), tf.mean(phk, 0));
    if (o.sparsity) {
      const penalty = sparsityGradients(o.sparsity, ph0, scaled0);
      gradW = tf.add(gradW, penalty.w);
      gradC = tf.add(gradC, penalty.c);
    }
    const gradLogSigma = learnSigma ? tf.sub(logSigmaStatistic(p, v0, ph0), logSigmaStatistic(p, vk, phk)) : undefined;
    const err = tf.div(tf.sum(tf.square(tf.sub(v0, gaussianVisibleMean(p, ph0)))), n);
    momentumStep(o, vel.weights, gradW, p.weights);
    momentumStep(o, vel.visibleBias, gradB, p.visibleBias);
    momentumStep(o, vel.hiddenBias, gradC, p.hiddenBias);
    if (gradLogSigma && logSigmaVelocity) {
      momentumStep(o, logSigmaVelocity, gradLogSigma, p.logSigma);
      p.logSigma.assign(tf.clipByValue(p.logSigma, LOG_SIGMA_MIN, LOG_SIGMA_MAX));
    }
    if (o.chain) o.chain.assign(vk);
    return [err as tf.Scalar, tf.mean(ph0) as tf.Scalar];
  });
  return readResult(error, meanHidden);
}

/**
 * Samples of the model: `count` chains from standard-normal noise (the
 * standardised data's scale), `steps` Gibbs updates with the visible means
 * (no visible noise, as the galleries show them), returning E[v | h] last.
 */
export function gaussianGibbsSamples(p: GaussianRbm, count: number, steps: number, seed: number): tf.Tensor2D {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`gibbsSamples: steps must be a whole number ≥ 1, got ${steps}`);
  const d = p.visibleBias.shape[0]!;
  let v = tf.randomNormal([count, d], 0, 1, 'float32', drawSeed(seed, 0)) as tf.Tensor2D;
  for (let i = 0; i < steps; i++) {
    const next = tf.tidy(() => gaussianVisibleMean(p, bernoulli(gaussianHiddenProbs(p, v), drawSeed(seed, i + 1))));
    v.dispose();
    v = next;
  }
  return v;
}
