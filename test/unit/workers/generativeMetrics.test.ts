/**
 * The generative metrics' math (mode coverage, Inception score, Fréchet
 * distance) on constructed inputs, and a reference classifier's round trip
 * through its files. That a reference classifier learns MNIST, and that the
 * metrics computed with it tell real images from degenerate ones, is the
 * training tier's (test/training/referenceClassifierLearns.test.ts).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageDataset } from '../../../workers/data/mnist';
import { featureStats, frechetDistance, frechetDistanceFromStats, inceptionScore, inceptionScores, modeCoverage, traceSqrtProduct } from '../../../workers/engine/generativeMetrics';
import { mulberry32 } from '../../../workers/engine/prng';
import { ReferenceClassifier, trainReferenceClassifier } from '../../../workers/families/classifier/referenceClassifier';
import { mnist, tempFolder, useWasmBackend } from '../../helpers/inProcessTraining';

const PER = 784;

/** Standard normal samples (Box–Muller) from a seeded generator. */
function gaussian(n: number, dim: number, seed: number, shift: number[] = []): Float64Array {
  const rnd = mulberry32(seed);
  const out = new Float64Array(n * dim);
  for (let i = 0; i < n * dim; i++) {
    const u = Math.max(rnd(), 1e-12);
    const v = rnd();
    out[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v) + (shift[i % dim] ?? 0);
  }
  return out;
}

describe('generative metrics: pure math', () => {
  it('mode coverage counts argmax classes with a 1 % threshold and KL to the data', () => {
    // 200 samples: 100 of class 0, 98 of class 1, 2 of class 2 (1 % of 200 = 2: present), none of class 3.
    const c = 4;
    const probs = new Float32Array(200 * c);
    const cls = (i: number): number => (i < 100 ? 0 : i < 198 ? 1 : 2);
    for (let i = 0; i < 200; i++) { probs.fill(0.1, i * c, (i + 1) * c); probs[i * c + cls(i)] = 0.7; }
    const m = modeCoverage(probs, 200, c);
    expect(m.histogram).toEqual([100, 98, 2, 0]);
    expect(m.threshold).toBe(2);
    expect(m.classesPresent).toBe(3);
    const q = [0.5, 0.49, 0.01];
    expect(m.klToData).toBeCloseTo(q.reduce((s, x) => s + x * Math.log(x / 0.25), 0), 10);
    // Against the sample's own distribution (given as counts): 0.
    expect(modeCoverage(probs, 200, c, [100, 98, 2, 0]).klToData).toBeCloseTo(0, 10);
    // 201 samples: threshold ceil(2.01) = 3, so class 2 (2 samples) is not present.
    const p201 = new Float32Array(201 * c);
    p201.set(probs);
    p201[200 * c] = 1;
    expect(modeCoverage(p201, 201, c).classesPresent).toBe(2);
    expect(() => modeCoverage(probs, 200, c, [1, 1, 1])).toThrow(/4/);
  });

  it('inception score is numClasses for confident uniform predictions and 1 for one class or flat ones', () => {
    const c = 10;
    const n = 1000;
    const confident = new Float32Array(n * c);
    for (let i = 0; i < n; i++) confident[i * c + (i % c)] = 1;
    expect(inceptionScore(confident, n, c)).toBeCloseTo(10, 6);
    expect(inceptionScores(confident, n, c, 4)).toHaveLength(4);
    const one = new Float32Array(n * c);
    for (let i = 0; i < n; i++) one[i * c + 3] = 1;
    expect(inceptionScore(one, n, c)).toBeCloseTo(1, 6);
    const flat = new Float32Array(n * c).fill(0.1);
    expect(inceptionScore(flat, n, c)).toBeCloseTo(1, 6);
  });

  it('Fréchet distance: ≈ 0 for one sample against itself, exact trace term for known covariances, ≈ ‖shift‖² for shifted samples', () => {
    const dim = 8;
    const n = 4000;
    const a = gaussian(n, dim, 1);
    expect(frechetDistance(a, n, a, n, dim)).toBeLessThan(1e-8);

    // Diagonal covariances: Tr((ΣaΣb)^{1/2}) = Σ √(a_i b_i); a rotation of Σb must not change (Σa Σb)^{1/2} for Σa = I.
    const da = [1, 2, 3, 4];
    const db = [4, 0.5, 3, 0.25];
    const diag = (v: number[]): Float64Array => { const m = new Float64Array(16); v.forEach((x, i) => { m[i * 5] = x; }); return m; };
    expect(traceSqrtProduct(diag(da), diag(db), 4)).toBeCloseTo(da.reduce((s, x, i) => s + Math.sqrt(x * db[i]!), 0), 10);
    const stats = (mean: number[], cov: Float64Array): ReturnType<typeof featureStats> => ({ n: 2, dim: 4, mean: Float64Array.from(mean), covariance: cov });
    // Same covariance, shifted means: exactly ‖shift‖².
    expect(frechetDistanceFromStats(stats([0, 0, 0, 0], diag(da)), stats([1, 2, 0, 0], diag(da)))).toBeCloseTo(5, 9);
    // Different diagonal covariances: Σ (√a_i − √b_i)².
    expect(frechetDistanceFromStats(stats([0, 0, 0, 0], diag(da)), stats([0, 0, 0, 0], diag(db)))).toBeCloseTo(da.reduce((s, x, i) => s + (Math.sqrt(x) - Math.sqrt(db[i]!)) ** 2, 0), 9);
    // Singular (rank-deficient) covariance: round-off negatives are clamped, result stays finite and ≥ 0.
    expect(frechetDistanceFromStats(stats([0, 0, 0, 0], diag([1, 0, 0, 0])), stats([0, 0, 0, 0], diag([1, 0, 0, 0])))).toBeCloseTo(0, 9);

    // Two independent N(0, I) samples vs one shifted by s: FD ≈ ‖s‖² (plus O(dim/n) sampling bias).
    const shift = [3, 0, -1, 0, 0, 2, 0, 0];
    const s2 = shift.reduce((s, x) => s + x * x, 0);
    const b = gaussian(n, dim, 2);
    const bShift = gaussian(n, dim, 2, shift);
    const same = frechetDistance(a, n, b, n, dim);
    const shifted = frechetDistance(a, n, bShift, n, dim);
    console.log(`FD N(0,I) vs N(0,I): ${same.toFixed(5)}; vs shifted by ‖s‖² = ${s2}: ${shifted.toFixed(5)}`);
    expect(same).toBeLessThan(0.05);
    expect(Math.abs(shifted - s2)).toBeLessThan(0.25);
    // Shifting a sample changes only the mean term, exactly.
    expect(frechetDistance(b, n, bShift, n, dim)).toBeCloseTo(s2, 8);
  });
});

describe('a reference classifier on disk (wasm)', () => {
  const tmp = tempFolder('lw-genmetrics-');
  let data: ImageDataset;
  let ref: ReferenceClassifier;

  useWasmBackend();
  // A small reference (one epoch on 300 images): whatever it learnt, what is saved must load back the same.
  beforeAll(async () => {
    data = mnist(300, 100);
    ref = await trainReferenceClassifier({
      images: data.trainImages, labels: data.trainLabels, inputShape: data.inputShape, numClasses: data.numClasses,
      epochs: 1, seed: 7, template: 'mlp', batchSize: 32, testImages: data.testImages, testLabels: data.testLabels, datasetHash: 'mnist-first-300',
    });
  });
  afterAll(() => ref?.dispose());

  it('save/load round-trip gives the same manifest and identical probabilities and features', async () => {
    const dir = join(tmp, 'ref');
    await ref.save(dir);
    const m = await ReferenceClassifier.readManifest(dir);
    expect(m.datasetHash).toBe('mnist-first-300');
    expect(m.accuracy).toBe(ref.accuracy);
    expect(m.seed).toBe(7);
    const loaded = await ReferenceClassifier.load(dir);
    try {
      expect(loaded.manifest).toEqual(ref.manifest);
      const x = data.testImages.subarray(0, 50 * PER);
      expect(Array.from(await loaded.probabilities(x, 50))).toEqual(Array.from(await ref.probabilities(x, 50)));
      expect(Array.from(await loaded.features(x, 50))).toEqual(Array.from(await ref.features(x, 50)));
    } finally {
      loaded.dispose();
    }
    await expect(ReferenceClassifier.load(join(tmp, 'missing'))).rejects.toThrow(/No reference classifier/);
  });
});
