/**
 * The token and transformer layers on the wasm backend (what workers run):
 * the causal LM graph's forward pass and one training step agree with the
 * cpu backend's (the same seed gives the same initial weights), so nothing
 * in them hits a kernel wasm lacks or computes differently (float32 oneHot,
 * transposed matMul, rank-4 batched products).
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { GraphDocument } from '../../../workers/common/graph';
import { selectBackend } from '../../../workers/engine/backend';
import { compileGraph } from '../../../workers/engine/compileGraph';
import { registerWasmKernels } from '../../../workers/engine/wasmKernels';

type Node = GraphDocument['nodes'][number];
const n = (id: string, kind: string, params: Record<string, unknown> = {}): Node => ({ id, kind, params });
const lm: GraphDocument = {
  format: 'latent-graph', version: 1, name: 'lm',
  nodes: [
    n('x', 'input', { shape: [6] }), n('oh', 'oneHot', { depth: 10 }), n('proj', 'dense', { units: 8 }),
    n('pe', 'positionalEncoding', { encoding: 'learned', maxLength: 8 }), n('sa', 'selfAttention', { heads: 2, ffUnits: 16, causal: true }),
    n('l', 'lstm', { units: 8, returnSequences: true, unitForgetBias: false }), n('att', 'attention', { score: 'general' }),
    n('out', 'dense', { units: 10, activation: 'softmax' }),
  ],
  edges: [['x', 'oh'], ['oh', 'proj'], ['proj', 'pe'], ['pe', 'sa'], ['sa', 'l'], ['l', 'att', 0], ['sa', 'att', 1], ['att', 'out']]
    .map(([from, to, port]) => ({ from: from as string, to: to as string, toPort: Number(port ?? 0) })),
};
const TOKENS = [[3, 1, 4, 1, 5, 9], [2, 6, 5, 3, 5, 8]];

/** The predictions, then the weights after one SGD step, on a backend. */
async function run(backend: 'wasm' | 'cpu'): Promise<{ y: Float32Array; weights: Float32Array[] }> {
  expect(await selectBackend(backend)).toBe(backend);
  const model = compileGraph(lm, { seed: 9 });
  const ids = tf.tensor2d(TOKENS);
  const y = Float32Array.from((model.predict(ids) as tf.Tensor).dataSync());
  const optimizer = tf.train.sgd(0.5);
  tf.tidy(() => {
    const target = tf.cast(tf.oneHot(tf.tensor2d(TOKENS, undefined, 'int32'), 10), 'float32');
    optimizer.minimize(() => tf.losses.softmaxCrossEntropy(target, model.apply(ids, { training: true }) as tf.Tensor));
  });
  const weights = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
  ids.dispose(); optimizer.dispose(); model.dispose();
  return { y, weights };
}

describe('token and transformer layers on wasm', () => {
  it('agree with the cpu backend forwards and after a training step', async () => {
    registerWasmKernels();
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    const worst = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
    expect(worst(wasm.y, cpu.y)).toBeLessThan(1e-5);
    expect(wasm.weights).toHaveLength(cpu.weights.length);
    wasm.weights.forEach((w, i) => expect(worst(w, cpu.weights[i]!)).toBeLessThan(1e-4));
  });
});
