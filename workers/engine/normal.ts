/**
 * The standard normal distribution in plain numbers: seeded samples (for the
 * fixed prior draws of the galleries) and the inverse CDF (for the 2-D
 * latent manifold grid of Kingma & Welling 2014, fig. 4).
 */
import { mulberry32 } from './prng';

/** `count` independent N(0, 1) draws from `seed` (Box–Muller on mulberry32). */
export function standardNormals(count: number, seed: number): Float64Array {
  const rnd = mulberry32(seed);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const u1 = 1 - rnd(); // (0, 1]
    const u2 = rnd();
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

// Acklam's rational approximation (relative error < 1.15e-9 on (0, 1)).
const A = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
const B = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
const C = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
const D = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
const P_LOW = 0.02425;

const poly = (c: readonly number[], x: number): number => c.reduce((acc, k) => acc * x + k, 0);

/** Φ⁻¹(p): the z with P(Z ≤ z) = p for Z ~ N(0, 1); p must be in (0, 1). */
export function inverseNormalCdf(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`inverseNormalCdf needs 0 < p < 1, got ${p}`);
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(C, q) / (poly(D, q) * q + 1);
  }
  if (p > 1 - P_LOW) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -poly(C, q) / (poly(D, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (poly(A, r) * q) / (poly(B, r) * r + 1);
}

/**
 * The n×n grid of 2-D latent points whose coordinates are Φ⁻¹ of evenly
 * spaced probabilities (k + ½)/n, row-major: rows go from high z₂ (top) to
 * low, columns from low z₁ (left) to high.
 */
export function normalGrid2d(n: number): number[][] {
  const q = Array.from({ length: n }, (_, k) => inverseNormalCdf((k + 0.5) / n));
  const out: number[][] = [];
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) out.push([q[c]!, q[n - 1 - r]!]);
  return out;
}
