/**
 * The GAN's score set on synthetic classifier outputs (seeded): samples that
 * ARE the real images score the floor (FD 0 inside its interval, KID ≈ 0,
 * precision and recall 1, every class present); samples far from them and
 * unsure of their class score none of it. The generator and the reference
 * classifier in the loop are the training tier's (ganEvaluationLearns).
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../workers/engine/prng';
import { realFloor, realReference, scoreSamples, type ScoredImages } from '../../../workers/families/gan/sampleScores';

const C = 4;
const D = 6;

/**
 * n images, each of a class drawn at random (i.i.d.: a fixed class cycle would make
 * within-set pairs less often same-class than cross pairs and bias the KID down), with
 * probability `top` on it; features a seeded normal around the class centre (+ shift).
 */
function images(n: number, seed: number, top: number, shift = 0): ScoredImages {
  const rnd = mulberry32(seed);
  const probs = new Float32Array(n * C);
  const feats = new Float32Array(n * D);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(rnd() * C);
    probs.fill((1 - top) / (C - 1), i * C, (i + 1) * C);
    probs[i * C + k] = top;
    for (let t = 0; t < D; t++) feats[i * D + t] = (t === k ? 3 : 0) + shift + Math.sqrt(-2 * Math.log(Math.max(rnd(), 1e-12))) * Math.cos(2 * Math.PI * rnd());
  }
  return { n, probs, feats };
}

describe('GAN sample scores with their uncertainty', () => {
  const test = images(400, 1, 0.97);
  const ref = realReference(test, { numClasses: C, featureDim: D, dataClassFreq: [0.25, 0.25, 0.25, 0.25], confidenceThreshold: 0.9 });

  it('the real images scored as samples: FD 0 within its bootstrap interval, precision = recall = 1, all classes; other real images: KID ≈ 0 with its SE', () => {
    const { scores, coverage } = scoreSamples(ref, test, 5);
    expect(scores.frechet_distance).toBeLessThan(1e-6);
    expect(scores.frechet_distance_lo).toBeLessThanOrEqual(scores.frechet_distance_hi);
    expect(scores.frechet_distance_hi).toBeGreaterThan(0);
    const other = scoreSamples(ref, images(400, 4, 0.97), 5).scores;
    expect(other.kid_se).toBeGreaterThan(0);
    expect(Math.abs(other.kid)).toBeLessThan(4 * other.kid_se);
    expect([scores.precision, scores.recall, scores.classes_present, scores.confident_share]).toEqual([1, 1, 4, 1]);
    expect(coverage.thresholds).toEqual([50, 50, 50, 50]);
    expect(coverage.histogram.reduce((a, b) => a + b, 0)).toBe(400);
    expect(scores.inception_score).toBeGreaterThan(3);
    expect(scores.inception_score_sd).toBeGreaterThan(0);
    expect(scores.inception_score_sd).toBeLessThan(0.2);
  });

  it('unsure samples far from the data: no class present, precision and recall 0, KID far above its floor', () => {
    const { scores } = scoreSamples(ref, images(400, 2, 0.4, 20), 5);
    expect([scores.classes_present, scores.confident_share, scores.precision, scores.recall]).toEqual([0, 0, 0, 0]);
    const { floor } = realFloor(ref, images(400, 3, 0.97));
    expect(floor.real_classes_present).toBe(4);
    expect(Math.abs(floor.real_kid)).toBeLessThan(4 * floor.real_kid_se);
    expect(scores.kid).toBeGreaterThan(floor.real_kid + 100 * floor.real_kid_se);
    expect(scores.frechet_distance_lo).toBeGreaterThan(10 * floor.real_frechet_distance);
  });
});
