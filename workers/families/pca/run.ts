/**
 * The PCA baseline: fit on the training subset, evaluate reconstruction on
 * the test subset, log the same metrics and galleries as an autoencoder with
 * a code of `components` units, so the two can be compared side by side.
 * It is fitted in closed form, not trained: no epochs, no checkpoints, no
 * resume, so it does not go through the trainer.
 *
 * Stages (progress step 1..4, cancellable between them): covariance and
 * eigendecomposition, evaluation, components file, galleries.
 * Metrics (step 1): `test_mse` and `train_mse` (mean over images of the
 * per-image sum of squared errors, on [0, 1] pixels), `explained_variance`;
 * the scree curve `scree_share` and `scree_cumulative` at steps 1..n, where
 * the step is a number of components.
 * Files: `${runDir}/pca/components.json` (mean, all eigenvalues, the kept
 * components), a 'reconstructions' grid and a 'latent-scatter' of the first
 * two components.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageDataset } from '../../data/mnist';
import type { FamilySink } from '../../engine/sink';
import { metricEntries } from '../../engine/trainer';
import { yieldToEventLoop } from '../../engine/trainLoop';
import { firstTwo, galleryIndices, gather, imageGeometry, writeLatentScatter, writeReconstructionGrid } from '../autoencoder/gallery';
import { screeCurve } from '../../common/families/pca/scree';
import { explainedVariance, fitPca, predictedTrainError, projectPca, reconstructPca, type PcaModel } from './fit';
import { loadRunDataset } from '../../engine/trainingData';
import type { FamilyRunOptions, FamilyRunResult } from '../familyRun';

/** The family's run options, less resuming (a fit has nothing to resume). */
export type PcaRunOptions = Omit<FamilyRunOptions<'pca'>, 'resumeFrom'>;

/** Points of the latent scatter (test images, first ones). */
export const SCATTER_COUNT = 2000;
const STAGES = 4;

/** The file a PCA run writes its model to. */
export interface PcaComponentsFile {
  format: 'latent-pca';
  version: 1;
  /** Training examples fitted on. */
  n: number;
  inputDim: number;
  components: number;
  mean: number[];
  /** All eigenvalues of the covariance, descending. */
  eigenvalues: number[];
  /** components × inputDim, one unit vector per row. */
  vectors: number[][];
}

export function pcaComponentsPath(runDir: string): string {
  return join(runDir, 'pca', 'components.json');
}

function componentsFile(m: PcaModel): PcaComponentsFile {
  const vectors: number[][] = [];
  for (let j = 0; j < m.k; j++) vectors.push(Array.from(m.components.subarray(j * m.d, (j + 1) * m.d)));
  return { format: 'latent-pca', version: 1, n: m.n, inputDim: m.d, components: m.k, mean: Array.from(m.mean), eigenvalues: Array.from(m.eigenvalues), vectors };
}


async function writeGalleries(runDir: string, model: PcaModel, data: ImageDataset, sink: FamilySink<'pca'>): Promise<void> {
  const nTest = data.testLabels.length;
  const geometry = imageGeometry(data.inputShape);
  if (geometry) {
    const indices = galleryIndices(data.testLabels, data.numClasses);
    const inputs = gather(data.testImages, model.d, indices);
    const recon = await reconstructPca(model, inputs, indices.length, indices.map((_, k) => k));
    const { path, meta } = await writeReconstructionGrid({
      runDir, step: 1, geometry, testIndices: indices, labels: indices.map((i) => data.testLabels[i]!),
      rows: [{ label: 'input', pixels: inputs }, { label: 'reconstruction', pixels: recon.kept }],
      caption: `PCA with ${model.k} components`,
    });
    sink.sample('reconstructions', 1, path, meta);
  } else {
    sink.log('warn', `Examples of shape [${data.inputShape.join(', ')}] are not images: no reconstruction gallery`);
  }
  const count = Math.min(SCATTER_COUNT, nTest);
  const codes = await projectPca(model, data.testImages, count);
  const testIndices = Array.from({ length: count }, (_, i) => i);
  const path = await writeLatentScatter(runDir, 1, {
    method: 'pca', latentDim: model.k, points: firstTwo(codes, count, model.k),
    labels: Array.from(data.testLabels.subarray(0, count)), testIndices,
  });
  sink.sample('latent-scatter', 1, path, { method: 'pca', latentDim: model.k, count });
}

/** Scree points logged: every component up to this many (MNIST has 784; larger inputs are cut here). */
export const SCREE_POINTS = 1000;

/** The scree curve as two metrics whose step is the number of components (1, 2, …). */
function logScree(model: PcaModel, sink: FamilySink<'pca'>): void {
  const { share, cumulative } = screeCurve(model.eigenvalues, SCREE_POINTS);
  for (let j = 0; j < share.length; j++) {
    sink.metric('scree_share', j + 1, share[j]!);
    sink.metric('scree_cumulative', j + 1, cumulative[j]!);
  }
}

export async function runPca(o: PcaRunOptions): Promise<FamilyRunResult> {
  const { config, sink } = o;
  const k = config.hyper.components;
  const data = o.dataset ?? loadRunDataset(config);
  const d = data.inputShape.reduce((a, b) => a * b, 1);
  const nTrain = data.trainLabels.length;
  const nTest = data.testLabels.length;
  const progress = (step: number): void => sink.progress({ epoch: 1, epochs: 1, step, totalSteps: STAGES });
  const cancelled = async (): Promise<boolean> => {
    await yieldToEventLoop();
    if (!o.isCancelled()) return false;
    sink.log('info', 'Cancelled');
    return true;
  };
  sink.log('info', `PCA with ${k} components of ${d}-dimensional data, fitted on ${nTrain} training examples, tested on ${nTest}`);

  if (await cancelled()) return { status: 'cancelled' };
  const t0 = Date.now();
  const model = await fitPca(data.trainImages, nTrain, d, k);
  progress(1);
  sink.log('info', `Covariance and eigendecomposition in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (await cancelled()) return { status: 'cancelled' };

  const test = await reconstructPca(model, data.testImages, nTest);
  const train = await reconstructPca(model, data.trainImages, nTrain);
  const final = {
    test_mse: test.meanSse,
    train_mse: train.meanSse,
    explained_variance: explainedVariance(model),
  };
  for (const [key, value] of metricEntries(final)) sink.metric(key, 1, value);
  logScree(model, sink);
  progress(2);
  sink.log('info', `Test error per image ${test.meanSse.toFixed(3)}, training ${train.meanSse.toFixed(3)} (eigenvalues predict ${predictedTrainError(model).toFixed(3)}); ${(100 * final.explained_variance).toFixed(1)} % of the variance explained`);
  if (await cancelled()) return { status: 'cancelled' };

  if (o.runDir !== undefined) {
    const file = pcaComponentsPath(o.runDir);
    await mkdir(join(o.runDir, 'pca'), { recursive: true });
    await writeFile(file, `${JSON.stringify(componentsFile(model))}\n`);
    sink.log('info', `Wrote the components to ${file}`);
  }
  progress(3);
  if (await cancelled()) return { status: 'cancelled' };

  if (o.runDir !== undefined) await writeGalleries(o.runDir, model, data, sink);
  progress(4);
  return { status: 'done', final };
}
