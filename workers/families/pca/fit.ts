/**
 * Principal component analysis by eigendecomposition of the sample covariance.
 *
 * The covariance C = Xcᵀ Xc / (n − 1) of the centred data Xc (n × d) is
 * accumulated with tf matMul over row chunks (the data never becomes one
 * tensor), then decomposed with ml-matrix's symmetric EigenvalueDecomposition.
 * This is the SVD of the centred data: with Xc = U S Vᵀ, C = V S² Vᵀ / (n − 1),
 * so the eigenvectors are V's columns (the right singular vectors) and the
 * eigenvalues are s² / (n − 1). Reconstructing from the top k components
 * leaves a mean squared error per example (summed over features) of
 * Σ_{j>k} λ_j · (n − 1) / n on the training data.
 */
import * as tf from '@tensorflow/tfjs';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

export interface PcaModel {
  /** Examples the model was fitted on. */
  n: number;
  /** Features per example. */
  d: number;
  /** Components kept. */
  k: number;
  /** Per-feature mean (d). */
  mean: Float64Array;
  /** The top k eigenvectors, row-major k × d (row j is component j, unit length). */
  components: Float64Array;
  /** All d eigenvalues of the covariance, in descending order (variances along each axis). */
  eigenvalues: Float64Array;
}

const CHUNK_ROWS = 2048;

function featureMean(data: Float32Array, n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) mean[j]! += data[o + j]!;
  }
  for (let j = 0; j < d; j++) mean[j]! /= n;
  return mean;
}

/** Sample covariance (d × d, row-major, float64) of the first n rows of `data`, via tf matMul. */
export async function covariance(data: Float32Array, n: number, d: number, mean: Float64Array): Promise<Float64Array> {
  const mu = tf.tensor2d(Float32Array.from(mean), [1, d]);
  let acc: tf.Tensor2D = tf.zeros([d, d]);
  try {
    for (let start = 0; start < n; start += CHUNK_ROWS) {
      const rows = Math.min(CHUNK_ROWS, n - start);
      const next = tf.tidy(() => {
        const xc = tf.sub(tf.tensor2d(data.subarray(start * d, (start + rows) * d), [rows, d]), mu);
        // An explicit transpose: wasm's matMul with transposeA is ~10× slower than transpose + matMul.
        return tf.add(acc, tf.matMul(tf.transpose(xc), xc)) as tf.Tensor2D;
      });
      acc.dispose();
      acc = next;
    }
    const sums = await acc.data();
    const out = new Float64Array(d * d);
    for (let i = 0; i < d * d; i++) out[i] = sums[i]! / (n - 1);
    // Symmetrise exactly (float32 sums can differ in the last bit).
    for (let i = 0; i < d; i++) {
      for (let j = i + 1; j < d; j++) {
        const v = (out[i * d + j]! + out[j * d + i]!) / 2;
        out[i * d + j] = v;
        out[j * d + i] = v;
      }
    }
    return out;
  } finally {
    tf.dispose([mu, acc]);
  }
}

/** Eigenvalues (descending) and the matching unit eigenvectors (row-major, one per row) of a symmetric matrix. */
export function symmetricEigen(cov: Float64Array, d: number, k: number): { eigenvalues: Float64Array; vectors: Float64Array } {
  const rows: number[][] = [];
  for (let i = 0; i < d; i++) rows.push(Array.from(cov.subarray(i * d, (i + 1) * d)));
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const order = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]!);
  const eigenvalues = Float64Array.from(order, (i) => values[i]!);
  const vecs = evd.eigenvectorMatrix;
  const vectors = new Float64Array(k * d);
  for (let j = 0; j < k; j++) {
    const col = order[j]!;
    // A fixed sign (largest-magnitude entry positive) so the components are reproducible.
    let big = 0;
    for (let r = 0; r < d; r++) if (Math.abs(vecs.get(r, col)) > Math.abs(big)) big = vecs.get(r, col);
    const sign = big < 0 ? -1 : 1;
    for (let r = 0; r < d; r++) vectors[j * d + r] = sign * vecs.get(r, col);
  }
  return { eigenvalues, vectors };
}

/**
 * symmetricEigen of a covariance, skipping features that never vary (MNIST's
 * border pixels): their rows and columns are exactly zero, so each is an
 * eigenvector of eigenvalue 0 by itself, and the dense decomposition (O(d³))
 * only needs the others.
 */
export function covarianceEigen(cov: Float64Array, d: number, k: number): { eigenvalues: Float64Array; vectors: Float64Array } {
  const active: number[] = [];
  const constant: number[] = [];
  for (let j = 0; j < d; j++) (cov[j * d + j]! > 0 ? active : constant).push(j);
  const m = active.length;
  const sub = new Float64Array(m * m);
  active.forEach((r, i) => active.forEach((c, j) => { sub[i * m + j] = cov[r * d + c]!; }));
  const kActive = Math.min(k, m);
  const part = m > 0 ? symmetricEigen(sub, m, kActive) : { eigenvalues: new Float64Array(0), vectors: new Float64Array(0) };
  const eigenvalues = new Float64Array(d);
  eigenvalues.set(part.eigenvalues);
  // The constant features' zeros sort above the (round-off) negative eigenvalues of the others.
  eigenvalues.sort((a, b) => b - a);
  const vectors = new Float64Array(k * d);
  for (let j = 0; j < kActive; j++) active.forEach((r, i) => { vectors[j * d + r] = part.vectors[j * m + i]!; });
  for (let j = kActive; j < k; j++) vectors[j * d + constant[j - kActive]!] = 1;
  return { eigenvalues, vectors };
}

/** Fit PCA with k components on the first n rows (d features each) of `data`. */
export async function fitPca(data: Float32Array, n: number, d: number, k: number): Promise<PcaModel> {
  if (n < 2) throw new Error(`PCA needs at least 2 examples, got ${n}`);
  if (k > d) throw new Error(`PCA cannot keep ${k} components of ${d}-dimensional data: choose at most ${d}`);
  const mean = featureMean(data, n, d);
  const cov = await covariance(data, n, d, mean);
  const { eigenvalues, vectors } = covarianceEigen(cov, d, k);
  return { n, d, k, mean, components: vectors, eigenvalues };
}

/** Fraction of the total variance the kept components explain. */
export function explainedVariance(model: PcaModel): number {
  let kept = 0;
  let total = 0;
  model.eigenvalues.forEach((v, j) => { total += v; if (j < model.k) kept += v; });
  return total > 0 ? kept / total : 0;
}

/** Σ_{j>k} λ_j · (n − 1)/n: the training-set reconstruction error per example the eigenvalues predict. */
export function predictedTrainError(model: PcaModel): number {
  let discarded = 0;
  for (let j = model.k; j < model.d; j++) discarded += model.eigenvalues[j]!;
  return (discarded * (model.n - 1)) / model.n;
}

/** The model's mean (1 × d), components as columns (basis, d × k) and as rows (rows, k × d); caller disposes. */
export function pcaTensors(model: PcaModel): { mean: tf.Tensor2D; basis: tf.Tensor2D; rows: tf.Tensor2D } {
  return tf.tidy(() => {
    const rows = tf.tensor2d(Float32Array.from(model.components), [model.k, model.d]);
    return { mean: tf.tensor2d(Float32Array.from(model.mean), [1, model.d]), basis: tf.transpose(rows) as tf.Tensor2D, rows };
  });
}

/** Codes (count × k) of `count` examples. */
export async function projectPca(model: PcaModel, data: Float32Array, count: number): Promise<Float32Array> {
  const { mean, basis, rows: basisRows } = pcaTensors(model);
  const out = new Float32Array(count * model.k);
  try {
    for (let start = 0; start < count; start += CHUNK_ROWS) {
      const rows = Math.min(CHUNK_ROWS, count - start);
      const z = tf.tidy(() => tf.matMul(tf.sub(tf.tensor2d(data.subarray(start * model.d, (start + rows) * model.d), [rows, model.d]), mean), basis));
      out.set(await z.data(), start * model.k);
      z.dispose();
    }
    return out;
  } finally {
    tf.dispose([mean, basis, basisRows]);
  }
}

export interface PcaReconstruction {
  /** Mean over the examples of the per-example sum of squared errors. */
  meanSse: number;
  /** Reconstructions of the examples listed in `keep`, concatenated (keep.length × d). */
  kept: Float32Array;
}

/** Reconstruct `count` examples from their top-k codes; the mean per-example SSE and the chosen reconstructions. */
export async function reconstructPca(model: PcaModel, data: Float32Array, count: number, keep: readonly number[] = []): Promise<PcaReconstruction> {
  const { mean, basis, rows: basisRows } = pcaTensors(model);
  const d = model.d;
  const kept = new Float32Array(keep.length * d);
  let sse = 0;
  try {
    for (let start = 0; start < count; start += CHUNK_ROWS) {
      const rows = Math.min(CHUNK_ROWS, count - start);
      const [recon, err] = tf.tidy(() => {
        const x = tf.tensor2d(data.subarray(start * d, (start + rows) * d), [rows, d]);
        const z = tf.matMul(tf.sub(x, mean), basis);
        const r = tf.add(tf.matMul(z, basisRows), mean);
        return [r, tf.sum(tf.square(tf.sub(r, x)), 1)];
      });
      const wanted = keep.map((i, slot) => [i - start, slot] as const).filter(([i]) => i >= 0 && i < rows);
      if (wanted.length > 0) {
        const values = await recon!.data();
        for (const [i, slot] of wanted) kept.set(values.subarray(i * d, (i + 1) * d), slot * d);
      }
      // Per-example sums from tf, their total in float64: one float32 sum over millions of terms loses ~1e-3.
      for (const v of await err!.data()) sse += v;
      tf.dispose([recon!, err!]);
    }
    return { meanSse: count > 0 ? sse / count : NaN, kept };
  } finally {
    tf.dispose([mean, basis, basisRows]);
  }
}
