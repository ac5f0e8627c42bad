/**
 * The perf bench's `wasm_dp<n>` arm (issue 17, "our best figure on the same
 * cores"): the classifier workloads (MLP, LeNet-5) trained by the
 * data-parallel trainer (workers/engine/dataParallel/coordinator.ts) with n
 * replicas — the leader on this thread's wasm backend, n − 1 worker threads —
 * as a classifier run with `hyper.parallelReplicas` = n trains. Same template,
 * seed, Adam settings, batch 64 and batch pool as the single-thread workload
 * (perfWorkloads.ts), so the arms differ only in how the step is computed.
 */
import * as tf from '@tensorflow/tfjs';
import { classifierTemplate } from '../../workers/common/families/classifier/templates';
import { DataParallelTrainer } from '../../workers/engine/dataParallel/coordinator';
import type { ReplicaSpec } from '../../workers/engine/dataParallel/replica';
import { timeRound, type RoundArm, type RoundOptions } from './perfMeasure';
import { PERF_BATCH, type WorkloadId } from './perfWorkloads';

const IMAGE: [number, number, number] = [28, 28, 1];
const CLASSES = 10;
const POOL = 4;

/** Workloads the data-parallel trainer can run (its step is the classifier's). */
export const DATA_PARALLEL_WORKLOADS = ['mlp', 'lenet'] as const;
export type DataParallelWorkloadId = (typeof DATA_PARALLEL_WORKLOADS)[number];

export function isDataParallelWorkload(id: WorkloadId): id is DataParallelWorkloadId {
  return (DATA_PARALLEL_WORKLOADS as readonly string[]).includes(id);
}

/** One workload stepped by the data-parallel trainer. */
export interface DataParallelArm {
  id: WorkloadId;
  step(): Promise<void>;
  /** Throws when the replicas' weights no longer equal the leader's (the arm would be timing a broken trainer). */
  verify(): Promise<void>;
  dispose(): Promise<void>;
}

/** Start the trainer with `replicas` threads for classifier workload `id` (seeded like buildWorkload). */
export async function startDataParallelArm(id: DataParallelWorkloadId, replicas: number, seed = 1): Promise<DataParallelArm> {
  const spec: ReplicaSpec = { graph: classifierTemplate(id, IMAGE, CLASSES), seed, numClasses: CLASSES, optimizer: { optimizer: 'adam', learningRate: 0.001, momentum: 0.9 }, backend: 'wasm' };
  const pool = Array.from({ length: POOL }, (_, i) => ({
    inputs: tf.tidy(() => tf.randomUniform([PERF_BATCH, ...IMAGE], 0, 1, 'float32', seed + i).dataSync() as Float32Array),
    labels: Int32Array.from({ length: PERF_BATCH }, (_, j) => (j * 7 + i) % CLASSES),
  }));
  const trainer = await DataParallelTrainer.start(spec, { replicas, maxBatch: PERF_BATCH });
  let k = 0;
  return {
    id,
    step: async () => { const b = pool[k++ % POOL]!; await trainer.step(b.inputs, b.labels, PERF_BATCH); },
    verify: async () => {
      const diff = await trainer.verifyReplicas();
      if (diff !== 0) throw new Error(`The ${replicas}-replica trainer of ${id} diverged during the bench (weights differ by ${diff})`);
    },
    dispose: () => trainer.dispose(),
  };
}

/**
 * The arm `wasm_dp<replicas>` for the interleaved rounds over the classifier
 * workloads among `o.workloads` (none: no arm), warmed up as the in-process
 * arm is. `close` checks the replicas stayed identical to the leader, then
 * stops their threads.
 */
export async function dataParallelRoundArm(o: RoundOptions, replicas: number): Promise<{ arm: RoundArm; close(): Promise<void> } | undefined> {
  const ids = o.workloads.filter(isDataParallelWorkload);
  if (!ids.length) return undefined;
  const started: DataParallelArm[] = [];
  try {
    for (const id of ids) started.push(await startDataParallelArm(id, replicas));
    for (const a of started) for (let i = 0; i < o.warmup; i++) await a.step();
  } catch (e) {
    for (const a of started) await a.dispose();
    throw e;
  }
  const arm: RoundArm = {
    engine: `wasm_dp${replicas}`,
    round: async () => {
      const ms: Partial<Record<WorkloadId, number>> = {};
      for (const a of started) ms[a.id] = await timeRound(a, o.steps);
      return ms;
    },
  };
  const close = async (): Promise<void> => {
    try {
      for (const a of started) await a.verify();
    } finally {
      for (const a of started) await a.dispose();
    }
  };
  return { arm, close };
}
