/**
 * A user's own feature extractor for a dataset: a TF.js layers model
 * (model.json + weights) that takes the dataset's images and outputs class
 * probabilities. It is checked (input shape, [numClasses] probabilities, a
 * flat penultimate layer for the features), its test accuracy measured on
 * the dataset's whole test split, its weights hashed, and it is copied into
 * `<data>/reference-classifiers/<dataset>/imported/`; from then on
 * obtainReferenceClassifier uses it for that dataset instead of training one.
 * A refused model leaves nothing behind.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { Shape } from '../../common/graph';
import { IMPORTED_REFERENCE_FOLDER, referenceFolderName, type ReferenceIdentity } from '../../common/referenceIdentity';
import type { ImageDataset } from '../../data/mnist';
import { readLayersModelFiles } from './layersModelFiles';
import { hashWeights } from './referenceHash';
import { REFERENCE_FORMAT, REFERENCE_VERSION, ReferenceClassifier } from './referenceClassifier';

export interface ImportReferenceOptions {
  /** model.json, or the folder holding it. */
  modelPath: string;
  datasetId: string;
  /** The dataset's splits: its shape and classes to check against, its test split to measure accuracy on. */
  data: ImageDataset;
  /** `<data>/reference-classifiers`. */
  referenceRoot: string;
}

/** Probability rows must sum to 1 within this (float32 softmax of a few thousand units stays well inside). */
const SUM_TOLERANCE = 1e-3;
/** Test images the probability check looks at. */
const CHECKED_ROWS = 64;

/** The folder a dataset's imported extractor is kept in. */
export function importedReferenceDir(referenceRoot: string, datasetId: string): string {
  return join(referenceRoot, referenceFolderName(datasetId), IMPORTED_REFERENCE_FOLDER);
}

function shapeText(s: readonly (number | null)[]): string {
  return `[${s.map((d) => (d === null ? 'batch' : String(d))).join(', ')}]`;
}

/** Refuse a model whose one input is not [batch, ...inputShape] or whose one output is not [batch, numClasses]. */
function checkShapes(model: tf.LayersModel, inputShape: Shape, numClasses: number, datasetId: string): void {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new Error(`The model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; a feature extractor takes one image input and outputs one probability vector`);
  }
  const inShape = model.inputs[0]!.shape;
  const want = [null, ...inputShape];
  if (inShape.length !== want.length || inShape.some((d, i) => d !== want[i])) {
    throw new Error(`The model's input is ${shapeText(inShape)} but ${datasetId}'s images are ${shapeText(want)}: export it with an input of shape ${shapeText(want)} (pixels in [0, 1])`);
  }
  const outShape = model.outputs[0]!.shape;
  if (outShape.length !== 2 || outShape[1] !== numClasses) {
    throw new Error(`The model's output is ${shapeText(outShape)} but ${datasetId} has ${numClasses} classes: it must output class probabilities of shape [batch, ${numClasses}]`);
  }
}

/** Refuse outputs that are not probabilities (logits, a missing softmax): every checked row ≥ 0 and summing to 1. */
function checkProbabilities(probs: Float32Array, n: number, c: number): void {
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let k = 0; k < c; k++) {
      const p = probs[i * c + k]!;
      if (!(p >= 0)) throw new Error(`The model's output for test image ${i} has ${p} in class ${k}: it must end in a softmax (class probabilities, not logits)`);
      sum += p;
    }
    if (Math.abs(sum - 1) > SUM_TOLERANCE) throw new Error(`The model's outputs for test image ${i} sum to ${sum.toFixed(4)}, not 1: it must end in a softmax (class probabilities, not logits)`);
  }
}

/** Fraction of the n rows whose argmax is the label. */
function accuracyOf(probs: Float32Array, labels: Int32Array, c: number): number {
  let right = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let k = 1; k < c; k++) if (probs[i * c + k]! > probs[i * c + best]!) best = k;
    if (best === labels[i]) right += 1;
  }
  return right / labels.length;
}

/** Load, check, measure, hash: the imported model as a ReferenceClassifier (not yet kept anywhere). */
async function checkedReference(o: ImportReferenceOptions): Promise<ReferenceClassifier> {
  const { data } = o;
  const model = await readLayersModelFiles(o.modelPath);
  try {
    checkShapes(model, data.inputShape, data.numClasses, o.datasetId);
    const nTest = data.testLabels.length;
    if (nTest < 1) throw new Error(`${o.datasetId} has no test images to measure the model's accuracy on`);
    const rc = ReferenceClassifier.fromModel({ model, probabilities: true }, {
      format: REFERENCE_FORMAT, version: REFERENCE_VERSION, createdAt: new Date().toISOString(),
      template: 'imported', inputShape: [...data.inputShape], numClasses: data.numClasses,
      accuracy: NaN, evaluatedOn: 0, trainedOn: 0, epochs: 0, seed: 0,
      datasetHash: `${o.datasetId}:test=${nTest}`, datasetId: o.datasetId, source: 'imported', weightsHash: await hashWeights(model), importedFrom: o.modelPath,
    });
    const probs = await rc.probabilities(data.testImages, nTest);
    checkProbabilities(probs, Math.min(CHECKED_ROWS, nTest), data.numClasses);
    return ReferenceClassifier.fromModel({ model, probabilities: true }, { ...rc.manifest, accuracy: accuracyOf(probs, data.testLabels, data.numClasses), evaluatedOn: nTest });
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/**
 * Import `modelPath` as `datasetId`'s feature extractor, replacing any
 * earlier one. Written into a private folder and renamed into place, so a
 * refusal or a crash leaves the previous state.
 */
export async function importReferenceModel(o: ImportReferenceOptions): Promise<ReferenceIdentity> {
  const rc = await checkedReference(o);
  const dir = importedReferenceDir(o.referenceRoot, o.datasetId);
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  try {
    await mkdir(join(dir, '..'), { recursive: true });
    await rc.save(tmp);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    return rc.identity;
  } finally {
    rc.dispose();
    if (existsSync(tmp)) await rm(tmp, { recursive: true, force: true });
  }
}
