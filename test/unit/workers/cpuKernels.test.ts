import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { registerCpuKernels } from '../../../workers/engine/wasmKernels';
import { mulberry32 } from '../../../workers/engine/prng';

function randomTensor(shape: number[], seed: number): tf.Tensor4D {
  const rnd = mulberry32(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor4d(Float32Array.from({ length: n }, () => rnd() * 2 - 1), shape as [number, number, number, number]);
}

const cases: { x: number[]; f: number[]; s: number | [number, number]; pad: 'same' | 'valid' }[] = [
  { x: [4, 28, 28, 1], f: [5, 5, 1, 6], s: 1, pad: 'same' },
  { x: [3, 14, 14, 6], f: [5, 5, 6, 16], s: 1, pad: 'valid' },
  { x: [2, 9, 11, 3], f: [3, 3, 3, 4], s: 2, pad: 'same' },
  { x: [2, 10, 9, 2], f: [3, 2, 2, 3], s: [2, 3], pad: 'valid' },
  // A thin input with many filters (KH·KW·C = 16 < 32): the im2col route.
  { x: [2, 12, 12, 1], f: [4, 4, 1, 32], s: 2, pad: 'same' },
];

/** The filter gradient of a conv2d, through the registered Conv2DBackpropFilter kernel. */
function filterGrad(c: (typeof cases)[number], seed: number): Float32Array {
  const g = tf.tidy(() => {
    const x = randomTensor(c.x, seed);
    const w = randomTensor(c.f, seed + 1);
    const y = tf.conv2d(x, w, c.s, c.pad);
    const dy = randomTensor(y.shape, seed + 2);
    return tf.grad((ww: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, ww as tf.Tensor4D, c.s, c.pad), dy)))(w);
  });
  const values = Float32Array.from(g.dataSync());
  g.dispose();
  return values;
}

describe('cpu backend: composed Conv2DBackpropFilter', () => {
  it('matches the built-in kernel on every case and leaks no tensor', async () => {
    await tf.setBackend('cpu');
    const expected = cases.map((c, i) => filterGrad(c, 10 * i));
    registerCpuKernels();
    const before = tf.memory().numTensors;
    cases.forEach((c, i) => {
      const got = filterGrad(c, 10 * i);
      const want = expected[i]!;
      const scale = Math.max(1, ...Array.from(want, Math.abs));
      let worst = 0;
      for (let j = 0; j < want.length; j++) worst = Math.max(worst, Math.abs(got[j]! - want[j]!));
      expect(worst, JSON.stringify(c)).toBeLessThanOrEqual(1e-4 * scale);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
