/**
 * The training tier: the reference classifier that scores a GAN's samples
 * learns MNIST (> 90 % held out, MLP, seed 7, wasm, in process), and the
 * generative metrics computed with it tell real images from degenerate ones:
 * mode coverage, Inception score and Fréchet distance. A LeNet reference
 * (seed 3) beats chance after one epoch. The metrics' exact math is tested
 * without training in test/unit/workers/generativeMetrics.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { ImageDataset } from '../../workers/data/mnist';
import { frechetDistance, inceptionScore, modeCoverage } from '../../workers/engine/generativeMetrics';
import { mulberry32 } from '../../workers/engine/prng';
import { trainReferenceClassifier, type ReferenceClassifier } from '../../workers/families/classifier/referenceClassifier';
import { mnist, useWasmBackend } from '../helpers/inProcessTraining';

const PER = 784;

describe('a reference classifier learns MNIST, and generative metrics on it behave (MLP, seed 7, wasm, 6 epochs on 5,000 images)', () => {
  let data: ImageDataset;
  let ref: ReferenceClassifier;
  /** 100 test images of each digit. */
  let balanced: Float32Array;
  let balancedLabels: Int32Array;
  /** 1,000 copies of one test image of a 3. */
  let copies: Float32Array;
  let testPool: Float32Array;

  useWasmBackend();
  beforeAll(async () => {
    data = mnist(5000, 4000);
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
  afterAll(() => ref?.dispose());

  it('the reference classifier (seed 7, wasm) reaches > 90 % on held-out images and exposes features of the hidden layer', async () => {
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

  it('mode coverage from the reference (seed 7, wasm): 10 classes for balanced real images, 1 for copies of one digit', async () => {
    const real = modeCoverage(await ref.probabilities(balanced, 1000), 1000, 10);
    const one = modeCoverage(await ref.probabilities(copies, 1000), 1000, 10);
    console.log(`mode coverage real: ${real.classesPresent} classes, KL ${real.klToData.toFixed(4)}, histogram ${real.histogram.join(',')}; one digit: ${one.classesPresent} classes, KL ${one.klToData.toFixed(4)}`);
    expect(real.classesPresent).toBe(10);
    expect(real.klToData).toBeLessThan(0.02);
    expect(one.classesPresent).toBe(1);
    expect(one.histogram[3]).toBe(1000);
    expect(one.klToData).toBeCloseTo(Math.log(10), 6);
  });

  it('inception score from the reference (seed 7, wasm): high for real images, ≈ 1 for copies of one digit', async () => {
    const real = inceptionScore(await ref.probabilities(balanced, 1000), 1000, 10);
    const one = inceptionScore(await ref.probabilities(copies, 1000), 1000, 10);
    console.log(`inception score real: ${real.toFixed(3)}; one digit: ${one.toFixed(4)}`);
    expect(real).toBeGreaterThan(7);
    expect(one).toBeLessThan(1.001);
  });

  it('Fréchet distance in the reference\'s features (seed 7, wasm): real vs real is small next to real vs uniform noise', async () => {
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

  it('a LeNet reference (seed 3, wasm, one epoch on 600 images) beats chance (> 20 %), takes its features from the 84-unit layer, holds out data for accuracy and frees its tensors', async () => {
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
});
