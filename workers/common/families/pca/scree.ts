/**
 * The scree curve of a PCA fit: each component's share of the training
 * variance and the running total (the share the first n components keep),
 * from the covariance's eigenvalues in descending order. Tiny negative
 * eigenvalues (round-off of a rank-deficient covariance) count as 0.
 *
 * Pure: imports nothing from node, electron, the DOM, tfjs or the engine.
 */

export interface ScreeCurve {
  /** share[j]: component j+1's fraction of the total variance. */
  share: number[];
  /** cumulative[j]: the fraction the first j+1 components explain together. */
  cumulative: number[];
}

/** The first `limit` points of the curve (all when there are fewer eigenvalues); empty when the total variance is 0. */
export function screeCurve(eigenvalues: ArrayLike<number>, limit: number): ScreeCurve {
  let total = 0;
  for (let j = 0; j < eigenvalues.length; j++) total += Math.max(0, eigenvalues[j]!);
  const share: number[] = [];
  const cumulative: number[] = [];
  if (!(total > 0)) return { share, cumulative };
  let sum = 0;
  const n = Math.min(limit, eigenvalues.length);
  for (let j = 0; j < n; j++) {
    const s = Math.max(0, eigenvalues[j]!) / total;
    sum += s;
    share.push(s);
    cumulative.push(Math.min(1, sum));
  }
  return { share, cumulative };
}
