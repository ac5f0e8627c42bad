/**
 * The compare view's settings in the URL (grouping, band, log axes, smoothing
 * kind) survive a round trip through the query, defaults stay out of it, and
 * the time-weighted smoothing's half-life matches the EMA on even spacing.
 */
import { describe, expect, it } from 'vitest';
import type { CompareSeries } from '../../../main/common/domain';
import { compareLines, timeWeightedHalfLife } from '../../../renderer/lib/compare';
import { compareQueryFor, compareQueryRecord, compareSettingsQuery, defaultCompareSettings, parseCompareSettings, parseGroupBy, type CompareSettings } from '../../../renderer/lib/compareSettings';

/** The query as the router would hand it back: the entries that are not undefined. */
function roundTrip(s: CompareSettings): CompareSettings {
  const q = Object.fromEntries(Object.entries(compareSettingsQuery(s)).filter(([, v]) => v !== undefined));
  return parseCompareSettings(q);
}

describe('compare settings in the URL', () => {
  it('round-trips every setting', () => {
    const all: CompareSettings[] = [
      defaultCompareSettings,
      { group: { kind: 'none' }, band: 'std', logX: true, logY: false, smoothingKind: 'time-weighted' },
      { group: { kind: 'seed' }, band: 'minmax', logX: false, logY: true, smoothingKind: 'ema' },
      { group: { kind: 'param', key: 'hyper:odd key' }, band: 'std', logX: true, logY: true, smoothingKind: 'ema' },
    ];
    for (const s of all) expect(roundTrip(s)).toEqual(s);
  });

  it('leaves the defaults out of the query', () => {
    expect(Object.values(compareSettingsQuery(defaultCompareSettings)).every((v) => v === undefined)).toBe(true);
    expect(compareSettingsQuery({ ...defaultCompareSettings, group: { kind: 'param', key: 'learningRate' }, logY: true }))
      .toMatchObject({ group: 'param:learningRate', logy: '1' });
  });

  it('falls back to the defaults on anything malformed', () => {
    expect(parseCompareSettings({ group: 'param:', band: 'wide', logx: 'yes', logy: ['1'], smoothKind: 'gaussian' })).toEqual(defaultCompareSettings);
    expect(parseGroupBy(undefined)).toBeNull();
    expect(parseGroupBy('seed')).toEqual({ kind: 'seed' });
  });
});

describe('time-weighted smoothing', () => {
  it('derives the half-life from the mean x gap so each even step decays by the weight', () => {
    // Gap 10, weight 0.5: half-life 10 / log2(2) = 10. Weight 0.25: 10 / 2 = 5.
    expect(timeWeightedHalfLife([0, 10, 20, 30], 0.5)).toBe(10);
    expect(timeWeightedHalfLife([0, 10, 20, 30], 0.25)).toBe(5);
    expect(timeWeightedHalfLife([0, 10], 0)).toBe(0);
    expect(timeWeightedHalfLife([5, 5], 0.5)).toBe(0);
    expect(timeWeightedHalfLife([], 0.5)).toBe(0);
  });

  it('draws what the EMA draws on even steps, and follows the distance on uneven ones', () => {
    const even: CompareSeries = { runId: 1, key: 'loss', xs: [0, 10, 20, 30], ys: [4, 2, 'NaN', 1], total: 4 };
    const ema = compareLines([even], 'step', 0.6, 'ema')[0]!.smoothed!;
    const tw = compareLines([even], 'step', 0.6, 'time-weighted')[0]!.smoothed!;
    // Before the NaN both are 4 and (0.6·0.4·4 + 0.4·2) / (1 − 0.36) = 2.75.
    expect(tw[0]).toEqual([0, 4]);
    expect(tw[1]![1]).toBeCloseTo(2.75, 12);
    expect(ema[1]![1]).toBeCloseTo(2.75, 12);
    expect(Number.isNaN(tw[2]![1])).toBe(true);
    // After the NaN the time-weighted state decays over the 20 steps of x (keep 0.6² = 0.36, α = 0.64), the EMA
    // by one point: (0.36 · (0.6·0.4·4 + 0.4·2) + 0.64·1) / (0.36 · 0.64 + 0.64), the denominator the debiasing.
    const afterTw = (0.36 * (0.6 * 0.4 * 4 + 0.4 * 2) + 0.64 * 1) / (0.36 * 0.64 + 0.64);
    expect(tw[3]![1]).toBeCloseTo(afterTw, 12);
    expect(ema[3]![1]).not.toBeCloseTo(afterTw, 6);
  });
});

describe('compare settings in a saved view', () => {
  it('keeps every text setting of the query but the runs and the view, within the bounds', () => {
    expect(compareQueryRecord({ runs: '1,2', view: '4', metrics: 'loss,acc', smooth: '0.6', group: 'param:lr', logy: '1', arr: ['a'], [`k${'x'.repeat(40)}`]: 'v', long: 'y'.repeat(2001) }))
      .toEqual({ metrics: 'loss,acc', smooth: '0.6', group: 'param:lr', logy: '1' });
  });

  it("puts a view's settings, the runs and the view's id in the compare URL; settings never override the runs", () => {
    expect(compareQueryFor([3, 1], { smooth: '0.6', runs: '9', view: '8' }, 7)).toEqual({ smooth: '0.6', runs: '3,1', view: '7' });
    expect(compareQueryFor([3, 1], {}, null)).toEqual({ runs: '3,1' });
    expect(parseCompareSettings(compareQueryFor([1, 2], { group: 'seed', band: 'std' }, 2))).toMatchObject({ group: { kind: 'seed' }, band: 'std' });
  });
});
