/**
 * The cells' inference path (evaluation, sampling): plain matMuls on the
 * weights, without the transposes of the kernel and recurrent matrix that
 * only a backward pass reads. On the wasm backend (seeded weights, batch 2,
 * 3 steps) its outputs are the training path's exactly (the same products
 * on the same tensors), it transposes none of the weights where the
 * training path transposes two (GRU: three), and a gradient taken through it anyway
 * equals the training path's.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCell, type CellKind } from '../../../workers/families/sequence/cells';
import { prepareBackend } from '../../../bench/harness/runtime';

beforeAll(async () => { await prepareBackend('wasm'); });

const H = 4;
const D = 3;
const GATES: Record<CellKind, number> = { lstm: 4, gru: 3, simpleRnn: 1 };

function weights(kind: CellKind) {
  const G = GATES[kind];
  return {
    kernel: tf.randomUniform([D, G * H], -0.5, 0.5, 'float32', 1),
    recurrent: tf.randomUniform([H, G * H], -0.5, 0.5, 'float32', 2),
    bias: tf.randomUniform([G * H], -0.1, 0.1, 'float32', 3),
  };
}

describe('sequence cells: the inference path', () => {
  for (const kind of ['lstm', 'gru', 'simpleRnn'] as const) {
    const spec = { kind, units: H, activation: 'tanh' as const, recurrentActivation: 'sigmoid' as const };

    it(`${kind}: the same outputs as the training path, without the weights' transposes`, async () => {
      const w = weights(kind);
      const x = tf.randomNormal([2, 3, D], 0, 1, 'float32', 4) as tf.Tensor3D;
      const run = (inference: boolean) => tf.tidy(() => tf.stack(runCell(spec, w, x, { inference }).outputs, 1));
      const [train, infer] = [run(false), run(true)];
      expect(Array.from(infer.dataSync())).toEqual(Array.from(train.dataSync()));
      const kernelsOf = async (inference: boolean) => (await tf.profile(() => { tf.dispose(run(inference)); })).kernels.map((k) => k.name);
      // Both transpose x's [B, T, D] to [T, B, D] once; training also the kernel and the recurrent matrix (GRU: its two slices).
      expect((await kernelsOf(true)).filter((k) => k === 'Transpose')).toHaveLength(1);
      expect((await kernelsOf(false)).filter((k) => k === 'Transpose')).toHaveLength(kind === 'gru' ? 4 : 3);
      tf.dispose([train, infer, x, w.kernel, w.recurrent, w.bias]);
    });

    it(`${kind}: a gradient taken through the inference path equals the training path's`, () => {
      const w = weights(kind);
      const x = tf.randomNormal([2, 3, D], 0, 1, 'float32', 5) as tf.Tensor3D;
      const grads = (inference: boolean) => tf.grads((k: tf.Tensor, r: tf.Tensor) => tf.sum(tf.stack(runCell(spec, { kernel: k, recurrent: r, bias: w.bias }, x, { inference }).outputs, 1)))([w.kernel, w.recurrent]);
      const [gt, gi] = [grads(false), grads(true)];
      for (let i = 0; i < 2; i++) expect(tf.max(tf.abs(tf.sub(gt[i]!, gi[i]!))).dataSync()[0]).toBeLessThan(1e-5);
      tf.dispose([...gt, ...gi, x, w.kernel, w.recurrent, w.bias]);
    });
  }
});
