/**
 * A bootstrap interval for the Fréchet distance: both feature sets are
 * resampled with replacement (each to its own size) `resamples` times from a
 * seeded generator, the distance recomputed each time, and the 2.5 % and
 * 97.5 % percentiles of those distances reported next to the point estimate
 * on the full sets. The interval shows how much the number moves with the
 * particular samples drawn; note FD is biased upwards at small n and
 * resampling with replacement (duplicate rows) adds to that bias, so the
 * interval can sit above the point estimate.
 */
import { featureStats, frechetDistanceFromStats, type FeatureStats } from './generativeMetrics';
import { mulberry32 } from './prng';
import { percentile } from './sampleStatistics';

export interface FrechetInterval {
  /** FD on the full sets. */
  value: number;
  /** 2.5 % and 97.5 % percentiles of the bootstrap distances. */
  lo: number;
  hi: number;
  resamples: number;
}

function resampleRows(features: ArrayLike<number>, n: number, dim: number, rnd: () => number): Float64Array {
  const out = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    const src = Math.floor(rnd() * n) * dim;
    for (let t = 0; t < dim; t++) out[i * dim + t] = features[src + t]!;
  }
  return out;
}

/**
 * FD of `featuresA` (nA × dim) against `featuresB` (nB × dim) with its
 * bootstrap percentile interval over `resamples` (default 50) resamplings of
 * both sets. `statsB` skips refitting B for the point estimate.
 */
export function frechetWithInterval(
  featuresA: ArrayLike<number>, nA: number, featuresB: ArrayLike<number>, nB: number, dim: number,
  o: { resamples?: number; seed: number; statsB?: FeatureStats },
): FrechetInterval {
  const resamples = o.resamples ?? 50;
  if (!Number.isInteger(resamples) || resamples < 2) throw new Error(`Fréchet bootstrap: resamples must be an integer ≥ 2, got ${resamples}`);
  const value = frechetDistanceFromStats(featureStats(featuresA, nA, dim), o.statsB ?? featureStats(featuresB, nB, dim));
  const rnd = mulberry32(o.seed);
  const draws: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const a = featureStats(resampleRows(featuresA, nA, dim, rnd), nA, dim);
    const b = featureStats(resampleRows(featuresB, nB, dim, rnd), nB, dim);
    draws.push(frechetDistanceFromStats(a, b));
  }
  return { value, lo: percentile(draws, 0.025), hi: percentile(draws, 0.975), resamples };
}
