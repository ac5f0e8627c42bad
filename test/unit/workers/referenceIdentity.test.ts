/**
 * A reference classifier is a frozen, identified artifact: the sha256 of
 * its weights (same data, seed and backend → same hash; one changed weight
 * → another), recorded in its reference.json and checked on load; and the
 * pure helpers that put the identity on every score.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accuracyText, provenanceLine, scoreProvenance, shortHash, type ReferenceIdentity } from '../../../workers/common/referenceIdentity';
import type { ImageDataset } from '../../../workers/data/mnist';
import { ReferenceClassifier, trainReferenceClassifier, type TrainReferenceOptions } from '../../../workers/families/classifier/referenceClassifier';
import { hashWeights } from '../../../workers/families/classifier/referenceHash';
import { mnist, tempFolder, useWasmBackend } from '../../helpers/inProcessTraining';

const identity: ReferenceIdentity = {
  hash: 'ab'.repeat(32), testAccuracy: 0.98765, evaluatedOn: 10000, template: 'lenet', epochs: 2, trainedOn: 60000, source: 'trained', datasetId: 'mnist',
};

describe('reference identity: what a score records (pure)', () => {
  it('scoreProvenance names the hash, accuracy, source and template', () => {
    expect(scoreProvenance(identity)).toEqual({ classifierHash: 'ab'.repeat(32), classifierAccuracy: 0.98765, classifierSource: 'trained', classifierTemplate: 'lenet' });
  });

  it('provenanceLine quotes the short hash, how it was made and its accuracy with the sample size', () => {
    expect(shortHash(identity.hash)).toBe('abababababab');
    expect(provenanceLine(identity)).toBe('Scores by reference classifier sha256:abababababab (lenet trained 2 epochs on 60000 mnist images; 98.77 % test accuracy on 10000 images)');
    expect(provenanceLine({ ...identity, source: 'imported', template: 'imported', datasetId: 'cifar', epochs: 0, trainedOn: 0 }))
      .toBe('Scores by reference classifier sha256:abababababab (imported feature extractor for cifar; 98.77 % test accuracy on 10000 images)');
    expect(accuracyText({ testAccuracy: NaN, evaluatedOn: 0 })).toBe('test accuracy not measured');
  });
});

describe('hashWeights (wasm)', () => {
  useWasmBackend();

  it('is the sha256 of each weight\'s dtype, shape and little-endian float32 bytes, in model order (hand-assembled)', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1, kernelInitializer: 'zeros' })] });
    model.setWeights([tf.tensor2d([[1.5], [-2]]), tf.tensor1d([0.25])]);
    const expected = createHash('sha256')
      .update('float32[2,1]:').update(new Uint8Array(new Float32Array([1.5, -2]).buffer))
      .update('float32[1]:').update(new Uint8Array(new Float32Array([0.25]).buffer))
      .digest('hex');
    expect(await hashWeights(model)).toBe(expected);
    model.setWeights([tf.tensor2d([[1.5], [-2]]), tf.tensor1d([0.25 + 2 ** -20])]);
    expect(await hashWeights(model)).not.toBe(expected);
    model.dispose();
  });
});

describe('a trained reference classifier is identified by its weights (MLP, wasm, one epoch on 200 MNIST images)', () => {
  const tmp = tempFolder('lw-refid-');
  let data: ImageDataset;
  let a: ReferenceClassifier;
  let b: ReferenceClassifier;
  const options = (seed: number): TrainReferenceOptions => ({
    images: data.trainImages, labels: data.trainLabels, inputShape: data.inputShape, numClasses: data.numClasses,
    epochs: 1, seed, template: 'mlp', batchSize: 50, testImages: data.testImages, testLabels: data.testLabels, datasetId: 'mnist',
  });

  useWasmBackend();
  beforeAll(async () => {
    data = mnist(200, 50);
    a = await trainReferenceClassifier(options(11));
    b = await trainReferenceClassifier(options(11));
  });
  afterAll(() => { a?.dispose(); b?.dispose(); });

  it('two trainings with seed 11 on the same data give the same hash; seed 12 another', async () => {
    expect(a.identity.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.identity.hash).toBe(a.identity.hash);
    expect(a.identity.hash).toBe(await hashWeights(a.model));
    const c = await trainReferenceClassifier(options(12));
    try {
      expect(c.identity.hash).not.toBe(a.identity.hash);
    } finally {
      c.dispose();
    }
  });

  it('the identity carries the measured test accuracy and how it was made', () => {
    expect(a.identity).toEqual({
      hash: a.manifest.weightsHash, testAccuracy: a.accuracy, evaluatedOn: 50, template: 'mlp', epochs: 1, trainedOn: 200, source: 'trained', datasetId: 'mnist',
    });
    expect(a.accuracy).toBeGreaterThanOrEqual(0);
    expect(a.accuracy).toBeLessThanOrEqual(1);
  });

  it('reference.json records the hash; load checks it and refuses changed weights', async () => {
    const dir = join(tmp, 'a');
    await a.save(dir);
    const m = JSON.parse(await readFile(join(dir, 'reference.json'), 'utf8')) as { weightsHash: string; source: string; version: number };
    expect(m).toMatchObject({ weightsHash: a.identity.hash, source: 'trained', version: 2 });
    const back = await ReferenceClassifier.load(dir);
    expect(back.identity).toEqual(a.identity);
    back.dispose();

    const bin = await readFile(join(dir, 'weights.bin'));
    bin[0] = bin[0]! ^ 0x01;
    await writeFile(join(dir, 'weights.bin'), bin);
    await expect(ReferenceClassifier.load(dir)).rejects.toThrow(/not the recorded .*the files changed since it was saved/);
  });

  it('a version 1 reference.json (before identities) still loads, its hash computed from the weights', async () => {
    const dir = join(tmp, 'v1');
    await a.save(dir);
    const file = join(dir, 'reference.json');
    const { weightsHash: _h, source: _s, datasetId: _d, ...v1 } = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...v1, version: 1 }));
    const back = await ReferenceClassifier.load(dir);
    expect(back.identity).toEqual({ ...a.identity, datasetId: '' });
    back.dispose();
  });
});
