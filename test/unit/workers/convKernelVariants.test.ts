/**
 * The composed convolution-gradient kernels of workers/engine/kernels (the
 * sub-pixel transposed convolution and im2col for thin-input filter
 * gradients), and the older variants they replace, against tfjs's cpu
 * backend's built-in kernels on a grid of shapes, strides, paddings, batch
 * sizes and channel counts. Every run also checks that no tensor leaks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { registerWasmKernels, setKernelVariants, type KernelVariants } from '../../../workers/engine/wasmKernels';
import { stackedPhaseFilters } from '../../../workers/engine/kernels/subPixelConvTranspose';
import { prefersIm2col } from '../../../workers/engine/kernels/im2colFilterGrad';
import { selectBackend } from '../../../workers/engine/backend';
import { mulberry32 } from '../../../workers/engine/prng';

type Shape4 = [number, number, number, number];

function randomArray(n: number, seed: number): Float32Array {
  const rnd = mulberry32(seed);
  return Float32Array.from({ length: n }, () => rnd() * 2 - 1);
}

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Run `fn` on a backend; return its outputs' values, asserting the tensor count is unchanged. */
async function onBackend(backend: string, fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const outs = tf.tidy(fn);
  const values = await Promise.all(outs.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose(outs);
  expect(tf.memory().numTensors).toBe(before);
  return values;
}

/** Largest absolute difference, relative to the reference's largest magnitude (at least 1). */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let scale = 1;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!));
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  }
  return worst / scale;
}

interface GridCase { x: Shape4; k: [number, number]; f: number; s: [number, number]; pad: 'same' | 'valid' }

/** Batch × input channels × output channels × kernel × stride × padding, sizes odd and even. */
function grid(): GridCase[] {
  const out: GridCase[] = [];
  const spatial: [number, number][] = [[7, 7], [8, 9], [14, 13]];
  const kernels: [number, number][] = [[3, 3], [4, 4], [5, 5], [5, 3], [2, 2], [1, 1]];
  const strides: [number, number][] = [[1, 1], [2, 2], [2, 1], [3, 3]];
  const channels: [number, number][] = [[1, 4], [2, 3], [3, 8], [5, 2], [8, 6]];
  let i = 0;
  for (const k of kernels) {
    for (const s of strides) {
      for (const pad of ['same', 'valid'] as const) {
        const [h, w] = spatial[i % spatial.length]!;
        const [c, f] = channels[i % channels.length]!;
        out.push({ x: [1 + (i % 3), h, w, c], k, f, s, pad });
        i++;
      }
    }
  }
  return out;
}

// im2col on every channel count of the grid (past the default threshold), and both previous variants.
const VARIANTS: KernelVariants[] = [
  { subPixelConvTranspose: true, im2colFilterGrad: 'always' },
  { subPixelConvTranspose: false, im2colFilterGrad: 'off' },
];

describe('composed convolution-gradient kernels on wasm', () => {
  beforeAll(async () => {
    registerWasmKernels();
    expect(await selectBackend('wasm')).toBe('wasm');
  });

  it('stacks the flipped phase sub-filters on the output channels (hand-computed, 3×1 kernel, stride 2)', async () => {
    // W = [a, b, c] along the rows; J = 2 taps per phase; phase 0 uses (a, c), phase 1 (b, —).
    // Flipped over j: row 0 holds (c, 0) for phases (0, 1), row 1 holds (a, b).
    const [got] = await onBackend('wasm', () => [stackedPhaseFilters(tf.tensor4d([1, 2, 3], [3, 1, 1, 1]), 2, 1)]);
    expect(Array.from(got!)).toEqual([3, 0, 1, 2]);
    const shape = tf.tidy(() => stackedPhaseFilters(tf.zeros([5, 4, 3, 7]) as tf.Tensor4D, 2, 2).shape);
    expect(shape).toEqual([3, 2, 7, 12]);
  });

  const cases = grid();
  for (const v of VARIANTS) {
    const label = v.subPixelConvTranspose ? 'sub-pixel and im2col (on every case)' : 'per-phase and dilated conv (previous)';
    it(`${label}: Conv2DBackpropInput and Conv2DBackpropFilter match cpu on ${cases.length} cases`, async () => {
      const previous = setKernelVariants(v);
      try {
        for (const [i, c] of cases.entries()) {
          const fShape: Shape4 = [c.k[0], c.k[1], c.x[3], c.f];
          const dyShape = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(fShape) as tf.Tensor4D, c.s, c.pad).shape) as Shape4;
          const xv = randomArray(size(c.x), 10 + i);
          const fv = randomArray(size(fShape), 20 + i);
          const dyv = randomArray(size(dyShape), 30 + i);
          const run = (): tf.Tensor[] => {
            const x = tf.tensor4d(xv, c.x);
            const dy = tf.tensor4d(dyv, dyShape);
            const filter = tf.tensor4d(fv, fShape);
            const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC' };
            return [
              tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: c.x }) as tf.Tensor,
              tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: fShape }) as tf.Tensor,
            ];
          };
          const want = await onBackend('cpu', run);
          const got = await onBackend('wasm', run);
          const name = `x ${c.x.join('×')} k ${c.k.join('×')} f ${c.f} s ${c.s.join(',')} ${c.pad}`;
          expect(relativeError(got[0]!, want[0]!), `dx ${name}`).toBeLessThan(1e-5);
          expect(relativeError(got[1]!, want[1]!), `dW ${name}`).toBeLessThan(1e-5);
        }
      } finally {
        setKernelVariants(previous);
        await tf.setBackend('wasm');
      }
    });
  }

  it('the DCGAN layers (batch 1; G\'s transposed convs, D\'s 1-channel conv), through tf.grads, match cpu', async () => {
    // The default rule sends the 1-channel layer (16 taps, 64 filters) to im2col and the 64-channel one to the dilated conv.
    expect(prefersIm2col(1, 16, 64)).toBe(true);
    expect(prefersIm2col(64, 16, 128)).toBe(false);
    const layers: { x: Shape4; f: Shape4 }[] = [
      { x: [1, 28, 28, 1], f: [4, 4, 1, 64] }, // D's first conv, G's last transposed conv (1 channel: im2col)
      { x: [1, 14, 14, 64], f: [4, 4, 64, 128] }, // D's second conv, G's first transposed conv
    ];
    for (const [i, l] of layers.entries()) {
      const xv = randomArray(size(l.x), 40 + i);
      const fv = randomArray(size(l.f), 50 + i);
      const run = (): tf.Tensor[] => {
        const x = tf.tensor4d(xv, l.x);
        const f = tf.tensor4d(fv, l.f);
        // Loss through the conv and a transposed conv back to x's shape, so both kernels run in both roles.
        const loss = (a: tf.Tensor, b: tf.Tensor): tf.Scalar => {
          const y = tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same');
          const back = tf.conv2dTranspose(tf.tanh(y), b as tf.Tensor4D, l.x, 2, 'same');
          return tf.mean(tf.mul(back, a));
        };
        const [gx, gf] = tf.grads(loss)([x, f]);
        return [gx!, gf!];
      };
      const want = await onBackend('cpu', run);
      const got = await onBackend('wasm', run);
      expect(relativeError(got[0]!, want[0]!)).toBeLessThan(1e-4);
      expect(relativeError(got[1]!, want[1]!)).toBeLessThan(1e-4);
    }
  });
});
