/**
 * PixelCNN's causality, from the gradient (issue 18's first test): for a chosen
 * output pixel, the gradient of its logit with respect to the input image is
 * exactly zero at that pixel and at every later pixel in raster order, and
 * non-zero at earlier ones — for a lone mask-A layer, A then B stacked, and the
 * whole network; a lone mask-B layer does see its centre. 8×8 images, cpu
 * backend, seeded weights and inputs.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MaskedConv2d } from '../../../workers/engine/maskedConv2d';
import { buildPixelCnn } from '../../../workers/families/pixelcnn/network';

const H = 8;
const W = 8;

/** |∂(Σ channels of output pixel (r, c)) / ∂ input| per input pixel, summed over input channels: [H·W] in raster order. */
function inputGradient(f: (x: tf.Tensor4D) => tf.Tensor, channels: number, r: number, c: number): Float32Array {
  return tf.tidy(() => {
    const x = tf.randomUniform([1, H, W, channels], 0, 1, 'float32', 11);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.slice(f(tf.reshape(v, [1, H, W, channels])), [0, r, c, 0], [1, 1, 1, -1])))(x);
    return tf.sum(tf.abs(g), [0, 3]).dataSync() as Float32Array;
  });
}

function masked(maskType: 'A' | 'B', kernelSize: number, filters: number, seed: number): MaskedConv2d {
  return new MaskedConv2d({ filters, kernelSize, maskType, activation: 'linear', useBias: true, seed });
}

function apply(layer: tf.layers.Layer, x: tf.Tensor): tf.Tensor {
  const y = layer.apply(x);
  if (!(y instanceof tf.Tensor)) throw new Error('expected one tensor');
  return y;
}

/** Raster indices with a non-zero gradient. */
function seen(g: Float32Array): number[] {
  return [...g.keys()].filter((p) => g[p] !== 0);
}

/** The pixels a lone k×k mask-A kernel sees from (r, c): the rows above within reach, and the row's pixels to the left. */
function maskAWindow(k: number, r: number, c: number): number[] {
  const m = (k - 1) / 2;
  const out: number[] = [];
  for (let i = Math.max(0, r - m); i <= r; i++) {
    for (let j = Math.max(0, c - m); j <= Math.min(W - 1, c + m); j++) if (i < r || j < c) out.push(i * W + j);
  }
  return out;
}

describe('PixelCNN causality from the gradient (8×8, cpu)', () => {
  beforeAll(async () => { await tf.setBackend('cpu'); });

  it('a lone 7×7 mask-A layer at (4, 4): exactly zero at the pixel and after it, non-zero on exactly its causal window', () => {
    const a = masked('A', 7, 4, 1);
    const g = inputGradient((x) => apply(a, x), 1, 4, 4);
    expect(g[4 * W + 4]).toBe(0);
    for (let p = 4 * W + 4; p < H * W; p++) expect(g[p]).toBe(0);
    expect(seen(g)).toEqual(maskAWindow(7, 4, 4));
    a.dispose();
  });

  it('a lone 3×3 mask-B layer sees its centre, nothing after it', () => {
    const b = masked('B', 3, 4, 2);
    const g = inputGradient((x) => apply(b, x), 2, 4, 4);
    expect(g[4 * W + 4]).toBeGreaterThan(0);
    for (let p = 4 * W + 5; p < H * W; p++) expect(g[p]).toBe(0);
    expect(seen(g)).toEqual([3 * W + 3, 3 * W + 4, 3 * W + 5, 4 * W + 3, 4 * W + 4]);
    b.dispose();
  });

  it('A then two B layers stacked (3×3 each, linear): zero at the pixel and after it, non-zero on exactly the composed window', () => {
    const a = masked('A', 3, 4, 3);
    const b1 = masked('B', 3, 4, 4);
    const b2 = masked('B', 3, 4, 5);
    const g = inputGradient((x) => apply(b2, apply(b1, apply(a, x))), 1, 5, 4);
    for (let p = 5 * W + 4; p < H * W; p++) expect(g[p]).toBe(0);
    // Hand-composed: B reaches (−1, −1), (−1, 0), (−1, +1), (0, −1), (0, 0); A the same without (0, 0).
    // Summing one offset per layer from (5, 4): three rows up, columns −3..+3 (row 2: 1–7); two up, −3..+2 (row 3: 1–6);
    // one up, −3..+1 (row 4: 1–5); none up, −3..−1 (row 5: 1–3) — a staircase that narrows towards the pixel.
    const row = (i: number, from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, j) => i * W + from + j);
    const expected = [...row(2, 1, 7), ...row(3, 1, 6), ...row(4, 1, 5), ...row(5, 1, 3)];
    expect(seen(g)).toEqual(expected);
    for (const l of [a, b1, b2]) l.dispose();
  });

  it.each([[0, 1], [7, 7], [4, 0], [3, 6]])('the whole network (16 filters, 2 residual blocks) at (%i, %i): zero at the pixel and after it, non-zero before it', (r, c) => {
    const model = buildPixelCnn({ height: H, width: W, filters: 16, residualBlocks: 2, seed: 7 });
    const g = inputGradient((x) => apply(model, x), 1, r, c);
    const here = r * W + c;
    for (let p = here; p < H * W; p++) expect(g[p]).toBe(0);
    // The pixel above it (or, on the first row, its left neighbour) is always in view; the last pixel of the row
    // above is not, from the first column: the plain PixelCNN's blind spot up and to the right.
    expect(g[r > 0 ? here - W : here - 1]).toBeGreaterThan(0);
    expect(seen(g).length).toBeGreaterThan(0);
    model.dispose();
  });

  it('the whole network maps [n, 8, 8, 1] to one logit per pixel without leaking tensors', () => {
    const before = tf.memory().numTensors;
    const model = buildPixelCnn({ height: H, width: W, filters: 8, residualBlocks: 1, seed: 1 });
    const x = tf.zeros([3, H, W, 1]);
    const y = apply(model, x);
    expect(y.shape).toEqual([3, H, W, 1]);
    tf.dispose([x, y]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
