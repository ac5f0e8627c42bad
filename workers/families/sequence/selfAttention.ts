/**
 * The causal self-attention (transformer) block of the sequence runtime,
 * pre-norm as in GPT-2: x + MHA(LN(x)), then x + FFN(LN(x)), and the
 * sinusoidal position code (Vaswani et al. 2017). Callers tidy.
 */
import * as tf from '@tensorflow/tfjs';
import { bmm, layerNorm, linear } from './ops';

/** Each pair is [kernel, bias] (or [γ, β] for the norms). */
export interface SelfAttentionWeights {
  norm1: [tf.Tensor, tf.Tensor];
  query: [tf.Tensor, tf.Tensor];
  key: [tf.Tensor, tf.Tensor];
  value: [tf.Tensor, tf.Tensor];
  output: [tf.Tensor, tf.Tensor];
  norm2: [tf.Tensor, tf.Tensor];
  hidden: [tf.Tensor, tf.Tensor];
  project: [tf.Tensor, tf.Tensor];
}

/** PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(pos / 10000^(2i/d)), row-major [maxLength, d]. */
export function positionTable(maxLength: number, d: number): Float32Array {
  const out = new Float32Array(maxLength * d);
  for (let pos = 0; pos < maxLength; pos++) {
    for (let j = 0; j < d; j++) {
      const angle = pos / Math.pow(10000, (2 * Math.floor(j / 2)) / d);
      out[pos * d + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return out;
}

/** [B, T, d] → [B·heads, T, d/heads]. */
function splitHeads(x: tf.Tensor, heads: number): tf.Tensor3D {
  const [B, T, d] = x.shape as [number, number, number];
  return tf.reshape(tf.transpose(tf.reshape(x, [B, T, heads, d / heads]), [0, 2, 1, 3]), [B * heads, T, d / heads]);
}

/** Upper-triangular −1e9 (above the diagonal): step t sees steps ≤ t. */
function causalMask(T: number): tf.Tensor2D {
  const m = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) m[i * T + j] = -1e9;
  return tf.tensor2d(m, [T, T]);
}

export interface SelfAttentionResult {
  output: tf.Tensor3D;
  /** [B, heads, T, T]; each row sums to 1. */
  weights: tf.Tensor;
}

/** One block over x [B, T, d]; `drop(t, salt)` applies the block's dropout while training. */
export function selfAttentionBlock(x: tf.Tensor3D, w: SelfAttentionWeights, o: { heads: number; causal: boolean }, drop: (t: tf.Tensor, salt: number) => tf.Tensor = (t) => t): SelfAttentionResult {
  const [B, T, d] = x.shape;
  const h = o.heads;
  const n1 = layerNorm(x, w.norm1[0], w.norm1[1], 1e-5);
  const q = splitHeads(linear(n1, ...w.query), h);
  const k = splitHeads(linear(n1, ...w.key), h);
  const v = splitHeads(linear(n1, ...w.value), h);
  let scores = tf.mul(bmm(q, tf.transpose(k, [0, 2, 1])), 1 / Math.sqrt(d / h));
  if (o.causal) scores = tf.add(scores, causalMask(T));
  const weights = tf.softmax(scores); // [B·h, T, T]
  const context = bmm(drop(weights, 1), v); // [B·h, T, d/h]
  const merged = tf.reshape(tf.transpose(tf.reshape(context, [B, h, T, d / h]), [0, 2, 1, 3]), [B, T, d]);
  const x1 = tf.add(x, drop(linear(merged, ...w.output), 2));
  const n2 = layerNorm(x1, w.norm2[0], w.norm2[1], 1e-5);
  const ff = linear(tf.relu(linear(n2, ...w.hidden)), ...w.project);
  return { output: tf.add(x1, drop(ff, 3)) as tf.Tensor3D, weights: tf.reshape(weights, [B, h, T, T]) };
}
