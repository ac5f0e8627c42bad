import { describe, expect, it } from 'vitest';
import { downsampleMinMax, sliceRange, type PickedPoints } from '../../../main/common/series';

/** mulberry32: a tiny seeded PRNG so every generated series is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A loss-like random series: sorted x with uneven (sometimes zero) gaps, noise, spikes and the odd NaN/±Infinity. */
function randomSeries(rand: () => number): { xs: number[]; ys: number[] } {
  const n = 1 + Math.floor(rand() * 10_000);
  const xs: number[] = [];
  const ys: number[] = [];
  let x = rand() * 100 - 50;
  const step = rand() < 0.5 ? 1 : rand() * 3;
  for (let i = 0; i < n; i++) {
    x += rand() < 0.05 ? 0 : step * (rand() < 0.01 ? 50 : 1);
    xs.push(x);
    const r = rand();
    if (r < 0.002) ys.push(NaN);
    else if (r < 0.003) ys.push(r < 0.0025 ? Infinity : -Infinity);
    else ys.push(Math.exp(-i / 2000) + 0.1 * rand() + (rand() < 0.005 ? 5 * rand() : 0));
  }
  return { xs, ys };
}

/** The bucket formula the downsampler documents, written out independently. */
function bucketOf(x: number, first: number, last: number, buckets: number): number {
  return last === first ? 0 : Math.min(buckets - 1, Math.floor(((x - first) / (last - first)) * buckets));
}

/** The indices every correct output must contain: per bucket, first/last/min/max finite points, and every non-finite point. */
function requiredIndices(xs: number[], ys: number[], buckets: number): { mustKeep: Set<number>; extremes: Map<number, { min: number; max: number }> } {
  const first = xs[0] ?? 0;
  const last = xs[xs.length - 1] ?? 0;
  const mustKeep = new Set<number>();
  const extremes = new Map<number, { min: number; max: number; firstI: number; lastI: number }>();
  ys.forEach((y, i) => {
    if (!Number.isFinite(y)) return void mustKeep.add(i);
    const b = bucketOf(xs[i] ?? 0, first, last, buckets);
    const e = extremes.get(b);
    if (!e) extremes.set(b, { min: y, max: y, firstI: i, lastI: i });
    else Object.assign(e, { min: Math.min(e.min, y), max: Math.max(e.max, y), lastI: i });
  });
  for (const e of extremes.values()) mustKeep.add(e.firstI).add(e.lastI);
  return { mustKeep, extremes };
}

function checkSubsequence(out: PickedPoints, xs: number[], ys: number[]): void {
  expect(out.xs).toHaveLength(out.indices.length);
  expect(out.ys).toHaveLength(out.indices.length);
  out.indices.forEach((idx, k) => {
    if (k > 0) expect(idx).toBeGreaterThan(out.indices[k - 1] ?? -1);
    expect(out.xs[k]).toBe(xs[idx]);
    expect(Object.is(out.ys[k], ys[idx])).toBe(true);
  });
}

describe('downsampleMinMax', () => {
  it('keeps every extreme and every non-finite point of 50 random series', () => {
    const rand = prng(20240611);
    let reduced = 0;
    for (let s = 0; s < 50; s++) {
      const { xs, ys } = randomSeries(rand);
      const buckets = 1 + Math.floor(rand() * 500);
      const out = downsampleMinMax(xs, ys, buckets);
      if (out.indices.length < xs.length) reduced++;
      const label = `series ${s}: ${xs.length} points, ${buckets} buckets`;
      checkSubsequence(out, xs, ys);
      const kept = new Set(out.indices);
      const { mustKeep, extremes } = requiredIndices(xs, ys, buckets);
      for (const i of mustKeep) expect(kept.has(i), `${label}: index ${i}`).toBe(true);
      const nonFinite = ys.filter((y) => !Number.isFinite(y)).length;
      expect(out.indices.length, label).toBeLessThanOrEqual(4 * buckets + nonFinite);
      // Each bucket's min and max (and so the global ones) are among the kept points of that bucket.
      const first = xs[0] ?? 0;
      const last = xs[xs.length - 1] ?? 0;
      const keptByBucket = new Map<number, number[]>();
      out.indices.forEach((i, k) => {
        const y = out.ys[k] ?? NaN;
        if (!Number.isFinite(y)) return;
        const b = bucketOf(xs[i] ?? 0, first, last, buckets);
        keptByBucket.set(b, [...(keptByBucket.get(b) ?? []), y]);
      });
      for (const [b, { min, max }] of extremes) {
        expect(keptByBucket.get(b), `${label}: bucket ${b}`).toContain(min);
        expect(keptByBucket.get(b), `${label}: bucket ${b}`).toContain(max);
      }
      const finite = ys.filter(Number.isFinite);
      if (finite.length > 0) {
        expect(out.ys).toContain(Math.min(...finite));
        expect(out.ys).toContain(Math.max(...finite));
      }
    }
    // The property must be checked on downsampled series, not only on the small-input identity.
    expect(reduced).toBeGreaterThanOrEqual(30);
  });

  it('actually reduces a long series to at most four points per bucket', () => {
    const xs = Array.from({ length: 10_000 }, (_, i) => i);
    const ys = xs.map((i) => Math.sin(i / 10));
    const out = downsampleMinMax(xs, ys, 100);
    expect(out.indices.length).toBeLessThanOrEqual(400);
    expect(out.indices.length).toBeGreaterThan(100);
    expect(out.indices[0]).toBe(0);
    expect(out.indices.at(-1)).toBe(9_999);
  });

  it('keeps a lone spike and a NaN inside an otherwise flat bucket', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    const ys = xs.map(() => 1);
    ys[500] = 40;
    ys[501] = NaN;
    ys[502] = -Infinity;
    const out = downsampleMinMax(xs, ys, 1);
    expect(out.indices).toEqual([0, 500, 501, 502, 999]);
    expect(out.ys).toEqual([1, 40, NaN, -Infinity, 1]);
  });

  it('returns a series of at most 4·buckets points unchanged', () => {
    const xs = [0, 1, 2, 3, 4, 5, 6, 7];
    const ys = [3, NaN, 1, 4, 1, 5, 9, 2];
    const out = downsampleMinMax(new Float64Array(xs), ys, 2);
    expect(out.indices).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(out.xs).toEqual(xs);
    expect(out.ys).toEqual(ys);
    expect(Array.isArray(out.xs)).toBe(true);
  });

  it('handles empty, one-point, all-equal-x and all-NaN series', () => {
    expect(downsampleMinMax([], [], 10)).toEqual({ indices: [], xs: [], ys: [] });
    expect(downsampleMinMax([3], [7], 1)).toEqual({ indices: [0], xs: [3], ys: [7] });
    // All at one x: one bucket, so its first, last, min and max.
    const sameX = Array.from({ length: 50 }, () => 2);
    const ys = Array.from({ length: 50 }, (_, i) => (i * 7) % 50);
    const flat = downsampleMinMax(sameX, ys, 3);
    expect(flat.indices).toEqual([0, 7, 49]);
    expect(flat.ys).toEqual([0, 49, 43]);
    // All NaN: every point is non-finite, so every point is kept.
    const nan = downsampleMinMax(range(40), range(40).map(() => NaN), 2);
    expect(nan.indices).toEqual(range(40));
  });

  it('refuses bad bucket counts, mismatched lengths and unsorted or non-finite x', () => {
    for (const b of [0, -1, 2.5, NaN]) expect(() => downsampleMinMax([0, 1], [0, 1], b)).toThrow(RangeError);
    expect(() => downsampleMinMax([0, 1], [0], 1)).toThrow(/length/);
    expect(() => downsampleMinMax([0, 2, 1], [0, 0, 0], 1)).toThrow(/sorted/);
    expect(() => downsampleMinMax([0, NaN, 1], [0, 0, 0], 1)).toThrow(/finite/);
  });
});

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

describe('sliceRange', () => {
  const xs = [0, 10, 20, 30, 40, 50];
  const ys = [5, 4, 3, 2, 1, 0];

  it('returns the points inside plus one beyond each edge', () => {
    expect(sliceRange(xs, ys, 15, 35)).toEqual({ indices: [1, 2, 3, 4], xs: [10, 20, 30, 40], ys: [4, 3, 2, 1] });
    // Edges that fall on points: those points are inside, and one more each side.
    expect(sliceRange(xs, ys, 20, 30).indices).toEqual([1, 2, 3, 4]);
    // The whole series, and windows clipped at its ends.
    expect(sliceRange(xs, ys, -Infinity, Infinity).indices).toEqual(range(6));
    expect(sliceRange(xs, ys, -100, 5).indices).toEqual([0, 1]);
    expect(sliceRange(xs, ys, 45, 100).indices).toEqual([4, 5]);
  });

  it('returns the two points around a window that holds none, and nothing for a window off the data', () => {
    expect(sliceRange(xs, ys, 12, 18).indices).toEqual([1, 2]);
    expect(sliceRange(xs, ys, -20, -10).indices).toEqual([]);
    expect(sliceRange(xs, ys, 60, 70).indices).toEqual([]);
    expect(sliceRange([], [], 0, 1).indices).toEqual([]);
  });

  it('keeps ties at the edges together', () => {
    expect(sliceRange([0, 1, 1, 1, 2, 3], [0, 1, 2, 3, 4, 5], 1, 1).indices).toEqual([0, 1, 2, 3, 4]);
  });

  it('refuses an inverted or NaN window and mismatched lengths', () => {
    expect(() => sliceRange(xs, ys, 30, 20)).toThrow(RangeError);
    expect(() => sliceRange(xs, ys, NaN, 20)).toThrow(RangeError);
    expect(() => sliceRange(xs, [1], 0, 20)).toThrow(/length/);
  });
});
