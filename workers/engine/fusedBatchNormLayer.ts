/**
 * tf.layers.batchNormalization in training mode through the fused batch norm
 * (kernels/fusedBatchNorm.ts) for a run.
 *
 * The layer's class, config, weights (gamma, beta, moving_mean,
 * moving_variance), checkpoints and inference path stay tfjs' own: only
 * BatchNormalization.prototype.call is wrapped, and it hands every call to
 * tfjs' original except a training call that normalises over every axis but
 * the last with both gamma and beta on a backend where the fused kernels run
 * (wasm with SIMD). That call normalises with the batch's mean and biased
 * variance and updates the moving averages exactly as tfjs does
 * (moving ← moving − (moving − batch)·(1 − momentum)). The class is taken
 * from tfjs' serialization registry (creating a throwaway layer would shift
 * the automatic layer names of the run's models).
 */
import * as tf from '@tensorflow/tfjs';
import { batchNormTraining, fusedBatchNormApplies } from './kernels/fusedBatchNorm';

interface LayerVariableLike { read(): tf.Tensor; write(value: tf.Tensor): unknown }

const isLayerVariable = (v: unknown): v is LayerVariableLike =>
  typeof v === 'object' && v !== null && typeof Reflect.get(v, 'read') === 'function' && typeof Reflect.get(v, 'write') === 'function';

type Call = (this: object, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

let prototype: object | null = null;
/** tfjs' own call (restored by `false`) and a typed handle on it. */
let ownCall: unknown = null;
let original: Call | null = null;

function batchNormalizationPrototype(): object {
  const entry: unknown = tf.serialization.SerializationMap.getMap().classNameMap['BatchNormalization'];
  const cls: unknown = Array.isArray(entry) ? entry[0] : undefined;
  const proto: unknown = typeof cls === 'function' ? Reflect.get(cls, 'prototype') : undefined;
  if (typeof proto !== 'object' || proto === null || typeof Reflect.get(proto, 'call') !== 'function') {
    throw new Error('tf.layers BatchNormalization is not registered in tfjs\' serialization map: cannot install the fused batch norm');
  }
  return proto;
}

/** The layer's parts the fused training call needs, or null when tfjs' own call must run. */
function fusedParts(layer: object, inputs: tf.Tensor | tf.Tensor[]) {
  const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0]! : null) : inputs;
  const [axis, epsilon, momentum] = ['axis', 'epsilon', 'momentum'].map((k) => Reflect.get(layer, k) as unknown);
  const [gamma, beta, movingMean, movingVariance] = ['gamma', 'beta', 'movingMean', 'movingVariance'].map((k) => Reflect.get(layer, k) as unknown);
  if (x === null || typeof axis !== 'number' || typeof epsilon !== 'number' || typeof momentum !== 'number') return null;
  if (axis !== -1 && axis !== x.rank - 1) return null;
  if (!isLayerVariable(gamma) || !isLayerVariable(beta) || !isLayerVariable(movingMean) || !isLayerVariable(movingVariance)) return null;
  const g = gamma.read(); const b = beta.read();
  if (g.rank !== 1 || b.rank !== 1 || !fusedBatchNormApplies(x, g, b)) return null;
  return { x, gamma: g as tf.Tensor1D, beta: b as tf.Tensor1D, epsilon, momentum, movingMean, movingVariance };
}

/** tfjs layers' update: moving ← moving − (moving − value)·(1 − momentum). */
function movingAverage(variable: LayerVariableLike, value: tf.Tensor, momentum: number): void {
  tf.tidy(() => {
    const current = variable.read();
    variable.write(tf.sub(current, tf.mul(tf.sub(current, value), 1 - momentum)));
  });
}

function fusedCall(this: object, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
  const own = original!;
  if (kwargs['training'] !== true) return own.call(this, inputs, kwargs);
  const parts = fusedParts(this, inputs);
  if (parts === null) return own.call(this, inputs, kwargs);
  return tf.tidy(() => {
    const { y, mean, variance } = batchNormTraining(parts.x, parts.gamma, parts.beta, parts.epsilon);
    movingAverage(parts.movingMean, mean, parts.momentum);
    movingAverage(parts.movingVariance, variance, parts.momentum);
    return y;
  });
}

/** Route tf.layers' training batch norm through the fused kernels (true) or back to tfjs' own (false). Idempotent. */
export function setFusedBatchNorm(enabled: boolean): void {
  prototype ??= batchNormalizationPrototype();
  if (original === null) {
    const call: unknown = Reflect.get(prototype, 'call');
    if (typeof call !== 'function') throw new Error('BatchNormalization.prototype.call is not a function');
    ownCall = call;
    original = (function (this: object, inputs, kwargs) { return Reflect.apply(call, this, [inputs, kwargs]) as tf.Tensor | tf.Tensor[]; }) satisfies Call;
  }
  Reflect.set(prototype, 'call', enabled ? fusedCall : ownCall);
}

export function installFusedBatchNorm(): void {
  setFusedBatchNorm(true);
}
