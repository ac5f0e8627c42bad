import { describe, expect, it } from 'vitest';
import { emaDebiased, emaTimeWeighted } from '../../../main/common/series';

/** Element-wise closeness that treats NaN and ±Infinity as equal only to themselves. */
function expectClose(actual: number[], expected: number[], digits = 12): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i] ?? NaN;
    if (Number.isFinite(e)) expect(a, `index ${i}`).toBeCloseTo(e, digits);
    else expect(a, `index ${i}`).toBe(e);
  });
}

describe('emaDebiased (TensorBoard smoothing)', () => {
  it('matches hand-computed values; debiasing makes the first point the raw value', () => {
    // w = 0.5, values 1, 2, 4:
    //   last = 0.5·0 + 0.5·1 = 0.5,     debias = 1 − 0.5  = 0.5   → 1      (undebiased: 0.5)
    //   last = 0.5·0.5 + 0.5·2 = 1.25,  debias = 1 − 0.25 = 0.75  → 5/3
    //   last = 0.5·1.25 + 0.5·4 = 2.625, debias = 1 − 0.125 = 0.875 → 3
    expectClose(emaDebiased([1, 2, 4], 0.5), [1, 5 / 3, 3]);
    // w = 0.9, values 10, 0, 5:
    //   last = 1,          debias = 0.1   → 10
    //   last = 0.9,        debias = 0.19  → 0.9 / 0.19
    //   last = 0.81 + 0.5, debias = 0.271 → 1.31 / 0.271
    expectClose(emaDebiased([10, 0, 5], 0.9), [10, 0.9 / 0.19, 1.31 / 0.271]);
  });

  it('passes NaN and ±Infinity through unsmoothed without touching the state', () => {
    const out = emaDebiased([NaN, 1, NaN, 2, Infinity, -Infinity, 4], 0.5);
    expectClose(out, [NaN, 1, NaN, 5 / 3, Infinity, -Infinity, 3]);
  });

  it('returns the values for weight 0 and a constant series exactly as is', () => {
    const values = [0.3, -1, NaN, 7];
    expect(emaDebiased(values, 0)).toEqual(values);
    expect(emaDebiased([0.1, 0.1, 0.1, 0.1], 0.99)).toEqual([0.1, 0.1, 0.1, 0.1]);
    expect(emaDebiased(new Float64Array([]), 0.6)).toEqual([]);
  });

  it('does not modify its input and returns a new array', () => {
    const values = [1, 2, 4];
    const out = emaDebiased(values, 0);
    expect(out).not.toBe(values);
    emaDebiased(values, 0.5);
    expect(values).toEqual([1, 2, 4]);
  });

  it.each([1, -0.1, 1.5, NaN, Infinity])('refuses weight %s', (w) => {
    expect(() => emaDebiased([1, 2], w)).toThrow(RangeError);
  });
});

describe('emaTimeWeighted', () => {
  it('matches hand-computed values with an uneven gap', () => {
    // halfLife 1, xs 0, 1, 3, values 1, 2, 4. The first point takes the first gap (1).
    //   α = 0.5:  last = 0.5,                 debias = 0.5                → 1
    //   α = 0.5:  last = 0.25 + 1 = 1.25,     debias = 0.25 + 0.5 = 0.75  → 5/3
    //   α = 0.75 (gap 2): last = 1.25·0.25 + 0.75·4 = 3.3125, debias = 0.75·0.25 + 0.75 = 0.9375 → 53/15
    // The value after the long gap counts more than with even spacing (where it gives 3).
    expectClose(emaTimeWeighted([0, 1, 3], [1, 2, 4], 1), [1, 5 / 3, 53 / 15]);
  });

  it('reproduces emaDebiased for finite values with equal spacing and the matching half-life', () => {
    let seed = 7;
    const values = Array.from({ length: 300 }, (_, i) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.exp(-i / 80) + seed / 2147483648;
    });
    for (const [w, spacing] of [[0.6, 1], [0.9, 10], [0.99, 0.25]] as const) {
      const xs = values.map((_, i) => 5 + i * spacing);
      const halfLife = spacing / Math.log2(1 / w);
      expectClose(emaTimeWeighted(xs, values, halfLife), emaDebiased(values, w), 9);
    }
  });

  it('gives a point at the same x as the previous one the previous gap', () => {
    // Gaps 1, 0 → 1, 1: the same as even spacing, so emaDebiased with w = 0.5.
    expectClose(emaTimeWeighted([0, 1, 1], [1, 2, 4], 1), [1, 5 / 3, 3]);
  });

  it('passes non-finite values through and measures the gap across them in x', () => {
    // The NaN at x = 1 is skipped: the gap before x = 2 is 2 (from x = 0), α = 0.75.
    //   x = 0: α = 0.75 (first gap is 2) → 1; last = 0.75, debias = 0.75
    //   x = 2: last = 0.75·0.25 + 0.75·3 = 2.4375, debias = 0.9375 → 2.6
    expectClose(emaTimeWeighted([0, 1, 2, 3], [1, NaN, 3, Infinity], 1), [1, NaN, 2.6, Infinity]);
  });

  it('returns the values for halfLife 0, a single x, or a constant series', () => {
    expect(emaTimeWeighted([0, 1, 2], [3, 1, 2], 0)).toEqual([3, 1, 2]);
    expect(emaTimeWeighted([4, 4, 4], [3, 1, 2], 10)).toEqual([3, 1, 2]);
    expect(emaTimeWeighted([0, 1, 2], [0.1, 0.1, 0.1], 10)).toEqual([0.1, 0.1, 0.1]);
  });

  it('refuses bad half-lives, mismatched lengths and unsorted x', () => {
    for (const h of [-1, NaN, Infinity]) expect(() => emaTimeWeighted([0, 1], [1, 2], h)).toThrow(RangeError);
    expect(() => emaTimeWeighted([0, 1], [1], 1)).toThrow(/length/);
    expect(() => emaTimeWeighted([0, 2, 1], [1, 2, 3], 1)).toThrow(/sorted/);
  });
});
