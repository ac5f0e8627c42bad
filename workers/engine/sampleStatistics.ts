/**
 * Small statistics the generative metrics quote their uncertainty with:
 * mean, standard deviations, percentiles (pure, float64, no tfjs).
 */

export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new Error('mean of no values');
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * Standard deviation with divisor n − ddof: ddof 0 is the population sd (what
 * the Inception-score reference code reports over its splits, np.std), ddof 1
 * the sample sd (for a standard error). 0 for fewer than ddof + 1 values.
 */
export function standardDeviation(values: readonly number[], ddof: 0 | 1): number {
  if (values.length <= ddof) return 0;
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return Math.sqrt(ss / (values.length - ddof));
}

/** The q-quantile (0 ≤ q ≤ 1) by linear interpolation between order statistics (NumPy's default, "type 7"). */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  if (!(q >= 0 && q <= 1)) throw new Error(`percentile: q must lie in [0, 1], got ${q}`);
  const sorted = [...values].sort((a, b) => a - b);
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}
