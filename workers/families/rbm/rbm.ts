/**
 * A Bernoulli–Bernoulli restricted Boltzmann machine in tfjs: energy
 * E(v, h) = −vᵀb − hᵀc − vᵀWh, trained by its own update rule (contrastive
 * divergence), not by back-propagation: no optimizer, no gradient tape.
 *
 * - cdUpdate: CD-k (Hinton 2002) or persistent CD (Tieleman 2008) with
 *   momentum and L2 weight decay (Hinton 2010, "A practical guide").
 * - freeEnergy: F(v) = −vᵀb − Σⱼ softplus(cⱼ + vᵀW·ⱼ).
 * - pseudoLogLikelihood: the stochastic estimate D · log σ(F(ṽ) − F(v)),
 *   ṽ = v with one bit flipped (as scikit-learn's BernoulliRBM scores).
 *
 * Random draws are seeded per call (tf.randomUniform with a seed), so a run
 * is reproducible for a seed and a resumed run draws what the uninterrupted
 * one would have.
 */
import * as tf from '@tensorflow/tfjs';
import { standardNormals } from '../../engine/normal';
import { sparsityGradients, type SparsityOptions } from './sparsity';

export interface RbmParams {
  /** visible × hidden weights. */
  weights: tf.Variable;
  visibleBias: tf.Variable;
  hiddenBias: tf.Variable;
}

/** The momentum terms of the three parameters (the update's own state, checkpointed with them). */
export interface RbmVelocity {
  weights: tf.Variable;
  visibleBias: tf.Variable;
  hiddenBias: tf.Variable;
}

export interface CdOptions {
  k: number;
  learningRate: number;
  momentum: number;
  weightDecay: number;
  seed: number;
  /** Persistent CD: the negative chains' visible states, carried from update to update (updated in place). */
  chain?: tf.Variable;
  /** A sparsity target on the hidden units' mean activation (sparsity.ts); absent is off. */
  sparsity?: SparsityOptions;
}

/** What one update reports: the batch's reconstruction error per image, and its mean P(h = 1 | v) over units and images. */
export interface CdResult {
  error: number;
  meanHidden: number;
}

/** velocity ← momentum · velocity + learningRate · grad; param ← param + velocity. Call inside tf.tidy. */
export function momentumStep(o: Pick<CdOptions, 'momentum' | 'learningRate'>, velocity: tf.Variable, grad: tf.Tensor, param: tf.Variable): void {
  velocity.assign(tf.add(tf.mul(o.momentum, velocity), tf.mul(o.learningRate, grad)));
  param.assign(tf.add(param, velocity));
}

/** The two numbers of a CdResult read back in one transfer (and the tensors released). */
export function readResult(error: tf.Scalar, meanHidden: tf.Scalar): CdResult {
  const both = tf.stack([error, meanHidden]);
  const [e, m] = both.dataSync();
  tf.dispose([both, error, meanHidden]);
  return { error: e!, meanHidden: m! };
}

/** A variable holding `initial()`, the initial tensor itself released (tf.variable keeps its own reference). */
export function variableOf(initial: () => tf.Tensor, trainable = true): tf.Variable {
  return tf.tidy(() => tf.variable(initial(), trainable));
}

/**
 * W ~ N(0, 0.01²); visible biases log(p/(1 − p)) of the training data's
 * pixel means (Hinton 2010 §8; p clipped to [0.001, 0.999]); hidden biases 0.
 */
export function createRbm(visible: number, hidden: number, seed: number, pixelMeans?: Float32Array): RbmParams {
  const w = Float32Array.from(standardNormals(visible * hidden, seed), (v) => 0.01 * v);
  const b = pixelMeans ? baseRateBiases(pixelMeans) : new Float32Array(visible);
  return {
    weights: variableOf(() => tf.tensor2d(w, [visible, hidden])),
    visibleBias: variableOf(() => tf.tensor1d(b)),
    hiddenBias: variableOf(() => tf.zeros([hidden])),
  };
}

/** log(p/(1 − p)) of each pixel's mean, p clipped to [0.001, 0.999]: the visible biases of the data's base rates (also AIS's base model). */
export function baseRateBiases(pixelMeans: Float32Array): Float32Array {
  return Float32Array.from(pixelMeans, (m) => {
    const p = Math.min(0.999, Math.max(0.001, m));
    return Math.log(p / (1 - p));
  });
}

export function createVelocity(p: RbmParams): RbmVelocity {
  return {
    weights: variableOf(() => tf.zerosLike(p.weights)),
    visibleBias: variableOf(() => tf.zerosLike(p.visibleBias)),
    hiddenBias: variableOf(() => tf.zerosLike(p.hiddenBias)),
  };
}

/** P(h = 1 | v) = σ(vW + c). */
export function hiddenProbs(p: RbmParams, v: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.sigmoid(tf.add(tf.matMul(v, p.weights), p.hiddenBias)));
}

/** P(v = 1 | h) = σ(hWᵀ + b). */
export function visibleProbs(p: RbmParams, h: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.sigmoid(tf.add(tf.matMul(h, p.weights, false, true), p.visibleBias)));
}

/** Binary units drawn with probabilities `probs`, from a seeded uniform draw. */
export function bernoulli(probs: tf.Tensor2D, seed: number): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.less(tf.randomUniform(probs.shape, 0, 1, 'float32', seed), probs), 'float32'));
}

/** The parameters by the names a checkpoint saves them under (tf.variable names must be unique per process, so they are not used). */
export function namedParams(p: RbmParams | RbmVelocity): { name: string; variable: tf.Variable }[] {
  return [{ name: 'weights', variable: p.weights }, { name: 'visible_bias', variable: p.visibleBias }, { name: 'hidden_bias', variable: p.hiddenBias }];
}

/** Seeds of one update's draws: distinct per Gibbs step and per layer. */
export const drawSeed = (seed: number, i: number): number => (seed + 0x9e3779b1 * (i + 1)) >>> 0;

/**
 * CD-k's negative phase, shared by the visible types: k Gibbs steps from a
 * sample of the positive phase's hidden probabilities ph0 (or, for PCD, of
 * the persistent chain's), the seeds drawn in one fixed order. Returns the
 * last visible vk and its hidden probabilities phk (probabilities, not a
 * sample, as the update's statistics use them).
 */
export function negativePhase(ph0: tf.Tensor2D, o: CdOptions, hidden: (v: tf.Tensor2D) => tf.Tensor2D,
  visible: (h: tf.Tensor2D, seed: number) => tf.Tensor2D): { vk: tf.Tensor2D; phk: tf.Tensor2D } {
  const start = o.chain ? hidden(o.chain as tf.Tensor2D) : ph0;
  let h = bernoulli(start, drawSeed(o.seed, 0));
  let vk = visible(h, drawSeed(o.seed, 1));
  let phk = hidden(vk);
  for (let i = 1; i < o.k; i++) {
    h = bernoulli(phk, drawSeed(o.seed, 2 * i));
    vk = visible(h, drawSeed(o.seed, 2 * i + 1));
    phk = hidden(vk);
  }
  return { vk, phk };
}

/**
 * One CD-k (or PCD) update on the binary batch v0, in place. Returns the
 * batch's mean squared reconstruction error per image (v0 against
 * P(v | P(h | v0)), summed over pixels): the number the family records per
 * step, and the batch's mean hidden activation.
 */
export function cdUpdate(p: RbmParams, vel: RbmVelocity, v0: tf.Tensor2D, o: CdOptions): CdResult {
  const [error, meanHidden] = tf.tidy(() => {
    const n = v0.shape[0];
    const ph0 = hiddenProbs(p, v0);
    const { vk, phk } = negativePhase(ph0, o, (v) => hiddenProbs(p, v), (h, seed) => bernoulli(visibleProbs(p, h), seed));
    // Each phase is averaged over its own examples: a persistent chain may hold more than the last, short batch.
    const nk = vk.shape[0];
    const positive = tf.div(tf.matMul(v0, ph0, true, false), n);
    const negative = tf.div(tf.matMul(vk, phk, true, false), nk);
    let gradW = tf.sub(tf.sub(positive, negative), tf.mul(o.weightDecay, p.weights));
    const gradB = tf.sub(tf.mean(v0, 0), tf.mean(vk, 0));
    let gradC = tf.sub(tf.mean(ph0, 0), tf.mean(phk, 0));
    if (o.sparsity) {
      const penalty = sparsityGradients(o.sparsity, ph0, v0);
      gradW = tf.add(gradW, penalty.w);
      gradC = tf.add(gradC, penalty.c);
    }
    const reconstruction = visibleProbs(p, ph0);
    const err = tf.div(tf.sum(tf.square(tf.sub(v0, reconstruction))), n);
    momentumStep(o, vel.weights, gradW, p.weights);
    momentumStep(o, vel.visibleBias, gradB, p.visibleBias);
    momentumStep(o, vel.hiddenBias, gradC, p.hiddenBias);
    if (o.chain) o.chain.assign(vk);
    return [err as tf.Scalar, tf.mean(ph0) as tf.Scalar];
  });
  return readResult(error, meanHidden);
}

/** F(v) per example: −vᵀb − Σⱼ softplus(cⱼ + vᵀW·ⱼ). */
export function freeEnergy(p: RbmParams, v: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const visibleTerm = tf.sum(tf.mul(v, p.visibleBias), 1);
    const hiddenTerm = tf.sum(tf.softplus(tf.add(tf.matMul(v, p.weights), p.hiddenBias)), 1);
    return tf.neg(tf.add(visibleTerm, hiddenTerm)) as tf.Tensor1D;
  });
}

/**
 * The stochastic pseudo-log-likelihood per example, D · log σ(F(ṽ) − F(v)),
 * where ṽ flips bit `flip[i]` of example i. A fixed `flip` makes estimates
 * at different epochs comparable.
 */
export function pseudoLogLikelihood(p: RbmParams, v: tf.Tensor2D, flip: Int32Array): tf.Tensor1D {
  return tf.tidy(() => {
    const [n, d] = v.shape;
    const mask = tf.oneHot(tf.tensor1d(flip, 'int32'), d).cast('float32');
    const flipped = tf.add(v, tf.mul(mask, tf.sub(1, tf.mul(2, v)))) as tf.Tensor2D;
    const gap = tf.sub(freeEnergy(p, flipped), freeEnergy(p, v));
    if (n !== flip.length) throw new Error(`pseudoLogLikelihood: ${flip.length} flips for ${n} examples`);
    return tf.mul(d, tf.logSigmoid(gap)) as tf.Tensor1D;
  });
}

/** The mean squared reconstruction error per image of v through P(h | v): Σ(v − P(v | P(h | v)))². */
export function reconstructionError(p: RbmParams, v: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.square(tf.sub(v, visibleProbs(p, hiddenProbs(p, v)))), 1) as tf.Tensor1D);
}

/**
 * Samples of the model: `count` Gibbs chains from uniform random binary
 * images, `steps` alternating updates, returning the last visible
 * probabilities (the usual way to show them).
 */
export function gibbsSamples(p: RbmParams, count: number, steps: number, seed: number): tf.Tensor2D {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`gibbsSamples: steps must be a whole number ≥ 1, got ${steps}`);
  const d = p.visibleBias.shape[0]!;
  let v = tf.tidy(() => bernoulli(tf.fill([count, d], 0.5) as tf.Tensor2D, drawSeed(seed, 0)));
  let pv: tf.Tensor2D | undefined;
  for (let i = 0; i < steps; i++) {
    const next = tf.tidy(() => {
      const h = bernoulli(hiddenProbs(p, v), drawSeed(seed, 2 * i + 1));
      const probs = visibleProbs(p, h);
      return { probs, v: bernoulli(probs, drawSeed(seed, 2 * i + 2)) };
    });
    pv?.dispose();
    v.dispose();
    v = next.v;
    pv = next.probs;
  }
  v.dispose();
  return pv!;
}

export function disposeRbm(p: RbmParams | RbmVelocity): void {
  p.weights.dispose();
  p.visibleBias.dispose();
  p.hiddenBias.dispose();
}
