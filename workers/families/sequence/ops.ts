/**
 * The tensor operations the sequence runtime is built from, written for the
 * wasm backend: a dense layer over the last axis of a sequence through the
 * explicit-transpose product (engine/products.ts), the gate activations,
 * an int32-built one-hot and a masked cross-entropy
 * from logits. Callers tidy.
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../../common/layers';
import { mm } from '../../engine/products';

export { bmm, mm, mmTransposed } from '../../engine/products';

/** x [..., d] · W [d, u] (+ b [u]) over the last axis. */
export function linear(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  const d = x.shape[x.rank - 1]!;
  const lead = x.shape.slice(0, -1);
  const y = mm(x.rank === 2 ? x : tf.reshape(x, [-1, d]), w);
  const biased = b ? tf.add(y, b) : y;
  return x.rank === 2 ? biased : tf.reshape(biased, [...lead, w.shape[1]!]);
}

/** tfjs's hardSigmoid: clip(0.2·x + 0.5, 0, 1). */
export function hardSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1);
}

export function gate(x: tf.Tensor, kind: 'sigmoid' | 'hardSigmoid'): tf.Tensor {
  return kind === 'sigmoid' ? tf.sigmoid(x) : hardSigmoid(x);
}

/** A layer activation (softmax over the last axis). */
export function activate(x: tf.Tensor, a: Activation): tf.Tensor {
  switch (a) {
    case 'linear': return x;
    case 'relu': return tf.relu(x);
    case 'sigmoid': return tf.sigmoid(x);
    case 'tanh': return tf.tanh(x);
    case 'softmax': return tf.softmax(x);
    case 'elu': return tf.elu(x);
    case 'selu': return tf.selu(x);
    case 'leakyRelu': return tf.leakyRelu(x, 0.3);
  }
}

/** One-hot float32 vectors of int32 ids (float32 oneHot is broken on wasm: built as int32, then cast). */
export function oneHotFloat(ids: tf.Tensor, depth: number): tf.Tensor {
  return tf.cast(tf.oneHot(tf.cast(ids, 'int32') as tf.Tensor1D, depth, 1, 0, 'int32'), 'float32');
}

export interface TokenLoss {
  /** Sum of −log p(target) over the counted tokens (nats). */
  sum: tf.Scalar;
  /** Counted tokens (the mask's sum). */
  count: tf.Scalar;
  /** Counted tokens whose argmax is the target. */
  correct: tf.Scalar;
}

/**
 * Cross-entropy of logits [..., V] against int32 targets [...], counted where
 * `mask` [...] is 1 (all when absent). The argmax hits are not differentiable
 * and ride along for the accuracy.
 */
export function tokenLoss(logits: tf.Tensor, targets: tf.Tensor, mask?: tf.Tensor): TokenLoss {
  const V = logits.shape[logits.rank - 1]!;
  const flat = tf.reshape(logits, [-1, V]);
  const t = tf.reshape(targets, [-1]);
  const m = mask ? tf.reshape(mask, [-1]) : tf.onesLike(t).asType('float32');
  const logp = tf.logSoftmax(flat);
  const picked = tf.sum(tf.mul(logp, oneHotFloat(t, V)), -1);
  const sum = tf.neg(tf.sum(tf.mul(picked, m))) as tf.Scalar;
  const hits = tf.cast(tf.equal(tf.argMax(flat, -1), tf.cast(t, 'int32')), 'float32');
  return { sum, count: tf.sum(m) as tf.Scalar, correct: tf.sum(tf.mul(hits, m)) as tf.Scalar };
}
