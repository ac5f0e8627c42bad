/**
 * PixelCNN's held-out likelihood units: Bernoulli −log p(x) in nats per image
 * (Σ over pixels of the binary cross-entropy with logits) and bits/dim, on
 * hand-computed values (cpu backend).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bitsPerDim } from '../../../workers/common/families/pixelcnn/bitsPerDim';
import { bernoulliNllPerImage } from '../../../workers/families/pixelcnn/likelihood';

describe('PixelCNN Bernoulli NLL (cpu)', () => {
  beforeAll(async () => { await tf.setBackend('cpu'); });

  it('sums per image: logit 0 costs ln 2 a pixel whatever the bit; logit 2 costs log(1+e^−2) for a 1 and 2 + log(1+e^−2) for a 0; a far-off logit stays finite', () => {
    // Image 0: two pixels at logit 0 (x = 1, 0) → 2 ln 2 = 1.386294.
    // Image 1: logit 2 with x = 1 → 0.126928; logit −3 with x = 1 → 3 + log(1+e^−3) = 3.048587. Sum 3.175515.
    // Image 2: logit 200 with x = 0 → 200 (no overflow); logit −200 with x = 0 → ~0.
    const x = tf.tensor4d([1, 0, 1, 1, 0, 0], [3, 1, 2, 1]);
    const logits = tf.tensor4d([0, 0, 2, -3, 200, -200], [3, 1, 2, 1]);
    const before = tf.memory().numTensors;
    const nll = bernoulliNllPerImage(x, logits);
    expect(tf.memory().numTensors).toBe(before + 1);
    const v = nll.dataSync();
    expect(v[0]).toBeCloseTo(1.386294, 5);
    expect(v[1]).toBeCloseTo(0.126928 + 3.048587, 5);
    expect(v[2]).toBeCloseTo(200, 3);
    tf.dispose([x, logits, nll]);
  });

  it('bits/dim = nats / (dims · ln 2): 784 · ln 2 nats on MNIST is 1 bit a pixel; the published 81.3 nats is 0.1496 bits/dim', () => {
    expect(bitsPerDim(784 * Math.LN2, 784)).toBeCloseTo(1, 12);
    expect(bitsPerDim(81.3, 784)).toBeCloseTo(0.149606, 6);
    expect(() => bitsPerDim(1, 0)).toThrow(/positive number of dimensions/);
  });
});
