/**
 * The RBM's log partition function: the exact sum over hidden states against
 * brute force over every joint state (plain JS float64), and AIS against the
 * exact value within its own stated error, on the cpu backend. Seeds are in
 * the test names; AIS settings are small (a few hundred to 1,500 steps) so
 * the file runs in seconds.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../workers/engine/prng';
import { aisLogPartition, betaSchedule, summariseLogWeights } from '../../../workers/families/rbm/ais';
import { exactLogPartition, LogSumExp } from '../../../workers/families/rbm/exactLogPartition';
import { createRbm, disposeRbm, freeEnergy, type RbmParams } from '../../../workers/families/rbm/rbm';

beforeAll(async () => { await tf.setBackend('cpu'); });

interface Plain { W: number[][]; b: number[]; c: number[] }

/** A random RBM: weights and biases uniform in ±scale, from a seeded stream. */
function randomRbm(visible: number, hidden: number, seed: number, scale: number): { p: RbmParams; plain: Plain } {
  const rnd = mulberry32(seed);
  const u = (): number => scale * (2 * rnd() - 1);
  const W = Array.from({ length: visible }, () => Array.from({ length: hidden }, u));
  const b = Array.from({ length: visible }, u);
  const c = Array.from({ length: hidden }, u);
  const p = createRbm(visible, hidden, seed);
  p.weights.assign(tf.tensor2d(W));
  p.visibleBias.assign(tf.tensor1d(b));
  p.hiddenBias.assign(tf.tensor1d(c));
  return { p, plain: { W, b, c } };
}

const bits = (s: number, n: number): number[] => Array.from({ length: n }, (_, i) => (s >>> i) & 1);

/** −E(v, h) = vᵀb + hᵀc + vᵀWh. */
function negEnergy(m: Plain, v: number[], h: number[]): number {
  let e = 0;
  v.forEach((vi, i) => { e += vi * m.b[i]!; h.forEach((hj, j) => { e += vi * hj * m.W[i]![j]!; }); });
  h.forEach((hj, j) => { e += hj * m.c[j]!; });
  return e;
}

/** log Σ over all 2^(V+H) joint states of exp(−E), and log Σ_h exp(−E(v, h)) for one v. */
function bruteLogZ(m: Plain): number {
  const V = m.b.length;
  const H = m.c.length;
  const acc = new LogSumExp();
  for (let s = 0; s < 2 ** V; s++) for (let t = 0; t < 2 ** H; t++) acc.add(negEnergy(m, bits(s, V), bits(t, H)));
  return acc.value();
}
function bruteLogMarginal(m: Plain, v: number[]): number {
  const acc = new LogSumExp();
  for (let t = 0; t < 2 ** m.c.length; t++) acc.add(negEnergy(m, v, bits(t, m.c.length)));
  return acc.value();
}

/** log Z by the visible side: logsumexp over v of vᵀb + Σⱼ softplus(cⱼ + vᵀW·ⱼ) (an independent route for many hidden units). */
function visibleSideLogZ(m: Plain): number {
  const acc = new LogSumExp();
  for (let s = 0; s < 2 ** m.b.length; s++) {
    const v = bits(s, m.b.length);
    let x = v.reduce((a, vi, i) => a + vi * m.b[i]!, 0);
    m.c.forEach((cj, j) => {
      const a = cj + v.reduce((t, vi, i) => t + vi * m.W[i]![j]!, 0);
      x += Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a)));
    });
    acc.add(x);
  }
  return acc.value();
}

describe('exact log partition function', () => {
  const tiny = randomRbm(6, 4, 5, 1.5);
  afterAll(() => disposeRbm(tiny.p));

  it('of a 6×4 RBM (seed 5) equals the brute-force sum over all 1,024 joint states, whatever the chunk', () => {
    const brute = bruteLogZ(tiny.plain);
    expect(exactLogPartition(tiny.p)).toBeCloseTo(brute, 5);
    expect(exactLogPartition(tiny.p, 3)).toBeCloseTo(brute, 5);
  });

  it('gives the mean log-likelihood −mean F(v) − log Z of brute-force log p(v)', () => {
    const vs = [[1, 0, 1, 1, 0, 0], [0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1]];
    const logZ = bruteLogZ(tiny.plain);
    const expected = vs.reduce((a, v) => a + bruteLogMarginal(tiny.plain, v) - logZ, 0) / vs.length;
    const f = freeEnergy(tiny.p, tf.tensor2d(vs));
    const meanF = Array.from(f.dataSync()).reduce((a, x) => a + x, 0) / vs.length;
    f.dispose();
    expect(-meanF - exactLogPartition(tiny.p)).toBeCloseTo(expected, 4);
  });

  it('of an 8×20 RBM (seed 9) enumerates 2^20 hidden states and equals the visible-side sum', () => {
    const big = randomRbm(8, 20, 9, 0.8);
    expect(exactLogPartition(big.p, 1 << 16)).toBeCloseTo(visibleSideLogZ(big.plain), 4);
    disposeRbm(big.p);
  });

  it('refuses more than 20 hidden units, naming the alternative', () => {
    const p = createRbm(3, 21, 1);
    expect(() => exactLogPartition(p)).toThrow(/21 hidden units.*AIS/);
    disposeRbm(p);
  });
});

describe('AIS estimate of log Z', () => {
  it('spreads its β as Salakhutdinov & Murray: 1,000 / 4,000 / 10,000 steps for K = 15,000', () => {
    const b = betaSchedule(15_000);
    expect(b.length).toBe(15_001);
    expect([b[0], b[1000], b[5000], b[15_000]]).toEqual([0, 0.5, 0.9, 1]);
    expect(b[1]).toBeCloseTo(0.0005, 12);
    expect(b.every((x, i) => i === 0 || x > b[i - 1]!)).toBe(true);
  });

  it('summarises weights as log mean exp with a delta-method se (hand-computed)', () => {
    // w = 1, 3 (× e^10): mean 2, sd √2, se of the mean 1, se of log mean 1/2.
    const s = summariseLogWeights(Float64Array.from([10, 10 + Math.log(3)]), 0.5);
    expect(s.logZ).toBeCloseTo(10.5 + Math.log(2), 12);
    expect(s.se).toBeCloseTo(0.5, 12);
    expect(s.logZHigh3sd).toBeCloseTo(10.5 + Math.log(5), 12);
    expect(s.logZLow3sd).toBe(-Infinity);
    expect(s.effectiveSampleSize).toBeCloseTo(16 / 10, 12);
  });

  for (const seed of [1, 2, 3]) {
    it(`agrees with the exact log Z of the 6×4 RBM within 3 of its standard errors (seed ${seed})`, () => {
      const tiny = randomRbm(6, 4, 5, 1.5);
      const exact = exactLogPartition(tiny.p);
      const est = aisLogPartition(tiny.p, { runs: 100, steps: 300, seed });
      disposeRbm(tiny.p);
      expect(est.se).toBeGreaterThan(0);
      expect(est.se).toBeLessThan(0.05);
      expect(Math.abs(est.logZ - exact)).toBeLessThan(3 * est.se);
      expect(est.logZLow3sd).toBeLessThan(exact);
      expect(est.logZHigh3sd).toBeGreaterThan(exact);
    });

    it(`agrees with the exact log Z of an 8×20 RBM from a base-rate model within 3 standard errors (seed ${seed})`, () => {
      const big = randomRbm(8, 20, 9, 0.8);
      const exact = visibleSideLogZ(big.plain);
      const est = aisLogPartition(big.p, { runs: 100, steps: 1000, seed, baseVisibleBias: Float32Array.from([0.5, -0.5, 0, 1, -1, 0.2, 0, -0.3]) });
      disposeRbm(big.p);
      expect(est.se).toBeGreaterThan(0);
      expect(est.se).toBeLessThan(0.05);
      expect(Math.abs(est.logZ - exact)).toBeLessThan(3 * est.se);
    });
  }

  it('is reproducible for a seed and differs between seeds', () => {
    const tiny = randomRbm(6, 4, 5, 1.5);
    const a = aisLogPartition(tiny.p, { runs: 20, steps: 50, seed: 4 });
    const b = aisLogPartition(tiny.p, { runs: 20, steps: 50, seed: 4 });
    const c = aisLogPartition(tiny.p, { runs: 20, steps: 50, seed: 5 });
    disposeRbm(tiny.p);
    expect(a.logZ).toBe(b.logZ);
    expect(c.logZ).not.toBe(a.logZ);
  });
});
