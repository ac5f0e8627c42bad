/**
 * The Gaussian–Bernoulli RBM's maths (workers/families/rbm/gaussian.ts) and the
 * sparsity penalty (sparsity.ts), on the cpu backend against hand computations.
 * That it learns MNIST is the training tier's (test/training/gaussianRbmLearns.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gaussianCdUpdate, gaussianFreeEnergy, gaussianHiddenProbs, gaussianVisibleMean, type GaussianRbm } from '../../../workers/families/rbm/gaussian';
import { cdUpdate, createRbm, createVelocity, disposeRbm } from '../../../workers/families/rbm/rbm';
import { sparsityGradients } from '../../../workers/families/rbm/sparsity';
import { pixelStatistics, STD_FLOOR } from '../../../workers/families/rbm/visibleUnits';

beforeAll(async () => { await tf.setBackend('cpu'); });

const W = [[1, 0], [0, 2], [-1, 1]];
const b = [0.5, -1, 0];
const c = [0.1, -0.2];
const sigma = [1, 2, 0.5];

/** The 3 × 2 model above, σ = (1, 2, 0.5). */
function model(): GaussianRbm {
  const p = createRbm(3, 2, 7);
  p.weights.assign(tf.tensor2d(W));
  p.visibleBias.assign(tf.tensor1d(b));
  p.hiddenBias.assign(tf.tensor1d(c));
  return { ...p, logSigma: tf.variable(tf.tensor1d(sigma.map(Math.log))) };
}

function dispose(p: GaussianRbm): void {
  disposeRbm(p);
  p.logSigma.dispose();
}

/** E(v, h) = Σ (vᵢ − bᵢ)²/(2σᵢ²) − c·h − Σ (vᵢ/σᵢ) Wᵢⱼ hⱼ, by hand. */
function energy(v: number[], h: number[]): number {
  let e = 0;
  for (let i = 0; i < 3; i++) e += (v[i]! - b[i]!) ** 2 / (2 * sigma[i]! ** 2);
  for (let j = 0; j < 2; j++) e -= c[j]! * h[j]!;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) e -= (v[i]! / sigma[i]!) * W[i]![j]! * h[j]!;
  return e;
}

const HIDDEN_STATES = [[0, 0], [0, 1], [1, 0], [1, 1]];

describe('Gaussian–Bernoulli RBM', () => {
  it('P(h | v) and E[v | h] of a 3 × 2 model match the hand computation', () => {
    const p = model();
    // v/σ = (1, 1, −2); (v/σ)W = (1 + 2, 2 − 2) = (3, 0); + c = (3.1, −0.2).
    const ph = gaussianHiddenProbs(p, tf.tensor2d([[1, 2, -1]]));
    const sig = (x: number): number => 1 / (1 + Math.exp(-x));
    expect(Array.from(ph.dataSync())).toEqual([expect.closeTo(sig(3.1), 6), expect.closeTo(sig(-0.2), 6)]);
    // h = (1, 0): Wh = (1, 0, −1); σ ⊙ Wh = (1, 0, −0.5); + b = (1.5, −1, −0.5). h = (1, 1): Wh = (1, 2, 0) → (1.5, 3, 0).
    const mean = gaussianVisibleMean(p, tf.tensor2d([[1, 0], [1, 1]]));
    expect(Array.from(mean.dataSync())).toEqual([1.5, -1, -0.5, 1.5, 3, 0].map((x) => expect.closeTo(x, 6)));
    dispose(p);
  });

  it('F(v) equals −log Σ_h exp(−E(v, h)) summed over the four hidden states', () => {
    const p = model();
    const vs = [[1, 2, -1], [0, 0, 0], [-0.3, 1.7, 0.4]];
    const f = gaussianFreeEnergy(p, tf.tensor2d(vs)).dataSync();
    vs.forEach((v, n) => {
      const z = HIDDEN_STATES.reduce((sum, h) => sum + Math.exp(-energy(v, h)), 0);
      expect(f[n]).toBeCloseTo(-Math.log(z), 4);
    });
    dispose(p);
  });

  it('∫ exp(−F(v)) dv over a grid equals the analytic Σ_h exp(c·h + Σ (bᵢuᵢ/σᵢ + uᵢ²/2)) Πᵢ √(2π) σᵢ, u = Wh (one visible unit, σ = 1.5)', () => {
    const p: GaussianRbm = { ...createRbm(1, 2, 3), logSigma: tf.variable(tf.tensor1d([Math.log(1.5)])) };
    const w = [0.8, -0.6];
    const b0 = 0.3;
    const s = 1.5;
    p.weights.assign(tf.tensor2d([w]));
    p.visibleBias.assign(tf.tensor1d([b0]));
    p.hiddenBias.assign(tf.tensor1d(c));
    // The Gaussian part integrated by completing the square: (v − b)²/(2σ²) − v·u/σ = (v − b − σu)²/(2σ²) − bu/σ − u²/2.
    const analytic = HIDDEN_STATES.reduce((sum, h) => {
      const u = w[0]! * h[0]! + w[1]! * h[1]!;
      return sum + Math.exp(c[0]! * h[0]! + c[1]! * h[1]! + (b0 * u) / s + (u * u) / 2) * Math.sqrt(2 * Math.PI) * s;
    }, 0);
    const step = 0.01;
    const grid = Array.from({ length: 4001 }, (_, i) => -20 + i * step);
    const f = gaussianFreeEnergy(p, tf.tensor2d(grid, [grid.length, 1])).dataSync();
    const numeric = Array.from(f).reduce((sum, x) => sum + Math.exp(-x) * step, 0);
    expect(numeric / analytic).toBeCloseTo(1, 4);
    dispose(p);
  });

  it('with σ learned, CD lowers log σ of a pixel the data barely moves, and leaks no tensor (seeds 0–99)', () => {
    const p = model();
    p.weights.assign(tf.mul(0.01, p.weights));
    p.logSigma.assign(tf.zeros([3]));
    p.visibleBias.assign(tf.zeros([3]));
    const vel = createVelocity(p);
    const logSigmaVelocity = tf.variable(tf.zeros([3]));
    // Pixel 0 is constant; pixels 1 and 2 spread with std ≈ 1.
    const data = tf.tensor2d([[0, 1, -1], [0, -1, 1], [0, 1, 1], [0, -1, -1]]);
    const tensors = tf.memory().numTensors;
    for (let s = 0; s < 100; s++) gaussianCdUpdate(p, vel, data, { k: 1, learningRate: 0.01, momentum: 0.5, weightDecay: 0, seed: s }, logSigmaVelocity);
    expect(tf.memory().numTensors).toBe(tensors);
    const logSigma = p.logSigma.dataSync();
    expect(logSigma[0]!).toBeLessThan(-0.2);
    expect(logSigma[0]!).toBeLessThan(logSigma[1]! - 0.2);
    tf.dispose([data, logSigmaVelocity]);
    dispose(p);
    disposeRbm(vel);
  });
});

describe('sparsity target', () => {
  it('q ← λq + (1 − λ)·mean P(h | v); the penalty is cost·(p − q) on c and mean(v)ᵀ·cost·(p − q) on W', () => {
    const estimate = tf.variable(tf.tensor1d([0.5, 0.5]));
    const ph0 = tf.tensor2d([[0.9, 0.1], [0.7, 0.3]]); // batch means (0.8, 0.2)
    const v = tf.tensor2d([[1, 0], [0, 0]]); // mean visible (0.5, 0)
    const g = tf.tidy(() => sparsityGradients({ target: 0.1, cost: 2, decay: 0.9, estimate }, ph0, v));
    // q = 0.9·0.5 + 0.1·(0.8, 0.2) = (0.53, 0.47); c term = 2·(0.1 − q) = (−0.86, −0.74).
    expect(Array.from(estimate.dataSync())).toEqual([expect.closeTo(0.53, 6), expect.closeTo(0.47, 6)]);
    expect(Array.from(g.c.dataSync())).toEqual([expect.closeTo(-0.86, 6), expect.closeTo(-0.74, 6)]);
    expect(Array.from(g.w.dataSync())).toEqual([-0.43, -0.37, 0, 0].map((x) => expect.closeTo(x, 6)));
    tf.dispose([estimate, ph0, v, g.c, g.w]);
  });
});

describe('sparsity target on Bernoulli units (cpu)', () => {
  it('CD-1 on two 6-pixel patterns (weights seed 3, update seeds 0–149): a 0.05 target (cost 1, decay 0.9) ends the mean hidden activation nearer 0.05 than without (measured 0.048 against 0.486)', () => {
    const last = (target: number): number => {
      const p = createRbm(6, 4, 3);
      const vel = createVelocity(p);
      const estimate = tf.variable(tf.fill([4], 0.5));
      const data = tf.tensor2d([[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]]);
      let mean = 0;
      for (let s = 0; s < 150; s++) {
        mean = cdUpdate(p, vel, data, { k: 1, learningRate: 0.1, momentum: 0.5, weightDecay: 0, seed: s, ...(target > 0 ? { sparsity: { target, cost: 1, decay: 0.9, estimate } } : {}) }).meanHidden;
      }
      tf.dispose([estimate, data]);
      disposeRbm(p);
      disposeRbm(vel);
      return mean;
    };
    const without = last(0);
    const withTarget = last(0.05);
    expect(Math.abs(withTarget - 0.05)).toBeLessThan(Math.abs(without - 0.05) - 0.1);
  });
});

describe('standardisation', () => {
  it('each pixel’s mean and std over the images, std floored so a never-inked pixel does not divide by zero', () => {
    // Two images of three pixels: pixel 0 is (0, 1), pixel 1 constant, pixel 2 (0.5, 0.7).
    const s = pixelStatistics(Float32Array.from([0, 0.3, 0.5, 1, 0.3, 0.7]), 2, 3);
    expect(Array.from(s.mean)).toEqual([0.5, 0.3, 0.6].map((x) => expect.closeTo(x, 6)));
    expect(Array.from(s.std)).toEqual([0.5, STD_FLOOR, 0.1].map((x) => expect.closeTo(x, 6)));
  });
});
