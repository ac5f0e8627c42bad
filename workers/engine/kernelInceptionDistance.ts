/**
 * Kernel Inception Distance (Bińkowski et al. 2018, "Demystifying MMD GANs"):
 * the unbiased estimate of the squared maximum mean discrepancy between two
 * feature sets with the cubic polynomial kernel k(x, y) = (xᵀy / d + 1)³.
 * Unlike the Fréchet distance its estimator is unbiased, so small sample
 * sizes do not inflate it and a real-vs-real comparison scores ≈ 0 (it can
 * be slightly negative).
 *
 * The sets are cut into `subsets` disjoint consecutive chunks (chunk i of A
 * against chunk i of B); KID is the mean of the chunks' estimates and its
 * standard error their sample sd / √subsets (the chunks are independent).
 * At 10 subsets, 1,000 samples give chunks of 100 and 10,000 give chunks of
 * 1,000 (the paper's subset size). Plain float64 loops: at these sizes the
 * kernel sums cost subsets·m²·d multiply-adds.
 */
import { mean, standardDeviation } from './sampleStatistics';

export interface KernelDistance {
  /** Mean unbiased MMD² over the subsets. */
  kid: number;
  /** Its standard error: sample sd of the subsets' estimates / √subsets. */
  se: number;
  subsets: number;
  /** Rows of A and of B per subset. */
  subsetSizeA: number;
  subsetSizeB: number;
}

function dot(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number, d: number): number {
  let s = 0;
  const ia = i * d;
  const jb = j * d;
  for (let t = 0; t < d; t++) s += a[ia + t]! * b[jb + t]!;
  return s;
}

const cubic = (xy: number, d: number): number => {
  const v = xy / d + 1;
  return v * v * v;
};

/** Σ_{i≠j} k(x_i, x_j) over rows [start, start + m) of one set. */
function withinSum(x: ArrayLike<number>, start: number, m: number, d: number): number {
  let s = 0;
  for (let i = start; i < start + m; i++) for (let j = i + 1; j < start + m; j++) s += cubic(dot(x, i, x, j, d), d);
  return 2 * s;
}

/**
 * Unbiased MMD² between rows [a0, a0 + mA) of `a` and [b0, b0 + mB) of `b`:
 * Σ_{i≠j} k(a_i,a_j)/(mA(mA−1)) + Σ_{i≠j} k(b_i,b_j)/(mB(mB−1)) − 2 Σ k(a_i,b_j)/(mA·mB).
 */
export function unbiasedMmd2(a: ArrayLike<number>, a0: number, mA: number, b: ArrayLike<number>, b0: number, mB: number, d: number): number {
  if (mA < 2 || mB < 2) throw new Error(`unbiasedMmd2: each set needs at least 2 rows (got ${mA} and ${mB})`);
  let cross = 0;
  for (let i = a0; i < a0 + mA; i++) for (let j = b0; j < b0 + mB; j++) cross += cubic(dot(a, i, b, j, d), d);
  return withinSum(a, a0, mA, d) / (mA * (mA - 1)) + withinSum(b, b0, mB, d) / (mB * (mB - 1)) - (2 * cross) / (mA * mB);
}

/** KID of `featuresA` (nA × dim) against `featuresB` (nB × dim), averaged over `subsets` disjoint chunks (default 10). */
export function kernelInceptionDistance(featuresA: ArrayLike<number>, nA: number, featuresB: ArrayLike<number>, nB: number, dim: number, subsets = 10): KernelDistance {
  if (!Number.isInteger(subsets) || subsets < 1) throw new Error(`kernelInceptionDistance: subsets must be a positive integer, got ${subsets}`);
  if (featuresA.length < nA * dim || featuresB.length < nB * dim) throw new Error(`kernelInceptionDistance: expected ${nA}×${dim} and ${nB}×${dim} values`);
  const mA = Math.floor(nA / subsets);
  const mB = Math.floor(nB / subsets);
  if (mA < 2 || mB < 2) throw new Error(`kernelInceptionDistance: ${subsets} subsets need at least ${2 * subsets} samples in each set (got ${nA} and ${nB})`);
  const estimates: number[] = [];
  for (let s = 0; s < subsets; s++) estimates.push(unbiasedMmd2(featuresA, s * mA, mA, featuresB, s * mB, mB, dim));
  return { kid: mean(estimates), se: standardDeviation(estimates, 1) / Math.sqrt(subsets), subsets, subsetSizeA: mA, subsetSizeB: mB };
}
