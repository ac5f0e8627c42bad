/**
 * The training tier: an LSTM classifier, compiled from a drawn graph, learns a
 * small sequence task in process on wasm, with its seeds in the test's name.
 * Its embedding's gradient goes through the composed UnsortedSegmentSum
 * kernel, so the embedding must move too.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { chain } from '../../workers/common/graphChain';
import { compileGraph } from '../../workers/engine/compileGraph';
import { mulberry32 } from '../../workers/engine/prng';
import { useWasmBackend } from '../helpers/inProcessTraining';

describe('an LSTM classifier learns a sequence task', () => {
  useWasmBackend();

  it('an LSTM (weights seed 1, data seed 2024), wasm, through an embedding: tells whether a 0/1 sequence of length 10 has more ones than zeros (≥ 90 % of 1,000 held out)', async () => {
    const L = 10;
    const rnd = mulberry32(2024);
    const batchOf = (count: number): { x: tf.Tensor; y: tf.Tensor } => {
      const xs = new Float32Array(count * L);
      const ys = new Float32Array(count * 2);
      for (let i = 0; i < count; i++) {
        let ones = 0;
        for (let t = 0; t < L; t++) { const b = rnd() < 0.5 ? 1 : 0; xs[i * L + t] = b; ones += b; }
        ys[i * 2 + (ones > L / 2 ? 1 : 0)] = 1;
      }
      return { x: tf.tensor(xs, [count, L]), y: tf.tensor(ys, [count, 2]) };
    };
    const doc = chain('majority', [
      { id: 'tokens', kind: 'input', label: 'tokens', params: { shape: [L] } },
      { id: 'embed', kind: 'embedding', label: 'embedding', params: { inputDim: 2, outputDim: 4 } },
      { id: 'lstm', kind: 'lstm', label: 'LSTM', params: { units: 16 } },
      { id: 'out', kind: 'dense', label: 'softmax', params: { units: 2, activation: 'softmax' } },
    ]);
    const model = compileGraph(doc, { seed: 1 });
    model.compile({ optimizer: tf.train.adam(0.02), loss: 'categoricalCrossentropy' });
    const accuracy = (m: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): number => tf.tidy(() => {
      const p = (m.predict(x) as tf.Tensor).argMax(-1);
      return tf.mean(tf.cast(tf.equal(p, y.argMax(-1)), 'float32')).dataSync()[0]!;
    });
    const test = batchOf(1000);
    const before = accuracy(model, test.x, test.y);
    // At most 600 steps, checked every 50: no time limit, so the outcome depends on the seeds alone.
    let steps = 0;
    for (; steps < 600; steps++) {
      const { x, y } = batchOf(64);
      await model.trainOnBatch(x, y);
      tf.dispose([x, y]);
      if (steps % 50 === 49 && accuracy(model, test.x, test.y) >= 0.95) break;
    }
    const acc = accuracy(model, test.x, test.y);
    // The majority class (at most 5 ones) is 62 % of sequences; the untrained network scores 79 % with this seed.
    expect(before).toBeLessThan(0.85);
    expect(acc, `after ${steps} steps (from ${before})`).toBeGreaterThanOrEqual(0.9);
    // The embedding trained too (its gradient goes through the composed UnsortedSegmentSum).
    expect(Array.from(model.getLayer('embed').getWeights()[0]!.dataSync()).some((v) => Math.abs(v) > 0.05)).toBe(true);
    tf.dispose([test.x, test.y]);
    model.dispose();
  });
});
