/**
 * The scores of one set of generated samples against the real images, from
 * the reference classifier's outputs (probabilities and penultimate
 * features), each with its uncertainty (see engine/generativeMetrics.ts,
 * frechetBootstrap.ts, kernelInceptionDistance.ts, manifoldPrecisionRecall.ts):
 *
 * - classes_present: classes holding at least half their data-expected share
 *   of CONFIDENTLY classified samples (top probability ≥ confidenceThreshold);
 *   confident_share: the share of samples that confident;
 * - class_kl: KL of the samples' argmax class histogram to the data's;
 * - inception_score ± inception_score_sd: mean and sd over 10 splits;
 * - frechet_distance with frechet_distance_lo / _hi: the 2.5–97.5 % bootstrap
 *   percentiles (50 resamplings of both sets);
 * - kid ± kid_se: unbiased MMD² (cubic kernel) over 10 disjoint subsets;
 * - precision, recall: k-NN manifolds (k = 3) in the features.
 *
 * And the real-vs-real floor at the same sample size: real test images
 * against as many other real images (the end of the training split).
 */
import { confidentCoverage, featureStats, frechetDistanceFromStats, inceptionScoreStats, modeCoverage, type ConfidentCoverage, type FeatureStats, type ModeCoverage } from '../../engine/generativeMetrics';
import { frechetWithInterval } from '../../engine/frechetBootstrap';
import { kernelInceptionDistance } from '../../engine/kernelInceptionDistance';
import { manifoldPrecisionRecall } from '../../engine/manifoldPrecisionRecall';

/** Splits of the Inception-style score (Salimans et al. 2016 use 10). */
export const IS_SPLITS = 10;
/** Bootstrap resamplings of the Fréchet distance. */
export const FD_RESAMPLES = 50;
/** Disjoint subsets KID is averaged over. */
export const KID_SUBSETS = 10;
/** Neighbours whose distance is a point's manifold radius (Kynkäänniemi et al. 2019). */
export const PR_K = 3;

/** Real images as the reference classifier sees them. */
export interface ScoredImages {
  n: number;
  probs: Float32Array;
  feats: Float32Array;
}

/** The real test images a sample set is measured against, with what every score needs of them. */
export interface RealReference extends ScoredImages {
  stats: FeatureStats;
  numClasses: number;
  featureDim: number;
  dataClassFreq: number[];
  confidenceThreshold: number;
}

export interface SampleScores {
  classes_present: number;
  confident_share: number;
  class_kl: number;
  inception_score: number;
  inception_score_sd: number;
  frechet_distance: number;
  frechet_distance_lo: number;
  frechet_distance_hi: number;
  kid: number;
  kid_se: number;
  precision: number;
  recall: number;
}

export interface ScoredSamples {
  scores: SampleScores;
  coverage: ConfidentCoverage;
  argmax: ModeCoverage;
}

export function realReference(real: ScoredImages, o: Pick<RealReference, 'numClasses' | 'featureDim' | 'dataClassFreq' | 'confidenceThreshold'>): RealReference {
  return { ...real, ...o, stats: featureStats(real.feats, real.n, o.featureDim) };
}

/** Every score of `samples` against `ref`; `seed` drives the FD bootstrap. */
export function scoreSamples(ref: RealReference, samples: ScoredImages, seed: number): ScoredSamples {
  const { n, probs, feats } = samples;
  const c = ref.numClasses;
  const d = ref.featureDim;
  const coverage = confidentCoverage(probs, n, c, ref.confidenceThreshold, ref.dataClassFreq);
  const argmax = modeCoverage(probs, n, c, ref.dataClassFreq);
  const is = inceptionScoreStats(probs, n, c, IS_SPLITS);
  const fd = frechetWithInterval(feats, n, ref.feats, ref.n, d, { resamples: FD_RESAMPLES, seed, statsB: ref.stats });
  const kid = kernelInceptionDistance(feats, n, ref.feats, ref.n, d, KID_SUBSETS);
  const pr = manifoldPrecisionRecall(ref.feats, ref.n, feats, n, d, PR_K);
  return {
    scores: {
      classes_present: coverage.classesPresent, confident_share: n > 0 ? coverage.confident / n : 0, class_kl: argmax.klToData,
      inception_score: is.mean, inception_score_sd: is.sd,
      frechet_distance: fd.value, frechet_distance_lo: fd.lo, frechet_distance_hi: fd.hi,
      kid: kid.kid, kid_se: kid.se, precision: pr.precision, recall: pr.recall,
    },
    coverage, argmax,
  };
}

export interface RealFloor {
  real_inception_score: number;
  real_inception_score_sd: number;
  real_classes_present: number;
  real_frechet_distance: number;
  real_kid: number;
  real_kid_se: number;
}

/**
 * The real-vs-real floor: `other` real images (not the test images) scored
 * against the test reference exactly as samples are, at the same size; and
 * the test images' own Inception-style score and classes present (the
 * ceiling those two can reach).
 */
export function realFloor(ref: RealReference, other: ScoredImages): { floor: RealFloor; coverage: ConfidentCoverage } {
  const is = inceptionScoreStats(ref.probs, ref.n, ref.numClasses, IS_SPLITS);
  const coverage = confidentCoverage(ref.probs, ref.n, ref.numClasses, ref.confidenceThreshold, ref.dataClassFreq);
  const fd = frechetDistanceFromStats(featureStats(other.feats, other.n, ref.featureDim), ref.stats);
  const kid = kernelInceptionDistance(other.feats, other.n, ref.feats, ref.n, ref.featureDim, KID_SUBSETS);
  return {
    floor: {
      real_inception_score: is.mean, real_inception_score_sd: is.sd, real_classes_present: coverage.classesPresent,
      real_frechet_distance: fd, real_kid: kid.kid, real_kid_se: kid.se,
    },
    coverage,
  };
}
