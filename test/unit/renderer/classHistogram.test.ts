import { describe, expect, it } from 'vitest';
import type { ArtifactInfo } from '../../../main/common/domain';
import { classBars, classesPresentText, classHistogramArtifacts, formatScore, parseClassHistogram } from '../../../renderer/families/gan/classHistogram';

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
    expect(classBars(parseClassHistogram(doc))).toEqual([
      { label: 0, count: 50, expected: 25, present: true },
      { label: 1, count: 30, expected: 25, present: true },
      { label: 2, count: 0, expected: 25, present: false },
      { label: 3, count: 20, expected: 25, present: true },
    ]);
    expect(classBars(parseClassHistogram({ histogram: [2, 0] })).map((b) => b.expected)).toEqual([null, null]);
  });

  it('lists a run’s histograms in step order and formats the facts', () => {
    const list = classHistogramArtifacts([artifact(3, 20), artifact(1, 0), artifact(2, 10, 'samples'), artifact(4, 10)]);
    expect(list.map((a) => a.id)).toEqual([1, 4, 3]);
    expect(formatScore(2.51234)).toBe('2.512');
    expect(formatScore(Number.NaN)).toBe('—');
    expect(classesPresentText(doc)).toBe('3 of 4');
  });
});
