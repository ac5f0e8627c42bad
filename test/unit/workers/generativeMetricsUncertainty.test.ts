/**
 * The uncertainty and coverage maths behind the GAN scores, on synthetic
 * inputs with their seeds stated: confident class coverage, IS over splits,
 * the Fréchet bootstrap interval, KID with its standard error, and improved
 * precision/recall (against brute force and hand-computed cases).
 */
import { describe, expect, it } from 'vitest';
import { confidentCoverage, inceptionScoreStats, modeCoverage } from '../../../workers/engine/generativeMetrics';
import { frechetWithInterval } from '../../../workers/engine/frechetBootstrap';
import { kernelInceptionDistance, unbiasedMmd2 } from '../../../workers/engine/kernelInceptionDistance';
import { kthNeighbourRadii2, manifoldPrecisionRecall } from '../../../workers/engine/manifoldPrecisionRecall';
import { mulberry32 } from '../../../workers/engine/prng';
import { percentile, standardDeviation } from '../../../workers/engine/sampleStatistics';

/** Standard normal samples (Box–Muller) from a seeded generator, shifted by `shift` in every coordinate. */
function gaussian(n: number, dim: number, seed: number, shift = 0): Float64Array {
  const rnd = mulberry32(seed);
  const out = new Float64Array(n * dim);
  for (let i = 0; i < n * dim; i++) out[i] = Math.sqrt(-2 * Math.log(Math.max(rnd(), 1e-12))) * Math.cos(2 * Math.PI * rnd()) + shift;
  return out;
}

/** n rows of class probabilities: class (i mod `classes`) gets `top`, the rest share 1 − top. */
function probabilities(n: number, c: number, classes: number, top: number): Float64Array {
  const p = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    p.fill((1 - top) / (c - 1), i * c, (i + 1) * c);
    p[i * c + (i % classes)] = top;
  }
  return p;
}

/** Random class probabilities (a softmax of seeded normal logits ×`scale`): confident for large scale. */
function randomProbabilities(n: number, c: number, seed: number, scale: number): Float64Array {
  const z = gaussian(n, c, seed);
  const p = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < c; k++) { p[i * c + k] = Math.exp(scale * z[i * c + k]!); s += p[i * c + k]!; }
    for (let k = 0; k < c; k++) p[i * c + k] = p[i * c + k]! / s;
  }
  return p;
}

describe('small statistics', () => {
  it('sd with either divisor and type-7 percentiles, by hand', () => {
    expect(standardDeviation([1, 3], 0)).toBe(1);
    expect(standardDeviation([1, 3], 1)).toBeCloseTo(Math.SQRT2, 12);
    expect(standardDeviation([5], 1)).toBe(0);
    expect(percentile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(percentile([0, 10], 0.025)).toBeCloseTo(0.25, 12);
    expect(() => percentile([], 0.5)).toThrow(/no values/);
  });
});

describe('confident class coverage', () => {
  it('counts a class only for samples at or above the confidence threshold, present at half the data’s expected count', () => {
    // 100 samples, 4 classes: 30 confident (0.95) class-0 samples, 20 confident class-1, 12 class-2, 38 unsure class-3 (0.5).
    const c = 4;
    const p = new Float64Array(100 * c);
    const row = (i: number, k: number, top: number): void => { p.fill((1 - top) / 3, i * c, (i + 1) * c); p[i * c + k] = top; };
    for (let i = 0; i < 100; i++) row(i, i < 30 ? 0 : i < 50 ? 1 : i < 62 ? 2 : 3, i < 62 ? 0.95 : 0.5);
    const m = confidentCoverage(p, 100, c, 0.9);
    expect(m.histogram).toEqual([30, 20, 12, 0]);
    expect(m.confident).toBe(62);
    // Uniform data: ½ · 100 / 4 = 12.5 → 13 per class; class 2 (12) falls just short.
    expect(m.thresholds).toEqual([13, 13, 13, 13]);
    expect(m.classesPresent).toBe(2);
    // With the data's frequencies 0.5/0.3/0.1/0.1: thresholds 25, 15, 5, 5 → classes 0, 1, 2.
    const d = confidentCoverage(p, 100, c, 0.9, [5, 3, 1, 1]);
    expect(d.thresholds).toEqual([25, 15, 5, 5]);
    expect(d.classesPresent).toBe(3);
    // At threshold 0.5 the unsure class-3 samples count too.
    expect(confidentCoverage(p, 100, c, 0.5).histogram).toEqual([30, 20, 12, 38]);
  });

  it('an untrained-generator-like input (near-uniform, low confidence) covers fewer classes than a confident one, where the argmax covers all', () => {
    // Seed 11: 1000 samples over 10 classes, softmax of normal logits ×0.3 (flat); vs 0.95 on a cycling class.
    const flat = randomProbabilities(1000, 10, 11, 0.3);
    const sharp = probabilities(1000, 10, 10, 0.95);
    // The old rule (argmax, ≥ 1 %) finds every class in the flat samples.
    expect(modeCoverage(flat, 1000, 10).classesPresent).toBe(10);
    const weak = confidentCoverage(flat, 1000, 10, 0.9);
    const strong = confidentCoverage(sharp, 1000, 10, 0.9);
    expect(weak.confident).toBe(0);
    expect(weak.classesPresent).toBe(0);
    expect(strong.classesPresent).toBe(10);
    expect(() => confidentCoverage(flat, 1000, 10, 0)).toThrow(/confidenceThreshold/);
  });
});

describe('Inception score over splits', () => {
  it('one confident class per sample cycling through 4 classes: every split scores 4 with sd 0', () => {
    const s = inceptionScoreStats(probabilities(400, 4, 4, 1), 400, 4, 10);
    expect(s.mean).toBeCloseTo(4, 9);
    expect(s.sd).toBeLessThan(1e-9);
    expect(s.splits).toBe(10);
  });

  it('the split sd shrinks with more samples (random confident probabilities, seed 5)', () => {
    const sd = (n: number): number => inceptionScoreStats(randomProbabilities(n, 10, 5, 2), n, 10, 10).sd;
    const small = sd(200);
    const large = sd(20_000);
    expect(small).toBeGreaterThan(0);
    // sd ∝ 1/√(n/splits): 100× the samples → about a tenth of the sd.
    expect(large).toBeLessThan(small / 4);
  });
});

describe('Fréchet distance bootstrap interval', () => {
  it('brackets the distance between shifted Gaussians and shrinks with more samples (seeds 1, 2; bootstrap seed 3)', () => {
    const d = 4;
    const width = (n: number): { lo: number; hi: number; value: number } => frechetWithInterval(gaussian(n, d, 1), n, gaussian(n, d, 2, 0.5), n, d, { resamples: 50, seed: 3 });
    const small = width(100);
    const large = width(3000);
    // True FD of N(0, I) and N(0.5·1, I) in 4-D: ‖μ‖² = 4 · 0.25 = 1.
    expect(large.value).toBeGreaterThan(0.85);
    expect(large.value).toBeLessThan(1.15);
    expect(large.lo).toBeLessThan(large.hi);
    expect(large.lo).toBeLessThan(1.1);
    expect(large.hi).toBeGreaterThan(0.9);
    expect(large.hi - large.lo).toBeLessThan((small.hi - small.lo) / 3);
    expect(() => frechetWithInterval(gaussian(10, d, 1), 10, gaussian(10, d, 2), 10, d, { resamples: 1, seed: 3 })).toThrow(/resamples/);
  });
});

describe('Kernel Inception Distance', () => {
  it('the unbiased MMD² matches a brute-force double sum on a hand-sized case', () => {
    const a = [1, 0, 0, 1, 1, 1];
    const b = [2, 0, 0, 2];
    const k = (x: number[], y: number[]): number => ((x[0]! * y[0]! + x[1]! * y[1]!) / 2 + 1) ** 3;
    const A = [[1, 0], [0, 1], [1, 1]];
    const B = [[2, 0], [0, 2]];
    let aa = 0; let bb = 0; let ab = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) if (i !== j) aa += k(A[i]!, A[j]!);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) if (i !== j) bb += k(B[i]!, B[j]!);
    for (const x of A) for (const y of B) ab += k(x, y);
    expect(unbiasedMmd2(a, 0, 3, b, 0, 2, 2)).toBeCloseTo(aa / 6 + bb / 2 - (2 * ab) / 6, 10);
  });

  it('real vs real is ≈ 0 within a few standard errors, which are reported; a shifted set is far above (seeds 7, 8, 9)', () => {
    const d = 8;
    const same = kernelInceptionDistance(gaussian(2000, d, 7), 2000, gaussian(2000, d, 8), 2000, d, 10);
    expect(same.subsets).toBe(10);
    expect(same.subsetSizeA).toBe(200);
    expect(same.se).toBeGreaterThan(0);
    expect(Math.abs(same.kid)).toBeLessThan(4 * same.se);
    const shifted = kernelInceptionDistance(gaussian(2000, d, 7), 2000, gaussian(2000, d, 9, 0.5), 2000, d, 10);
    expect(shifted.kid).toBeGreaterThan(same.kid + 10 * shifted.se);
    expect(() => kernelInceptionDistance(gaussian(10, d, 7), 10, gaussian(10, d, 8), 10, d, 10)).toThrow(/at least 20 samples/);
  });
});

describe('improved precision and recall', () => {
  it('k-NN radii match brute force on points on a line', () => {
    // Points 0, 1, 3, 6, 10: the 2nd nearest neighbour of 0 is 3 (distance² 9), of 3 is 0 or 6 (9), of 6 is 10 (16), of 10 is 3 (49).
    const r = kthNeighbourRadii2([0, 1, 3, 6, 10], 5, 1, 2);
    expect(Array.from(r)).toEqual([9, 4, 9, 16, 49]);
  });

  it('identical sets score 1 / 1; disjoint clusters 0 / 0; a generator covering one of two real clusters keeps its precision and loses half the recall (seeds 21–24)', () => {
    const d = 3;
    const real = gaussian(300, d, 21);
    const same = manifoldPrecisionRecall(real, 300, real, 300, d);
    expect([same.precision, same.recall, same.k, same.nReal, same.nFake]).toEqual([1, 1, 3, 300, 300]);
    const far = manifoldPrecisionRecall(real, 300, gaussian(300, d, 22, 50), 300, d);
    expect([far.precision, far.recall]).toEqual([0, 0]);
    // Real: two clusters (at 0 and at 50); generated: only the one at 0.
    const twoClusters = new Float64Array(600 * d);
    twoClusters.set(gaussian(300, d, 23));
    twoClusters.set(gaussian(300, d, 24, 50), 300 * d);
    const half = manifoldPrecisionRecall(twoClusters, 600, gaussian(300, d, 25), 300, d);
    expect(half.precision).toBeGreaterThan(0.9);
    expect(half.recall).toBeGreaterThan(0.4);
    expect(half.recall).toBeLessThanOrEqual(0.5);
  });
});
