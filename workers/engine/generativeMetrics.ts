/**
 * Quality metrics for generative models, computed from a reference
 * classifier's outputs on samples (see referenceClassifier.ts). Pure math on
 * flat row-major arrays, float64 throughout; no tfjs.
 *
 * - modeCoverage: which classes the samples land in (argmax histogram) and the
 *   KL divergence of that class distribution from the data's.
 * - inceptionScore: exp(E_x KL(p(y|x) ‖ p(y))), Salimans et al. 2016, with the
 *   reference classifier in place of Inception (an "MNIST Inception-style
 *   score": between 1 and numClasses; real MNIST scores about 9.9 with a good
 *   classifier).
 * - frechetDistance: ‖μa − μb‖² + Tr(Σa + Σb − 2 (Σa Σb)^{1/2}) between
 *   Gaussians fitted to two feature sets (Heusel et al. 2017, on the reference
 *   classifier's penultimate-layer features rather than Inception's pool3).
 *   The value depends on the classifier, the feature layer and the sample
 *   sizes (it is biased upwards for small n): compare numbers only when all
 *   three match.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** Added inside logarithms so empty classes and zero probabilities stay finite. */
export const METRIC_EPSILON = 1e-12;

function checkRows(name: string, values: ArrayLike<number>, n: number, width: number): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name}: n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(width) || width < 1) throw new Error(`${name}: width must be a positive integer, got ${width}`);
  if (values.length < n * width) throw new Error(`${name}: expected ${n}×${width} = ${n * width} values, got ${values.length}`);
}

/** Index of the largest of `probs[row·c .. row·c + c)` (the first on ties). */
function argmaxRow(probs: ArrayLike<number>, row: number, c: number): number {
  let best = 0;
  let bestV = -Infinity;
  for (let k = 0; k < c; k++) {
    const v = probs[row * c + k]!;
    if (v > bestV) { bestV = v; best = k; }
  }
  return best;
}

export interface ModeCoverage {
  /** Samples whose most probable class is k, for each class k. */
  histogram: number[];
  /** Classes with at least `threshold` samples. */
  classesPresent: number;
  /** The count a class needs to be present: max(1, ceil(1 % of n)). */
  threshold: number;
  /** KL(sample class distribution ‖ data class distribution), in nats (≥ 0; ln numClasses for one class vs uniform data). */
  klToData: number;
}

/**
 * Mode coverage of `n` samples from their class probabilities (n × numClasses,
 * row-major). A sample's class is its argmax. A class counts as present when
 * at least max(1, ceil(0.01·n)) samples fall in it, so a handful of stray
 * misclassifications among many samples do not count as a covered mode.
 *
 * klToData = Σ_k q_k ln(q_k / p_k) with q the sample histogram normalised and
 * p `dataClassFreq` normalised (uniform when omitted; counts or frequencies
 * both work); p_k is floored at METRIC_EPSILON so a sample class absent from
 * the data gives a large finite value. 0 when n = 0.
 */
export function modeCoverage(probs: ArrayLike<number>, n: number, numClasses: number, dataClassFreq?: ArrayLike<number>): ModeCoverage {
  checkRows('modeCoverage', probs, n, numClasses);
  const histogram: number[] = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < n; i++) histogram[argmaxRow(probs, i, numClasses)]! += 1;
  const threshold = Math.max(1, Math.ceil(0.01 * n));
  const classesPresent = histogram.filter((h) => h >= threshold).length;
  let p: number[];
  if (dataClassFreq === undefined) {
    p = new Array<number>(numClasses).fill(1 / numClasses);
  } else {
    if (dataClassFreq.length !== numClasses) throw new Error(`modeCoverage: dataClassFreq has ${dataClassFreq.length} entries, expected ${numClasses}`);
    let total = 0;
    for (let k = 0; k < numClasses; k++) {
      const f = dataClassFreq[k]!;
      if (!(f >= 0) || !Number.isFinite(f)) throw new Error(`modeCoverage: dataClassFreq[${k}] = ${f} is not a finite non-negative number`);
      total += f;
    }
    if (total <= 0) throw new Error('modeCoverage: dataClassFreq sums to 0');
    p = Array.from({ length: numClasses }, (_, k) => dataClassFreq[k]! / total);
  }
  let klToData = 0;
  if (n > 0) {
    for (let k = 0; k < numClasses; k++) {
      const q = histogram[k]! / n;
      if (q > 0) klToData += q * Math.log(q / Math.max(p[k]!, METRIC_EPSILON));
    }
  }
  return { histogram, classesPresent, threshold, klToData: Math.max(0, klToData) };
}

/**
 * Inception-style score of each of `splits` consecutive, near-equal chunks of
 * the n samples: exp(mean_x Σ_y p(y|x) ln(p(y|x) / p(y))), p(y) the chunk's
 * mean prediction. Each value lies in [1, numClasses].
 */
export function inceptionScores(probs: ArrayLike<number>, n: number, numClasses: number, splits = 1): number[] {
  checkRows('inceptionScore', probs, n, numClasses);
  if (!Number.isInteger(splits) || splits < 1) throw new Error(`inceptionScore: splits must be a positive integer, got ${splits}`);
  if (n < splits) throw new Error(`inceptionScore: need at least one sample per split (${n} samples, ${splits} splits)`);
  const c = numClasses;
  const out: number[] = [];
  for (let s = 0; s < splits; s++) {
    const start = Math.floor((s * n) / splits);
    const end = Math.floor(((s + 1) * n) / splits);
    const m = end - start;
    const py = new Float64Array(c);
    for (let i = start; i < end; i++) for (let k = 0; k < c; k++) py[k] = py[k]! + probs[i * c + k]!;
    for (let k = 0; k < c; k++) py[k] = py[k]! / m;
    let klSum = 0;
    for (let i = start; i < end; i++) {
      for (let k = 0; k < c; k++) {
        const p = probs[i * c + k]!;
        if (p > 0) klSum += p * (Math.log(p + METRIC_EPSILON) - Math.log(py[k]! + METRIC_EPSILON));
      }
    }
    out.push(Math.exp(Math.max(0, klSum / m)));
  }
  return out;
}

/** Mean Inception-style score over `splits` chunks (see inceptionScores); 1 for a single confident class, numClasses at best. */
export function inceptionScore(probs: ArrayLike<number>, n: number, numClasses: number, splits = 1): number {
  const scores = inceptionScores(probs, n, numClasses, splits);
  return scores.reduce((a, b) => a + b, 0) / scores.length;
}

/** A Gaussian fitted to features: mean (dim) and unbiased covariance (dim × dim, row-major). */
export interface FeatureStats {
  n: number;
  dim: number;
  mean: Float64Array;
  covariance: Float64Array;
}

/** Mean and unbiased (n − 1) covariance of n rows of `dim` features, in float64. Needs n ≥ 2. */
export function featureStats(features: ArrayLike<number>, n: number, dim: number): FeatureStats {
  checkRows('featureStats', features, n, dim);
  if (n < 2) throw new Error(`featureStats: need at least 2 samples for a covariance, got ${n}`);
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] = mean[j]! + features[i * dim + j]!;
  for (let j = 0; j < dim; j++) mean[j] = mean[j]! / n;
  const cov = new Float64Array(dim * dim);
  const row = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) row[j] = features[i * dim + j]! - mean[j]!;
    // Upper triangle only; mirrored below.
    for (let a = 0; a < dim; a++) {
      const ra = row[a]!;
      if (ra === 0) continue;
      const base = a * dim;
      for (let b = a; b < dim; b++) cov[base + b] = cov[base + b]! + ra * row[b]!;
    }
  }
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const v = cov[a * dim + b]! / (n - 1);
      cov[a * dim + b] = v;
      cov[b * dim + a] = v;
    }
  }
  return { n, dim, mean, covariance: cov };
}

function toMatrix(values: Float64Array, dim: number): Matrix {
  const rows: number[][] = [];
  for (let i = 0; i < dim; i++) rows.push(Array.from(values.subarray(i * dim, (i + 1) * dim)));
  return new Matrix(rows);
}

/** (M + Mᵀ) / 2, to remove round-off asymmetry before a symmetric eigendecomposition. */
function symmetrize(m: Matrix): Matrix {
  return m.clone().add(m.transpose()).mul(0.5);
}

/** Symmetric eigendecomposition with eigenvalues clamped at 0 (covariances are PSD; tiny negatives are round-off). */
function psdEigen(m: Matrix): { values: number[]; vectors: Matrix } {
  const evd = new EigenvalueDecomposition(symmetrize(m), { assumeSymmetric: true });
  return { values: evd.realEigenvalues.map((v) => Math.max(0, v)), vectors: evd.eigenvectorMatrix };
}

/**
 * Tr((Σa Σb)^{1/2}) for PSD Σa, Σb: ΣaΣb is similar to the PSD matrix
 * Σa^{1/2} Σb Σa^{1/2}, so its square root's trace is the sum of that
 * matrix's eigenvalues' square roots (negative round-off clamped to 0).
 */
export function traceSqrtProduct(covA: Float64Array, covB: Float64Array, dim: number): number {
  const a = psdEigen(toMatrix(covA, dim));
  const v = a.vectors;
  // Σa^{1/2} = V diag(√λ) Vᵀ
  const scaled = v.clone();
  for (let j = 0; j < dim; j++) {
    const s = Math.sqrt(a.values[j]!);
    for (let i = 0; i < dim; i++) scaled.set(i, j, v.get(i, j) * s);
  }
  const sqrtA = scaled.mmul(v.transpose());
  const inner = sqrtA.mmul(toMatrix(covB, dim)).mmul(sqrtA);
  const { values } = psdEigen(inner);
  let tr = 0;
  for (const x of values) tr += Math.sqrt(x);
  return tr;
}

/** Fréchet distance between two fitted Gaussians (see frechetDistance). */
export function frechetDistanceFromStats(a: FeatureStats, b: FeatureStats): number {
  if (a.dim !== b.dim) throw new Error(`frechetDistance: feature dimensions differ (${a.dim} vs ${b.dim})`);
  const d = a.dim;
  let meanTerm = 0;
  for (let j = 0; j < d; j++) {
    const diff = a.mean[j]! - b.mean[j]!;
    meanTerm += diff * diff;
  }
  let traceA = 0;
  let traceB = 0;
  for (let j = 0; j < d; j++) {
    traceA += a.covariance[j * d + j]!;
    traceB += b.covariance[j * d + j]!;
  }
  const value = meanTerm + traceA + traceB - 2 * traceSqrtProduct(a.covariance, b.covariance, d);
  // Exact value is ≥ 0; round-off can push an identical pair slightly below.
  return Math.max(0, value);
}

/**
 * Fréchet distance between Gaussians fitted to `featuresA` (nA × dim) and
 * `featuresB` (nB × dim): ‖μa − μb‖² + Tr(Σa + Σb − 2 (Σa Σb)^{1/2}), with
 * unbiased covariances and the matrix square root via symmetric
 * eigendecompositions (see traceSqrtProduct), float64 throughout. To compare
 * many sample sets with one real set, fit the real set once with
 * featureStats and call frechetDistanceFromStats.
 */
export function frechetDistance(featuresA: ArrayLike<number>, nA: number, featuresB: ArrayLike<number>, nB: number, dim: number): number {
  return frechetDistanceFromStats(featureStats(featuresA, nA, dim), featureStats(featuresB, nB, dim));
}

/** The Inception-style score as researchers quote it: mean ± sd over splits. */
export interface InceptionScoreStats {
  mean: number;
  /** Population sd (divisor = splits) of the split scores, as the reference implementation (Salimans et al. 2016) reports it. */
  sd: number;
  splits: number;
}

/** Inception-style score over `splits` (default 10) consecutive chunks: their mean and population sd. */
export function inceptionScoreStats(probs: ArrayLike<number>, n: number, numClasses: number, splits = 10): InceptionScoreStats {
  const scores = inceptionScores(probs, n, numClasses, splits);
  const m = scores.reduce((a, b) => a + b, 0) / scores.length;
  const sd = Math.sqrt(scores.reduce((a, s) => a + (s - m) * (s - m), 0) / scores.length);
  return { mean: m, sd, splits };
}

export interface ConfidentCoverage {
  /** Samples whose top class probability is ≥ confidenceThreshold, per top class. */
  histogram: number[];
  /** Samples counted (top probability ≥ confidenceThreshold). */
  confident: number;
  confidenceThreshold: number;
  /** The confident count each class needs to be present. */
  thresholds: number[];
  classesPresent: number;
}

/**
 * Mode coverage counting only confidently classified samples: a sample
 * counts for its top class when that class's probability is ≥
 * `confidenceThreshold`, so the blurry, ambiguous samples of an untrained
 * generator do not fill classes by their argmax alone.
 *
 * A class is present when its confident count is at least HALF the count a
 * generator matching the data would give it: ≥ max(1, ceil(½ · n · p_k)),
 * p_k the data's frequency of class k (uniform without `dataClassFreq`; for
 * balanced data this is half a uniform generator's n / numClasses). Why:
 * a fixed 1 % rule calls a class "covered" at a tenth of its share (MNIST's
 * classes are ~10 % each), whereas half the expected count tolerates
 * sampling noise and the classifier's doubt about real images of the class
 * (a 2-epoch classifier is confident on most of them) while a mode the
 * generator has mostly dropped does not count. Real test images, scored the
 * same way, show what the rule gives real data.
 */
export function confidentCoverage(probs: ArrayLike<number>, n: number, numClasses: number, confidenceThreshold: number, dataClassFreq?: ArrayLike<number>): ConfidentCoverage {
  checkRows('confidentCoverage', probs, n, numClasses);
  if (!(confidenceThreshold > 0 && confidenceThreshold <= 1)) throw new Error(`confidentCoverage: confidenceThreshold must lie in (0, 1], got ${confidenceThreshold}`);
  if (dataClassFreq !== undefined && dataClassFreq.length !== numClasses) throw new Error(`confidentCoverage: dataClassFreq has ${dataClassFreq.length} entries, expected ${numClasses}`);
  const histogram: number[] = new Array<number>(numClasses).fill(0);
  let confident = 0;
  for (let i = 0; i < n; i++) {
    const k = argmaxRow(probs, i, numClasses);
    if (probs[i * numClasses + k]! >= confidenceThreshold) { histogram[k]! += 1; confident++; }
  }
  let total = 0;
  for (let k = 0; k < numClasses; k++) total += dataClassFreq ? dataClassFreq[k]! : 1;
  // (the 1e-9 below keeps round-off from lifting an exact ½·n·p_k to the next integer)
  if (!(total > 0)) throw new Error('confidentCoverage: dataClassFreq sums to 0');
  const thresholds = Array.from({ length: numClasses }, (_, k) => Math.max(1, Math.ceil((0.5 * n * (dataClassFreq ? dataClassFreq[k]! : 1)) / total - 1e-9)));
  const classesPresent = histogram.filter((h, k) => h >= thresholds[k]!).length;
  return { histogram, confident, confidenceThreshold, thresholds, classesPresent };
}
