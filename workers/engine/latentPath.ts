/**
 * Paths through a latent space between two codes: the straight line, or the
 * great circle ('slerp'), which keeps Gaussian noise at the radius where it
 * has its mass; the straight line cuts through the low-norm middle (White
 * 2016). The on-demand interpolation between two samples' noise uses them.
 */

/** Points from a to b (t = 0 … 1, `steps` of them) on the straight line or the great circle. */
export function latentPath(a: readonly number[], b: readonly number[], steps: number, path: 'slerp' | 'linear'): number[][] {
  if (a.length !== b.length) throw new Error(`The two noise vectors differ in size (${a.length} vs ${b.length})`);
  const dot = a.reduce((s, v, i) => s + v * b[i]!, 0);
  const na = Math.hypot(...a);
  const nb = Math.hypot(...b);
  const omega = na > 0 && nb > 0 ? Math.acos(Math.min(1, Math.max(-1, dot / (na * nb)))) : 0;
  const out: number[][] = [];
  for (let i = 0; i < steps; i++) {
    const t = steps === 1 ? 0 : i / (steps - 1);
    let wa = 1 - t;
    let wb = t;
    // Near-parallel vectors: slerp tends to the straight line.
    if (path === 'slerp' && Math.sin(omega) > 1e-6) {
      wa = Math.sin((1 - t) * omega) / Math.sin(omega);
      wb = Math.sin(t * omega) / Math.sin(omega);
    }
    out.push(a.map((v, j) => wa * v + wb * b[j]!));
  }
  return out;
}
