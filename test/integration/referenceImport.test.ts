/**
 * An imported feature extractor for an imported dataset (200 MNIST digits
 * as PNGs), through the real services, SQLite and the worker's own import
 * code run in-process (runReferenceImport, what the import thread runs; the
 * thread itself needs the build): a small TF.js layers model (seeded
 * initialisers, wasm) is checked, its test accuracy measured and its
 * weights hashed, it is listed, and obtainReferenceClassifier scores with
 * it instead of training; a model with the wrong input shape or with
 * logits is refused and nothing is recorded; removal goes back to training.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiMethod, ApiRequest, ApiResponse } from '../../main/common/api';
import { createServices, type AppServices } from '../../main/services/appServices';
import { dispatch } from '../../main/services/dispatch';
import { ReferenceClassifierService } from '../../main/services/referenceClassifierService';
import { loadImageDataset, type ImageDataset } from '../../workers/data/mnist';
import { writeLayersModelFiles } from '../../workers/families/classifier/layersModelFiles';
import { obtainReferenceClassifier } from '../../workers/families/classifier/referenceCache';
import { hashWeights } from '../../workers/families/classifier/referenceHash';
import { runReferenceImport } from '../../workers/host/referenceImportWorker';
import { writeFlatFolder } from '../helpers/datasetFixtures';
import { useWasmBackend } from '../helpers/inProcessTraining';
import { tempDir } from '../helpers/tempDir';

const dataDir = tempDir();
const sources = tempDir('latent-refsources-');
let s: AppServices;
let refs: ReferenceClassifierService;
let data: ImageDataset;

type Outcome<M extends ApiMethod> = { ok: true; result: ApiResponse<M> } | { ok: false; error: { code: string; message: string } };
async function call<M extends ApiMethod>(method: M, req: ApiRequest<M>): Promise<Outcome<M>> {
  return await dispatch(s.handlers, method, req) as Outcome<M>;
}

/** A small classifier for 28×28×1 images (seeded initialisers); `softmax` false leaves logits. */
function smallModel(inputShape: number[], softmax = true): tf.LayersModel {
  return tf.sequential({
    name: 'user_extractor',
    layers: [
      tf.layers.flatten({ inputShape }),
      tf.layers.dense({ units: 16, activation: 'relu', name: 'features', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
      tf.layers.dense({ units: 10, activation: softmax ? 'softmax' : 'linear', name: 'classes', kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }) }),
    ],
  });
}

async function saveModel(model: tf.LayersModel, name: string): Promise<string> {
  const dir = path.join(sources, name);
  fs.mkdirSync(dir, { recursive: true });
  await writeLayersModelFiles(model, dir);
  return dir;
}

useWasmBackend();
beforeAll(async () => {
  s = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' } });
  refs = new ReferenceClassifierService(dataDir, s.datasets, runReferenceImport);
  writeFlatFolder(path.join(sources, 'digits'), 200);
  const r = await dispatch(s.handlers, 'datasets.import', { name: 'Digit PNGs', kind: 'image-folder', path: path.join(sources, 'digits'), testFraction: 0.25, seed: 3 });
  if (!r.ok) throw new Error(r.error.message);
  data = loadImageDataset(s.datasets.get('digit-pngs'));
});
afterAll(async () => {
  await s.close();
  fs.rmSync(sources, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('an imported feature extractor (wasm, seeded initialisers 5 and 6)', () => {
  let model: tf.LayersModel;
  let modelDir: string;

  beforeAll(async () => {
    model = smallModel([28, 28, 1]);
    modelDir = await saveModel(model, 'good');
  });
  afterAll(() => model?.dispose());

  it('is checked, measured on the whole test split, hashed, kept and listed', async () => {
    const before = await call('referenceClassifiers.list', {});
    expect(before.ok && before.result.map((i) => [i.datasetId, i.imported, i.trained])).toEqual([['mnist', null, []], ['digit-pngs', null, []]]);

    const info = await refs.import({ datasetId: 'digit-pngs', path: path.join(modelDir, 'model.json') });
    // The accuracy by hand: the model's argmax against the labels, over every test image.
    const n = data.testLabels.length;
    const predicted = tf.tidy(() => model.predict(tf.tensor(data.testImages, [n, 28, 28, 1])) as tf.Tensor).argMax(1);
    const argmax = await predicted.data();
    predicted.dispose();
    const right = data.testLabels.reduce((a, y, i) => a + (argmax[i] === y ? 1 : 0), 0);
    expect(info.imported?.identity).toEqual({
      hash: await hashWeights(model), testAccuracy: right / n, evaluatedOn: n, template: 'imported', epochs: 0, trainedOn: 0, source: 'imported', datasetId: 'digit-pngs',
    });
    expect(info.imported?.dir).toBe(path.join('reference-classifiers', 'digit-pngs', 'imported'));
    expect(info.imported?.importedFrom).toBe(path.join(modelDir, 'model.json'));
    const listed = await call('referenceClassifiers.list', {});
    expect(listed.ok && listed.result.find((i) => i.datasetId === 'digit-pngs')?.imported).toEqual(info.imported);
  });

  it('is what obtainReferenceClassifier scores digit-pngs with, whatever template the run asks for: no training, the same outputs', async () => {
    const lines: string[] = [];
    const r = await obtainReferenceClassifier({ cacheDir: path.join(dataDir, 'cache'), datasetId: 'digit-pngs', template: 'lenet', epochs: 2, data, log: (m) => lines.push(m) });
    try {
      expect(r.identity.source).toBe('imported');
      expect(r.identity.hash).toBe(await hashWeights(model));
      expect(r.classifier.manifest.featureLayer).toBe('features');
      expect(r.classifier.featureDim).toBe(16);
      expect(lines.some((l) => l.startsWith('Training'))).toBe(false);
      expect(lines).toContain(`Scores by reference classifier sha256:${r.identity.hash.slice(0, 12)} (imported feature extractor for digit-pngs; ${(r.identity.testAccuracy * 100).toFixed(2)} % test accuracy on ${data.testLabels.length} images)`);
      const x = data.testImages.subarray(0, 5 * 784);
      const want = tf.tidy(() => model.predict(tf.tensor(x, [5, 28, 28, 1])) as tf.Tensor);
      expect(Array.from(await r.classifier.probabilities(x, 5))).toEqual(Array.from(await want.data()));
      want.dispose();
    } finally {
      r.classifier.dispose();
    }
  });

  it('refuses a model for other images or with logits, says why, and records nothing', async () => {
    const small = smallModel([14, 14, 1]);
    const logits = smallModel([28, 28, 1], false);
    try {
      await expect(refs.import({ datasetId: 'mnist', path: await saveModel(small, 'small') }))
        .rejects.toThrow(/The model's input is \[batch, 14, 14, 1\] but mnist's images are \[batch, 28, 28, 1\]/);
      await expect(refs.import({ datasetId: 'mnist', path: await saveModel(logits, 'logits') }))
        .rejects.toThrow(/must end in a softmax/);
    } finally {
      small.dispose();
      logits.dispose();
    }
    expect(fs.existsSync(path.join(dataDir, 'reference-classifiers', 'mnist'))).toBe(false);
    await expect(refs.import({ datasetId: 'mnist', path: path.join(sources, 'nowhere') })).rejects.toThrow(/does not exist/);
    const bad = await call('referenceClassifiers.import', { datasetId: 'digit-pngs', path: '' });
    expect(bad.ok ? 'accepted' : bad.error.code).toBe('bad-request');
    const unknown = await call('referenceClassifiers.import', { datasetId: 'no-such-set', path: modelDir });
    expect(unknown.ok ? 'accepted' : unknown.error.message).toMatch(/Unknown dataset "no-such-set"/);
  });

  it('removed, digit-pngs goes back to a trained classifier (MLP, seed 1234, 1 epoch), which is then listed with its hash', async () => {
    const removed = await call('referenceClassifiers.remove', { datasetId: 'digit-pngs' });
    expect(removed.ok && removed.result.message).toMatch(/^Removed the imported feature extractor sha256:[0-9a-f]{12} of digit-pngs/);
    const r = await obtainReferenceClassifier({ cacheDir: path.join(dataDir, 'cache'), datasetId: 'digit-pngs', template: 'mlp', epochs: 1, data, log: () => undefined });
    r.classifier.dispose();
    expect(r.identity).toMatchObject({ source: 'trained', template: 'mlp', epochs: 1, trainedOn: data.trainLabels.length, datasetId: 'digit-pngs' });
    const listed = await call('referenceClassifiers.list', {});
    const entry = listed.ok ? listed.result.find((i) => i.datasetId === 'digit-pngs') : undefined;
    expect(entry?.imported).toBeNull();
    expect(entry?.trained.map((t) => t.identity)).toEqual([r.identity]);
    const again = await call('referenceClassifiers.remove', { datasetId: 'digit-pngs' });
    expect(again.ok ? 'removed' : again.error.code).toBe('not-found');
  });
});
