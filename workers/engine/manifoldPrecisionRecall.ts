/**
 * Precision and recall of a generated distribution (Kynkäänniemi et al.
 * 2019, "Improved precision and recall metric for assessing generative
 * models"): each set's manifold is the union of balls around its points, a
 * point's radius the distance to its k-th nearest neighbour in its own set
 * (k = 3 by default, the paper's). Precision is the share of generated
 * points inside the real manifold (are samples realistic?), recall the share
 * of real points inside the generated manifold (is the data's variety
 * covered?). Euclidean distances in float64 loops; cost ≈ (nR + nG)² · d.
 */

export interface PrecisionRecall {
  precision: number;
  recall: number;
  k: number;
  nReal: number;
  nFake: number;
}

function squaredDistance(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number, d: number): number {
  let s = 0;
  const ia = i * d;
  const jb = j * d;
  for (let t = 0; t < d; t++) {
    const diff = a[ia + t]! - b[jb + t]!;
    s += diff * diff;
  }
  return s;
}

/** Insert `v` into the ascending top-k list of row `row` (k smallest kept). */
function insertSmallest(best: Float64Array, row: number, k: number, v: number): void {
  const base = row * k;
  if (v >= best[base + k - 1]!) return;
  let p = k - 1;
  while (p > 0 && best[base + p - 1]! > v) {
    best[base + p] = best[base + p - 1]!;
    p--;
  }
  best[base + p] = v;
}

/** Squared distance from each of n rows to its k-th nearest other row of the same set (each pair computed once). */
export function kthNeighbourRadii2(x: ArrayLike<number>, n: number, d: number, k: number): Float64Array {
  if (n <= k) throw new Error(`k-NN radii: need more than k = ${k} points, got ${n}`);
  const best = new Float64Array(n * k).fill(Infinity);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = squaredDistance(x, i, x, j, d);
      insertSmallest(best, i, k, v);
      insertSmallest(best, j, k, v);
    }
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = best[i * k + k - 1]!;
  return out;
}

/** Share of the rows of `q` within some ball of `manifold` (radius² `radii2`). */
function coveredShare(q: ArrayLike<number>, nq: number, manifold: ArrayLike<number>, radii2: Float64Array, d: number): number {
  let inside = 0;
  for (let i = 0; i < nq; i++) {
    for (let j = 0; j < radii2.length; j++) {
      if (squaredDistance(q, i, manifold, j, d) <= radii2[j]!) { inside++; break; }
    }
  }
  return nq > 0 ? inside / nq : 0;
}

/** Improved precision and recall of `fake` (nFake × dim) against `real` (nReal × dim), k-NN radii with k = 3 unless given. */
export function manifoldPrecisionRecall(real: ArrayLike<number>, nReal: number, fake: ArrayLike<number>, nFake: number, dim: number, k = 3): PrecisionRecall {
  if (!Number.isInteger(k) || k < 1) throw new Error(`precision/recall: k must be a positive integer, got ${k}`);
  if (real.length < nReal * dim || fake.length < nFake * dim) throw new Error(`precision/recall: expected ${nReal}×${dim} and ${nFake}×${dim} values`);
  const realRadii = kthNeighbourRadii2(real, nReal, dim, k);
  const fakeRadii = kthNeighbourRadii2(fake, nFake, dim, k);
  return {
    precision: coveredShare(fake, nFake, real, realRadii, dim),
    recall: coveredShare(real, nReal, fake, fakeRadii, dim),
    k, nReal, nFake,
  };
}
