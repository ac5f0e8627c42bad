import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { registerWasmKernels } from '../../../workers/engine/wasmKernels';
import { selectBackend } from '../../../workers/engine/backend';
import { mulberry32 } from '../../../workers/engine/prng';

function randomArray(n: number, seed: number): Float32Array {
  const rnd = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rnd() * 2 - 1;
  return out;
}

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Run `fn` on a backend with fresh tensors built from the same arrays; return its output values. */
async function onBackend(backend: string, fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const outs = tf.tidy(fn);
  const list = Array.isArray(outs) ? outs : [outs];
  const values = await Promise.all(list.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose(list);
  expect(tf.memory().numTensors).toBe(before);
  return values;
}

function expectClose(actual: Float32Array, expected: Float32Array, rel = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst).toBeLessThanOrEqual(rel * Math.max(scale, 1));
}

interface ConvCase { x: [number, number, number, number]; f: [number, number, number, number]; s: number | [number, number]; pad: 'same' | 'valid' }

const cases: ConvCase[] = [
  { x: [4, 28, 28, 1], f: [5, 5, 1, 6], s: 1, pad: 'same' },
  { x: [4, 14, 14, 6], f: [5, 5, 6, 16], s: 1, pad: 'valid' },
  { x: [3, 13, 11, 3], f: [3, 3, 3, 4], s: 2, pad: 'same' },
  { x: [3, 13, 11, 3], f: [3, 2, 3, 4], s: 2, pad: 'valid' },
  { x: [2, 9, 10, 2], f: [4, 4, 2, 3], s: [2, 3], pad: 'same' },
  { x: [2, 8, 8, 2], f: [1, 1, 2, 5], s: 2, pad: 'valid' },
  // A DCGAN generator's stride-2 4×4 transposed convolutions, and a stride larger than the kernel in one axis.
  { x: [2, 28, 28, 3], f: [4, 4, 3, 8], s: 2, pad: 'same' },
  { x: [2, 14, 15, 4], f: [4, 4, 4, 6], s: 2, pad: 'valid' },
  { x: [2, 11, 9, 2], f: [5, 2, 2, 3], s: [3, 3], pad: 'same' },
];

describe('wasm kernels', () => {
  beforeAll(async () => {
    registerWasmKernels();
    expect(await selectBackend('wasm')).toBe('wasm');
  });

  it('registers the kernels wasm lacks', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBeDefined();
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBeDefined();
  });

  for (const c of cases) {
    const name = `x ${c.x.join('×')} filter ${c.f.join('×')} stride ${String(c.s)} ${c.pad}`;
    it(`Conv2DBackpropFilter and Conv2DBackpropInput match cpu: ${name}`, async () => {
      const xv = randomArray(size(c.x), 1);
      const fv = randomArray(size(c.f), 2);
      const outShape = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.f) as tf.Tensor4D, c.s, c.pad).shape) as [number, number, number, number];
      const dyv = randomArray(size(outShape), 3);
      const run = (): tf.Tensor[] => {
        const x = tf.tensor4d(xv, c.x);
        const dy = tf.tensor4d(dyv, outShape);
        const filter = tf.tensor4d(fv, c.f);
        return [
          tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: c.f }) as tf.Tensor,
          tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { strides: c.s, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x }) as tf.Tensor,
        ];
      };
      const expected = await onBackend('cpu', run);
      const actual = await onBackend('wasm', run);
      expectClose(actual[0]!, expected[0]!);
      expectClose(actual[1]!, expected[1]!);
    });
  }

  it('BatchMatMul with transposed operands (the explicit-transpose route) matches cpu, batched too', async () => {
    const shapes: [number[], number[], boolean, boolean][] = [
      [[7, 5], [9, 5], false, true],
      [[5, 7], [5, 9], true, false],
      [[5, 7], [9, 5], true, true],
      [[3, 6, 4], [3, 8, 4], false, true],
      [[3, 4, 6], [3, 4, 8], true, false],
    ];
    for (const [sa, sb, ta, tb] of shapes) {
      const av = randomArray(size(sa), 7);
      const bv = randomArray(size(sb), 8);
      const run = (): tf.Tensor => tf.matMul(tf.tensor(av, sa), tf.tensor(bv, sb), ta, tb);
      const [want] = await onBackend('cpu', run);
      const [got] = await onBackend('wasm', run);
      expectClose(got!, want!);
    }
  });

  it('Tile (broadcast of size-1 axes by add, and the general case) matches cpu, and batch norm\'s gradient too', async () => {
    const run = (): tf.Tensor[] => {
      const x = tf.tensor(Array.from({ length: 12 }, (_, i) => i - 5.5), [1, 1, 1, 12]);
      const y = tf.tensor(Array.from({ length: 24 }, (_, i) => i * 0.25), [2, 3, 4]);
      const ints = tf.tensor([1, 2, 3], [3, 1], 'int32');
      const bnLoss = (a: tf.Tensor, g: tf.Tensor): tf.Scalar => {
        const { mean, variance } = tf.moments(a, [0, 1, 2]);
        return tf.sum(tf.mul(tf.batchNorm(a, mean, variance, tf.zeros([6]), g, 1e-3), tf.range(0, 6)));
      };
      const grads = tf.grads(bnLoss)([tf.tensor(randomArray(48, 5), [2, 2, 2, 6]), tf.ones([6])]);
      return [tf.tile(x, [4, 5, 3, 1]), tf.tile(y, [2, 1, 3]), tf.cast(tf.tile(ints, [1, 4]), 'float32'), tf.tile(x, [1, 1, 1, 1]), ...grads];
    };
    const want = await onBackend('cpu', run);
    const got = await onBackend('wasm', run);
    expect(got).toHaveLength(want.length);
    got.forEach((v, i) => expectClose(v, want[i]!));
  });

  it('tf.grad through conv2d + relu + mean on wasm matches cpu', async () => {
    const xShape: [number, number, number, number] = [2, 12, 12, 3];
    const fShape: [number, number, number, number] = [3, 3, 3, 4];
    const xv = randomArray(size(xShape), 4);
    const fv = randomArray(size(fShape), 5);
    const run = (): tf.Tensor[] => {
      const x = tf.tensor4d(xv, xShape);
      const f = tf.tensor4d(fv, fShape);
      const loss = (a: tf.Tensor4D, b: tf.Tensor4D): tf.Scalar => tf.mean(tf.square(tf.relu(tf.conv2d(a, b, 2, 'same'))));
      const [gx, gf] = tf.grads((a: tf.Tensor, b: tf.Tensor) => loss(a as tf.Tensor4D, b as tf.Tensor4D))([x, f]);
      return [gx!, gf!];
    };
    const expected = await onBackend('cpu', run);
    const actual = await onBackend('wasm', run);
    expectClose(actual[0]!, expected[0]!);
    expectClose(actual[1]!, expected[1]!);
  });

  it('UnsortedSegmentSum and the gradient of gather (embeddings) match cpu', async () => {
    const table = randomArray(7 * 5, 6);
    const ids = [3, 1, 3, 6, 0, 3];
    const run = (): tf.Tensor[] => {
      const x = tf.tensor2d(randomArray(6 * 5, 7), [6, 5]);
      const seg = tf.unsortedSegmentSum(x, tf.tensor1d(ids, 'int32'), 7);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, tf.tensor1d(ids, 'int32')))))(tf.tensor2d(table, [7, 5]));
      return [seg, g];
    };
    const expected = await onBackend('cpu', run);
    const actual = await onBackend('wasm', run);
    expectClose(actual[0]!, expected[0]!);
    expectClose(actual[1]!, expected[1]!);
  });
});
