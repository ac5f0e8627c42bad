/**
 * 2-D projections of latent codes for the latent-scatter artifact: the
 * identity (a 2-D latent), PCA (covariance + symmetric eigendecomposition,
 * ml-matrix) or UMAP (umap-js, seeded).
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { UMAP } from 'umap-js';
import type { LatentScatterData } from '../common/gallery';
import { mulberry32 } from './prng';

export type ProjectionMethod = LatentScatterData['method'];

/** Codes as a row-major n × dim array. */
export interface Codes {
  values: Float32Array | Float64Array;
  n: number;
  dim: number;
}

/**
 * Project onto the two leading principal components (centred). Each axis'
 * sign is fixed so its largest-magnitude loading is positive, so the picture
 * does not flip between calls. With dim 1 the second coordinate is 0.
 */
export function pca2d(c: Codes): [number, number][] {
  const { values, n, dim } = c;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j]! += values[i * dim + j]! / n;
  const cov = Matrix.zeros(dim, dim);
  const centred = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) centred[j] = values[i * dim + j]! - mean[j]!;
    for (let a = 0; a < dim; a++) for (let b = a; b < dim; b++) cov.set(a, b, cov.get(a, b) + centred[a]! * centred[b]!);
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) cov.set(a, b, cov.get(b, a));
  const evd = new EigenvalueDecomposition(cov, { assumeSymmetric: true });
  const order = evd.realEigenvalues.map((v, i) => [v, i] as const).sort((p, q) => q[0] - p[0]).map(([, i]) => i);
  const axes = order.slice(0, 2).map((col) => {
    const v = evd.eigenvectorMatrix.getColumn(col);
    const lead = v.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0);
    return lead < 0 ? v.map((x) => -x) : v;
  });
  const points: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const p: [number, number] = [0, 0];
    axes.forEach((axis, k) => {
      let s = 0;
      for (let j = 0; j < dim; j++) s += (values[i * dim + j]! - mean[j]!) * axis[j]!;
      p[k] = s;
    });
    points.push(p);
  }
  return points;
}

export interface UmapOptions {
  seed: number;
  nNeighbors?: number;
  /** Optimisation epochs; by default 200 up to 2500 points, fewer above, so 10,000 points stay bounded. */
  nEpochs?: number;
}

/** UMAP to 2-D with a seeded PRNG (deterministic for a seed). */
export function umap2d(c: Codes, o: UmapOptions): [number, number][] {
  const rows: number[][] = [];
  for (let i = 0; i < c.n; i++) rows.push(Array.from(c.values.subarray(i * c.dim, (i + 1) * c.dim)));
  const nNeighbors = Math.min(o.nNeighbors ?? 15, Math.max(2, c.n - 1));
  const nEpochs = o.nEpochs ?? (c.n <= 2500 ? 200 : c.n <= 5000 ? 120 : 80);
  const umap = new UMAP({ nComponents: 2, nNeighbors, nEpochs, random: mulberry32(o.seed) });
  return umap.fit(rows).map((p) => [p[0] ?? 0, p[1] ?? 0]);
}

/** Project codes with `method` ('identity' needs dim 2). */
export function project(c: Codes, method: ProjectionMethod, seed: number): [number, number][] {
  switch (method) {
    case 'identity': {
      if (c.dim !== 2) throw new Error(`The identity projection needs a 2-D latent, this one has ${c.dim} dimensions`);
      const out: [number, number][] = [];
      for (let i = 0; i < c.n; i++) out.push([c.values[2 * i]!, c.values[2 * i + 1]!]);
      return out;
    }
    case 'pca': return pca2d(c);
    case 'umap': return umap2d(c, { seed });
  }
}

/** The latent-scatter artifact of codes of test images `testIndices` with `labels`. */
export function latentScatter(c: Codes, method: ProjectionMethod, seed: number, labels: readonly number[], testIndices: readonly number[]): LatentScatterData {
  const round = (v: number): number => (Number.isFinite(v) ? Math.round(v * 1e4) / 1e4 : 0);
  const points = project(c, method, seed).map(([x, y]) => [round(x), round(y)] as [number, number]);
  return { method, latentDim: c.dim, points, labels: [...labels], testIndices: [...testIndices] };
}
