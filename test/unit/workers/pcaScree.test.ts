import { describe, expect, it } from 'vitest';
import { screeCurve } from '../../../workers/common/families/pca/scree';

describe('PCA scree curve', () => {
  it('gives each component its share of the variance and the running total', () => {
    // Eigenvalues 6, 3, 1 of a total 10: shares 0.6, 0.3, 0.1; running 0.6, 0.9, 1.
    const c = screeCurve([6, 3, 1], 10);
    expect(c.share).toEqual([0.6, 0.3, 0.1]);
    expect(c.cumulative[0]).toBe(0.6);
    expect(c.cumulative[1]).toBeCloseTo(0.9, 15);
    expect(c.cumulative[2]).toBeCloseTo(1, 15);
  });

  it('cuts the curve at the limit but keeps the whole total as the denominator', () => {
    expect(screeCurve([6, 3, 1], 2)).toEqual({ share: [0.6, 0.3], cumulative: [0.6, expect.closeTo(0.9, 15)] });
  });

  it('counts round-off negative eigenvalues as zero and never runs past 1', () => {
    const c = screeCurve([2, 2, -1e-12], 3);
    expect(c.share).toEqual([0.5, 0.5, 0]);
    expect(c.cumulative).toEqual([0.5, 1, 1]);
  });

  it('is empty when the data has no variance', () => {
    expect(screeCurve([0, 0], 5)).toEqual({ share: [], cumulative: [] });
  });
});
