/** Steps as epochs from a run's epoch ends (main/common/series/epochAxis.ts), against hand-worked cases. */
import { describe, expect, it } from 'vitest';
import { epochKnots, stepToEpoch } from '../../../main/common/series/epochAxis';

describe('epochKnots', () => {
  it('keeps one knot per epoch (the newest write), sorted, and drops steps that do not rise', () => {
    expect(epochKnots([{ epoch: 2, step: 20 }, { epoch: 1, step: 10 }, { epoch: 2, step: 21 }])).toEqual([{ epoch: 1, step: 10 }, { epoch: 2, step: 21 }]);
    expect(epochKnots([{ epoch: 1, step: 10 }, { epoch: 2, step: 10 }, { epoch: 3, step: Number.NaN }])).toEqual([{ epoch: 1, step: 10 }]);
  });
});

describe('stepToEpoch', () => {
  const knots = [{ epoch: 1, step: 6 }, { epoch: 2, step: 12 }, { epoch: 3, step: 20 }];

  it('is exact at each epoch end and linear between, each epoch with its own step count', () => {
    expect(stepToEpoch(6, knots)).toBe(1);
    expect(stepToEpoch(9, knots)).toBe(1.5);
    expect(stepToEpoch(12, knots)).toBe(2);
    expect(stepToEpoch(16, knots)).toBe(2.5);
  });

  it('extends the first and last segments: the first epoch, pre-training and a running epoch', () => {
    expect(stepToEpoch(3, knots)).toBe(0.5);
    expect(stepToEpoch(0, knots)).toBe(0);
    expect(stepToEpoch(24, knots)).toBe(3.5);
    // Pre-training steps before the epochs' loop come out at epochs ≤ 0.
    expect(stepToEpoch(4, [{ epoch: 1, step: 14 }, { epoch: 2, step: 24 }])).toBe(0);
  });

  it('with one knot, draws the line from step 0; with none, gives no mapping', () => {
    expect(stepToEpoch(3, [{ epoch: 1, step: 6 }])).toBe(0.5);
    expect(stepToEpoch(3, [])).toBeNull();
  });
});
