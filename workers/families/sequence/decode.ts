/**
 * Inference with a sequence network: seq2seq decoding (greedy, or beam
 * search over the summed log-probabilities) and language-model sampling
 * (temperature, top-k, seeded; carrying the recurrent state token by token
 * when the network allows, else re-reading the last window each token).
 */
import * as tf from '@tensorflow/tfjs';
import { BOS_ID, EOS_ID, PAD_ID } from '../../common/sequence/vocabulary';
import { greedyToken, tokenSampler, type SamplingStrategy } from '../../common/sequence/sampling';
import type { SequenceNetwork } from './network';

/** Log-probabilities [B, V] of the decoder's next token at position `pos`, given the decoder inputs so far. */
async function nextLogProbs(net: SequenceNetwork, source: tf.Tensor, keyMask: tf.Tensor, decoderInput: Int32Array, B: number, D: number, pos: number): Promise<Float32Array> {
  const out = tf.tidy(() => {
    const r = net.forward({ source, target: tf.tensor2d(decoderInput, [B, D], 'int32') }, { training: false, keyMask });
    const V = r.logits.shape[2]!;
    return tf.logSoftmax(tf.reshape(tf.slice(r.logits, [0, pos, 0], [B, 1, V]), [B, V]));
  });
  try {
    return (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
}

/** Greedy decoding of a batch of sources [B, Ts]: each row's tokens up to (not including) <eos>, at most D − 1 of them. */
export async function greedyDecode(net: SequenceNetwork, source: tf.Tensor, keyMask: tf.Tensor, D: number): Promise<number[][]> {
  const B = source.shape[0]!;
  const input = new Int32Array(B * D).fill(PAD_ID);
  for (let b = 0; b < B; b++) input[b * D] = BOS_ID;
  const out: number[][] = Array.from({ length: B }, () => []);
  const done = new Uint8Array(B);
  for (let pos = 0; pos < D; pos++) {
    const lp = await nextLogProbs(net, source, keyMask, input, B, D, pos);
    const V = lp.length / B;
    for (let b = 0; b < B; b++) {
      if (done[b]) continue;
      // A decoder never writes padding or <bos>: the most likely of the other tokens.
      const row = Float32Array.from(lp.subarray(b * V, (b + 1) * V));
      row[PAD_ID] = -Infinity;
      row[BOS_ID] = -Infinity;
      const token = greedyToken(row);
      if (token === EOS_ID || pos === D - 1) { done[b] = 1; if (token !== EOS_ID) out[b]!.push(token); continue; }
      out[b]!.push(token);
      input[b * D + pos + 1] = token;
    }
    if (done.every((x) => x === 1)) break;
  }
  return out;
}

interface Beam { tokens: number[]; logp: number; done: boolean }

/** Beam search for one source row (tidy inputs [1, Ts]); the best finished beam's tokens. */
export async function beamDecode(net: SequenceNetwork, source: tf.Tensor, keyMask: tf.Tensor, D: number, width: number): Promise<number[]> {
  let beams: Beam[] = [{ tokens: [], logp: 0, done: false }];
  for (let pos = 0; pos < D && beams.some((b) => !b.done); pos++) {
    const live = beams.filter((b) => !b.done);
    const k = live.length;
    const input = new Int32Array(k * D).fill(PAD_ID);
    live.forEach((b, i) => { input[i * D] = BOS_ID; b.tokens.forEach((t, j) => { input[i * D + j + 1] = t; }); });
    const src = tf.tile(source, [k, 1]);
    const km = tf.tile(keyMask, [k, 1]);
    const lp = await nextLogProbs(net, src, km, input, k, D, pos).finally(() => tf.dispose([src, km]));
    const V = lp.length / k;
    const candidates: Beam[] = beams.filter((b) => b.done);
    live.forEach((b, i) => {
      for (let v = 0; v < V; v++) {
        if (v === PAD_ID || v === BOS_ID) continue;
        const finished = v === EOS_ID || pos === D - 1;
        candidates.push({ tokens: v === EOS_ID ? b.tokens : [...b.tokens, v], logp: b.logp + lp[i * V + v]!, done: finished });
      }
    });
    candidates.sort((a, b) => b.logp - a.logp);
    beams = candidates.slice(0, width);
  }
  return beams.find((b) => b.done)?.tokens ?? beams[0]!.tokens;
}

export interface Sampled {
  tokens: number[];
  /** Mean −log₂ p of the chosen tokens (bits of surprise per token). */
  meanBits: number;
}

/** Logits [V] of the next token after `context` (re-reading at most the last `window` tokens). */
async function windowLogits(net: SequenceNetwork, context: readonly number[], window: number): Promise<Float32Array> {
  const ids = context.slice(-window);
  const out = tf.tidy(() => {
    const r = net.forward({ x: tf.tensor2d(Int32Array.from(ids), [1, ids.length], 'int32') }, { training: false });
    const V = r.logits.shape[2]!;
    return tf.reshape(tf.slice(r.logits, [0, ids.length - 1, 0], [1, 1, V]), [V]);
  });
  try { return (await out.data()) as Float32Array; } finally { out.dispose(); }
}

/**
 * `length` tokens after `prompt` (at least one token), drawn with `strategy`
 * from a sampler seeded by `seed`: the same weights, prompt and seed give
 * the same tokens.
 */
export async function sampleTokens(net: SequenceNetwork, prompt: readonly number[], length: number, seed: number, strategy: SamplingStrategy, window: number, banned: readonly number[] = []): Promise<Sampled> {
  const sampler = tokenSampler(seed, strategy);
  // Tokens the model may not write (padding, <bos>, <eos> in running text) get probability 0.
  const draw = (logits: Float32Array) => {
    if (banned.length === 0) return sampler(logits);
    const masked = Float32Array.from(logits);
    for (const id of banned) masked[id] = -Infinity;
    return sampler(masked);
  };
  const tokens: number[] = [];
  let bits = 0;
  if (!net.stateful) {
    const context = [...prompt];
    for (let i = 0; i < length; i++) {
      const choice = draw(await windowLogits(net, context, window));
      tokens.push(choice.token); context.push(choice.token);
      bits -= Math.log2(Math.max(choice.probability, 1e-30));
    }
    return { tokens, meanBits: length ? bits / length : 0 };
  }
  // Recurrent only: read the prompt once, then one token at a time from the carried state.
  let states = new Map<string, tf.Tensor[]>();
  let feed: readonly number[] = prompt;
  try {
    for (let i = 0; i < length; i++) {
      const prev = states;
      const layout: [string, number][] = [];
      const [logitsT, ...flat] = tf.tidy(() => {
        const f = net.forward({ x: tf.tensor2d(Int32Array.from(feed), [1, feed.length], 'int32') }, { training: false, initialStates: prev });
        const V = f.logits.shape[2]!;
        for (const [id, s] of f.states) layout.push([id, s.length]);
        return [tf.reshape(tf.slice(f.logits, [0, feed.length - 1, 0], [1, 1, V]), [V]), ...[...f.states.values()].flat()];
      });
      states = new Map();
      let at = 0;
      for (const [id, n] of layout) { states.set(id, flat.slice(at, at + n)); at += n; }
      tf.dispose([...prev.values()].flat());
      const logits = (await logitsT!.data()) as Float32Array;
      logitsT!.dispose();
      const choice = draw(logits);
      tokens.push(choice.token);
      bits -= Math.log2(Math.max(choice.probability, 1e-30));
      feed = [choice.token];
    }
  } finally {
    tf.dispose([...states.values()].flat());
  }
  return { tokens, meanBits: length ? bits / length : 0 };
}
