/**
 * The sequence family at full size, in four parts (see README, "Benchmarks"):
 *  1. speed: ms per training step of a char-LSTM 256 (sequence 64, batch 64)
 *     — our fused runtime on wasm and cpu, the same graph through tf.layers,
 *     PyTorch on 1 and 2 threads, interleaved rounds (bench/sequenceSpeed.ts);
 *  2. validation bits per character of that char-LSTM after a fixed budget on
 *     the built-in corpus, with the unigram and log2(V) floors and a sample;
 *  3. parity: cell × length → test accuracy at full length;
 *  4. seq2seq with Luong attention on the date task (greedy and beam 4).
 * Writes bench/results/sequence.json and prints the README's tables.
 *
 *   npm run build:node && node dist/bench/sequence.js [--parts speed,bpc,parity,seq2seq] [--quick]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { appRoot } from '../main/services/appInfo';
import { machineInfo, prepareBackend } from './harness/runtime';
import { speedPart } from './sequenceSpeed';
import { bitsPerCharPart, parityPart, seq2seqPart } from './sequenceTraining';
import { sequenceTables } from './sequenceTables';

const FULL = {
  speed: { rounds: 5, stepsPerRound: 10, warmup: 3, cpuBudgetS: 30 },
  bpc: { epochs: 10, seed: 1 },
  parity: { cells: ['simpleRnn', 'lstm', 'gru'] as const, lengths: [10, 20, 50], seeds: [1, 2], units: 32, trainExamples: 16_000, epochs: 1 },
  /** LSTM 128 is the budget that works; LSTM 64 on the same budget is the contrast (it stalls at the digits it must copy). */
  seq2seq: [
    { key: 'seq2seq.wasm.date', units: 128, trainExamples: 20_000, epochs: 2, learningRate: 0.005, seed: 1, beam: true },
    { key: 'seq2seq.wasm.date_lstm64', units: 64, trainExamples: 20_000, epochs: 2, learningRate: 0.005, seed: 1, beam: false },
  ],
};
/** A smoke run of every part in a minute or two (not the published numbers). */
const QUICK = {
  speed: { rounds: 2, stepsPerRound: 2, warmup: 1, cpuBudgetS: 1 },
  bpc: { epochs: 1, seed: 1 },
  parity: { cells: ['lstm'] as const, lengths: [10], seeds: [1], units: 32, trainExamples: 500, epochs: 1 },
  seq2seq: [{ key: 'seq2seq.wasm.date', units: 64, trainExamples: 1000, epochs: 1, learningRate: 0.005, seed: 1, beam: false }],
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { parts: { type: 'string', default: 'speed,bpc,parity,seq2seq' }, quick: { type: 'boolean', default: false } } });
  const parts = new Set(values.parts.split(','));
  const b = values.quick ? QUICK : FULL;
  const results: Record<string, number | string> = {};
  let torchVersion: string | undefined;
  const t0 = performance.now();
  if (parts.has('speed')) {
    const s = await speedPart(b.speed);
    Object.assign(results, s.results);
    torchVersion = s.torchVersion;
  }
  await prepareBackend('wasm');
  if (parts.has('bpc')) Object.assign(results, await bitsPerCharPart(b.bpc));
  if (parts.has('parity')) Object.assign(results, await parityPart(b.parity));
  if (parts.has('seq2seq')) for (const s of b.seq2seq) Object.assign(results, await seq2seqPart(s));
  const out = {
    benchmark: 'sequence',
    description: 'The sequence family at full size. speed: Adam training steps of a char-LSTM (embedding 64, one LSTM layer of 256 units, dense softmax over the vocabulary; sequence 64, batch 64, clipping at global norm 5) on seeded windows of the built-in corpus (KJV Genesis, char level); wasm = our fused runtime (workers/families/sequence, trainStep), wasm_layers_api = the same graph compiled with tf.layers (tf.layers.lstm) and trained with optimizer.minimize (no clipping), cpu = our runtime on the tfjs cpu backend (alone, after the rounds, within a time budget), pytorch_* = nn.Embedding + nn.LSTM(batch_first) + nn.Linear, Adam, clip_grad_norm_ 5, on the same corpus, torch.set_num_threads(n) under taskset on n cores, OMP_WAIT_POLICY=PASSIVE, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset. Rounds interleave the engines (ours, layers API, PyTorch 1 thread, PyTorch 2 threads); a round\'s number is the mean ms of its timed steps, warm-up excluded; min and median over rounds. bits_per_char: validation bits per character of the same char-LSTM (learning rate 0.003) after the stated epochs, the validation split 10 % of the corpus in whole chunks of 16 windows chosen by the seed; floors: the unigram entropy of the corpus and log2 of the vocabulary. parity: the rnn-classifier template, trained on strings of lengths 1 … L (minLength 1), judged on 1000 test strings of length L, learning rate 0.01, batch 32; accuracy per seed and the mean; lstm_forget0 = the LSTM with its forget-gate bias starting at 0 instead of 1. seq2seq: the seq2seq-attention template (LSTM encoder and decoder, Luong general attention, embedding 32, batch 64, Adam at the stated learning rate; date_lstm64 is the same budget with 64 units) on the date task (the TF.js example\'s formats, 1950–2049), test sequence accuracy (every token and the <eos> position right) on 1000 test dates with greedy decoding, and greedy vs beam 4 on the first 200.',
    date: new Date().toISOString(),
    machine: { ...machineInfo(), ...(torchVersion ? { pytorch_version: torchVersion } : {}) },
    budgets: values.quick ? { quick: QUICK } : FULL,
    total_wall_s: Math.round((performance.now() - t0) / 1000),
    results,
  };
  const dir = join(appRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  // A smoke run never overwrites the published numbers.
  const file = values.quick ? join(tmpdir(), 'sequence.quick.json') : join(dir, 'sequence.json');
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(sequenceTables(results, out.machine));
  console.log(`Wrote ${file}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
