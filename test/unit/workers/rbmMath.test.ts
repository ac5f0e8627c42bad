/**
 * The RBM's update rule and scores, on the cpu backend (exact arithmetic checks
 * need no wasm). That CD-1 learns (a toy, and MNIST) is the training tier's
 * (test/training/rbmLearns.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cdUpdate, createRbm, createVelocity, disposeRbm, freeEnergy } from '../../../workers/families/rbm/rbm';

beforeAll(async () => { await tf.setBackend('cpu'); });

describe('Bernoulli RBM', () => {
  it('free energy matches the direct sum over all hidden states of a tiny RBM', () => {
    const p = createRbm(3, 2, 7);
    p.weights.assign(tf.tensor2d([[0.5, -1], [2, 0.25], [-0.75, 1.5]]));
    p.visibleBias.assign(tf.tensor1d([0.1, -0.2, 0.3]));
    p.hiddenBias.assign(tf.tensor1d([-0.4, 0.6]));
    const v = [1, 0, 1];
    const W = [[0.5, -1], [2, 0.25], [-0.75, 1.5]];
    const b = [0.1, -0.2, 0.3];
    const c = [-0.4, 0.6];
    let z = 0;
    for (const h of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
      let e = 0;
      for (let i = 0; i < 3; i++) e += v[i]! * b[i]!;
      for (let j = 0; j < 2; j++) e += h[j]! * c[j]!;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) e += v[i]! * W[i]![j]! * h[j]!;
      z += Math.exp(e);
    }
    const f = freeEnergy(p, tf.tensor2d([v], [1, 3]));
    expect(f.dataSync()[0]).toBeCloseTo(-Math.log(z), 5);
    disposeRbm(p);
  });

  it('persistent CD carries its chains from update to update; the same seed gives the same weights', () => {
    const run = (): Float32Array => {
      const p = createRbm(6, 3, 11);
      const vel = createVelocity(p);
      const data = tf.tensor2d([[1, 0, 1, 0, 1, 0], [0, 1, 0, 1, 0, 1]], [2, 6]);
      const chain = tf.variable(tf.zeros([2, 6]));
      for (let s = 0; s < 10; s++) cdUpdate(p, vel, data, { k: 2, learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4, seed: 100 + s, chain });
      expect(chain.dataSync().some((x) => x !== 0)).toBe(true);
      const w = p.weights.dataSync().slice();
      tf.dispose([data, chain]);
      disposeRbm(p);
      disposeRbm(vel);
      return w as Float32Array;
    };
    expect(run()).toEqual(run());
  });
});
