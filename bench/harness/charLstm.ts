/**
 * The char-LSTM training workload, defined once for the sequence bench's
 * speed part (bench/sequenceSpeed.ts) and the perf bench's seventh workload
 * (perfWorkloads.ts): the sequence family's rnn-lm template (embedding 64,
 * one LSTM layer of 256 units, dense softmax over the corpus's vocabulary),
 * built by the family's own network builder and stepped by its own trainStep
 * (Adam, clipping at global norm 5), on seeded random windows of the
 * built-in corpus, sequence 64, batch 64. Its PyTorch twin is
 * bench/harness/charLstmTorch.py (imported by perfTorch.py).
 */
import { deriveSeed } from '../../workers/common/prng';
import { makeOptimizer } from '../../workers/engine/optimizer';
import { disposeBatch, lmBatchTensors, lmWindows, prepareText, type Batch, type LmData } from '../../workers/families/sequence/data';
import { buildSequenceNetwork } from '../../workers/families/sequence/network';
import { trainStep } from '../../workers/families/sequence/objective';
import { corpusText, sequenceConfig, templateGraph } from '../sequenceRuns';

export const CHAR_LSTM = { units: 256, embeddingDim: 64, sequenceLength: 64, batchSize: 64, seed: 1 } as const;

/** The config both benches train: the rnn-lm template on the built-in corpus at character level. */
export function charLstmConfig() {
  return sequenceConfig({
    family: 'sequence', name: 'bench-char-lstm-speed', architecture: { template: 'rnn-lm' },
    data: { source: 'text', corpus: 'kjv-genesis', level: 'char', sequenceLength: CHAR_LSTM.sequenceLength },
    hyper: { cell: 'lstm', units: CHAR_LSTM.units, embeddingDim: CHAR_LSTM.embeddingDim, batchSize: CHAR_LSTM.batchSize, learningRate: 0.003, seed: CHAR_LSTM.seed },
  });
}

/** The corpus prepared as the app prepares it for charLstmConfig() (vocabulary, training ranges). */
export function charLstmData(): LmData {
  return prepareText(corpusText(), charLstmConfig().data as Parameters<typeof prepareText>[1], CHAR_LSTM.seed);
}

/** Random training windows of the corpus, batch by batch (seeded, the same sequence for every engine). */
export function charLstmBatches(data: LmData): () => Batch {
  const windows = lmWindows(data.train, data.windowLength);
  let k = 0;
  return () => {
    const pick = Array.from({ length: CHAR_LSTM.batchSize }, (_, i) => windows[deriveSeed(CHAR_LSTM.seed, k, i) % windows.length]!);
    k++;
    return lmBatchTensors(data.train, pick, data.windowLength);
  };
}

/** A step function and its disposer: one engine's training step on the next batch. */
export interface CharLstmEngine { step(): Promise<void>; dispose(): void }

/** The family's fused runtime: buildSequenceNetwork + trainStep, the batch made and disposed inside the step (64×65 ids: negligible). */
export function charLstmEngine(data: LmData): CharLstmEngine {
  const config = charLstmConfig();
  const net = buildSequenceNetwork(templateGraph(config, corpusText()), CHAR_LSTM.seed);
  const opt = makeOptimizer(config.hyper);
  const next = charLstmBatches(data);
  return {
    step: async () => {
      const b = next();
      try { await trainStep(net, opt, b, config.hyper, 0); } finally { disposeBatch(b); }
    },
    dispose: () => { net.dispose(); opt.dispose(); },
  };
}
