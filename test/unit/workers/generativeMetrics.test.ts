import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { datasetCatalogue } from '../../../workers/common/datasets';
import { loadImageDataset, type ImageDataset } from '../../../workers/data/mnist';
import { selectBackend } from '../../../workers/engine/backend';
import { featureStats, frechetDistance, frechetDistanceFromStats, inceptionScore, inceptionScores, modeCoverage, traceSqrtProduct } from '../../../workers/engine/generativeMetrics';
import { mulberry32 } from '../../../workers/engine/prng';
import { ReferenceClassifier, trainReferenceClassifier } from '../../../workers/families/classifier/referenceClassifier';
import { registerWasmKernels } from '../../../workers/engine/wasmKernels';

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

describe('generative metrics with a reference classifier (wasm, real MNIST)', () => {
  let data: ImageDataset;
  let ref: ReferenceClassifier;
  const tmp = mkdtempSync(join(tmpdir(), 'lw-genmetrics-'));
  /** 100 test images of each digit. */
  let balanced: Float32Array;
  let balancedLabels: Int32Array;
  /** 1,000 copies of one test image of a 3. */
  let copies: Float32Array;
  let testPool: Float32Array;

  beforeAll(async () => {
    registerWasmKernels();
    expect(await selectBackend('wasm')).toBe('wasm');
    data = loadImageDataset(datasetCatalogue.mnist, { trainSize: 5000, testSize: 4000 });
    // Held-out accuracy on test images 2000..3999; metric sets use 0..1999 (also unseen in training).
    testPool = data.testImages.subarray(0, 2000 * PER);
    const t0 = Date.now();
    ref = await trainReferenceClassifier({
      images: data.trainImages, labels: data.trainLabels, inputShape: data.inputShape, numClasses: data.numClasses,
      epochs: 6, seed: 7, template: 'mlp', batchSize: 32,
      testImages: data.testImages.slice(2000 * PER), testLabels: data.testLabels.slice(2000), datasetHash: 'mnist-first-5000',
    });
    console.log(`reference MLP, 6 epochs on 5000 images: ${Date.now() - t0} ms, held-out accuracy ${ref.accuracy.toFixed(4)} on ${ref.manifest.evaluatedOn}; features ${ref.manifest.featureLayer} (${ref.featureDim})`);

    balanced = new Float32Array(1000 * PER);
    balancedLabels = new Int32Array(1000);
    const taken = new Array<number>(10).fill(0);
    let k = 0;
    for (let i = 0; i < 4000 && k < 1000; i++) {
      const y = data.testLabels[i]!;
      if (taken[y]! >= 100) continue;
      taken[y]! += 1;
      balanced.set(data.testImages.subarray(i * PER, (i + 1) * PER), k * PER);
      balancedLabels[k++] = y;
    }
    expect(k).toBe(1000);
    const three = Array.from(data.testLabels).indexOf(3);
    copies = new Float32Array(1000 * PER);
    for (let i = 0; i < 1000; i++) copies.set(data.testImages.subarray(three * PER, (three + 1) * PER), i * PER);
  });
  afterAll(() => {
    ref?.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('the reference classifier reaches > 90 % on held-out images and exposes features of the hidden layer', async () => {
    expect(ref.accuracy).toBeGreaterThan(0.9);
    expect(ref.manifest.featureLayer).toBe('hidden');
    expect(ref.featureDim).toBe(128);
    const before = tf.memory().numTensors;
    const p = await ref.probabilities(balanced, 1000, 300);
    const f = await ref.features(balanced, 1000, 300);
    expect(tf.memory().numTensors).toBe(before);
    expect(p.length).toBe(10000);
    expect(f.length).toBe(128000);
    for (let i = 0; i < 1000; i += 97) {
      let s = 0;
      for (let c = 0; c < 10; c++) s += p[i * 10 + c]!;
      expect(s).toBeCloseTo(1, 4);
    }
    expect(f.reduce((a, b) => Math.min(a, b), Infinity)).toBeGreaterThanOrEqual(0); // ReLU activations
    // Batching does not change results.
    const p1 = await ref.probabilities(balanced.subarray(0, 7 * PER), 7, 1000);
    for (let i = 0; i < 70; i++) expect(p1[i]).toBeCloseTo(p[i]!, 5);
  });

  it('mode coverage: 10 classes for balanced real images, 1 for copies of one digit', async () => {
    const real = modeCoverage(await ref.probabilities(balanced, 1000), 1000, 10);
    const one = modeCoverage(await ref.probabilities(copies, 1000), 1000, 10);
    console.log(`mode coverage real: ${real.classesPresent} classes, KL ${real.klToData.toFixed(4)}, histogram ${real.histogram.join(',')}; one digit: ${one.classesPresent} classes, KL ${one.klToData.toFixed(4)}`);
    expect(real.classesPresent).toBe(10);
    expect(real.klToData).toBeLessThan(0.02);
    expect(one.classesPresent).toBe(1);
    expect(one.histogram[3]).toBe(1000);
    expect(one.klToData).toBeCloseTo(Math.log(10), 6);
  });

  it('inception score: high for real images, ≈ 1 for copies of one digit', async () => {
    const real = inceptionScore(await ref.probabilities(balanced, 1000), 1000, 10);
    const one = inceptionScore(await ref.probabilities(copies, 1000), 1000, 10);
    console.log(`inception score real: ${real.toFixed(3)}; one digit: ${one.toFixed(4)}`);
    expect(real).toBeGreaterThan(7);
    expect(one).toBeLessThan(1.001);
    expect(one).toBeGreaterThanOrEqual(1);
  });

  it('Fréchet distance: real vs real is small next to real vs uniform noise', async () => {
    const d = ref.featureDim;
    const fa = await ref.features(testPool.subarray(0, 1000 * PER), 1000);
    const fb = await ref.features(testPool.subarray(1000 * PER, 2000 * PER), 1000);
    const rnd = mulberry32(11);
    const noise = new Float32Array(1000 * PER);
    for (let i = 0; i < noise.length; i++) noise[i] = rnd();
    const fn = await ref.features(noise, 1000);
    const t0 = Date.now();
    const realReal = frechetDistance(fa, 1000, fb, 1000, d);
    const ms = Date.now() - t0;
    const realNoise = frechetDistance(fa, 1000, fn, 1000, d);
    console.log(`FD (${d}-d features, 1000 vs 1000): real-real ${realReal.toFixed(3)}, real-noise ${realNoise.toFixed(3)}, ratio ${(realReal / realNoise).toFixed(4)}; ${ms} ms`);
    expect(realReal).toBeGreaterThan(0);
    expect(realReal / realNoise).toBeLessThan(0.1);
  });

  it('a LeNet reference takes its features from the 84-unit layer, holds out data for accuracy and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const lenet = await trainReferenceClassifier({
      images: data.trainImages.slice(0, 600 * PER), labels: data.trainLabels.slice(0, 600), inputShape: data.inputShape, numClasses: 10,
      epochs: 1, seed: 3, batchSize: 50,
    });
    try {
      expect(lenet.manifest.template).toBe('lenet');
      expect(lenet.manifest.featureLayer).toBe('fc2');
      expect(lenet.featureDim).toBe(84);
      expect(lenet.manifest.trainedOn).toBe(540);
      expect(lenet.manifest.evaluatedOn).toBe(60);
      expect(lenet.accuracy).toBeGreaterThan(0.2);
      expect((await lenet.features(balanced, 20, 8)).length).toBe(20 * 84);
      expect((await lenet.probabilities(balanced, 20, 8)).length).toBe(200);
    } finally {
      lenet.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('save/load round-trip gives identical probabilities and features', async () => {
    const dir = join(tmp, 'ref');
    await ref.save(dir);
    const m = await ReferenceClassifier.readManifest(dir);
    expect(m.datasetHash).toBe('mnist-first-5000');
    expect(m.accuracy).toBe(ref.accuracy);
    expect(m.seed).toBe(7);
    const loaded = await ReferenceClassifier.load(dir);
    try {
      expect(loaded.manifest).toEqual(ref.manifest);
      const x = balanced.subarray(0, 50 * PER);
      expect(Array.from(await loaded.probabilities(x, 50))).toEqual(Array.from(await ref.probabilities(x, 50)));
      expect(Array.from(await loaded.features(x, 50))).toEqual(Array.from(await ref.features(x, 50)));
    } finally {
      loaded.dispose();
    }
    await expect(ReferenceClassifier.load(join(tmp, 'missing'))).rejects.toThrow(/No reference classifier/);
  });
});
