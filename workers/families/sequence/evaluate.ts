/**
 * The epoch-end scores of a sequence run, per objective:
 *  - language model: validation nats per token, bits per character
 *    (nats / ln 2 / characters per token), perplexity exp(nats), next-token
 *    accuracy;
 *  - classification: loss and accuracy on validation and test;
 *  - seq2seq: teacher-forced loss and perplexity, then the sequences decoded
 *    (greedy, or beam search) scored by token and whole-sequence accuracy.
 */
import * as tf from '@tensorflow/tfjs';
import type { MetricValues } from '../../engine/trainer';
import type { SequenceHyper } from '../../common/families/sequence/config';
import type { FamilyMetricKey } from '../../common/families/registry';
import type { SequenceExample } from '../../common/sequence/tasks';
import { disposeBatch, lmBatchTensors, lmWindows, taskBatch, type Batch, type LmData, type TaskSets } from './data';
import { beamDecode, greedyDecode } from './decode';
import type { SequenceNetwork } from './network';
import { scoreBatches, type LossTotals } from './objective';

export type SequenceMetricKey = FamilyMetricKey<'sequence'>;

const EVAL_BATCH = 256;
/** Beam search decodes one example at a time: the first this many of a set are scored with it. */
export const BEAM_EVAL_LIMIT = 200;

function* chunks<T>(xs: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < xs.length; i += size) yield xs.slice(i, i + size);
}

export async function lmScores(net: SequenceNetwork, d: LmData): Promise<MetricValues<SequenceMetricKey>> {
  const windows = lmWindows(d.validation, d.windowLength);
  const t = await scoreBatches(net, (function* () { for (const w of chunks(windows, EVAL_BATCH)) yield lmBatchTensors(d.validation, w, d.windowLength); })(), disposeBatch);
  const nats = t.nats / t.tokens;
  return { val_loss: nats, val_bits_per_char: nats / Math.LN2 / d.charsPerToken, val_perplexity: Math.exp(nats), val_token_accuracy: t.correct / t.tokens };
}

function taskTotals(net: SequenceNetwork, sets: TaskSets, examples: readonly SequenceExample[]): Promise<LossTotals> {
  return scoreBatches(net, (function* () { for (const c of chunks(examples, EVAL_BATCH)) yield taskBatch(sets, c); })(), disposeBatch);
}

export interface Decoded { predicted: number[][]; tokenAccuracy: number; sequenceAccuracy: number; scored: number }

/** Decode `examples` and compare with their targets (the <eos> position counts as a token: stopping at the right place). */
export async function decodeAndScore(net: SequenceNetwork, sets: TaskSets, examples: readonly SequenceExample[], h: Pick<SequenceHyper, 'decoding' | 'beamWidth'>): Promise<Decoded> {
  const scored = h.decoding === 'beam' ? examples.slice(0, BEAM_EVAL_LIMIT) : examples;
  const predicted: number[][] = [];
  for (const c of chunks(scored, EVAL_BATCH)) {
    const b: Batch = taskBatch(sets, c);
    try {
      const D = b.targets.shape[1]!;
      if (h.decoding === 'beam') {
        for (let i = 0; i < c.length; i++) {
          const [src, km] = tf.tidy(() => [tf.slice(b.feeds['source']!, [i, 0], [1, -1]), tf.slice(b.keyMask!, [i, 0], [1, -1])]);
          try { predicted.push(await beamDecode(net, src!, km!, D, h.beamWidth)); } finally { tf.dispose([src!, km!]); }
        }
      } else {
        predicted.push(...await greedyDecode(net, b.feeds['source']!, b.keyMask!, D));
      }
    } finally {
      disposeBatch(b);
    }
  }
  let tokens = 0; let correctTokens = 0; let correctSequences = 0;
  scored.forEach((e, i) => {
    const p = predicted[i]!;
    e.target.forEach((t, j) => { if (p[j] === t) correctTokens++; });
    if (p.length === e.target.length) correctTokens++;
    tokens += e.target.length + 1;
    if (p.length === e.target.length && p.every((t, j) => t === e.target[j])) correctSequences++;
  });
  return { predicted, tokenAccuracy: correctTokens / tokens, sequenceAccuracy: correctSequences / scored.length, scored: scored.length };
}

export async function taskScores(net: SequenceNetwork, sets: TaskSets, h: Pick<SequenceHyper, 'decoding' | 'beamWidth'>): Promise<MetricValues<SequenceMetricKey>> {
  const out: MetricValues<SequenceMetricKey> = {};
  for (const [prefix, examples] of [['val', sets.validation], ['test', sets.test]] as const) {
    const t = await taskTotals(net, sets, examples);
    const nats = t.nats / t.tokens;
    out[`${prefix}_loss`] = nats;
    if (sets.objective === 'classification') {
      out[`${prefix}_accuracy`] = t.correct / t.tokens;
      continue;
    }
    if (prefix === 'test') out.test_perplexity = Math.exp(nats);
    const d = await decodeAndScore(net, sets, examples, h);
    out[`${prefix}_token_accuracy`] = d.tokenAccuracy;
    out[`${prefix}_sequence_accuracy`] = d.sequenceAccuracy;
  }
  return out;
}
