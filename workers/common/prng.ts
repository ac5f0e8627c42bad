/**
 * Seeded pseudo-random numbers for shuffling and seed derivation
 * (mulberry32: 32-bit state, fast, good enough for data order). Pure, in
 * workers/common so data modules can use it; workers/engine/prng.ts re-exports it.
 */

export interface Prng {
  /** Uniform in [0, 1). */
  (): number;
  /** Current internal state, to store in a checkpoint. */
  state(): number;
}

export function mulberry32(seed: number): Prng {
  let a = seed >>> 0;
  const next = (() => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }) as Prng;
  next.state = () => a;
  return next;
}

/** Mix several integers into one 31-bit seed (stable across runs and platforms). */
export function deriveSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x01000193) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
  }
  return (h ^ (h >>> 15)) & 0x7fffffff;
}

/** In-place Fisher–Yates shuffle. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(arr: T, rnd: () => number): T {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = arr[i]!;
    arr[i] = arr[j]!;
    arr[j] = t;
  }
  return arr;
}

/** A permutation of 0..n-1 drawn from `seed`. */
export function permutation(n: number, seed: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return shuffleInPlace(out, mulberry32(seed));
}
