/**
 * A generative run's 'class-histogram' documents (the reference classifier's
 * classes of the samples at one step): which artifacts they are, checking a
 * document, and what the chart and its captions show. Pure; no Vue.
 */
import type { ArtifactInfo } from '../../../main/common/domain';
import type { ClassHistogramData } from '../../../workers/common/gallery';
import { CLASS_HISTOGRAM_KIND } from '../../../workers/common/families/gan/charts';
import { compareArtifacts } from '../../lib/gallery';

export { CLASS_HISTOGRAM_KIND };

/** A run's class-histogram artifacts, in step order. */
export function classHistogramArtifacts(artifacts: readonly ArtifactInfo[]): ArtifactInfo[] {
  return artifacts.filter((a) => a.kind === CLASS_HISTOGRAM_KIND).sort(compareArtifacts);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const numberOr = (v: unknown, fallback: number): number => (isFiniteNumber(v) ? v : fallback);

/** Per-class counts of the right length (each ≥ 0), or undefined. */
function countsOf(v: unknown, numClasses: number): number[] | undefined {
  if (!Array.isArray(v) || v.length !== numClasses) return undefined;
  const out: number[] = [];
  for (const c of v) {
    if (!isFiniteNumber(c) || c < 0) return undefined;
    out.push(c);
  }
  return out;
}

/** The optional numbers a document written since the confident count carries (each kept only when a finite number). */
const OPTIONAL_NUMBERS = [
  'confidenceThreshold', 'confidentSamples', 'realSamples', 'realClassesPresent', 'inceptionScoreSd', 'inceptionScoreSplits',
  'frechetDistanceLo', 'frechetDistanceHi', 'frechetResamples', 'kid', 'kidSe', 'kidSubsets', 'precision', 'recall', 'precisionRecallK',
  'realFrechetDistance', 'realKid', 'realKidSe', 'realInceptionScoreSd',
] as const satisfies readonly (keyof ClassHistogramData)[];

/** The confident-count fields of a newer document: per-class thresholds, the argmax and real test images' histograms, the uncertainties. */
function optionalFields(raw: Record<string, unknown>, numClasses: number): Partial<ClassHistogramData> {
  const out: Partial<ClassHistogramData> = {};
  for (const key of OPTIONAL_NUMBERS) {
    const v = raw[key];
    if (isFiniteNumber(v)) out[key] = v;
  }
  const thresholds = countsOf(raw['classThresholds'], numClasses);
  const argmax = countsOf(raw['argmaxHistogram'], numClasses);
  const real = countsOf(raw['realHistogram'], numClasses);
  if (thresholds) out.classThresholds = thresholds;
  if (argmax) out.argmaxHistogram = argmax;
  if (real) out.realHistogram = real;
  if (raw['final'] === true) out.final = true;
  return out;
}

/**
 * Check a 'class-histogram' document. The histogram is required (one
 * non-negative count per class); the scores may be missing (NaN: shown as
 * "—"), and the counts and present classes are recomputed when absent.
 * Documents written since the confident count also carry the per-class
 * thresholds, the real test images' histogram and each score's uncertainty
 * (kept when well-formed, see ClassHistogramData).
 */
export function parseClassHistogram(raw: unknown): ClassHistogramData {
  if (!isRecord(raw)) throw new Error('The class histogram is not an object');
  const { histogram, dataClassFreq } = raw;
  if (!Array.isArray(histogram) || histogram.length === 0) throw new Error('The class histogram has no counts');
  const counts = histogram.map((c: unknown, i) => {
    if (!isFiniteNumber(c) || c < 0) throw new Error(`The class histogram's count for class ${i} is not a number ≥ 0`);
    return c;
  });
  const numClasses = isFiniteNumber(raw['numClasses']) && Number.isInteger(raw['numClasses']) && raw['numClasses'] >= counts.length ? raw['numClasses'] : counts.length;
  while (counts.length < numClasses) counts.push(0);
  const samples = numberOr(raw['samples'], counts.reduce((a, b) => a + b, 0));
  const threshold = numberOr(raw['threshold'], 1);
  const extra = optionalFields(raw, numClasses);
  const thresholds = extra.classThresholds;
  return {
    numClasses,
    histogram: counts,
    samples,
    threshold,
    classesPresent: numberOr(raw['classesPresent'], counts.filter((c, k) => c >= (thresholds ? thresholds[k]! : threshold)).length),
    klToData: numberOr(raw['klToData'], Number.NaN),
    dataClassFreq: countsOf(dataClassFreq, numClasses) ?? [],
    inceptionScore: numberOr(raw['inceptionScore'], Number.NaN),
    frechetDistance: numberOr(raw['frechetDistance'], Number.NaN),
    referenceAccuracy: numberOr(raw['referenceAccuracy'], Number.NaN),
    realInceptionScore: numberOr(raw['realInceptionScore'], Number.NaN),
    ...extra,
  };
}

export interface ClassBar {
  /** Class label (index). */
  label: number;
  count: number;
  /** count / samples: the share of ALL generated samples counted for the class (confident ones, in newer documents). */
  share: number;
  /** Samples the class would get at the data's frequency; null when the document has no frequencies. */
  expected: number | null;
  /** The data's frequency of the class (sum 1); null without frequencies. */
  dataShare: number | null;
  /** The count the class needs to be present (per class in newer documents), and as a share of the samples. */
  threshold: number;
  thresholdShare: number;
  /** At least `threshold` samples. */
  present: boolean;
  /** The real test images' confident share of the class (newer documents only). */
  realShare: number | null;
}

/** One bar per class: its count and share, what the data's frequency would give, its presence threshold, and the real test images' share. */
export function classBars(d: ClassHistogramData): ClassBar[] {
  const freqTotal = d.dataClassFreq.reduce((a, b) => a + b, 0);
  const realTotal = d.realSamples ?? 0;
  return d.histogram.map((count, label) => {
    const threshold = d.classThresholds?.[label] ?? d.threshold;
    const dataShare = freqTotal > 0 ? d.dataClassFreq[label]! / freqTotal : null;
    return {
      label,
      count,
      share: d.samples > 0 ? count / d.samples : 0,
      expected: dataShare === null ? null : dataShare * d.samples,
      dataShare,
      threshold,
      thresholdShare: d.samples > 0 ? threshold / d.samples : 0,
      present: count >= threshold,
      realShare: d.realHistogram && realTotal > 0 ? d.realHistogram[label]! / realTotal : null,
    };
  });
}

/** A score for the facts line: 4 significant digits, "—" when missing. */
export function formatScore(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : '—';
}

/** "7 of 10" (classes present). */
export function classesPresentText(d: Pick<ClassHistogramData, 'classesPresent' | 'numClasses'>): string {
  return `${d.classesPresent} of ${d.numClasses}`;
}

/** "12.3 [11.8, 13.1]": a value with its interval, "—" when missing. */
export function formatInterval(v: number, lo: number | undefined, hi: number | undefined): string {
  if (!Number.isFinite(v)) return '—';
  return lo !== undefined && hi !== undefined ? `${formatScore(v)} [${formatScore(lo)}, ${formatScore(hi)}]` : formatScore(v);
}

/** "0.0123 ± 0.0004": a value with its sd or standard error, "—" when missing. */
export function formatPlusMinus(v: number | undefined, sd: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  return sd !== undefined ? `${formatScore(v)} ± ${formatScore(sd)}` : formatScore(v);
}
