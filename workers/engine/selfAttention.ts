/**
 * The maths of the graph's `selfAttention` kind, a pre-norm transformer
 * block (GPT-2's arrangement) over x [n, T, d]:
 *
 *   h   = x + W_o · MultiHead(LN₁(x))
 *   out = h + FFN(LN₂(h)),   FFN(u) = W₂ relu(W₁ u + b₁) + b₂
 *
 * MultiHead splits the projections W_q, W_k, W_v (each [d, d] plus bias)
 * into `heads` slices of d/heads features; each head's weights are
 * softmax(q kᵀ / √(d/heads)) over the key steps, with −1e9 added above the
 * diagonal when causal (step t sees steps ≤ t only). Plain functions of
 * tensors, so the tf.js layer (selfAttentionLayer.ts) and any other runtime
 * (a worker reading attention maps) compute the same thing. Callers tidy.
 *
 * Matrix products are written with explicit transposes (matMul with
 * transposeA/transposeB is ~15× slower on the wasm backend).
 */
import * as tf from '@tensorflow/tfjs';
import type { SelfAttentionWeightName } from '../common/sequenceLayerShapes';
import { mm } from './products';

/** The layer norms' ε (GPT-2's, and what the Keras export writes). */
export const SELF_ATTENTION_EPSILON = 1e-5;

/** What −∞ is in the causal mask: exp(−1e9 − max) is exactly 0 in float32. */
export const MASKED_SCORE = -1e9;

/** The block's weights by name (SELF_ATTENTION_WEIGHTS; shapes in selfAttentionWeightShapes). */
export type SelfAttentionWeights = Record<SelfAttentionWeightName, tf.Tensor>;

export interface SelfAttentionOptions {
  heads: number;
  causal: boolean;
  /** Applied to the attention weights and to both residual branches (training dropout); identity when absent. */
  dropout?: (t: tf.Tensor) => tf.Tensor;
}

export interface SelfAttentionResult {
  /** [n, T, d]. */
  output: tf.Tensor;
  /** [n, heads, T, T]: each row sums to 1 (before dropout). */
  attention: tf.Tensor;
}

/** Normalise over the last axis, then scale and shift per feature. */
export function layerNormLast(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon = SELF_ATTENTION_EPSILON): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon))), gamma), beta);
}

/** x [n, T, a] · w [a, b] + bias [b] → [n, T, b], as one 2-D product. */
function project(x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const [n, t, a] = x.shape as [number, number, number];
  const b = w.shape[1]!;
  return tf.reshape(tf.add(mm(tf.reshape(x, [n * t, a]), w), bias), [n, t, b]);
}

/** [n, T, d] → [n, heads, T, d/heads]. */
function splitHeads(x: tf.Tensor, heads: number): tf.Tensor {
  const [n, t, d] = x.shape as [number, number, number];
  return tf.transpose(tf.reshape(x, [n, t, heads, d / heads]), [0, 2, 1, 3]);
}

/** [T, T] with 0 on and below the diagonal and MASKED_SCORE above it. */
export function causalScoreMask(t: number): tf.Tensor2D {
  const mask = new Float32Array(t * t);
  for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) mask[i * t + j] = MASKED_SCORE;
  return tf.tensor2d(mask, [t, t]);
}

/** Multi-head scaled dot-product attention of an already normalised u [n, T, d]: the context before W_o, and the weights. */
export function multiHeadAttention(u: tf.Tensor, w: SelfAttentionWeights, options: SelfAttentionOptions): { context: tf.Tensor; attention: tf.Tensor } {
  const [n, t, d] = u.shape as [number, number, number];
  const { heads } = options;
  if (d % heads !== 0) throw new Error(`self-attention: ${d} features do not split into ${heads} heads`);
  const q = splitHeads(project(u, w.wq, w.bq), heads);
  const k = splitHeads(project(u, w.wk, w.bk), heads);
  const v = splitHeads(project(u, w.wv, w.bv), heads);
  let scores = tf.mul(tf.matMul(q as tf.Tensor4D, tf.transpose(k, [0, 1, 3, 2]) as tf.Tensor4D), 1 / Math.sqrt(d / heads));
  if (options.causal) scores = tf.add(scores, causalScoreMask(t));
  const attention = tf.softmax(scores, -1);
  const weights = options.dropout ? options.dropout(attention) : attention;
  const perHead = tf.matMul(weights as tf.Tensor4D, v as tf.Tensor4D); // [n, heads, T, d/heads]
  const context = tf.reshape(tf.transpose(perHead, [0, 2, 1, 3]), [n, t, d]);
  return { context, attention };
}

/** The whole block: output [n, T, d] and the attention weights [n, heads, T, T]. */
export function selfAttentionBlock(x: tf.Tensor, w: SelfAttentionWeights, options: SelfAttentionOptions): SelfAttentionResult {
  const drop = options.dropout ?? ((t: tf.Tensor): tf.Tensor => t);
  const { context, attention } = multiHeadAttention(layerNormLast(x, w.ln1Gamma, w.ln1Beta), w, options);
  const h = tf.add(x, drop(project(context, w.wo, w.bo)));
  const hidden = tf.relu(project(layerNormLast(h, w.ln2Gamma, w.ln2Beta), w.ff1Kernel, w.ff1Bias));
  const output = tf.add(h, drop(project(hidden, w.ff2Kernel, w.ff2Bias)));
  return { output, attention };
}
