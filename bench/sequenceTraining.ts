/**
 * Parts 2–4 of the sequence bench, each a fixed budget trained in process
 * through the family's own run (trainer, evaluation and samples included):
 * the char-LSTM's validation bits per character on the built-in corpus
 * against its floors, the parity table (cell × length, trained on lengths
 * from 1 and judged at full length), and seq2seq with attention on the date
 * task (greedy, then beam 4 on the first 200 test examples).
 */
import { deriveSeed } from '../workers/common/prng';
import { epochOrder } from '../workers/common/sequence/batches';
import { textStatistics } from '../workers/common/sequence/textCorpus';
import { makeOptimizer } from '../workers/engine/optimizer';
import { disposeBatch, prepareTask, prepareText, taskBatch } from '../workers/families/sequence/data';
import { BEAM_EVAL_LIMIT, decodeAndScore } from '../workers/families/sequence/evaluate';
import { buildSequenceNetwork } from '../workers/families/sequence/network';
import { trainStep } from '../workers/families/sequence/objective';
import { corpusText, lastValue, round, sequenceConfig, templateGraph, trainInProcess } from './sequenceRuns';

type Results = Record<string, number | string>;

export interface BpcBudget { epochs: number; seed: number }

/** The char-LSTM 256 for a fixed number of epochs; its validation bits/char, floors and a sample. */
export async function bitsPerCharPart(b: BpcBudget): Promise<Results> {
  const text = corpusText();
  const config = sequenceConfig({
    family: 'sequence', name: 'bench-char-lstm-bpc', architecture: { template: 'rnn-lm' },
    data: { source: 'text', corpus: 'kjv-genesis', level: 'char', sequenceLength: 64, validationFraction: 0.1 },
    hyper: { cell: 'lstm', units: 256, embeddingDim: 64, batchSize: 64, learningRate: 0.003, epochs: b.epochs, seed: b.seed, temperature: 0.7, sampleLength: 300, seedText: 'And God said, ' },
  });
  const data = prepareText(text, config.data as Parameters<typeof prepareText>[1], b.seed);
  const stats = textStatistics(text, data.vocab);
  const run = await trainInProcess(config, 'char-lstm bpc', text);
  const steps = run.sink.values('loss').length;
  const r: Results = {
    'char_lstm.wasm.bits_per_char': round(lastValue(run.sink, 'val_bits_per_char')),
    'char_lstm.wasm.bits_per_char.by_epoch': run.sink.values('val_bits_per_char').map((v) => round(v)).join(' '),
    'char_lstm.wasm.val_perplexity': round(lastValue(run.sink, 'val_perplexity')),
    'char_lstm.wasm.val_token_accuracy': round(lastValue(run.sink, 'val_token_accuracy')),
    'char_lstm.wasm.train_bits_per_char': round(lastValue(run.sink, 'epoch_bits_per_char')),
    'char_lstm.wasm.epochs': b.epochs,
    'char_lstm.wasm.steps': steps,
    'char_lstm.wasm.seed': b.seed,
    'char_lstm.wasm.wall_s': round(run.wallS, 1),
    'char_lstm.train_characters': data.train.reduce((a, x) => a + x.length, 0),
    'char_lstm.validation_characters': data.validation.reduce((a, x) => a + x.length, 0),
    'char_lstm.floor.unigram_bits_per_char': round(stats.unigramBitsPerChar),
    'char_lstm.floor.log2_vocabulary': round(Math.log2(data.vocab.tokens.length)),
  };
  const s = run.lastSamples;
  if (s) {
    r['char_lstm.wasm.sample.temperature'] = s.temperature;
    r['char_lstm.wasm.sample.prompt'] = s.samples[0]!.prompt;
    r['char_lstm.wasm.sample.text'] = s.samples[0]!.text;
    r['char_lstm.wasm.sample.greedy'] = s.greedy;
  }
  return r;
}

export interface ParityBudget { cells: readonly ('simpleRnn' | 'lstm' | 'gru')[]; lengths: readonly number[]; seeds: readonly number[]; units: number; trainExamples: number; epochs: number }

async function parityRun(cell: string, length: number, seed: number, b: ParityBudget, unitForgetBias = true): Promise<{ accuracy: number; wallS: number }> {
  const config = sequenceConfig({
    family: 'sequence', name: `bench-parity-${cell}-${length}`, architecture: { template: 'rnn-classifier' },
    data: { source: 'task', task: { task: 'parity', length, minLength: 1 }, trainExamples: b.trainExamples, validationExamples: 500, testExamples: 1000 },
    hyper: { cell, units: b.units, epochs: b.epochs, batchSize: 32, learningRate: 0.01, seed, unitForgetBias },
  });
  const run = await trainInProcess(config, `parity ${cell} len ${length} seed ${seed}${unitForgetBias ? '' : ' forget bias 0'}`);
  return { accuracy: lastValue(run.sink, 'test_accuracy'), wallS: run.wallS };
}

/** cell × length test accuracy per seed and their mean; then LSTM forget bias 0 vs 1 at the longest length. */
export async function parityPart(b: ParityBudget): Promise<Results> {
  const r: Results = {};
  const cases: [string, string, boolean][] = b.cells.flatMap((c) => b.lengths.map((l): [string, string, boolean] => [c, `${l}`, true]));
  const longest = Math.max(...b.lengths);
  cases.push(['lstm_forget0', `${longest}`, false]);
  let wall = 0;
  for (const [key, len, forget] of cases) {
    const cell = key === 'lstm_forget0' ? 'lstm' : key;
    const accs: number[] = [];
    for (const seed of b.seeds) {
      const o = await parityRun(cell, Number(len), seed, b, forget);
      r[`parity.${key}.len${len}.accuracy.seed${seed}`] = round(o.accuracy);
      accs.push(o.accuracy);
      wall += o.wallS;
    }
    r[`parity.${key}.len${len}.accuracy`] = round(accs.reduce((a, x) => a + x, 0) / accs.length);
  }
  Object.assign(r, { 'parity.units': b.units, 'parity.train_examples': b.trainExamples, 'parity.epochs': b.epochs, 'parity.seeds': b.seeds.join(' '), 'parity.wall_s': round(wall, 1) });
  return r;
}

export interface Seq2seqBudget {
  /** The results' key prefix, e.g. seq2seq.wasm.date. */
  key: string;
  units: number; trainExamples: number; epochs: number; learningRate: number; seed: number; beam: boolean }

/**
 * The seq2seq-attention template on the date task, trained with the
 * family's network, step and decoders (the session's loop without the
 * trainer, so the trained network stays alive for a second decoding): test
 * sequence and token accuracy greedy after each epoch, and beam 4 on the
 * first 200 test examples at the end.
 */
export async function seq2seqPart(b: Seq2seqBudget): Promise<Results> {
  const config = sequenceConfig({
    family: 'sequence', name: 'bench-seq2seq-date', architecture: { template: 'seq2seq-attention' },
    data: { source: 'task', task: { task: 'date' }, trainExamples: b.trainExamples, validationExamples: 500, testExamples: 1000 },
    hyper: { units: b.units, embeddingDim: 32, epochs: b.epochs, batchSize: 64, learningRate: b.learningRate, seed: b.seed, attention: 'general', decoding: 'greedy' },
  });
  const h = config.hyper;
  const p = b.key;
  const sets = prepareTask(config.data as Parameters<typeof prepareTask>[0], h.seed);
  const net = buildSequenceNetwork(templateGraph(config), h.seed);
  const opt = makeOptimizer(h);
  const bySeq: number[] = [];
  let tok = 0;
  let step = 0;
  const t0 = performance.now();
  try {
    for (let epoch = 1; epoch <= h.epochs; epoch++) {
      const order = epochOrder(sets.train.length, h.seed, epoch);
      for (let start = 0; start < order.length; start += h.batchSize) {
        const batch = taskBatch(sets, Array.from(order.subarray(start, Math.min(start + h.batchSize, order.length)), (i) => sets.train[i]!));
        try { await trainStep(net, opt, batch, h, deriveSeed(h.seed, step++)); } finally { disposeBatch(batch); }
      }
      const d = await decodeAndScore(net, sets, sets.test, { decoding: 'greedy', beamWidth: 1 });
      bySeq.push(d.sequenceAccuracy);
      tok = d.tokenAccuracy;
      console.error(`[seq2seq date] epoch ${epoch}/${h.epochs}: test sequence accuracy ${d.sequenceAccuracy.toFixed(3)}, token ${d.tokenAccuracy.toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
    const trainS = (performance.now() - t0) / 1000;
    const r: Results = {
      [`${p}.sequence_accuracy`]: round(bySeq.at(-1)!),
      [`${p}.token_accuracy`]: round(tok),
      [`${p}.sequence_accuracy.by_epoch`]: bySeq.map((v) => round(v)).join(' '),
      [`${p}.units`]: b.units, [`${p}.train_examples`]: b.trainExamples, [`${p}.epochs`]: b.epochs,
      [`${p}.learning_rate`]: b.learningRate, [`${p}.steps`]: step, [`${p}.seed`]: b.seed, [`${p}.wall_s`]: round(trainS, 1),
    };
    if (b.beam) {
      const g = await decodeAndScore(net, sets, sets.test.slice(0, BEAM_EVAL_LIMIT), { decoding: 'greedy', beamWidth: 1 });
      const tb = performance.now();
      const beam = await decodeAndScore(net, sets, sets.test, { decoding: 'beam', beamWidth: 4 });
      r[`${p}.first200.greedy.sequence_accuracy`] = round(g.sequenceAccuracy);
      r[`${p}.first200.beam4.sequence_accuracy`] = round(beam.sequenceAccuracy);
      r[`${p}.first200.beam4.wall_s`] = round((performance.now() - tb) / 1000, 1);
    }
    return r;
  } finally {
    net.dispose();
    opt.dispose();
  }
}
