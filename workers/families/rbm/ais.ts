/**
 * Annealed importance sampling of a Bernoulli RBM's log partition function
 * (Salakhutdinov & Murray 2008, "On the quantitative analysis of deep belief
 * networks"; Neal 2001).
 *
 * Base model A: the visible biases b_A (the data's base rates: log-odds of the
 * training pixels' means) and H hidden units with zero weights and biases, so
 * p_A(v) = Πᵢ σ(±b_Aᵢ) is sampled exactly and log Z_A = H log 2 + Σᵢ softplus(b_Aᵢ).
 * The k-th intermediate distribution, for 0 = β₀ < β₁ < … < β_K = 1, is
 *
 *   p*_k(v) = exp((1 − β_k) vᵀb_A + β_k vᵀb) · Πⱼ (1 + exp(β_k xⱼ)),  x = c + vᵀW,
 *
 * and each transition is one Gibbs sweep that leaves p_k invariant:
 * h ~ σ(β_k x), v ~ σ((1 − β_k) b_A + β_k (b + W h)). A run's log importance
 * weight sums log p*_k(v_k) − log p*_{k−1}(v_k) over k; each term is computed
 * as (β_k − β_{k−1}) vᵀ(b − b_A) + Σⱼ log1p(σ(β_{k−1} xⱼ) · expm1((β_k − β_{k−1}) xⱼ)),
 * which has no cancellation between two large float32 numbers (the steps near
 * β = 1 are 10⁻⁵ wide). The terms are summed on the backend over blocks of
 * steps and the blocks added in JS float64.
 *
 * log Ẑ = log Z_A + log mean(w). Its standard error is the delta method's,
 * sd(w) / (√M · mean(w)); the paper's ± 3 sd bounds log(mean(w) ± 3 sd(w)/√M)
 * are given too. Ẑ is unbiased, so log Ẑ is biased low (Jensen): an AIS
 * log-likelihood errs, if anything, optimistic — heavy-tailed weights (a low
 * effective sample size) mean more steps are needed, not that the error is small.
 */
import * as tf from '@tensorflow/tfjs';
import { bernoulli, type RbmParams } from './rbm';

export interface AisOptions {
  /** M: independent annealing runs. */
  runs: number;
  /** K: intermediate distributions (transitions + 1), spread by betaSchedule. */
  steps: number;
  seed: number;
  /** The base model's visible biases b_A (zeros when absent: a uniform base). */
  baseVisibleBias?: Float32Array;
}

export interface AisEstimate {
  logZ: number;
  /** Delta-method standard error of logZ. */
  se: number;
  /** log(mean(w) − 3 sd(w)/√M) + log Z_A: −Infinity when that is ≤ 0. */
  logZLow3sd: number;
  /** log(mean(w) + 3 sd(w)/√M) + log Z_A. */
  logZHigh3sd: number;
  /** The base model's exact log partition function. */
  logZBase: number;
  /** (Σw)² / Σw²: how many of the M runs the estimate effectively rests on. */
  effectiveSampleSize: number;
  runs: number;
  steps: number;
}

/**
 * K + 1 inverse temperatures from 0 to 1, spread as Salakhutdinov & Murray
 * (2008): a fifteenth of the steps uniform on [0, 0.5], four fifteenths on
 * [0.5, 0.9] and ten fifteenths on [0.9, 1] (1,000 / 4,000 / 10,000 for K = 15,000).
 */
export function betaSchedule(steps: number): Float64Array {
  if (!Number.isInteger(steps) || steps < 3) throw new Error(`betaSchedule: steps must be a whole number ≥ 3, got ${steps}`);
  const n1 = Math.max(1, Math.round(steps / 15));
  const n2 = Math.max(1, Math.round((4 * steps) / 15));
  const n3 = steps - n1 - n2;
  const betas = new Float64Array(steps + 1);
  let i = 0;
  const segment = (from: number, to: number, n: number): void => {
    for (let s = 0; s < n; s++) betas[i++] = from + ((to - from) * s) / n;
  };
  segment(0, 0.5, n1);
  segment(0.5, 0.9, n2);
  segment(0.9, 1, n3);
  betas[steps] = 1;
  return betas;
}

/** Seeds of the k-th transition's two draws. */
const stepSeed = (seed: number, k: number, layer: number): number => (seed + 0x9e3779b1 * (2 * k + layer + 1)) >>> 0;

/** Steps whose log-weight terms are summed on the backend (float32) before joining the float64 total. */
const BLOCK = 64;

/** Summary of M log weights: log mean(w), its delta-method se, the ± 3 sd bounds, the effective sample size. */
export function summariseLogWeights(logW: Float64Array, logZBase: number): Omit<AisEstimate, 'runs' | 'steps' | 'logZBase'> {
  const m = logW.length;
  const max = Math.max(...logW);
  const w = Array.from(logW, (x) => Math.exp(x - max));
  const mean = w.reduce((a, b) => a + b, 0) / m;
  const variance = m > 1 ? w.reduce((a, b) => a + (b - mean) ** 2, 0) / (m - 1) : 0;
  const sdMean = Math.sqrt(variance / m);
  const base = logZBase + max;
  const low = mean - 3 * sdMean;
  return {
    logZ: base + Math.log(mean),
    se: sdMean / mean,
    logZLow3sd: low > 0 ? base + Math.log(low) : -Infinity,
    logZHigh3sd: base + Math.log(mean + 3 * sdMean),
    effectiveSampleSize: (mean * m) ** 2 / w.reduce((a, b) => a + b * b, 0),
  };
}

/** log Z_A of the base model: H log 2 + Σᵢ softplus(b_Aᵢ), in float64. */
function baseLogPartition(bA: Float32Array, hidden: number): number {
  let s = hidden * Math.LN2;
  for (const b of bA) s += b > 0 ? b + Math.log1p(Math.exp(-b)) : Math.log1p(Math.exp(b));
  return s;
}

/** AIS estimate of log Z of the RBM `p` (see the module's comment). */
export function aisLogPartition(p: RbmParams, o: AisOptions): AisEstimate {
  if (!Number.isInteger(o.runs) || o.runs < 2) throw new Error(`AIS needs at least 2 runs for its standard error, got ${o.runs}`);
  const [visible, hidden] = p.weights.shape as [number, number];
  const bA = o.baseVisibleBias ?? new Float32Array(visible);
  if (bA.length !== visible) throw new Error(`AIS: the base model has ${bA.length} visible biases for ${visible} visible units`);
  const betas = betaSchedule(o.steps);
  const baseBias = tf.tensor1d(bA);
  const biasGap = tf.sub(p.visibleBias, baseBias);
  let v = tf.tidy(() => bernoulli(tf.sigmoid(tf.tile(tf.reshape(baseBias, [1, visible]), [o.runs, 1])) as tf.Tensor2D, stepSeed(o.seed, 0, 0)));
  const logW = new Float64Array(o.runs);
  try {
    for (let start = 1; start <= o.steps; start += BLOCK) {
      const end = Math.min(start + BLOCK, o.steps + 1);
      let acc = tf.zeros([o.runs]);
      for (let k = start; k < end; k++) {
        const next = tf.tidy(() => {
          const x = tf.add(tf.matMul(v, p.weights), p.hiddenBias);
          const db = betas[k]! - betas[k - 1]!;
          const term = tf.add(
            tf.mul(db, tf.sum(tf.mul(v, biasGap), 1)),
            tf.sum(tf.log1p(tf.mul(tf.sigmoid(tf.mul(betas[k - 1]!, x)), tf.expm1(tf.mul(db, x)))), 1),
          );
          const sum = tf.add(acc, term);
          if (k === o.steps) return { sum, v: tf.clone(v) };
          const b = betas[k]!;
          const h = bernoulli(tf.sigmoid(tf.mul(b, x)) as tf.Tensor2D, stepSeed(o.seed, k, 0));
          const field = tf.add(tf.mul(1 - b, baseBias), tf.mul(b, tf.add(tf.matMul(h, p.weights, false, true), p.visibleBias)));
          return { sum, v: bernoulli(tf.sigmoid(field) as tf.Tensor2D, stepSeed(o.seed, k, 1)) };
        });
        acc.dispose();
        v.dispose();
        acc = next.sum;
        v = next.v;
      }
      const block = acc.dataSync();
      acc.dispose();
      for (let r = 0; r < o.runs; r++) logW[r]! += block[r]!;
    }
  } finally {
    tf.dispose([v, baseBias, biasGap]);
  }
  const logZBase = baseLogPartition(bA, hidden);
  return { ...summariseLogWeights(logW, logZBase), logZBase, runs: o.runs, steps: o.steps };
}
