/**
 * The classifier's training session for the trainer (engine/trainer.ts):
 * one model part ('model') and one optimiser; each step a batch of the
 * epoch's seeded order; each epoch end the running training accuracy and
 * loss, then the held-out sets' loss and accuracy (validation, test). A
 * classifier run and the reference classifier train through it.
 */
import type * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { FamilyMetricKey } from '../../common/families/registry';
import type { Shape } from '../../common/graph';
import { epochOrder } from '../../engine/trainingData';
import type { MetricValues, TrainSession } from '../../engine/trainer';
import type { ConfusionMatrix } from '../../common/families/classifier/testReport';
import type { FamilySink } from '../../engine/sink';
import { disposeBatch, makeBatch } from './data';
import { parallelSteps, type ParallelOptions, type ParallelSteps } from './parallelSteps';
import { writeFilters } from './filters';
import type { ClassifierModel } from './model';
import { predictClasses } from './predict';
import { evaluate, trainStep, type StepResult } from './step';
import { confusionOf, writeConfusionMatrix, writeMisclassified, type TestReportContext } from './testReport';

export type ClassifierMetricKey = FamilyMetricKey<'classifier'>;

/** Examples scored at each epoch end, recorded as `${prefix}_loss` and `${prefix}_accuracy`. */
export interface HeldOutSet {
  prefix: 'val' | 'test';
  images: Float32Array;
  labels: Int32Array;
  indices: Int32Array;
}

export interface ClassifierSessionOptions {
  cm: ClassifierModel;
  optimizer: tf.Optimizer;
  /** The training arrays, and the indices into them that are trained on. */
  images: Float32Array;
  labels: Int32Array;
  train: Int32Array;
  inputShape: Shape;
  numClasses: number;
  batchSize: number;
  epochs: number;
  seed: number;
  /** Named when the loss stops being finite. */
  learningRate: number;
  heldOut: readonly HeldOutSet[];
  /**
   * A classifier run's page material (the reference classifier has none): the
   * first layer's filters at each epoch end, and when the run completes the
   * test set's confusion matrix (with the best validation epoch's, kept as
   * training goes) and its most confident mistakes.
   */
  report?: { runDir: string; sink: FamilySink<'classifier'>; classNames: string[] };
  /**
   * Train each batch on several threads (hyper.parallelReplicas > 1): the
   * session's model and optimiser lead, replica threads share every batch,
   * and everything else (evaluation, checkpoints, galleries) reads the
   * leader's model. Absent: the one-thread step (trainStep).
   */
  parallel?: ParallelOptions;
}

/** The test set's confusion matrix at the epoch with the best validation accuracy so far. */
interface BestValidation {
  epoch: number;
  value: number;
  matrix: ConfusionMatrix;
}

/** Validation accuracy chooses the model (as the descriptor's `validation` does for the headline). */
const VALIDATION_KEY = 'val_accuracy';

const classAccuracySchema = z.object({ count: z.number(), correct: z.number(), accuracy: z.number().nullable(), lo: z.number().nullable(), hi: z.number().nullable() });
const bestValidationSchema = z.object({
  epoch: z.number().int(),
  value: z.number(),
  matrix: z.object({ matrix: z.array(z.array(z.number())), total: z.number(), correct: z.number(), perClass: z.array(classAccuracySchema) }),
});

/** The best-validation state kept in a checkpoint (extraState), read back only when well formed. */
function parseBest(raw: unknown): BestValidation | undefined {
  const r = bestValidationSchema.safeParse(raw);
  return r.success ? r.data : undefined;
}

/** The session; its dispose frees the model and the optimiser. */
export function classifierSession(o: ClassifierSessionOptions): TrainSession<ClassifierMetricKey> {
  const n = o.train.length;
  const batchSize = Math.min(o.batchSize, n);
  let order = o.train;
  let seen = 0;
  let correct = 0;
  let lossSum = 0;
  let best: BestValidation | undefined;
  const test = o.heldOut.find((h) => h.prefix === 'test');
  const predictTest = (t: HeldOutSet) => predictClasses(o.cm, t.images, t.labels, o.inputShape, o.numClasses, t.indices);
  const parallel: ParallelSteps | undefined = o.parallel && o.parallel.replicas > 1 ? parallelSteps(o.cm, o.optimizer, batchSize, o.parallel) : undefined;
  const runStep = async (start: number, end: number): Promise<StepResult> => {
    if (parallel) return parallel.step(o.images, o.labels, o.inputShape, order, start, end);
    const batch = makeBatch(o.images, o.labels, o.inputShape, o.numClasses, order, start, end);
    try {
      return await trainStep(o.cm, o.optimizer, batch);
    } finally {
      disposeBatch(batch);
    }
  };
  const reportContext = (t: HeldOutSet, r: NonNullable<ClassifierSessionOptions['report']>): TestReportContext => ({
    runDir: r.runDir, sink: r.sink, classNames: r.classNames, inputShape: o.inputShape, images: t.images, indices: t.indices,
  });
  return {
    parts: [{ name: 'model', weights: o.cm.model }],
    optimizers: [o.optimizer],
    epochs: o.epochs,
    stepsPerEpoch: Math.ceil(n / batchSize),
    startEpoch: (epoch) => {
      // Same order for an epoch whether or not the run was resumed.
      order = epochOrder(o.train, o.seed, epoch);
      seen = 0; correct = 0; lossSum = 0;
    },
    step: async ({ batchIndex }) => {
      const start = batchIndex * batchSize;
      const end = Math.min(start + batchSize, n);
      const r = await runStep(start, end);
      seen += end - start;
      correct += r.correct;
      lossSum += r.loss * (end - start);
      return { values: { loss: r.loss } satisfies MetricValues<ClassifierMetricKey>, checked: [{ value: r.loss, learningRate: o.learningRate }] };
    },
    endEpoch: async (epoch, step) => {
      // Before the epoch's evaluation and checkpoint: the leader's model stands for every replica only while they are identical.
      await parallel?.verify(step);
      const metrics: MetricValues<ClassifierMetricKey> = { accuracy: correct / seen, epoch_loss: lossSum / seen };
      for (const h of o.heldOut) {
        const r = await evaluate(o.cm, h.images, h.labels, o.inputShape, o.numClasses, h.indices);
        metrics[`${h.prefix}_loss`] = r.loss;
        metrics[`${h.prefix}_accuracy`] = r.accuracy;
      }
      const val = metrics[VALIDATION_KEY];
      // A better validation epoch: keep the test set's confusion matrix of this model (one extra pass over the test subset).
      if (o.report && test && val !== undefined && (best === undefined || val > best.value)) {
        best = { epoch, value: val, matrix: confusionOf(await predictTest(test), o.numClasses) };
      }
      const testText = metrics.test_accuracy === undefined ? '' : `, test accuracy ${metrics.test_accuracy.toFixed(4)}`;
      return { metrics, log: `Epoch ${epoch}/${o.epochs}: loss ${(lossSum / seen).toFixed(4)}, accuracy ${(correct / seen).toFixed(4)}${testText}` };
    },
    ...(o.report ? {
      galleries: async (step: number, epoch: number) => { await writeFilters(o.report!.runDir, o.report!.sink, o.cm.model, o.inputShape, step, epoch); },
      extraState: () => (best ? { bestValidation: best } : {}),
      restoreExtraState: (extra: Record<string, unknown>) => { best = parseBest(extra['bestValidation']); },
      finish: async (step: number) => {
        if (!test || !o.report) return;
        const ctx = reportContext(test, o.report);
        const p = await predictTest(test);
        const bestValidation = best ? { ...best.matrix, epoch: best.epoch, key: VALIDATION_KEY } : undefined;
        await writeConfusionMatrix(ctx, step, o.epochs, p, bestValidation);
        await writeMisclassified(ctx, step, o.epochs, p);
      },
    } : {}),
    dispose: async () => {
      // The replica threads end first: they share nothing with the leader's tensors, but a run is over only when they are gone.
      await parallel?.dispose();
      o.cm.model.dispose();
      o.optimizer.dispose();
    },
  };
}
