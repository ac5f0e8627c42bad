/**
 * A classifier run: load data, build model and optimizer (or resume them from
 * a checkpoint), train with the shared loop, report metrics, checkpoint each
 * epoch, evaluate on validation and test sets.
 *
 * Metrics: `loss` per batch (step = global batch, 1-based); per epoch (step =
 * epoch, 1-based) `accuracy` (training, running mean over the epoch),
 * `epoch_loss`, `val_loss`, `val_accuracy` (when validationSplit > 0),
 * `test_loss`, `test_accuracy`.
 */
import type { GraphDocument } from '../../common/graph';
import type { ClassifierConfig } from '../../common/runConfig';
import { loadCheckpoint, saveCheckpoint } from '../../engine/checkpoint';
import { randomLayers } from '../../engine/randomLayers';
import { trainLoop } from '../../engine/trainLoop';
import { makeOptimizer } from '../../engine/optimizer';
import { epochOrder, loadRunDataset, range, splitTrainValidation } from '../../engine/trainingData';
import { disposeBatch, makeBatch } from './data';
import { buildClassifier } from './model';
import { evaluate, trainStep } from './step';
import { checkpointDir, type FamilyRunOptions, type FamilyRunResult } from '../familyRun';

export interface ClassifierRunOptions extends FamilyRunOptions<ClassifierConfig> {
  graph: GraphDocument;
}

export type ClassifierRunResult = FamilyRunResult;


export async function runClassifier(o: ClassifierRunOptions): Promise<ClassifierRunResult> {
  const { config, sink } = o;
  const hyper = config.hyper;
  const data = o.dataset ?? loadRunDataset(config);
  const { inputShape, numClasses } = data;
  const nTrainTotal = data.trainLabels.length;
  const split = splitTrainValidation(nTrainTotal, hyper.validationSplit);
  const nTrain = split.train.length;
  if (nTrain === 0) throw new Error(`No training examples left after holding out ${split.validation.length} for validation`);
  const batchSize = Math.min(hyper.batchSize, nTrain);
  const stepsPerEpoch = Math.ceil(nTrain / batchSize);
  const totalSteps = stepsPerEpoch * hyper.epochs;
  sink.log('info', `Training on ${nTrain} examples, validating on ${split.validation.length}, testing on ${data.testLabels.length}; ${stepsPerEpoch} batches of ${batchSize} per epoch`);

  const cm = buildClassifier(o.graph, inputShape, numClasses, hyper.seed);
  const optimizer = makeOptimizer(hyper);
  const dropouts = randomLayers(cm.model);
  const final: Record<string, number> = {};
  try {
    let startEpoch = 0;
    let startStep = 0;
    if (o.resumeFrom) {
      const state = await loadCheckpoint(o.resumeFrom.dir, cm.model, optimizer);
      dropouts.forEach((d) => { const s = state.rng[d.name]; if (s !== undefined) d.setRngState(s); });
      startEpoch = state.epoch;
      startStep = state.step;
      sink.log('info', `Resumed from ${o.resumeFrom.dir} after epoch ${startEpoch}, step ${startStep}`);
    }
    sink.log('info', `Model has ${cm.model.countParams()} parameters`);

    let order = split.train;
    let seen = 0;
    let correct = 0;
    let lossSum = 0;
    const result = await trainLoop({
      epochs: hyper.epochs,
      stepsPerEpoch,
      startEpoch,
      startStep,
      learningRate: hyper.learningRate,
      isCancelled: o.isCancelled,
      onEpochStart: (epoch) => {
        // Same order for an epoch whether or not the run was resumed.
        order = epochOrder(split.train, hyper.seed, epoch);
        seen = 0; correct = 0; lossSum = 0;
      },
      runBatch: async ({ batchIndex }) => {
        const start = batchIndex * batchSize;
        const end = Math.min(start + batchSize, nTrain);
        const batch = makeBatch(data.trainImages, data.trainLabels, inputShape, numClasses, order, start, end);
        try {
          const r = await trainStep(cm, optimizer, batch);
          seen += end - start;
          correct += r.correct;
          lossSum += r.loss * (end - start);
          return { loss: r.loss };
        } finally {
          disposeBatch(batch);
        }
      },
      onBatchEnd: ({ epoch, step }, r) => {
        sink.metric('loss', step, r.loss);
        sink.progress({ epoch, epochs: hyper.epochs, step, totalSteps });
      },
      onEpochEnd: async (epoch, step) => {
        const put = (key: string, value: number): void => { sink.metric(key, epoch, value); final[key] = value; };
        put('accuracy', correct / seen);
        put('epoch_loss', lossSum / seen);
        if (split.validation.length > 0) {
          const v = await evaluate(cm, data.trainImages, data.trainLabels, inputShape, numClasses, split.validation);
          put('val_loss', v.loss);
          put('val_accuracy', v.accuracy);
        }
        const t = await evaluate(cm, data.testImages, data.testLabels, inputShape, numClasses, range(data.testLabels.length));
        put('test_loss', t.loss);
        put('test_accuracy', t.accuracy);
        sink.log('info', `Epoch ${epoch}/${hyper.epochs}: loss ${(lossSum / seen).toFixed(4)}, accuracy ${(correct / seen).toFixed(4)}, test accuracy ${t.accuracy.toFixed(4)}`);
        if (o.runDir !== undefined) {
          const dir = checkpointDir(o.runDir, epoch);
          const rng: Record<string, number> = {};
          for (const d of dropouts) rng[d.name] = d.getRngState();
          await saveCheckpoint(dir, cm.model, optimizer, { epoch, step, rng });
          sink.checkpoint({ dir, epoch, step });
        }
      },
    });
    if (result.status === 'cancelled') {
      sink.log('info', `Cancelled at step ${result.step}`);
      return { status: 'cancelled' };
    }
    return { status: 'done', final };
  } finally {
    cm.model.dispose();
    optimizer.dispose();
  }
}
