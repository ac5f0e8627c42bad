/**
 * The reference classifier behind the generative-model diagnostics (mode
 * coverage, Inception-style score, Fréchet distance; see
 * engine/generativeMetrics.ts): one of the classifier family's templates
 * (LeNet or MLP), trained as a classifier run is (its session, through the
 * trainer), then used for class probabilities and penultimate-layer
 * features of samples.
 *
 * The app trains one per dataset and caches it with save/load: a
 * checkpoint (weights.bin + manifest.json, see engine/checkpoint.ts) plus
 * reference.json (written last) with the template, shapes, accuracy, seed,
 * the caller's dataset hash and the sha256 of the weights (referenceHash.ts),
 * which load() checks, so a classifier is a frozen, identified artifact. A
 * user's TF.js layers model (importedReference.ts) is kept the same way,
 * as model.json + weights.bin beside its reference.json (source 'imported').
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ClassifierTemplate } from '../../common/families/classifier/config';
import { classifierTemplate } from '../../common/families/classifier/templates';
import type { Shape } from '../../common/graph';
import type { ReferenceIdentity, ReferenceSource } from '../../common/referenceIdentity';
import { loadCheckpoint, saveCheckpoint } from '../../engine/checkpoint';
import { makeOptimizer } from '../../engine/optimizer';
import { SeededDropout } from '../../engine/seededDropout';
import type { TrainingSink } from '../../engine/sink';
import { train } from '../../engine/trainer';
import { LossNotFiniteError } from '../../engine/trainLoop';
import { range } from '../../engine/trainingData';
import { buildClassifier, type ClassifierModel } from './model';
import { classifierSession, type ClassifierMetricKey } from './session';
import { evaluate } from './step';
import { readLayersModelFiles, writeLayersModelFiles } from './layersModelFiles';
import { hashWeights } from './referenceHash';

export const REFERENCE_FORMAT = 'latent-reference-classifier';
/** 2 added weightsHash, source and datasetId; version 1 files still load (their hash is computed then). */
export const REFERENCE_VERSION = 2;
const REFERENCE_FILE = 'reference.json';

export interface ReferenceManifest {
  format: typeof REFERENCE_FORMAT;
  version: typeof REFERENCE_VERSION;
  createdAt: string;
  /** The classifier family's template, or 'imported' for a user's TF.js model (kept as model.json + weights.bin). */
  template: ClassifierTemplate | 'imported';
  inputShape: Shape;
  numClasses: number;
  /** Width of the feature vector (`features`). */
  featureDim: number;
  /** Name of the layer whose output `features` returns. */
  featureLayer: string;
  /** Accuracy on the held-out (or given test) examples. */
  accuracy: number;
  /** Examples it was evaluated on. */
  evaluatedOn: number;
  /** Examples it was trained on. */
  trainedOn: number;
  epochs: number;
  seed: number;
  /** Caller's identifier for the training data (e.g. a content hash), to key the cache. */
  datasetHash: string;
  /** The dataset it scores ('' when the caller named none). */
  datasetId: string;
  source: ReferenceSource;
  /** sha256 of the weights (referenceHash.ts): what makes two scores comparable. */
  weightsHash: string;
  /** Imported models: the model.json (or folder) it was copied from. */
  importedFrom?: string;
}

/** What the constructor completes: the feature layer is found in the model. */
export type ReferenceManifestBase = Omit<ReferenceManifest, 'featureDim' | 'featureLayer'>;

export interface TrainReferenceOptions {
  /** n × product(inputShape) values in [0, 1]. */
  images: Float32Array;
  labels: Int32Array;
  inputShape: Shape;
  numClasses: number;
  epochs: number;
  seed: number;
  /** Classifier family template; default 'lenet' (better features), 'mlp' is faster. */
  template?: ClassifierTemplate;
  /** Default 64. */
  batchSize?: number;
  /** Adam learning rate; default 0.003. */
  learningRate?: number;
  /**
   * Examples to measure accuracy on. Without them the last
   * `holdOutFraction` of `images` is held out of training for it.
   */
  testImages?: Float32Array;
  testLabels?: Int32Array;
  /** Default 0.1; ignored when testImages are given. */
  holdOutFraction?: number;
  /** Stored in the manifest; default ''. */
  datasetHash?: string;
  /** Stored in the manifest; default ''. */
  datasetId?: string;
  /** Checked between batches; a cancelled training throws. */
  isCancelled?: () => boolean;
  /** Called after each epoch with the mean training loss. */
  onEpoch?: (epoch: number, loss: number) => void;
}

function product(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The layer feeding the output layer, skipping dropout (identity at inference). */
function featureLayerOf(model: tf.LayersModel): tf.layers.Layer {
  const layers = model.layers;
  for (let i = layers.length - 2; i >= 1; i--) {
    const l = layers[i]!;
    if (l instanceof SeededDropout || l.getClassName() === 'Dropout') continue;
    return l;
  }
  throw new Error(`reference classifier: model '${model.name}' has no hidden layer to take features from`);
}

export class ReferenceClassifier {
  readonly manifest: ReferenceManifest;
  private readonly cm: ClassifierModel;
  private readonly featureModel: tf.LayersModel;
  private disposed = false;

  private constructor(cm: ClassifierModel, manifest: ReferenceManifestBase) {
    this.cm = cm;
    const layer = featureLayerOf(cm.model);
    const out = layer.output as tf.SymbolicTensor;
    if (out.shape.length !== 2) throw new Error(`reference classifier: feature layer '${layer.name}' outputs [${out.shape.join(', ')}], expected a flat vector`);
    // Shares the classifier's layers and weights; owns none of its own.
    this.featureModel = tf.model({ inputs: cm.model.inputs, outputs: out, name: `${cm.model.name}_features` });
    this.manifest = { ...manifest, featureDim: out.shape[1]!, featureLayer: layer.name };
  }

  /** Internal: wrap a built model. Use trainReferenceClassifier or ReferenceClassifier.load. */
  static fromModel(cm: ClassifierModel, manifest: ReferenceManifestBase): ReferenceClassifier {
    return new ReferenceClassifier(cm, manifest);
  }

  get numClasses(): number { return this.manifest.numClasses; }
  get featureDim(): number { return this.manifest.featureDim; }
  get accuracy(): number { return this.manifest.accuracy; }
  /** The underlying classifier (do not dispose it; call dispose() here). */
  get model(): tf.LayersModel { return this.cm.model; }

  /** Who scores: the weights' hash and test accuracy, to record with every score (see common/referenceIdentity.ts). */
  get identity(): ReferenceIdentity {
    const m = this.manifest;
    return {
      hash: m.weightsHash, testAccuracy: m.accuracy, evaluatedOn: m.evaluatedOn, template: m.template,
      epochs: m.epochs, trainedOn: m.trainedOn, source: m.source, datasetId: m.datasetId,
    };
  }

  private async run(model: tf.LayersModel, width: number, images: Float32Array, n: number, batchSize: number, softmax: boolean): Promise<Float32Array> {
    if (this.disposed) throw new Error('reference classifier: used after dispose()');
    const per = product(this.manifest.inputShape);
    if (images.length < n * per) throw new Error(`reference classifier: expected ${n}×${per} = ${n * per} values, got ${images.length}`);
    const out = new Float32Array(n * width);
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(start + batchSize, n);
      const y = tf.tidy(() => {
        const x = tf.tensor(images.subarray(start * per, end * per), [end - start, ...this.manifest.inputShape]);
        const o = model.apply(x, { training: false }) as tf.Tensor;
        return softmax ? tf.softmax(o) : o;
      });
      try {
        out.set(await y.data(), start * width);
      } finally {
        y.dispose();
      }
    }
    return out;
  }

  /** Class probabilities (n × numClasses, row-major) of n images, in batches of `batchSize`. */
  probabilities(images: Float32Array, n: number, batchSize = 500): Promise<Float32Array> {
    return this.run(this.cm.model, this.manifest.numClasses, images, n, batchSize, !this.cm.probabilities);
  }

  /** Penultimate-layer activations (n × featureDim, row-major) of n images, in batches of `batchSize`. */
  features(images: Float32Array, n: number, batchSize = 500): Promise<Float32Array> {
    return this.run(this.featureModel, this.manifest.featureDim, images, n, batchSize, false);
  }

  /**
   * Save weights and manifest into `dir` (created if needed); reference.json
   * is written last. A trained classifier as a checkpoint (rebuilt from its
   * template on load), an imported one as model.json + weights.bin.
   */
  async save(dir: string): Promise<void> {
    if (this.manifest.template === 'imported') {
      await mkdir(dir, { recursive: true });
      await writeLayersModelFiles(this.cm.model, dir);
    } else {
      await saveCheckpoint(dir, this.cm.model, undefined, { epoch: this.manifest.epochs, step: 0, rng: {} });
    }
    const tmp = join(dir, `${REFERENCE_FILE}.tmp`);
    await writeFile(tmp, `${JSON.stringify(this.manifest, null, 2)}\n`);
    await rename(tmp, join(dir, REFERENCE_FILE));
  }

  /** Read only the manifest of a saved reference classifier (to check its dataset hash before loading). */
  static async readManifest(dir: string): Promise<ReferenceManifest> {
    let text: string;
    try {
      text = await readFile(join(dir, REFERENCE_FILE), 'utf8');
    } catch (e) {
      throw new Error(`No reference classifier in ${dir}: ${(e as Error).message}`, { cause: e });
    }
    const m = JSON.parse(text) as Omit<ReferenceManifest, 'version'> & { version: number };
    if (m.format !== REFERENCE_FORMAT || (m.version !== 1 && m.version !== REFERENCE_VERSION)) {
      throw new Error(`${dir}: not a ${REFERENCE_FORMAT} v1 or v${REFERENCE_VERSION} file`);
    }
    // Version 1 predates the identity: trained, hash unknown until the weights are loaded.
    return m.version === 1
      ? { ...m, version: REFERENCE_VERSION, source: 'trained', datasetId: m.datasetId ?? '', weightsHash: '' }
      : { ...m, version: REFERENCE_VERSION };
  }

  /** The model a manifest describes, with its saved weights: rebuilt from its template, or an imported model read back. */
  private static async loadModel(dir: string, m: ReferenceManifest): Promise<ClassifierModel> {
    if (m.template === 'imported') return { model: await readLayersModelFiles(dir), probabilities: true };
    const cm = buildClassifier(classifierTemplate(m.template, m.inputShape, m.numClasses), m.inputShape, m.numClasses, m.seed);
    try {
      await loadCheckpoint(dir, cm.model);
    } catch (e) {
      cm.model.dispose();
      throw e;
    }
    return cm;
  }

  /**
   * Restore a saved classifier and check its weights against the recorded
   * hash: a classifier whose files changed is refused, not silently used
   * to score under an identity it no longer has.
   */
  static async load(dir: string): Promise<ReferenceClassifier> {
    const m = await ReferenceClassifier.readManifest(dir);
    const cm = await ReferenceClassifier.loadModel(dir, m);
    try {
      const hash = await hashWeights(cm.model);
      if (m.weightsHash !== '' && hash !== m.weightsHash) {
        throw new Error(`${dir}: the weights' sha256 is ${hash}, not the recorded ${m.weightsHash}: the files changed since it was saved`);
      }
      const { featureDim: _d, featureLayer: _l, ...rest } = m;
      const rc = new ReferenceClassifier(cm, { ...rest, weightsHash: hash });
      if (rc.manifest.featureDim !== m.featureDim || rc.manifest.featureLayer !== m.featureLayer) {
        throw new Error(`${dir}: saved features came from '${m.featureLayer}' (${m.featureDim}), the rebuilt model's from '${rc.manifest.featureLayer}' (${rc.manifest.featureDim})`);
      }
      return rc;
    } catch (e) {
      cm.model.dispose();
      throw e;
    }
  }

  /** Free the model's weights. The feature model shares them and owns nothing. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.cm.model.dispose();
  }
}

/** Where the reference's training reports: only each epoch's mean loss, to onEpoch. */
function epochLossSink(onEpoch: TrainReferenceOptions['onEpoch']): TrainingSink<ClassifierMetricKey, never> {
  return {
    metric: (key, step, value) => { if (key === 'epoch_loss') onEpoch?.(step, value); },
    progress: () => undefined,
    log: () => undefined,
    checkpoint: () => undefined,
    sample: () => undefined,
  };
}

/** Train the model through the classifier's session; the model outlives the session. */
async function trainModel(o: TrainReferenceOptions, cm: ClassifierModel, nTrain: number): Promise<void> {
  const optimizer = makeOptimizer({ optimizer: 'adam', learningRate: o.learningRate ?? 0.003, momentum: 0.9 });
  try {
    const r = await train({ sink: epochLossSink(o.onEpoch), isCancelled: o.isCancelled ?? (() => false) }, () => ({
      ...classifierSession({
        cm, optimizer, images: o.images, labels: o.labels, train: range(nTrain), inputShape: o.inputShape, numClasses: o.numClasses,
        batchSize: o.batchSize ?? 64, epochs: o.epochs, seed: o.seed, learningRate: o.learningRate ?? 0.003, heldOut: [],
      }),
      dispose: () => optimizer.dispose(),
    }));
    if (r.status === 'cancelled') throw new Error('reference classifier: training cancelled');
  } catch (e) {
    optimizer.dispose();
    if (e instanceof LossNotFiniteError) throw new Error(`reference classifier: ${e.message}`, { cause: e });
    throw e;
  }
}

/**
 * Train a reference classifier: the classifier family's `template` built with
 * buildClassifier, trained under Adam for `epochs` in a seeded order (the
 * classifier's session, through the trainer), then evaluated on the test
 * examples or the held-out tail of the training data.
 */
export async function trainReferenceClassifier(o: TrainReferenceOptions): Promise<ReferenceClassifier> {
  const { images, labels, inputShape, numClasses, epochs, seed } = o;
  const template = o.template ?? 'lenet';
  const per = product(inputShape);
  const nAll = labels.length;
  if (images.length !== nAll * per) throw new Error(`reference classifier: ${nAll} labels but ${images.length / per} images of ${per} values`);
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`reference classifier: epochs must be a positive integer, got ${epochs}`);
  if ((o.testImages === undefined) !== (o.testLabels === undefined)) throw new Error('reference classifier: give both testImages and testLabels, or neither');
  const holdOut = o.testImages ? 0 : Math.floor(nAll * (o.holdOutFraction ?? 0.1));
  const nTrain = nAll - holdOut;
  if (nTrain < 1) throw new Error(`reference classifier: no training examples left after holding out ${holdOut}`);

  const cm = buildClassifier(classifierTemplate(template, inputShape, numClasses), inputShape, numClasses, seed);
  try {
    await trainModel(o, cm, nTrain);
    const ev = o.testImages && o.testLabels
      ? await evaluate(cm, o.testImages, o.testLabels, inputShape, numClasses, range(o.testLabels.length))
      : await evaluate(cm, images, labels, inputShape, numClasses, Int32Array.from({ length: holdOut }, (_, i) => nTrain + i));
    return ReferenceClassifier.fromModel(cm, {
      format: REFERENCE_FORMAT,
      version: REFERENCE_VERSION,
      createdAt: new Date().toISOString(),
      source: 'trained',
      weightsHash: await hashWeights(cm.model),
      datasetId: o.datasetId ?? '',
      template,
      inputShape: [...inputShape],
      numClasses,
      accuracy: ev.count > 0 ? ev.accuracy : NaN,
      evaluatedOn: ev.count,
      trainedOn: nTrain,
      epochs,
      seed,
      datasetHash: o.datasetHash ?? '',
    });
  } catch (e) {
    cm.model.dispose();
    throw e;
  }
}
