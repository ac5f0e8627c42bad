/**
 * The exact log partition function of a small Bernoulli RBM, by enumerating
 * its hidden states with the visible units summed out analytically:
 *
 *   log Z = logsumexp over h ∈ {0,1}^H of [ cᵀh + Σᵢ softplus(bᵢ + Wᵢ·h) ].
 *
 * 2^H terms, each costing a V-long row of W·h: cheap up to about 20 hidden
 * units (2^20 ≈ 10⁶ states; for 784 visible units about 3·10¹⁰ flops). The
 * per-state terms are computed in chunks with tensor ops on the run's backend
 * (float32: each term is accurate to about 1e-7 of its size), and the
 * logsumexp over them is accumulated in JS float64, so the sum of 10⁶ terms
 * loses nothing to float32 rounding.
 */
import * as tf from '@tensorflow/tfjs';
import type { RbmParams } from './rbm';

/** The most hidden units enumerated: 2^20 states. */
export const MAX_EXACT_HIDDEN = 20;

/** A running logsumexp in float64: add terms one at a time, read `value()`. */
export class LogSumExp {
  private max = -Infinity;
  private sum = 0;

  add(x: number): void {
    if (x <= this.max) {
      this.sum += Math.exp(x - this.max);
      return;
    }
    this.sum = this.sum * Math.exp(this.max - x) + 1;
    this.max = x;
  }

  value(): number {
    return this.max + Math.log(this.sum);
  }
}

/** Hidden states start … start + n − 1 as rows of bits (bit j of the state's index is unit j). */
function hiddenStates(start: number, n: number, hidden: number): Float32Array {
  const out = new Float32Array(n * hidden);
  for (let r = 0; r < n; r++) {
    const s = start + r;
    for (let j = 0; j < hidden; j++) out[r * hidden + j] = (s >>> j) & 1;
  }
  return out;
}

/**
 * log Z of the RBM `p` (float64), exactly, by the sum over its 2^H hidden
 * states in chunks of `chunk` states. Refuses more than MAX_EXACT_HIDDEN
 * hidden units: beyond that use the AIS estimate (ais.ts).
 */
export function exactLogPartition(p: RbmParams, chunk = 4096): number {
  const hidden = p.hiddenBias.shape[0]!;
  if (hidden > MAX_EXACT_HIDDEN) throw new Error(`exactLogPartition enumerates 2^H hidden states; ${hidden} hidden units is more than the ${MAX_EXACT_HIDDEN} it allows (use the AIS estimate)`);
  if (!Number.isInteger(chunk) || chunk < 1) throw new Error(`exactLogPartition: chunk must be a whole number ≥ 1, got ${chunk}`);
  const total = 2 ** hidden;
  const acc = new LogSumExp();
  for (let start = 0; start < total; start += chunk) {
    const n = Math.min(chunk, total - start);
    const terms = tf.tidy(() => {
      const h = tf.tensor2d(hiddenStates(start, n, hidden), [n, hidden]);
      const hiddenTerm = tf.sum(tf.mul(h, p.hiddenBias), 1);
      const visibleTerm = tf.sum(tf.softplus(tf.add(tf.matMul(h, p.weights, false, true), p.visibleBias)), 1);
      return tf.add(hiddenTerm, visibleTerm);
    });
    const values = terms.dataSync();
    terms.dispose();
    for (let i = 0; i < n; i++) acc.add(values[i]!);
  }
  return acc.value();
}
