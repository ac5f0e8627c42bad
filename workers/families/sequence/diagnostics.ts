/**
 * What a sequence run shows at each logged step, computed on a fixed slice
 * of validation data so steps compare:
 *  - the gradient through time: ‖∂L/∂h_t‖ for every step t of every
 *    recurrent layer (a zero probe added to h_t inside the recurrence, so
 *    the gradient includes every path back through later steps), with L the
 *    last position's loss for a language model (the textbook ∂L_T/∂h_t),
 *    the classification loss, or a seq2seq model's sequence loss;
 *  - the attention weights of every attention layer for a few examples;
 *  - generated text (language models): seeded samples from a prompt, and
 *    the greedy continuation.
 */
import * as tf from '@tensorflow/tfjs';
import type { AttentionDocument, AttentionExample, GradientThroughTimeDocument, TextSamplesDocument } from '../../common/families/sequence/artifacts';
import type { SequenceHyper } from '../../common/families/sequence/config';
import { deriveSeed } from '../../common/prng';
import { BOS_ID, EOS_ID, PAD_ID, UNK_ID, decode, decodeTokens, encode, type Vocabulary } from '../../common/sequence/vocabulary';
import type { Batch, PreparedData } from './data';
import { greedyDecode, sampleTokens } from './decode';
import type { SequenceNetwork } from './network';
import { tokenLoss } from './ops';

/** The per-step gradient norms of each recurrent layer (forward direction), and the loss they are of. */
export function gradientThroughTime(net: SequenceNetwork, batch: Batch, objective: PreparedData['objective']): { loss: string; layers: { id: string; label: string; norms: number[] }[] } | undefined {
  if (net.recurrent.length === 0) return undefined;
  const B = batch.size;
  const probes: tf.Tensor[] = [];
  const byLayer = new Map<string, tf.Tensor[]>();
  net.recurrent.forEach((r) => {
    const list = Array.from({ length: r.length }, () => tf.zeros([B, r.units]));
    byLayer.set(r.id, list);
    probes.push(...list);
  });
  const lossName = objective === 'lm' ? 'the loss of the last position, L_T' : objective === 'classification' ? 'the classification loss' : 'the sequence loss (every decoder step)';
  try {
    const grads = tf.grads((...ps: tf.Tensor[]) => {
      let at = 0;
      const map = new Map<string, tf.Tensor[]>();
      for (const r of net.recurrent) { const n = byLayer.get(r.id)!.length; map.set(r.id, ps.slice(at, at + n)); at += n; }
      const out = net.forward(batch.feeds, { training: false, probes: map, ...(batch.keyMask ? { keyMask: batch.keyMask } : {}) });
      if (objective !== 'lm') {
        const l = tokenLoss(out.logits, batch.targets, batch.mask);
        return tf.div(l.sum, tf.maximum(l.count, 1));
      }
      const [, T, V] = out.logits.shape as [number, number, number];
      const last = tf.slice(out.logits, [0, T - 1, 0], [B, 1, V]);
      const l = tokenLoss(last, tf.slice(batch.targets, [0, T - 1], [B, 1]));
      return tf.div(l.sum, B);
    })(probes);
    const norms = tf.tidy(() => tf.stack(grads.map((g) => tf.norm(g))));
    const values = Array.from(norms.dataSync());
    tf.dispose([...grads, norms]);
    let at = 0;
    return {
      loss: lossName,
      layers: net.recurrent.map((r) => { const n = byLayer.get(r.id)!.length; const out = { id: r.id, label: r.label, norms: values.slice(at, at + n) }; at += n; return out; }),
    };
  } finally {
    tf.dispose(probes);
  }
}

export function gradientDocument(step: number, epoch: number, g: NonNullable<ReturnType<typeof gradientThroughTime>>, globalNorm: number): GradientThroughTimeDocument {
  return { step, epoch, loss: g.loss, length: g.layers[0]?.norms.length ?? 0, layers: g.layers, globalNorm };
}

/** ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ of the first layer (0 when the last is 0). */
export function firstToLast(norms: readonly number[]): number {
  const last = norms[norms.length - 1] ?? 0;
  return last > 0 ? (norms[0] ?? 0) / last : 0;
}

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

/** Attention maps of the batch's first examples (padding trimmed). */
export async function attentionDocument(net: SequenceNetwork, batch: Batch, vocab: Vocabulary, step: number, epoch: number, indices: readonly number[]): Promise<AttentionDocument> {
  const seq2seq = batch.feeds['source'] !== undefined;
  const predicted = seq2seq ? await greedyDecode(net, batch.feeds['source']!, batch.keyMask!, batch.targets.shape[1]!) : [];
  const maps = tf.tidy(() => [...net.forward(batch.feeds, { training: false, ...(batch.keyMask ? { keyMask: batch.keyMask } : {}) }).attention.entries()].map(([id, w]) => ({ id, w: tf.keep(w) })));
  try {
    const ids = await (seq2seq ? batch.feeds['source']! : batch.feeds['x']!).array() as number[][];
    const targets = seq2seq ? await batch.targets.array() as number[][] : [];
    const examples: AttentionExample[] = [];
    for (const [row, index] of indices.entries()) {
      const keys = decodeTokens(vocab, ids[row]!.filter((t) => t !== 0));
      const target = seq2seq ? targets[row]!.filter((t) => t !== 0) : [];
      const queries = seq2seq ? ['<bos>', ...decodeTokens(vocab, target.slice(0, -1))] : keys;
      const out: AttentionExample = { index, source: keys.join(vocab.level === 'word' ? ' ' : ''), maps: [] };
      if (seq2seq) { out.target = decode(vocab, target.slice(0, -1)); out.predicted = decode(vocab, predicted[row] ?? []); }
      for (const { id, w } of maps) {
        const all = (await w.array()) as number[][][][];
        const heads = all[row]!.map((h) => h.slice(0, queries.length).map((r) => r.slice(0, keys.length).map(round)));
        out.maps.push({ layer: id, kind: net.attentionLayers.find((a) => a.id === id)?.kind ?? 'attention', queries, keys, weights: heads });
      }
      examples.push(out);
    }
    return { step, epoch, examples };
  } finally {
    tf.dispose(maps.map((m) => m.w));
  }
}

/** Seeded samples from the prompt, and the greedy continuation of the first. */
export async function textSamples(net: SequenceNetwork, vocab: Vocabulary, prompt: string, h: Pick<SequenceHyper, 'temperature' | 'topK' | 'sampleLength' | 'seed'>, window: number, step: number, epoch: number, count = 3): Promise<TextSamplesDocument> {
  const ids = Array.from(encode(vocab, prompt));
  if (ids.length === 0) throw new Error('The seed text has no tokens the vocabulary knows');
  const strategy = { kind: 'sample' as const, temperature: h.temperature, ...(h.topK > 0 ? { topK: h.topK } : {}) };
  // Running text has no padding, <bos> or <eos>; <unk> is a real token only of a capped word vocabulary.
  const banned = vocab.level === 'word' ? [PAD_ID, BOS_ID, EOS_ID] : [PAD_ID, UNK_ID, BOS_ID, EOS_ID];
  const samples = [];
  for (let i = 0; i < count; i++) {
    const s = await sampleTokens(net, ids, h.sampleLength, deriveSeed(h.seed, i), strategy, window, banned);
    samples.push({ prompt, text: decode(vocab, s.tokens), meanBits: round(s.meanBits) });
  }
  const greedy = await sampleTokens(net, ids, h.sampleLength, h.seed, { kind: 'greedy' }, window, banned);
  return { step, epoch, temperature: h.temperature, topK: h.topK, seed: h.seed, samples, greedy: decode(vocab, greedy.tokens) };
}
