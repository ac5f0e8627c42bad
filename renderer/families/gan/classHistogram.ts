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

/**
 * Check a 'class-histogram' document. The histogram is required (one
 * non-negative count per class); the scores may be missing (NaN: shown as
 * "—"), and the counts and present classes are recomputed when absent.
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
  const freq = Array.isArray(dataClassFreq) && dataClassFreq.length === numClasses && dataClassFreq.every((f) => isFiniteNumber(f) && f >= 0)
    ? (dataClassFreq as number[])
    : [];
  return {
    numClasses,
    histogram: counts,
    samples,
    threshold,
    classesPresent: numberOr(raw['classesPresent'], counts.filter((c) => c >= threshold).length),
    klToData: numberOr(raw['klToData'], Number.NaN),
    dataClassFreq: freq,
    inceptionScore: numberOr(raw['inceptionScore'], Number.NaN),
    frechetDistance: numberOr(raw['frechetDistance'], Number.NaN),
    referenceAccuracy: numberOr(raw['referenceAccuracy'], Number.NaN),
    realInceptionScore: numberOr(raw['realInceptionScore'], Number.NaN),
  };
}

export interface ClassBar {
  /** Class label (index). */
  label: number;
  count: number;
  /** Samples the class would get at the data's frequency; null when the document has no frequencies. */
  expected: number | null;
  /** At least `threshold` samples. */
  present: boolean;
}

/** One bar per class: its count, what the data's frequency would give, and whether it counts as present. */
export function classBars(d: ClassHistogramData): ClassBar[] {
  const freqTotal = d.dataClassFreq.reduce((a, b) => a + b, 0);
  return d.histogram.map((count, label) => ({
    label,
    count,
    expected: freqTotal > 0 ? (d.dataClassFreq[label]! / freqTotal) * d.samples : null,
    present: count >= d.threshold,
  }));
}

/** A score for the facts line: 4 significant digits, "—" when missing. */
export function formatScore(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : '—';
}

/** "7 of 10" (classes present). */
export function classesPresentText(d: Pick<ClassHistogramData, 'classesPresent' | 'numClasses'>): string {
  return `${d.classesPresent} of ${d.numClasses}`;
}
