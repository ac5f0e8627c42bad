/**
 * What the sequence network is trained and scored on, per batch: the token
 * cross-entropy of its logits against the batch's targets (where the mask
 * counts), and the one training step — gradients, their global norm,
 * clipping by global norm or by value, the update.
 */
import * as tf from '@tensorflow/tfjs';
import type { SequenceHyper } from '../../common/families/sequence/config';
import type { Batch } from './data';
import type { ForwardOptions, ForwardResult, SequenceNetwork } from './network';
import { tokenLoss, type TokenLoss } from './ops';

export function forwardBatch(net: SequenceNetwork, batch: Batch, o: Omit<ForwardOptions, 'keyMask'>): ForwardResult {
  return net.forward(batch.feeds, { ...o, ...(batch.keyMask ? { keyMask: batch.keyMask } : {}) });
}

export function batchLoss(net: SequenceNetwork, batch: Batch, o: Omit<ForwardOptions, 'keyMask'>): TokenLoss {
  return tokenLoss(forwardBatch(net, batch, o).logits, batch.targets, batch.mask);
}

export interface StepStats {
  /** Mean nats per counted token. */
  loss: number;
  tokens: number;
  correct: number;
  /** Global gradient norm before and after clipping. */
  gradNorm: number;
  appliedNorm: number;
}

/** √(Σ‖g‖²) over every gradient. */
export function globalNorm(grads: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar);
}

/** The gradients as applied: rescaled so their global norm is at most the threshold, clipped element-wise, or as they are. */
export function clipGradients(grads: Record<string, tf.Tensor>, norm: tf.Scalar, h: Pick<SequenceHyper, 'clip' | 'clipThreshold'>): Record<string, tf.Tensor> {
  return tf.tidy(() => {
    const out: Record<string, tf.Tensor> = {};
    const scale = h.clip === 'global-norm' ? tf.div(h.clipThreshold, tf.maximum(norm, h.clipThreshold)) : undefined;
    for (const [name, g] of Object.entries(grads)) {
      out[name] = h.clip === 'value' ? tf.clipByValue(g, -h.clipThreshold, h.clipThreshold) : scale ? tf.mul(g, scale) : tf.clone(g);
    }
    return out;
  });
}

/** One update on a batch; leaves no tensor behind. */
export async function trainStep(net: SequenceNetwork, optimizer: tf.Optimizer, batch: Batch, h: Pick<SequenceHyper, 'clip' | 'clipThreshold'>, dropoutSeed: number): Promise<StepStats> {
  const vars = net.variables.map((v) => v.variable);
  let count: tf.Scalar | undefined;
  let correct: tf.Scalar | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const l = batchLoss(net, batch, { training: true, dropoutSeed });
    count = tf.keep(l.count);
    correct = tf.keep(l.correct);
    return tf.div(l.sum, tf.maximum(l.count, 1)) as tf.Scalar;
  }, vars);
  const norm = globalNorm(Object.values(grads));
  const applied = clipGradients(grads, norm, h);
  const appliedNorm = globalNorm(Object.values(applied));
  optimizer.applyGradients(applied);
  try {
    const [l, n, an, c, k] = await Promise.all([value.data(), norm.data(), appliedNorm.data(), count!.data(), correct!.data()]);
    return { loss: l[0]!, gradNorm: n[0]!, appliedNorm: an[0]!, tokens: c[0]!, correct: k[0]! };
  } finally {
    tf.dispose([value, norm, appliedNorm, count!, correct!, ...Object.values(grads), ...Object.values(applied)]);
  }
}

export interface LossTotals { nats: number; tokens: number; correct: number }

/** Summed loss, counted tokens and hits over batches (no gradients). */
export async function scoreBatches(net: SequenceNetwork, batches: Iterable<Batch>, dispose: (b: Batch) => void): Promise<LossTotals> {
  const t: LossTotals = { nats: 0, tokens: 0, correct: 0 };
  for (const b of batches) {
    try {
      const [s, c, k] = tf.tidy(() => {
        const l = batchLoss(net, b, { training: false });
        return [l.sum, l.count, l.correct];
      });
      const [sv, cv, kv] = await Promise.all([s!.data(), c!.data(), k!.data()]);
      tf.dispose([s!, c!, k!]);
      t.nats += sv[0]!; t.tokens += cv[0]!; t.correct += kv[0]!;
    } finally {
      dispose(b);
    }
  }
  return t;
}
