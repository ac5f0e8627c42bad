/**
 * Images prepared for an encoder/decoder's likelihood, from plain [0, 1]
 * grey levels:
 *
 * - 'real': the grey levels as they are (Gaussian decoders, autoencoders);
 * - 'threshold': x > 0.5 → 1, else 0;
 * - 'stochastic': x ~ Bernoulli(grey level). During training the draws are
 *   fresh per global step (seeded by seed and step, so a resumed run sees the
 *   same draws); held-out data (validation, test, analyses) use ONE fixed
 *   binarisation drawn from the seed per image index, so every evaluation
 *   sees the same binary images.
 */
import { deriveSeed, mulberry32 } from './prng';

export type PixelMode = 'real' | 'threshold' | 'stochastic';

/** Which random draws a stochastic binarisation uses. */
export type DrawKey =
  /** Training: fresh per global step. */
  | { kind: 'step'; step: number }
  /** Held-out: fixed per image index of the 'train' or 'test' file. */
  | { kind: 'fixed'; split: 'train' | 'test' };

const SPLIT_TAG = { train: 0x7a1, test: 0x7e5 } as const;

/** Copy images `indices[start, end)` into one flat array, prepared for the likelihood. */
export function preparePixels(
  images: Float32Array, perImage: number, indices: ArrayLike<number>, start: number, end: number,
  mode: PixelMode, seed: number, key: DrawKey,
): Float32Array {
  const count = end - start;
  const x = new Float32Array(count * perImage);
  const stepRnd = mode === 'stochastic' && key.kind === 'step' ? mulberry32(deriveSeed(seed, key.step, 0xb1)) : undefined;
  for (let i = 0; i < count; i++) {
    const idx = indices[start + i]!;
    const src = images.subarray(idx * perImage, (idx + 1) * perImage);
    const o = i * perImage;
    if (mode === 'real') {
      x.set(src, o);
    } else if (mode === 'threshold') {
      for (let j = 0; j < perImage; j++) x[o + j] = src[j]! > 0.5 ? 1 : 0;
    } else {
      const rnd = stepRnd ?? mulberry32(deriveSeed(seed, key.kind === 'fixed' ? SPLIT_TAG[key.split] : 0, idx));
      for (let j = 0; j < perImage; j++) x[o + j] = rnd() < src[j]! ? 1 : 0;
    }
  }
  return x;
}
