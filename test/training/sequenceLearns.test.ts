/**
 * The training tier: the sequence family learns, in process on wasm, with
 * its seeds in each test's name — an LSTM solves parity of length 10, a
 * char LSTM's validation loss on a small repetitive corpus falls far below
 * log(vocabulary), a seq2seq model with attention learns to reverse
 * length-6 sequences, a causal transformer learns the corpus too; clipping
 * bounds the applied gradient norm, samples are reproducible for a seed,
 * and the diagnostics are written on the trainer's schedule.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { AttentionDocument, GradientThroughTimeDocument, TextSamplesDocument } from '../../workers/common/families/sequence/artifacts';
import { sequenceConfigSchema, type SequenceConfig } from '../../workers/common/families/sequence/config';
import { sequenceContract } from '../../workers/common/families/sequence/index';
import { familyOf } from '../../workers/common/families/registry';
import type { GraphDocument } from '../../workers/common/graph';
import { RecordingSink } from '../../workers/engine/sink';
import { prepareData } from '../../workers/families/sequence/data';
import { runSequence } from '../../workers/families/sequence/run';
import { tempFolder, useWasmBackend } from '../helpers/inProcessTraining';

function graphFor(config: SequenceConfig, text?: string): GraphDocument {
  const data = prepareData(config.data, config.hyper.seed, text);
  const contract = sequenceContract(config, data.vocab.tokens.length);
  const template = 'template' in config.architecture ? config.architecture.template : 'rnn-lm';
  return familyOf('sequence').network.template(template, contract, config) as GraphDocument;
}

async function trainRun(raw: unknown, dir: string, text?: string): Promise<RecordingSink> {
  const config = sequenceConfigSchema.parse(raw);
  const sink = new RecordingSink();
  const tensors = tf.memory().numTensors;
  const r = await runSequence({ config, graph: graphFor(config, text), sink, isCancelled: () => false, runDir: dir, ...(text !== undefined ? { text } : {}) });
  expect(r.status).toBe('done');
  expect(tf.memory().numTensors).toBe(tensors);
  return sink;
}

const read = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const fmt = (xs: number[]): string => xs.map((v) => v.toFixed(3)).join(' → ');

/** A small repetitive corpus: three sentences over and over (22 distinct characters). */
const REPETITIVE = 'the cat sat on the mat. the dog ate the log. a bat can nap.\n'.repeat(60);

describe('the sequence family learns', () => {
  useWasmBackend();
  const tmp = tempFolder('lw-seq-');

  it('parity of length 10: an LSTM (32 units, seed 1), trained on lengths 1–10, wasm, reaches ≥ 95 % test accuracy on length-10 strings in one epoch', async () => {
    const sink = await trainRun({
      family: 'sequence', architecture: { template: 'rnn-classifier' },
      data: { source: 'task', task: { task: 'parity', length: 10, minLength: 1 }, trainExamples: 4000, validationExamples: 500, testExamples: 500 },
      hyper: { cell: 'lstm', units: 32, epochs: 1, batchSize: 32, learningRate: 0.01, seed: 1 },
    }, join(tmp, 'parity'));
    const acc = sink.values('test_accuracy');
    console.log(`parity-10 LSTM seed 1: test accuracy ${fmt(acc)}`);
    expect(acc[acc.length - 1]!).toBeGreaterThanOrEqual(0.95);
    // The gradient-through-time picture: one norm per step of the 10, at step 0 and the epoch's end.
    const gtt = sink.samples.filter((s) => s.kind === 'gradient-through-time');
    expect(gtt.map((s) => s.step)).toEqual([0, 125]);
    const doc = read<GradientThroughTimeDocument>(gtt[1]!.path);
    expect(doc.layers[0]!.norms).toHaveLength(10);
    expect(doc.layers[0]!.norms.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
  });

  it('a char LSTM (64 units, seed 5), wasm, on a small repetitive corpus: validation loss falls well below log(vocabulary); samples at temperature 0.5 are reproducible', async () => {
    const raw = {
      family: 'sequence', architecture: { template: 'rnn-lm' },
      data: { source: 'text', corpus: 'test', sequenceLength: 32, validationFraction: 0.2 },
      hyper: { units: 64, embeddingDim: 16, epochs: 12, batchSize: 8, learningRate: 0.01, seed: 5, temperature: 0.5, sampleLength: 40 },
    };
    const sink = await trainRun(raw, join(tmp, 'char'), REPETITIVE);
    const vocab = new Set(REPETITIVE).size + 4;
    const val = sink.values('val_loss');
    console.log(`char LSTM seed 5: validation nats/char ${fmt(val)} (log V = ${Math.log(vocab).toFixed(3)}), bits/char ${fmt(sink.values('val_bits_per_char'))}`);
    expect(val[val.length - 1]!).toBeLessThan(0.25 * Math.log(vocab));
    expect(sink.values('val_bits_per_char')[val.length - 1]!).toBeCloseTo(val[val.length - 1]! / Math.LN2, 6);
    const texts = sink.samples.filter((s) => s.kind === 'text-samples');
    const last = read<TextSamplesDocument>(texts[texts.length - 1]!.path);
    expect(last.samples).toHaveLength(3);
    expect(last.samples[0]!.text).toHaveLength(40);
    // Same weights, same seed: the same text. A second run of the same config writes the same samples.
    const again = await trainRun(raw, join(tmp, 'char2'), REPETITIVE);
    const texts2 = again.samples.filter((s) => s.kind === 'text-samples');
    expect(read<TextSamplesDocument>(texts2[texts2.length - 1]!.path).samples).toEqual(last.samples);
  });

  it('seq2seq with Luong general attention (LSTM 64, seed 2), wasm: reverses length-6 sequences above 90 % sequence accuracy; attention rows sum to 1', async () => {
    const sink = await trainRun({
      family: 'sequence', architecture: { template: 'seq2seq-attention' },
      data: { source: 'task', task: { task: 'reverse', length: 6, symbols: 8 }, trainExamples: 4000, validationExamples: 300, testExamples: 300 },
      hyper: { units: 64, embeddingDim: 32, epochs: 3, batchSize: 32, learningRate: 0.01, seed: 2, attention: 'general' },
    }, join(tmp, 'reverse'));
    const seq = sink.values('test_sequence_accuracy');
    console.log(`reverse-6 seq2seq seed 2: test sequence accuracy ${fmt(seq)}, token accuracy ${fmt(sink.values('test_token_accuracy'))}`);
    expect(seq[seq.length - 1]!).toBeGreaterThan(0.9);
    const maps = sink.samples.filter((s) => s.kind === 'attention');
    const doc = read<AttentionDocument>(maps[maps.length - 1]!.path);
    expect(doc.examples).toHaveLength(4);
    const map = doc.examples[0]!.maps[0]!;
    expect(map.keys).toHaveLength(6);
    expect(map.queries).toHaveLength(7);
    for (const row of map.weights[0]!) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
    // Reversal attends to the mirrored source position: decoder step t (after <bos>) looks at source 6 − 1 − t.
    const argmax = map.weights[0]!.slice(0, 6).map((row) => row.indexOf(Math.max(...row)));
    console.log(`reverse-6: attention argmax per decoder step ${argmax.join(' ')}`);
    expect(argmax).toEqual([5, 4, 3, 2, 1, 0]);
  });

  it('a causal transformer (2 blocks, 4 heads, d 32, seed 4), wasm, on the same corpus: validation loss below half of log(vocabulary); its maps are causal', async () => {
    const sink = await trainRun({
      family: 'sequence', architecture: { template: 'transformer-lm' },
      data: { source: 'text', corpus: 'test', sequenceLength: 32, validationFraction: 0.2 },
      hyper: { embeddingDim: 32, heads: 4, blocks: 2, epochs: 8, batchSize: 8, learningRate: 0.003, seed: 4, sampleLength: 20 },
    }, join(tmp, 'transformer'), REPETITIVE);
    const vocab = new Set(REPETITIVE).size + 4;
    const val = sink.values('val_loss');
    console.log(`transformer seed 4: validation nats/char ${fmt(val)} (log V = ${Math.log(vocab).toFixed(3)})`);
    expect(val[val.length - 1]!).toBeLessThan(0.5 * Math.log(vocab));
    const maps = sink.samples.filter((s) => s.kind === 'attention');
    const map = read<AttentionDocument>(maps[maps.length - 1]!.path).examples[0]!.maps[0]!;
    expect(map.kind).toBe('selfAttention');
    expect(map.weights).toHaveLength(4);
    map.weights[0]!.forEach((row, q) => row.forEach((w, k) => { if (k > q) expect(w).toBe(0); }));
  });

  it('gradient clipping by global norm at 0.05 (SimpleRNN 16, seed 3), wasm: every applied norm is at most 0.05 while the raw norms exceed it', async () => {
    const sink = await trainRun({
      family: 'sequence', architecture: { template: 'rnn-classifier' },
      data: { source: 'task', task: { task: 'parity', length: 8 }, trainExamples: 256, validationExamples: 50, testExamples: 50 },
      hyper: { cell: 'simpleRnn', units: 16, epochs: 1, batchSize: 32, learningRate: 0.01, seed: 3, clip: 'global-norm', clipThreshold: 0.05 },
    }, join(tmp, 'clip'));
    const raw = sink.values('grad_norm');
    const applied = sink.values('grad_norm_clipped');
    console.log(`clipping at 0.05: raw ${fmt(raw)}; applied ${fmt(applied)}`);
    expect(raw.some((v) => v > 0.05)).toBe(true);
    for (const v of applied) expect(v).toBeLessThanOrEqual(0.05 + 1e-6);
  });
});
