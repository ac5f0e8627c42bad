/**
 * A classifier run's training steps on several threads (hyper.parallelReplicas
 * > 1, issue 17): a DataParallelTrainer whose leader is the session's own
 * model and optimiser, started at the first step — after a resume has
 * loaded the checkpoint, so the replicas receive the restored weights and
 * Adam state. Each step hands it the batch's examples as flat arrays.
 */
import type * as tf from '@tensorflow/tfjs';
import { DataParallelTrainer, ReplicasDivergedError } from '../../engine/dataParallel/coordinator';
import type { ReplicaSpec } from '../../engine/dataParallel/replica';
import type { Shape } from '../../common/graph';
import { gatherExamples } from './data';
import type { ClassifierModel } from './model';
import type { StepResult } from './step';

export interface ParallelOptions {
  /** Threads, the run's own included (≥ 2). */
  replicas: number;
  /** How every replica thread builds its copy (the run's graph, seed, classes, optimiser and backend). */
  spec: ReplicaSpec;
  /** The built replica entry (tests); beside the coordinator's built file by default. */
  workerEntry?: string;
}

export interface ParallelSteps {
  step(images: Float32Array, labels: Int32Array, inputShape: Shape, order: Int32Array, start: number, end: number): Promise<StepResult>;
  /**
   * Check that every replica's weights equal the leader's (they must: same
   * inputs, same kernels); throws ReplicasDivergedError when they do not, as
   * the averaged gradients would then no longer be the leader's. `step`: the
   * run's global step, named in the error.
   */
  verify(step: number): Promise<void>;
  /** End the replica threads (the session frees the model and optimiser). */
  dispose(): Promise<void>;
}

/** This thread's backend when replica threads can load it too (the JS backends); else a message saying why not. */
export function parallelBackend(replicas: number, backend: string): 'wasm' | 'cpu' {
  if (backend === 'wasm' || backend === 'cpu') return backend;
  throw new Error(`parallelReplicas ${replicas} needs the wasm or cpu backend: this run trains on ${backend}, which cannot load in a second worker thread (set parallelReplicas to 1, or choose wasm in Settings)`);
}

export function parallelSteps(cm: ClassifierModel, optimizer: tf.Optimizer, batchSize: number, o: ParallelOptions): ParallelSteps {
  let trainer: Promise<DataParallelTrainer> | undefined;
  const started = (): Promise<DataParallelTrainer> => {
    trainer ??= DataParallelTrainer.start(o.spec, { replicas: o.replicas, maxBatch: batchSize, ...(o.workerEntry ? { workerEntry: o.workerEntry } : {}) },
      { model: cm.model, probabilities: cm.probabilities, optimizer });
    return trainer;
  };
  return {
    step: async (images, labels, inputShape, order, start, end) => {
      const t = await started();
      const { x, y } = gatherExamples(images, labels, inputShape, order, start, end);
      return t.step(x, y, end - start);
    },
    verify: async (step) => {
      if (!trainer) return;
      const difference = await (await trainer).verifyReplicas();
      if (difference !== 0) throw new ReplicasDivergedError(difference, step);
    },
    dispose: async () => {
      if (!trainer) return;
      // A start that failed has freed its threads already.
      const t = await trainer.catch(() => undefined);
      await t?.dispose();
    },
  };
}
