/**
 * The sparsity target of Hinton's practical guide (2010 §11): a running
 * estimate q of each hidden unit's mean activation, q ← λq + (1 − λ)·(the
 * batch's mean P(h = 1 | v)), and the gradient of the cross-entropy penalty
 * between the target p and q, cost · (p − q), added to the hidden biases'
 * update and, through the visible activity that drives each unit, to the
 * weights' (cost · mean(v)ᵀ(p − q)). Used by both visible types (for Gaussian
 * units the visible activity is v/σ).
 */
import * as tf from '@tensorflow/tfjs';

export interface SparsityOptions {
  target: number;
  cost: number;
  /** λ of the running estimate (0.9 to 0.99 in the guide). */
  decay: number;
  /** q, one per hidden unit, updated in place (checkpointed with the momentum terms so a resumed run carries it). */
  estimate: tf.Variable;
}

/** q's start: 0.5, the activation σ(0) of untrained hidden units (zero biases, weights of order 0.01). */
export const SPARSITY_ESTIMATE_START = 0.5;

/**
 * Updates q from this batch's hidden probabilities `ph0` (n × H) and returns
 * the penalty's terms to add to the gradients of W (D × H) and c (H), given
 * the batch's visible activity `visible` (n × D). Call inside tf.tidy.
 */
export function sparsityGradients(s: SparsityOptions, ph0: tf.Tensor2D, visible: tf.Tensor2D): { w: tf.Tensor2D; c: tf.Tensor1D } {
  const q = tf.add(tf.mul(s.decay, s.estimate), tf.mul(1 - s.decay, tf.mean(ph0, 0)));
  s.estimate.assign(q);
  const c = tf.mul(s.cost, tf.sub(s.target, q)) as tf.Tensor1D;
  const meanVisible = tf.mean(visible, 0);
  const w = tf.mul(tf.expandDims(meanVisible, 1), tf.expandDims(c, 0)) as tf.Tensor2D;
  return { w, c };
}
