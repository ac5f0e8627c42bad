/**
 * One copy of the model a data-parallel run trains: the leader holds one in
 * the run's own thread, each extra thread another (replicaWorker.ts). A
 * replica computes its shard's gradients into its row of the exchange and
 * applies the averaged gradient with its own optimiser: the same inputs and
 * the same deterministic kernels in every thread keep the copies identical
 * (checked by the leader, coordinator.ts `verifyReplicas`).
 *
 * The loss is the classifier's mean categorical cross-entropy over one-hot
 * labels (as workers/families/classifier/step.ts computes it: the engine may
 * not import a family, and the two must stay the same formula).
 */
import * as tf from '@tensorflow/tfjs';
import type { GraphDocument } from '../../common/graph';
import type { BackendName } from '../../common/protocol';
import { validateGraph } from '../../common/shapes';
import { compileGraph, outputsProbabilities } from '../compileGraph';
import { makeOptimizer, type OptimizerHyper } from '../optimizer';
import { partRange, type ExchangeViews } from './layout';

/** Everything a thread needs to build the same replica (structured-cloneable). */
export interface ReplicaSpec {
  graph: GraphDocument;
  seed: number;
  numClasses: number;
  optimizer: OptimizerHyper;
  backend: BackendName;
}

/** A model and optimiser built elsewhere (the classifier session's), for the leader to adopt. */
export interface LeaderModel {
  model: tf.LayersModel;
  /** The graph ends in a softmax (the loss takes log(p)); false: it outputs logits. */
  probabilities: boolean;
  optimizer: tf.Optimizer;
}

const EPS = 1e-7;

function crossEntropy(ys: tf.Tensor, output: tf.Tensor, probabilities: boolean): tf.Scalar {
  if (!probabilities) return tf.losses.softmaxCrossEntropy(ys, output) as tf.Scalar;
  return tf.neg(tf.mean(tf.sum(tf.mul(ys, tf.log(tf.add(output, EPS))), -1)));
}

export class Replica {
  readonly params: number;
  readonly features: number;
  private readonly variables: tf.Variable[];
  private readonly offsets: number[];

  /**
   * `owned`: dispose frees the model and the optimiser. A run's leader adopts
   * the session's own (not owned), so checkpoints, evaluation and galleries
   * read the model the replicas train, and the session frees it.
   */
  private constructor(readonly model: tf.LayersModel, private readonly probabilities: boolean, readonly optimizer: tf.Optimizer, private readonly numClasses: number, private readonly owned: boolean) {
    this.variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    this.offsets = [];
    let at = 0;
    for (const v of this.variables) { this.offsets.push(at); at += v.size; }
    this.params = at;
    const shape = model.inputs[0]!.shape.slice(1);
    this.features = shape.reduce<number>((a, d) => a * (d ?? 1), 1);
  }

  /** Compile the spec's graph (seeded); throws with the graph's problems listed. */
  static build(spec: ReplicaSpec): Replica {
    const { doc, report } = validateGraph(spec.graph);
    if (!doc) throw new Error(`The architecture cannot be compiled for a replica:\n${report.errors.map((e) => `- ${e.message}`).join('\n')}`);
    return new Replica(compileGraph(doc, { seed: spec.seed }), outputsProbabilities(doc), makeOptimizer(spec.optimizer), spec.numClasses, true);
  }

  /** A replica over a model and optimiser someone else owns and frees (a run session's). */
  static adopt(leader: LeaderModel, numClasses: number): Replica {
    return new Replica(leader.model, leader.probabilities, leader.optimizer, numClasses, false);
  }

  private inputShape(rows: number): number[] {
    return [rows, ...this.model.inputs[0]!.shape.slice(1).map((d) => d ?? 1)];
  }

  /** This replica's shard of the round's batch: its mean gradient into row `index`, its loss and correct count into the results. */
  computeGradients(v: ExchangeViews, index: number, batch: number): void {
    const [lo, hi] = partRange(batch, v.sizes.replicas, index);
    const row = index * v.sizes.params;
    if (hi === lo) {
      // A batch smaller than the replicas (an epoch's last): this shard is empty and weighs 0 in the average.
      v.gradients.fill(0, row, row + v.sizes.params);
      v.results[2 * index] = 0;
      v.results[2 * index + 1] = 0;
      return;
    }
    const f = this.features;
    tf.tidy(() => {
      const xs = tf.tensor(v.inputs.slice(lo * f, hi * f), this.inputShape(hi - lo), 'float32');
      const labels = tf.tensor1d(v.labels.slice(lo, hi), 'int32');
      const ys = tf.cast(tf.oneHot(labels, this.numClasses), 'float32');
      let correct: tf.Scalar | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const out = this.model.apply(xs, { training: true }) as tf.Tensor;
        correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(out, -1), labels), 'float32')));
        return crossEntropy(ys, out, this.probabilities);
      }, this.variables);
      this.variables.forEach((w, k) => v.gradients.set(grads[w.name]!.dataSync(), row + this.offsets[k]!));
      v.results[2 * index] = value.dataSync()[0]!;
      v.results[2 * index + 1] = correct!.dataSync()[0]!;
      tf.dispose(correct);
    });
  }

  /** Apply the exchange's averaged gradient with this replica's optimiser (copied out of shared memory first). */
  applyAverage(v: ExchangeViews): void {
    const named: tf.NamedTensorMap = {};
    this.variables.forEach((w, k) => {
      named[w.name] = tf.tensor(v.average.slice(this.offsets[k]!, this.offsets[k]! + w.size), w.shape, 'float32');
    });
    this.optimizer.applyGradients(named);
    tf.dispose(Object.values(named));
  }

  /** Every trainable weight, flattened in model order, into `target`. */
  readWeights(target: Float32Array): void {
    this.variables.forEach((w, k) => target.set(w.dataSync() as Float32Array, this.offsets[k]!));
  }

  /** Every trainable weight from `source` (the leader's, at the start). */
  loadWeights(source: Float32Array): void {
    this.variables.forEach((w, k) => {
      tf.tidy(() => w.assign(tf.tensor(source.slice(this.offsets[k]!, this.offsets[k]! + w.size), w.shape, 'float32')));
    });
  }

  dispose(): void {
    if (!this.owned) return;
    this.model.dispose();
    this.optimizer.dispose();
  }
}
