/**
 * Data-parallel training of one run (issue 17, "use every core for one run"):
 * N replicas of the model — the leader in the calling thread, N−1 in worker
 * threads (replicaWorker.ts) — each compute the gradient of their shard of
 * the global batch, write it into shared memory (layout.ts), average one
 * slice of the parameters each (weighted by shard size), and apply the same
 * averaged gradient with their own optimiser. The result is the single-thread
 * step on the same global batch up to float summation order; the copies stay
 * bit-identical (`verifyReplicas`, every `verifyEvery` steps).
 *
 * Failure: a replica that fails to build, throws or exits fails the step (or
 * the start) with its message; every thread is then terminated. `dispose()`
 * terminates them and frees the leader's model.
 *
 * A classifier run with `hyper.parallelReplicas` > 1 trains through it
 * (workers/families/classifier/session.ts): the leader adopts the session's
 * model and optimiser, so checkpoints, evaluation and galleries read the
 * model being trained. `start` hands the replicas the leader's weights and
 * its optimiser's state (optimizerState.ts), so a resumed run's replicas
 * continue the checkpoint's Adam moments as the leader does.
 *
 * Limits: the step is the classifier's (cross-entropy over one-hot labels,
 * replica.ts); layers with random masks (dropout) draw them per shard, so
 * such a model agrees with a single-thread run in distribution, not in value.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { abortBarrier, barrierAsync } from './barrier';
import { allocateExchange, averageRows, COMMAND, CONTROL, exchangeViews, partRange, type Command, type ExchangeViews } from './layout';
import { readOptimizerState } from './optimizerState';
import { Replica, type LeaderModel, type ReplicaSpec } from './replica';
import type { ReplicaWorkerData, ReplicaWorkerMessage } from './replicaWorker';

export interface DataParallelOptions {
  /** Threads taking part, the leader included (1: no extra thread, the same code path). */
  replicas: number;
  /** Largest global batch a step may carry (sizes the shared memory). */
  maxBatch: number;
  /** Compare every replica's weights with the leader's every this many steps (0 or absent: only when asked). */
  verifyEvery?: number;
  /** The built replica entry; by default the one beside this module (dist/workers/engine/dataParallel/replicaWorker.js). */
  workerEntry?: string;
}

export interface DataParallelStep {
  /** Mean loss over the global batch (shard losses weighted by shard size). */
  loss: number;
  /** Correct predictions over the global batch. */
  correct: number;
}

export class ReplicasDivergedError extends Error {
  constructor(readonly maxDifference: number, readonly step: number) {
    super(`Data-parallel replicas diverged at step ${step}: weights differ by up to ${maxDifference} (they must be identical; is a kernel non-deterministic?)`);
    this.name = 'ReplicasDivergedError';
  }
}

/** Start one extra replica thread; resolves when it has built its model. */
function startThread(entry: string, data: ReplicaWorkerData): { worker: Worker; ready: Promise<void> } {
  const worker = new Worker(entry, { workerData: data });
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', (m: ReplicaWorkerMessage) => (m.type === 'ready' ? resolve() : reject(new Error(`Replica ${data.index} could not start: ${m.error}`))));
    worker.once('error', (e) => reject(new Error(`Replica ${data.index} could not start: ${e.message}`)));
    worker.once('exit', (code) => reject(new Error(`Replica ${data.index} exited with code ${code} while starting`)));
  });
  return { worker, ready };
}

export class DataParallelTrainer {
  private failure: Error | undefined;
  private disposed = false;
  private leaderDisposed = false;
  private steps = 0;
  private readonly exits: Promise<void>[];

  private constructor(readonly leader: Replica, private readonly v: ExchangeViews, private readonly workers: readonly Worker[], private readonly verifyEvery: number) {
    this.exits = workers.map((w, i) => new Promise<void>((resolve) => {
      w.on('error', (e) => this.fail(new Error(`Replica ${i + 1} failed: ${e.message}`)));
      w.on('exit', (code) => { if (!this.disposed) this.fail(new Error(`Replica ${i + 1} exited with code ${code}`)); resolve(); });
    }));
  }

  /**
   * Build (or adopt: `own`) the leader here and N−1 replicas in threads, and
   * give them the leader's weights and optimiser state.
   */
  static async start(spec: ReplicaSpec, o: DataParallelOptions, own?: LeaderModel): Promise<DataParallelTrainer> {
    if (!Number.isInteger(o.replicas) || o.replicas < 1) throw new Error(`Data-parallel replicas must be a whole number ≥ 1, got ${o.replicas}`);
    if (o.replicas > 1 && spec.backend !== 'wasm' && spec.backend !== 'cpu') {
      throw new Error(`Data-parallel threads run the JS backends (wasm, cpu) only; ${spec.backend} cannot load in a second worker thread`);
    }
    if (tf.getBackend() !== spec.backend) throw new Error(`The leader runs on ${tf.getBackend()} but the replicas were asked for ${spec.backend}: every replica must use the leader's backend`);
    const leader = own ? Replica.adopt(own, spec.numClasses) : Replica.build(spec);
    const optimizerState = await readOptimizerState(leader.optimizer).catch((e: unknown) => { leader.dispose(); throw e; });
    const sizes = { replicas: o.replicas, params: leader.params, features: leader.features, maxBatch: o.maxBatch };
    const buffer = allocateExchange(sizes);
    const entry = o.workerEntry ?? path.join(__dirname, 'replicaWorker.js');
    const started = Array.from({ length: o.replicas - 1 }, (_, i) => startThread(entry, { spec, buffer, sizes, index: i + 1, optimizerState }));
    try {
      await Promise.all(started.map((s) => s.ready));
    } catch (e) {
      await Promise.all(started.map((s) => s.worker.terminate()));
      leader.dispose();
      throw e;
    }
    const trainer = new DataParallelTrainer(leader, exchangeViews(buffer, sizes), started.map((s) => s.worker), o.verifyEvery ?? 0);
    try {
      leader.readWeights(trainer.v.average);
      await trainer.round(COMMAND.loadWeights);
    } catch (e) {
      await trainer.dispose();
      throw e;
    }
    return trainer;
  }

  /** Extra threads (diagnostics and tests: a test ends one to check the failure path). */
  threads(): readonly Worker[] {
    return this.workers;
  }

  /** Record the first failure and end every thread (the others would wait at a barrier for ever). */
  private fail(e: Error): void {
    this.failure ??= e;
    void this.terminate();
  }

  private sync(): Promise<void> {
    return barrierAsync(this.v.control, this.v.sizes.replicas, () => this.failure);
  }

  /** A weight command: start barrier, the leader's part, end barrier. */
  private async round(command: Command, leaderPart?: () => void): Promise<void> {
    Atomics.store(this.v.control, CONTROL.command, command);
    await this.sync();
    leaderPart?.();
    await this.sync();
  }

  /** Throws the run's failure (once every thread has gone) or that it was disposed. */
  private async usable(): Promise<void> {
    if (this.failure) {
      await this.terminate();
      throw this.failure;
    }
    if (this.disposed) throw new Error('The data-parallel trainer was disposed');
  }

  /**
   * One optimiser step on the global batch: `inputs` holds `batch` examples
   * of `features` values each, `labels` their classes. Needs 1 ≤ batch ≤ maxBatch
   * (a batch smaller than the replicas leaves some shards empty).
   */
  async step(inputs: Float32Array, labels: Int32Array, batch: number): Promise<DataParallelStep> {
    await this.usable();
    const { replicas, features, maxBatch, params } = this.v.sizes;
    if (batch < 1 || batch > maxBatch) throw new Error(`A data-parallel batch must hold between 1 and ${maxBatch} examples, got ${batch}`);
    if (inputs.length < batch * features || labels.length < batch) throw new Error(`The batch arrays are too short for ${batch} examples of ${features} values`);
    const v = this.v;
    try {
      v.inputs.set(inputs.subarray(0, batch * features));
      v.labels.set(labels.subarray(0, batch));
      Atomics.store(v.control, CONTROL.batch, batch);
      Atomics.store(v.control, CONTROL.command, COMMAND.step);
      await this.sync();
      this.leader.computeGradients(v, 0, batch);
      await this.sync();
      const [from, to] = partRange(params, replicas, 0);
      averageRows(v, batch, from, to);
      await this.sync();
      this.leader.applyAverage(v);
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
      await this.terminate();
      throw this.failure;
    }
    this.steps++;
    if (this.verifyEvery > 0 && this.steps % this.verifyEvery === 0) {
      const difference = await this.verifyReplicas();
      if (difference !== 0) throw new ReplicasDivergedError(difference, this.steps);
    }
    return this.summary(batch);
  }

  private summary(batch: number): DataParallelStep {
    let loss = 0;
    let correct = 0;
    for (let r = 0; r < this.v.sizes.replicas; r++) {
      const [lo, hi] = partRange(batch, this.v.sizes.replicas, r);
      loss += (this.v.results[2 * r]! * (hi - lo)) / batch;
      correct += this.v.results[2 * r + 1]!;
    }
    return { loss, correct };
  }

  /** The largest absolute difference between any replica's weights and the leader's (0 when they are identical, as they should be). */
  async verifyReplicas(): Promise<number> {
    await this.usable();
    const { params, replicas } = this.v.sizes;
    await this.round(COMMAND.reportWeights, () => this.leader.readWeights(this.v.gradients.subarray(0, params)));
    let max = 0;
    const g = this.v.gradients;
    for (let r = 1; r < replicas; r++) {
      for (let j = 0; j < params; j++) max = Math.max(max, Math.abs(g[r * params + j]! - g[j]!));
    }
    return max;
  }

  /** The leader's weights, flattened in model order. */
  weights(): Float32Array {
    const out = new Float32Array(this.v.sizes.params);
    this.leader.readWeights(out);
    return out;
  }

  private async terminate(): Promise<void> {
    this.disposed = true;
    abortBarrier(this.v.control);
    await Promise.all(this.workers.map((w) => w.terminate()));
    await Promise.all(this.exits);
  }

  /** Terminate every replica thread and free the leader's model (safe to call twice). */
  async dispose(): Promise<void> {
    const first = !this.leaderDisposed;
    await this.terminate();
    if (first) { this.leaderDisposed = true; this.leader.dispose(); }
  }
}
