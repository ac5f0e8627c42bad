/**
 * The one trainer every family trains through (the Keras model: one loop,
 * only the step differs). It owns the scaffolding: resume (weights,
 * optimisers, every random state, the family's extra state), the epoch loop
 * (engine/trainLoop: a yield and a cancel check before each step), the
 * finite-loss check, metrics and progress, the gallery schedule, the
 * checkpoint at each epoch end, and disposal.
 *
 * A family supplies a TrainSession: its parts (Layers models or its own
 * named variables: nothing here assumes gradients, so a family with its own
 * update rule fits), its optimisers (none for such a family), the sizes of
 * an epoch, and hooks: the step, the epoch-end evaluation, the galleries,
 * work before training (stacked pre-training) and after it (a final scatter).
 *
 * Gallery schedule: step 0 of a fresh run when the session asks
 * (galleryAtStart), every `sampleEverySteps` steps, and each epoch end
 * (before the evaluation, so the epoch's log line can report what the
 * galleries measured) — never twice for one step.
 *
 * Before each piece of long work (galleries, the evaluation, the checkpoint
 * write) the sink's batched metrics are flushed: a crash during it then
 * loses none of the points computed before it.
 *
 * Random states are checkpointed under `${part}/${layer}` for every random
 * layer of every Layers-model part, and the session's own generators under
 * their own names (randomLayers.ts); a checkpoint written with bare layer
 * names still resumes.
 */
import * as tf from '@tensorflow/tfjs';
import type { CheckpointRef } from '../common/protocol';
import { checkpointDir, loadCheckpoint, saveCheckpoint, type WeightSource } from './checkpoint';
import { collectRandomStates, randomLayers, restoreRandomStates, type RandomLayer, type RandomPart } from './randomLayers';
import type { TrainingSink } from './sink';
import { LossNotFiniteError, trainLoop, type BatchInfo, type TrainLoopResult } from './trainLoop';

export type { BatchInfo } from './trainLoop';

/** A named piece of what a run trains ('model', 'encoder', 'generator', an RBM's 'rbm'…), checkpointed in order. */
export interface TrainPart {
  name: string;
  weights: WeightSource;
}

/** A loss the trainer checks after each step: training stops with a LossNotFiniteError when it is NaN or infinite. */
export interface CheckedLoss {
  value: number;
  /** Which network's loss, when a family has several ('Discriminator'): named in the message. */
  network?: string;
  /** The learning rate the message suggests lowering. */
  learningRate?: number;
}

/** Metric values by key, recorded in their insertion order. */
export type MetricValues<K extends string> = Partial<Record<K, number>>;

/** The entries of a metric record (a record built from literal keys has no others). */
export function metricEntries<K extends string>(values: MetricValues<K>): [K, number][] {
  const out: [K, number][] = [];
  for (const key in values) {
    const v = values[key];
    if (v !== undefined) out.push([key, v]);
  }
  return out;
}

export interface StepOutcome<K extends string> {
  /** Recorded at the global step. */
  values: MetricValues<K>;
  /** Checked in order before anything is recorded. */
  checked: readonly CheckedLoss[];
}

export interface EpochReport<K extends string> {
  /** Recorded at step = epoch and kept as the run's final values. */
  metrics?: MetricValues<K>;
  /** The epoch's log line. */
  log?: string;
}

export interface BeforeTrainingResult {
  status: 'completed' | 'cancelled';
  /** Global steps used (the loop's steps continue from here). */
  step: number;
}

/** What a family trains, and its hooks. Only `step` is required beyond the parts and sizes. */
export interface TrainSession<K extends string> {
  parts: readonly TrainPart[];
  /** Restored and checkpointed in this order (none for a family with its own update rule). */
  optimizers: readonly tf.Optimizer[];
  /** The family's own PRNGs (beyond its layers'), checkpointed under their names. */
  randomStates?: readonly RandomLayer[];
  epochs: number;
  stepsPerEpoch: number;
  /** Steps a fresh run spends in beforeTraining (progress counts them). */
  stepsBeforeTraining?: number;
  /** Galleries every this many steps (0 or absent: epoch ends only). */
  sampleEverySteps?: number;
  /** Galleries at step 0 of a fresh run too. */
  galleryAtStart?: boolean;
  /** Each step's values are also the run's final values (a GAN's last d_loss and g_loss). */
  stepValuesAreFinal?: boolean;
  /** Before an epoch's first step (its example order). */
  startEpoch?(epoch: number): void;
  step(info: BatchInfo): Promise<StepOutcome<K>>;
  /** After an epoch's last step and its galleries, before its checkpoint. */
  endEpoch?(epoch: number, step: number): Promise<EpochReport<K>>;
  /** Write the galleries (and what they measure) for the model as it is at `step`. */
  galleries?(step: number, epoch: number): Promise<void>;
  /** Stored in the checkpoint and handed back on resume. */
  extraState?(): Record<string, unknown>;
  restoreExtraState?(extra: Record<string, unknown>): void;
  /** A fresh run's work before the loop (stacked pre-training); it reports its own progress. */
  beforeTraining?(o: { totalSteps: number }): Promise<BeforeTrainingResult>;
  /** After the last epoch of a completed run. */
  finish?(step: number): Promise<void>;
  /** Free the session's tensors; a promise when it must also wait for threads to end (a data-parallel classifier's replicas). */
  dispose(): void | Promise<void>;
}

/** What a session's hooks may use. */
export interface TrainerContext<K extends string, M extends object> {
  sink: TrainingSink<K, M>;
  isCancelled: () => boolean;
  /** Where checkpoints and galleries go; none are written without it. */
  runDir: string | undefined;
  /** Record a metric and keep it as the run's final value (what 'done' reports). */
  record(key: K, step: number, value: number): void;
}

export interface TrainOptions<K extends string, M extends object> {
  sink: TrainingSink<K, M>;
  isCancelled: () => boolean;
  runDir?: string;
  resumeFrom?: CheckpointRef;
}

export type TrainResult =
  | { status: 'done'; final: Record<string, number> }
  | { status: 'cancelled' };

/** Build the session with `create` (given the context its hooks use), train it, dispose it. */
export async function train<K extends string, M extends object>(
  o: TrainOptions<K, M>,
  create: (ctx: TrainerContext<K, M>) => Promise<TrainSession<K>> | TrainSession<K>,
): Promise<TrainResult> {
  const final: Record<string, number> = {};
  const ctx: TrainerContext<K, M> = {
    sink: o.sink, isCancelled: o.isCancelled, runDir: o.runDir,
    record: (key, step, value) => { o.sink.metric(key, step, value); final[key] = value; },
  };
  const session = await create(ctx);
  try {
    const status = await run(session, ctx, o.resumeFrom);
    return status === 'cancelled' ? { status } : { status: 'done', final };
  } finally {
    await session.dispose();
  }
}

function randomParts(session: TrainSession<string>): RandomPart[] {
  return session.parts.flatMap((p) => (p.weights instanceof tf.LayersModel ? [{ part: p.name, layers: randomLayers(p.weights) }] : []));
}

/** Restore the session from a checkpoint; returns where its loop resumes. */
async function resume(session: TrainSession<string>, from: CheckpointRef, sink: TrainingSink<string, object>): Promise<{ epoch: number; step: number }> {
  const state = await loadCheckpoint(from.dir, session.parts.map((p) => p.weights), session.optimizers);
  restoreRandomStates(state.rng, randomParts(session), session.randomStates);
  if (state.extra !== undefined) session.restoreExtraState?.(state.extra);
  sink.log('info', `Resumed from ${from.dir} after epoch ${state.epoch}, step ${state.step}`);
  return { epoch: state.epoch, step: state.step };
}

async function run<K extends string, M extends object>(session: TrainSession<K>, ctx: TrainerContext<K, M>, resumeFrom: CheckpointRef | undefined): Promise<TrainLoopResult['status']> {
  const { sink } = ctx;
  const perEpoch = session.stepsPerEpoch;
  let start = { epoch: 0, step: 0 };
  let totalSteps = (session.stepsBeforeTraining ?? 0) + session.epochs * perEpoch;
  const galleries = gallerySchedule(session, sink);
  let outcome: StepOutcome<K> = { values: {}, checked: [] };
  if (resumeFrom) {
    start = await resume(session, resumeFrom, sink);
    // The steps the interrupted run spent before its loop (pre-training) count again.
    totalSteps = start.step - start.epoch * perEpoch + session.epochs * perEpoch;
  } else {
    if (session.beforeTraining) {
      const pre = await session.beforeTraining({ totalSteps });
      if (pre.status === 'cancelled') return 'cancelled';
      start.step = pre.step;
    }
    if (session.galleryAtStart) await galleries.at(0, 0);
  }
  const result = await trainLoop({
    epochs: session.epochs,
    stepsPerEpoch: perEpoch,
    startEpoch: start.epoch,
    startStep: start.step,
    isCancelled: ctx.isCancelled,
    onEpochStart: (epoch) => session.startEpoch?.(epoch),
    runBatch: async (info) => {
      outcome = await session.step(info);
      for (const c of outcome.checked) {
        if (!Number.isFinite(c.value)) throw new LossNotFiniteError(c.value, info.epoch, info.step, c.learningRate, c.network);
      }
      return { loss: outcome.checked[0]?.value ?? 0 };
    },
    onBatchEnd: async (info) => {
      for (const [key, value] of metricEntries(outcome.values)) {
        if (session.stepValuesAreFinal) ctx.record(key, info.step, value);
        else sink.metric(key, info.step, value);
      }
      sink.progress({ epoch: info.epoch, epochs: session.epochs, step: info.step, totalSteps });
      if (galleries.due(info.step, info.batchIndex)) await galleries.at(info.step, info.epoch);
    },
    onEpochEnd: (epoch, step) => endEpoch(session, ctx, galleries, epoch, step),
  });
  if (result.status === 'cancelled') sink.log('info', `Cancelled at step ${result.step}`);
  else await session.finish?.(result.step);
  return result.status;
}

interface GallerySchedule {
  /** A mid-epoch step whose galleries are due (an epoch's last step gets them at its end). */
  due(step: number, batchIndex: number): boolean;
  /** Write the galleries for `step`, unless they are written already. */
  at(step: number, epoch: number): Promise<void>;
}

function gallerySchedule(session: TrainSession<string>, sink: TrainingSink<string, object>): GallerySchedule {
  let last = -1;
  const every = session.sampleEverySteps ?? 0;
  return {
    due: (step, batchIndex) => every > 0 && step % every === 0 && batchIndex < session.stepsPerEpoch - 1,
    at: async (step, epoch) => {
      if (!session.galleries || step === last) return;
      last = step;
      sink.flush?.();
      await session.galleries(step, epoch);
    },
  };
}

/** An epoch's end: its galleries, its evaluation and log line, its checkpoint. */
async function endEpoch<K extends string, M extends object>(session: TrainSession<K>, ctx: TrainerContext<K, M>, galleries: GallerySchedule, epoch: number, step: number): Promise<void> {
  await galleries.at(step, epoch);
  ctx.sink.flush?.();
  const report = (await session.endEpoch?.(epoch, step)) ?? {};
  for (const [key, value] of metricEntries(report.metrics ?? {})) ctx.record(key, epoch, value);
  if (report.log !== undefined) ctx.sink.log('info', report.log);
  if (ctx.runDir === undefined) return;
  ctx.sink.flush?.();
  const dir = checkpointDir(ctx.runDir, epoch);
  const rng = collectRandomStates(randomParts(session), session.randomStates);
  const extra = session.extraState?.();
  await saveCheckpoint(dir, session.parts.map((p) => p.weights), session.optimizers, { epoch, step, rng, ...(extra !== undefined ? { extra } : {}) });
  ctx.sink.checkpoint({ dir, epoch, step });
}
