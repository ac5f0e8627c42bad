/**
 * Synthetic 2-D Gaussian mixtures for GANs (the mode-collapse testbeds of
 * Metz et al. 2016 and Srivastava et al. 2017), with their mode-coverage
 * measures. Pure, seeded. Kept here rather than in the dataset catalogue:
 * a run selects one with `hyper.toy`, which replaces its image dataset.
 *
 * - 'ring8': 8 equal-weight Gaussians, centres on a circle of radius 2, σ 0.02.
 * - 'grid25': 25 equal-weight Gaussians, centres on {−4, −2, 0, 2, 4}², σ 0.05.
 */
import type { ToyDataset } from '../common/runConfig';
import { standardNormals } from '../engine/normal';
import { deriveSeed, mulberry32 } from '../engine/prng';

export interface ToyMixture {
  id: ToyDataset;
  centres: [number, number][];
  sigma: number;
}

export function toyMixture(id: ToyDataset): ToyMixture {
  switch (id) {
    case 'ring8':
      return { id, sigma: 0.02, centres: Array.from({ length: 8 }, (_, k) => [2 * Math.cos((2 * Math.PI * k) / 8), 2 * Math.sin((2 * Math.PI * k) / 8)] as [number, number]) };
    case 'grid25': {
      const centres: [number, number][] = [];
      for (let i = -2; i <= 2; i++) for (let j = -2; j <= 2; j++) centres.push([2 * i, 2 * j]);
      return { id, sigma: 0.05, centres };
    }
  }
}

/** `n` points of the mixture, flat [x0, y0, x1, y1, …]; the same for the same seed. */
export function sampleToy(m: ToyMixture, n: number, seed: number): Float32Array {
  const rnd = mulberry32(seed);
  const eps = standardNormals(2 * n, deriveSeed(seed, 0x7a11));
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = m.centres[Math.min(m.centres.length - 1, Math.floor(rnd() * m.centres.length))]!;
    out[2 * i] = c[0] + m.sigma * eps[2 * i]!;
    out[2 * i + 1] = c[1] + m.sigma * eps[2 * i + 1]!;
  }
  return out;
}

/** The box drawn around the data: the centres' extent plus a margin of 1 on every side. */
export function toyBounds(m: ToyMixture): { xMin: number; xMax: number; yMin: number; yMax: number } {
  const xs = m.centres.map((c) => c[0]);
  const ys = m.centres.map((c) => c[1]);
  return { xMin: Math.min(...xs) - 1, xMax: Math.max(...xs) + 1, yMin: Math.min(...ys) - 1, yMax: Math.max(...ys) + 1 };
}

export interface ModeCoverage {
  /** Modes with at least `minPerMode` points within 3σ of their centre. */
  modesCovered: number;
  /** Mean distance from each point to its nearest centre. */
  modeDistance: number;
  /** Fraction of points within 3σ of some centre ("high-quality" samples). */
  highQuality: number;
  /** Points within 3σ, per mode. */
  perMode: number[];
}

/** Mode coverage of generated points (flat [x, y, …]). */
export function modeCoverage(m: ToyMixture, points: Float32Array | readonly number[], minPerMode: number): ModeCoverage {
  const n = Math.floor(points.length / 2);
  const perMode = new Array<number>(m.centres.length).fill(0);
  const r3 = 3 * m.sigma;
  let dist = 0;
  let good = 0;
  for (let i = 0; i < n; i++) {
    const x = points[2 * i]!;
    const y = points[2 * i + 1]!;
    let best = Infinity;
    let bestK = -1;
    m.centres.forEach(([cx, cy], k) => {
      const d = Math.hypot(x - cx, y - cy);
      if (d < best) { best = d; bestK = k; }
    });
    dist += best;
    if (best <= r3) { perMode[bestK]! += 1; good++; }
  }
  return { modesCovered: perMode.filter((c) => c >= minPerMode).length, modeDistance: n > 0 ? dist / n : NaN, highQuality: n > 0 ? good / n : 0, perMode };
}
