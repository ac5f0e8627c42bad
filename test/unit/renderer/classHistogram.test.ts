import { describe, expect, it } from 'vitest';
import type { ArtifactInfo } from '../../../main/common/domain';
import { classBars, classesPresentText, classHistogramArtifacts, formatInterval, formatPlusMinus, formatScore, parseClassHistogram } from '../../../renderer/families/gan/classHistogram';

const doc = {
  numClasses: 4,
  histogram: [50, 30, 0, 20],
  samples: 100,
  threshold: 5,
  classesPresent: 3,
  klToData: 0.4213,
  dataClassFreq: [0.25, 0.25, 0.25, 0.25],
  inceptionScore: 2.51234,
  frechetDistance: 12.3456,
  referenceAccuracy: 0.9812,
  realInceptionScore: 3.8,
};

const artifact = (id: number, step: number, kind = 'class-histogram'): ArtifactInfo => ({ id, runId: 1, kind, step, meta: {}, createdAt: id, mime: 'application/json' });

describe('class histogram documents', () => {
  it('parses a document as the worker writes it', () => {
    expect(parseClassHistogram(doc)).toEqual(doc);
  });

  it('fills what is missing and refuses what is not a histogram', () => {
    const d = parseClassHistogram({ histogram: [3, 0, 1] });
    expect(d).toMatchObject({ numClasses: 3, samples: 4, threshold: 1, classesPresent: 2, dataClassFreq: [] });
    expect(Number.isNaN(d.inceptionScore)).toBe(true);
    expect(Number.isNaN(d.realInceptionScore)).toBe(true);
    expect(parseClassHistogram({ histogram: [1], numClasses: 3 }).histogram).toEqual([1, 0, 0]);
    // Frequencies of the wrong length are dropped, not misattributed.
    expect(parseClassHistogram({ ...doc, dataClassFreq: [1] }).dataClassFreq).toEqual([]);
    expect(() => parseClassHistogram(null)).toThrow('not an object');
    expect(() => parseClassHistogram({ histogram: [] })).toThrow('no counts');
    expect(() => parseClassHistogram({ histogram: [1, -1] })).toThrow('class 1');
    expect(() => parseClassHistogram({ histogram: [1, 'x'] })).toThrow('class 1');
  });

  it('makes one bar per class with the data’s expected count and presence', () => {
    const bar = (label: number, count: number, present: boolean) => ({ label, count, share: count / 100, expected: 25, dataShare: 0.25, threshold: 5, thresholdShare: 0.05, present, realShare: null });
    expect(classBars(parseClassHistogram(doc))).toEqual([bar(0, 50, true), bar(1, 30, true), bar(2, 0, false), bar(3, 20, true)]);
    expect(classBars(parseClassHistogram({ histogram: [2, 0] })).map((b) => b.expected)).toEqual([null, null]);
  });

  it('a document written since the confident count: per-class thresholds, the real test images’ shares, the uncertainties; malformed extras dropped', () => {
    const confident = {
      ...doc, histogram: [40, 10, 0, 20], confidenceThreshold: 0.9, confidentSamples: 70, classThresholds: [13, 13, 13, 13],
      classesPresent: 2, realHistogram: [20, 25, 22, 23], realSamples: 100, realClassesPresent: 4, argmaxHistogram: [50, 30, 0, 20],
      inceptionScoreSd: 0.05, frechetDistanceLo: 11.9, frechetDistanceHi: 13.2, kid: 0.0123, kidSe: 0.0011, precision: 0.7, recall: 0.4,
      realKid: 0.0002, realKidSe: 0.0004, final: true,
    };
    const d = parseClassHistogram(confident);
    expect(d).toEqual(confident);
    const bars = classBars(d);
    // Class 1: 10 confident samples against a threshold of 13 → absent; the real images put 25 % there.
    expect(bars[1]).toEqual({ label: 1, count: 10, share: 0.1, expected: 25, dataShare: 0.25, threshold: 13, thresholdShare: 0.13, present: false, realShare: 0.25 });
    expect(bars.filter((b) => b.present).map((b) => b.label)).toEqual([0, 3]);
    // Presence recomputed with the per-class thresholds when the count is missing.
    expect(parseClassHistogram({ histogram: [5, 20], classThresholds: [6, 6] }).classesPresent).toBe(1);
    expect(parseClassHistogram({ ...confident, classThresholds: [1, 2], realHistogram: [1, -1, 0, 0], kid: 'x' })).not.toHaveProperty('classThresholds');
    expect(parseClassHistogram({ ...confident, realHistogram: [1, -1, 0, 0], kid: 'x' })).not.toHaveProperty('kid');
    expect(formatInterval(12.3456, 11.9, 13.2)).toBe('12.35 [11.9, 13.2]');
    expect(formatInterval(12.3456, undefined, undefined)).toBe('12.35');
    expect(formatPlusMinus(0.0123, 0.0011)).toBe('0.0123 ± 0.0011');
    expect(formatPlusMinus(undefined, 0.1)).toBe('—');
  });

  it('lists a run’s histograms in step order and formats the facts', () => {
    const list = classHistogramArtifacts([artifact(3, 20), artifact(1, 0), artifact(2, 10, 'samples'), artifact(4, 10)]);
    expect(list.map((a) => a.id)).toEqual([1, 4, 3]);
    expect(formatScore(2.51234)).toBe('2.512');
    expect(formatScore(Number.NaN)).toBe('—');
    expect(classesPresentText(doc)).toBe('3 of 4');
  });
});
