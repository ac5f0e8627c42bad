/**
 * Next-token choice (workers/common/sequence/sampling.ts): softmax values
 * worked out by hand, greedy and top-k ties, the refusals, the frequencies of
 * many seeded draws, and determinism per seed.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../workers/common/prng';
import {
  chooseToken, drawFrom, greedyToken, samplingDistribution, softmax, tokenSampler, topKIds,
} from '../../../workers/common/sequence/sampling';

describe('softmax with temperature', () => {
  it('matches hand-computed values for logits [1, 2, 3] at T = 1 and T = 0.5', () => {
    // T = 1: e^-2, e^-1, 1 over their sum 1.503215 → 0.090031, 0.244728, 0.665241.
    const p1 = Array.from(softmax([1, 2, 3], 1));
    [0.090031, 0.244728, 0.665241].forEach((p, i) => expect(p1[i]).toBeCloseTo(p, 6));
    // T = 0.5: logits become [2, 4, 6]; e^-4, e^-2, 1 over 1.153651 → 0.015876, 0.117310, 0.866813.
    const p05 = Array.from(softmax([1, 2, 3], 0.5));
    [0.015876, 0.117310, 0.866813].forEach((p, i) => expect(p05[i]).toBeCloseTo(p, 6));
  });

  it('stays finite for huge logits (max subtraction) and gives -Infinity zero probability', () => {
    expect(Array.from(softmax([1000, 1000]))).toEqual([0.5, 0.5]);
    expect(Array.from(softmax([-Infinity, 0, 0]))).toEqual([0, 0.5, 0.5]);
  });

  it('reads log-probabilities as the probabilities they stand for', () => {
    const p = softmax([Math.log(0.7), Math.log(0.2), Math.log(0.1)]);
    [0.7, 0.2, 0.1].forEach((q, i) => expect(p[i]).toBeCloseTo(q, 12));
  });

  it('refuses T ≤ 0, k < 1 and unusable logits with a message', () => {
    expect(() => softmax([1, 2], 0)).toThrow('The temperature must be a finite number > 0 (use greedy decoding for the limit T → 0); got 0.');
    expect(() => softmax([1, 2], -1)).toThrow('got -1');
    expect(() => topKIds([1, 2], 0)).toThrow('top-k must be a whole number ≥ 1; got 0.');
    expect(() => tokenSampler(1, { kind: 'sample', temperature: 1, topK: 0 })).toThrow('top-k must be a whole number ≥ 1; got 0.');
    expect(() => tokenSampler(1, { kind: 'sample', temperature: 0 })).toThrow('The temperature must be a finite number > 0');
    expect(() => greedyToken([])).toThrow('There are no logits to choose a token from.');
    expect(() => greedyToken([1, Number.NaN])).toThrow('Logit 1 is NaN');
    expect(() => softmax([-Infinity, -Infinity])).toThrow('Every logit is -Infinity: no token can be chosen.');
  });
});

describe('greedy and top-k', () => {
  it('takes the argmax, the lowest id on a tie', () => {
    expect(greedyToken([0.1, 2, -1])).toBe(1);
    expect(greedyToken([1, 3, 3, 2])).toBe(1);
    expect(greedyToken([-Infinity, -5])).toBe(1);
  });

  it('keeps the k largest, equal logits in id order', () => {
    expect(topKIds([0.5, 2, 2, 1, 2], 2)).toEqual([1, 2]);
    expect(topKIds([0.5, 2, 2, 1, 2], 4)).toEqual([1, 2, 4, 3]);
    expect(topKIds([3, 1], 5)).toEqual([0, 1]);
    // top-2 of [1, 2, 3] at T = 1: e^-1 and 1 over 1.367879 → id 1: 0.268941, id 2: 0.731059, id 0: 0.
    const p = Array.from(samplingDistribution([1, 2, 3], 1, 2));
    expect(p[0]).toBe(0);
    expect(p[1]).toBeCloseTo(0.268941, 6);
    expect(p[2]).toBeCloseTo(0.731059, 6);
  });

  it('with k = 1 always picks the greedy token, whatever the seed and temperature', () => {
    const logits = [0.3, 1.7, 1.7, -2, 0.9];
    const sampler = tokenSampler(99, { kind: 'sample', temperature: 5, topK: 1 });
    for (let i = 0; i < 50; i++) expect(sampler(logits)).toEqual({ token: greedyToken(logits), probability: 1 });
  });

  it('reports the greedy token\'s probability at T = 1', () => {
    const choice = chooseToken([1, 2, 3], { kind: 'greedy' }, () => 0.99);
    expect(choice.token).toBe(2);
    expect(choice.probability).toBeCloseTo(0.665241, 6);
  });
});

describe('seeded draws', () => {
  it('draws by inverse CDF in id order', () => {
    const p = [0.7, 0.2, 0.1];
    expect(drawFrom(p, 0)).toBe(0);
    expect(drawFrom(p, 0.69)).toBe(0);
    expect(drawFrom(p, 0.7)).toBe(1);
    expect(drawFrom(p, 0.89)).toBe(1);
    expect(drawFrom(p, 0.95)).toBe(2);
    expect(drawFrom([0.5, 0.5, 0], 0.9999999999)).toBe(1);
  });

  it('matches [0.7, 0.2, 0.1] within ±0.02 over 10,000 draws with seed 12345', () => {
    // The standard error of a frequency near 0.7 over 10,000 draws is √(0.7·0.3/10⁴) ≈ 0.0046, so ±0.02 is over 4 of them.
    const sampler = tokenSampler(12345, { kind: 'sample', temperature: 1 });
    const logits = [Math.log(0.7), Math.log(0.2), Math.log(0.1)];
    const counts = [0, 0, 0];
    for (let i = 0; i < 10_000; i++) {
      const { token, probability } = sampler(logits);
      counts[token] = (counts[token] ?? 0) + 1;
      expect(probability).toBeCloseTo([0.7, 0.2, 0.1][token] ?? -1, 12);
    }
    [0.7, 0.2, 0.1].forEach((p, i) => expect(Math.abs((counts[i] ?? 0) / 10_000 - p)).toBeLessThan(0.02));
  });

  it('gives the same tokens for the same seed and different ones for another seed', () => {
    const logits = [0, 0, 0, 0, 0, 0, 0, 0];
    const run = (seed: number): number[] => {
      const sampler = tokenSampler(seed, { kind: 'sample', temperature: 0.8, topK: 6 });
      return Array.from({ length: 40 }, () => sampler(logits).token);
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    // Top-6 of eight equal logits keeps ids 0–5 (ties in id order), so 6 and 7 never appear.
    expect(Math.max(...run(7), ...run(8))).toBeLessThanOrEqual(5);
    // chooseToken with an explicit mulberry32 stream is the same draw tokenSampler makes.
    const rng = mulberry32(7);
    expect(Array.from({ length: 40 }, () => chooseToken(logits, { kind: 'sample', temperature: 0.8, topK: 6 }, rng).token)).toEqual(run(7));
  });
});
