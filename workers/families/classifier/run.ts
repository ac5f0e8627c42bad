/**
 * A classifier run: load data, build the model and optimiser, and train them
 * through the trainer (resume, checkpoints each epoch, cancel, galleries:
 * none) with the classifier's session.
 *
 * Metrics: `loss` per batch (step = global batch, 1-based); per epoch (step =
 * epoch, 1-based) `accuracy` (training, running mean over the epoch),
 * `epoch_loss`, `val_loss`, `val_accuracy` (when validationSplit > 0),
 * `test_loss`, `test_accuracy`. With a run folder: the first layer's
 * 'filters' at each epoch end; at the end the test set's 'confusion-matrix'
 * and 'misclassified' grid (session.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { getDatasetEntry } from '../../common/datasets';
import type { GraphDocument } from '../../common/graph';
import { makeOptimizer } from '../../engine/optimizer';
import { train } from '../../engine/trainer';
import { loadRunDataset, range, splitTrainValidation } from '../../engine/trainingData';
import type { FamilyRunOptions, FamilyRunResult } from '../familyRun';
import { buildClassifier } from './model';
import { parallelBackend, type ParallelOptions } from './parallelSteps';
import { classifierSession, type HeldOutSet } from './session';
import { classNamesOf } from './testReport';

/** The dataset's class names, when its catalogue entry has them (a preloaded test dataset may have no entry). */
function datasetClassNames(id: string): string[] | undefined {
  try {
    return getDatasetEntry(id).classNames;
  } catch {
    return undefined;
  }
}

export interface ClassifierRunOptions extends FamilyRunOptions<'classifier'> {
  graph: GraphDocument;
  /** The built replica entry for data-parallel runs (tests); beside the coordinator's built file by default. */
  replicaWorkerEntry?: string;
}

/** The data-parallel options of a run asking for more than one thread (refused on a backend a second thread cannot load). */
function parallelOptions(o: ClassifierRunOptions, numClasses: number): ParallelOptions | undefined {
  const { parallelReplicas: replicas, seed, optimizer, learningRate, momentum } = o.config.hyper;
  if (replicas <= 1) return undefined;
  const backend = parallelBackend(replicas, tf.getBackend());
  return {
    replicas,
    spec: { graph: o.graph, seed, numClasses, optimizer: { optimizer, learningRate, momentum }, backend },
    ...(o.replicaWorkerEntry ? { workerEntry: o.replicaWorkerEntry } : {}),
  };
}

export async function runClassifier(o: ClassifierRunOptions): Promise<FamilyRunResult> {
  const hyper = o.config.hyper;
  const data = o.dataset ?? loadRunDataset(o.config);
  const { inputShape, numClasses } = data;
  const split = splitTrainValidation(data.trainLabels.length, hyper.validationSplit);
  const nTrain = split.train.length;
  if (nTrain === 0) throw new Error(`No training examples left after holding out ${split.validation.length} for validation`);
  const batchSize = Math.min(hyper.batchSize, nTrain);
  const heldOut: HeldOutSet[] = [
    ...(split.validation.length > 0 ? [{ prefix: 'val' as const, images: data.trainImages, labels: data.trainLabels, indices: split.validation }] : []),
    { prefix: 'test', images: data.testImages, labels: data.testLabels, indices: range(data.testLabels.length) },
  ];
  const classNames = classNamesOf(numClasses, datasetClassNames(o.config.dataset.id));
  const parallel = parallelOptions(o, numClasses);
  return train(o, ({ sink, runDir }) => {
    if (parallel) sink.log('info', `Training each batch on ${parallel.replicas} threads (data-parallel, ${parallel.spec.backend}): each computes the gradient of ${Math.floor(batchSize / parallel.replicas)}–${Math.ceil(batchSize / parallel.replicas)} examples`);
    sink.log('info', `Training on ${nTrain} examples, validating on ${split.validation.length}, testing on ${data.testLabels.length}; ${Math.ceil(nTrain / batchSize)} batches of ${batchSize} per epoch`);
    const cm = buildClassifier(o.graph, inputShape, numClasses, hyper.seed);
    sink.log('info', `Model has ${cm.model.countParams()} parameters`);
    return classifierSession({
      cm, optimizer: makeOptimizer(hyper), images: data.trainImages, labels: data.trainLabels, train: split.train, inputShape, numClasses,
      batchSize, epochs: hyper.epochs, seed: hyper.seed, learningRate: hyper.learningRate, heldOut,
      ...(runDir ? { report: { runDir, sink, classNames } } : {}),
      ...(parallel ? { parallel } : {}),
    });
  });
}
