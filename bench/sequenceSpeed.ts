/**
 * Part 1 of the sequence bench: ms per training step of the char-LSTM of
 * bench/harness/charLstm.ts (one layer of 256 units, embedding 64,
 * sequence 64, batch 64, Adam, clipping at global norm 5) on windows of the built-in corpus — our fused runtime
 * (trainStep of workers/families/sequence) on wasm, the same graph compiled
 * with tf.layers (tf.layers.lstm, trained with optimizer.minimize) on wasm,
 * and PyTorch's nn.LSTM on 1 and 2 threads. The rounds interleave the
 * engines (each round: ours, layers API, PyTorch 1 thread, PyTorch 2
 * threads), so a slow patch of the shared machine hits all of them; each
 * round's number is the mean of its timed steps, warm-up excluded.
 * The tfjs cpu backend runs the fused runtime alone, after the rounds, for
 * a few steps within a time budget.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { makeOptimizer } from '../workers/engine/optimizer';
import { compileGraph } from '../workers/engine/compileGraph';
import { disposeBatch, type LmData } from '../workers/families/sequence/data';
import { oneHotFloat } from '../workers/families/sequence/ops';
import { appRoot } from '../main/services/appInfo';
import { findTorch, runTorchScript } from './harness/pytorch';
import { availableBackends } from '../workers/engine/backend';
import { prepareBackend } from './harness/runtime';
import { CORPUS_FILE, corpusText, median, round, templateGraph } from './sequenceRuns';
import { CHAR_LSTM, charLstmBatches, charLstmConfig, charLstmData, charLstmEngine, type CharLstmEngine } from './harness/charLstm';

export interface SpeedOptions { rounds: number; stepsPerRound: number; warmup: number; cpuBudgetS: number }

type Results = Record<string, number | string>;

/** The same graph through tf.layers (compileGraph: Embedding, LSTM, Dense softmax), cross-entropy of its probabilities, optimizer.minimize. */
function layersEngine(data: LmData): CharLstmEngine {
  const config = charLstmConfig();
  const model = compileGraph(templateGraph(config, corpusText()), { seed: CHAR_LSTM.seed });
  const opt = makeOptimizer(config.hyper);
  const V = data.vocab.tokens.length;
  const next = charLstmBatches(data);
  return {
    step: async () => {
      const b = next();
      try {
        const loss = opt.minimize(() => {
          const p = model.apply(b.feeds['x']!, { training: true }) as tf.Tensor;
          const picked = tf.sum(tf.mul(tf.reshape(p, [-1, V]), oneHotFloat(tf.reshape(b.targets, [-1]), V)), -1);
          return tf.neg(tf.mean(tf.log(tf.add(picked, 1e-7)))) as tf.Scalar;
        }, true);
        await loss!.data();
        loss!.dispose();
      } finally { disposeBatch(b); }
    },
    dispose: () => { model.dispose(); opt.dispose(); },
  };
}

async function timeRound(e: CharLstmEngine, steps: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await e.step();
  return (performance.now() - t0) / steps;
}

function record(results: Results, key: string, perRound: readonly number[]): void {
  results[`${key}.ms_per_step.min`] = round(Math.min(...perRound), 1);
  results[`${key}.ms_per_step.median`] = round(median(perRound), 1);
  results[`${key}.rounds`] = perRound.length;
}

interface TorchOut { ms: number[]; loss: number; torch: string; threads: number }

/** The interleaved rounds on wasm (ours, layers API, PyTorch 1 and 2 threads), then the cpu backend alone. */
export async function speedPart(o: SpeedOptions): Promise<{ results: Results; torchVersion?: string }> {
  const results: Results = {};
  await prepareBackend('wasm');
  const data = charLstmData();
  results['char_lstm.vocabulary'] = data.vocab.tokens.length;
  const engines: [string, CharLstmEngine][] = [['char_lstm.wasm', charLstmEngine(data)], ['char_lstm.wasm_layers_api', layersEngine(data)]];
  const torch = findTorch();
  const script = join(appRoot, 'bench', 'harness', 'charLstmTorch.py');
  const torchArgs = [CORPUS_FILE, '--steps', String(o.stepsPerRound), '--warmup', String(o.warmup), '--vocabulary', String(data.vocab.tokens.length), '--units', String(CHAR_LSTM.units), '--embedding', String(CHAR_LSTM.embeddingDim), '--length', String(CHAR_LSTM.sequenceLength), '--batch', String(CHAR_LSTM.batchSize)];
  if ('error' in torch) results['char_lstm.pytorch.skipped'] = torch.error;
  const rounds = new Map<string, number[]>();
  const add = (k: string, v: number) => rounds.set(k, [...(rounds.get(k) ?? []), v]);
  for (const [, e] of engines) for (let i = 0; i < o.warmup; i++) await e.step();
  for (let r = 0; r < o.rounds; r++) {
    for (const [key, e] of engines) add(key, await timeRound(e, o.stepsPerRound));
    if (!('error' in torch)) {
      for (const threads of [1, 2]) {
        const out = runTorchScript<TorchOut>(torch, script, torchArgs, threads);
        add(`char_lstm.pytorch_${threads === 1 ? '1thread' : '2threads'}`, out.ms.reduce((a, b) => a + b, 0) / out.ms.length);
      }
    }
    console.error(`speed round ${r + 1}/${o.rounds}: ${[...rounds].map(([k, v]) => `${k} ${v.at(-1)!.toFixed(1)} ms`).join(', ')}`);
  }
  for (const [, e] of engines) e.dispose();
  for (const [key, v] of rounds) record(results, key, v);
  results['char_lstm.steps_per_round'] = o.stepsPerRound;
  await cpuBackend(results, data, o);
  await nativeBackends(results, data, o);
  return { results, ...('error' in torch ? {} : { torchVersion: torch.version }) };
}

/** Result keys of the native backends. */
const NATIVE_KEYS: Readonly<Record<'tensorflow' | 'tensorflow-gpu', string>> = { tensorflow: 'char_lstm.tfjs_node', 'tensorflow-gpu': 'char_lstm.tfjs_node_gpu' };

/**
 * The fused runtime on tfjs-node and tfjs-node-gpu where they are installed
 * (this process is its own, as a native run's host is): the same rounds as
 * wasm's, after its warm-up; where one is not, the reason is recorded.
 */
async function nativeBackends(results: Results, data: LmData, o: SpeedOptions): Promise<void> {
  for (const b of availableBackends().filter((x) => x.native)) {
    const key = NATIVE_KEYS[b.backend as keyof typeof NATIVE_KEYS];
    if (key === undefined) continue;
    if (!b.available) {
      results[`${key}.skipped`] = b.reason ?? `${b.packageName ?? b.backend} is not installed`;
      continue;
    }
    if ((await prepareBackend(b.backend)) !== b.backend) {
      results[`${key}.skipped`] = `${b.packageName ?? b.backend} is installed but did not load (see the app's Settings page for its error)`;
      continue;
    }
    const e = charLstmEngine(data);
    try {
      for (let i = 0; i < o.warmup; i++) await e.step();
      const times: number[] = [];
      for (let r = 0; r < o.rounds; r++) times.push(await timeRound(e, o.stepsPerRound));
      record(results, key, times);
    } finally {
      e.dispose();
    }
  }
  await prepareBackend('wasm');
}

/** The fused runtime on tfjs's cpu backend: a warm-up step, then steps until the budget is spent (at least one). */
async function cpuBackend(results: Results, data: LmData, o: SpeedOptions): Promise<void> {
  await prepareBackend('cpu');
  const e = charLstmEngine(data);
  try {
    const w0 = performance.now();
    await e.step();
    results['char_lstm.cpu.warmup_step_ms'] = round(performance.now() - w0, 0);
    const times: number[] = [];
    const t0 = performance.now();
    while (times.length === 0 || (performance.now() - t0) / 1000 < o.cpuBudgetS) times.push(await timeRound(e, 1));
    record(results, 'char_lstm.cpu', times);
  } finally {
    e.dispose();
    await prepareBackend('wasm');
  }
}
