/**
 * What XNNPACK weight pre-packing buys on tfjs-wasm (issue 17, "weights
 * pre-packed where XNNPACK allows"). tfjs-wasm's BatchMatMul/_FusedMatMul
 * creates an XNNPACK fully-connected operator for its right operand, which
 * packs that matrix into XNNPACK's blocked layout, caches the operator by the
 * right operand's tensor id, and drops it when that tensor is disposed.
 *
 * Part 1, per layer shape of the deep AE (784-1000-500-250-30 and back) and
 * the MLP (784-128-10), batch 64: x · W with W the same tensor on every call
 * (packed once: what an evaluation or sampling pass over many batches does)
 * against W a fresh tensor with the same values on every call (packed every
 * call: what training does, since every Adam step assigns the weights new
 * tensors), and the backward's dy · Wᵀ (matMul with transposeB, as tfjs's
 * MatMul gradient calls it) both ways. Each variant's fresh tensor is made
 * before its timer starts; the variants are interleaved call by call.
 *
 * Part 2, whole models: the app's MLP classifier and deep AE evaluated over
 * batches with their weights untouched (the app's validation pass) against
 * a second copy with every kernel assigned a fresh copy before each batch
 * (as if a training step had run), per batch, interleaved.
 *
 * Part 3, sampling: one token's LSTM cell call of the char-LSTM on the
 * cells' inference path (plain products on the weights) against the
 * training path (which transposes the kernel and recurrent matrix for the
 * backward pass on every call).
 *
 * Also checks that alternating x · W and dy · Wᵀ on one W gives the cpu
 * backend's numbers (the two layouts get separate operators, not one
 * mistaken for the other). Merges keys prepack.<shape>.wasm.same_operand_ms
 * / fresh_operand_ms (and …backward…, prepack.eval.<model>.…) into
 * bench/results/throughput.json.
 *
 *   npm run build:node && taskset -c 1 node dist/bench/prepackBench.js [--reps 40] [--batches 20]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { appRoot } from '../main/services/appInfo';
import { classifierTemplate } from '../workers/common/families/classifier/templates';
import { autoencoderTemplate } from '../workers/common/families/autoencoder/templates';
import { buildClassifier } from '../workers/families/classifier/model';
import { buildAutoencoder, disposeAutoencoder } from '../workers/families/autoencoder/model';
import { runCell } from '../workers/families/sequence/cells';
import { buildSequenceNetwork } from '../workers/families/sequence/network';
import { charLstmConfig } from './harness/charLstm';
import { corpusText, templateGraph } from './sequenceRuns';
import { mergeResults, minMedian } from './harness/mergeResults';
import { prepareBackend } from './harness/runtime';

const RESULTS = join(appRoot, 'bench', 'results', 'throughput.json');
const BATCH = 64;
const IMAGE: [number, number, number] = [28, 28, 1];

/** The dense layers of the deep AE (encoder then decoder) and the MLP classifier, as [inputs, units]. */
export const PREPACK_SHAPES: readonly (readonly [number, number])[] = [
  [784, 1000], [1000, 500], [500, 250], [250, 30], [30, 250], [250, 500], [500, 1000], [1000, 784], [784, 128], [128, 10],
];

type Results = Record<string, number | string>;

function options() {
  const { values } = parseArgs({ options: { reps: { type: 'string', default: '40' }, batches: { type: 'string', default: '20' } } });
  return { reps: Number(values.reps), batches: Number(values.batches) };
}

/** ms of one synchronous wasm op call (the kernel runs inside the call), its output disposed outside the timer. */
function timeCall(f: () => tf.Tensor): number {
  const t0 = performance.now();
  const y = f();
  const ms = performance.now() - t0;
  y.dispose();
  return ms;
}

/** The four variants of one shape, interleaved call by call (a fresh W is made, and disposed, outside the timer). */
function shapeTimings(inputs: number, units: number, reps: number): Record<string, number[]> {
  const x = tf.randomUniform([BATCH, inputs], -1, 1, 'float32', 1);
  const dy = tf.randomUniform([BATCH, units], -1, 1, 'float32', 2);
  const w = tf.randomUniform([inputs, units], -0.1, 0.1, 'float32', 3);
  const values = w.dataSync().slice();
  const out: Record<string, number[]> = { same_operand: [], fresh_operand: [], backward_same_operand: [], backward_fresh_operand: [] };
  const fresh = (f: (wNew: tf.Tensor) => tf.Tensor): number => {
    const wNew = tf.tensor2d(values, [inputs, units]);
    const ms = timeCall(() => f(wNew));
    wNew.dispose();
    return ms;
  };
  for (let r = -2; r < reps; r++) {
    const round = {
      same_operand: timeCall(() => tf.matMul(x, w)),
      fresh_operand: fresh((wNew) => tf.matMul(x, wNew)),
      backward_same_operand: timeCall(() => tf.matMul(dy, w, false, true)),
      backward_fresh_operand: fresh((wNew) => tf.matMul(dy, wNew, false, true)),
    };
    if (r >= 0) for (const [k, v] of Object.entries(round)) out[k]!.push(v);
  }
  tf.dispose([x, dy, w]);
  return out;
}

/** Largest |wasm − cpu| of x·W and dy·Wᵀ computed alternately on one W (wasm), against the cpu backend. */
async function layoutCheck(): Promise<number> {
  const [inputs, units] = [300, 70];
  const xv = tf.randomUniform([BATCH, inputs], -1, 1, 'float32', 4).dataSync().slice();
  const dyv = tf.randomUniform([BATCH, units], -1, 1, 'float32', 5).dataSync().slice();
  const wv = tf.randomUniform([inputs, units], -1, 1, 'float32', 6).dataSync().slice();
  const run = (): Float32Array[] => {
    const [x, dy, w] = [tf.tensor2d(xv, [BATCH, inputs]), tf.tensor2d(dyv, [BATCH, units]), tf.tensor2d(wv, [inputs, units])];
    const outs: Float32Array[] = [];
    for (let i = 0; i < 3; i++) for (const y of [tf.matMul(x, w), tf.matMul(dy, w, false, true)]) { outs.push(y.dataSync() as Float32Array); y.dispose(); }
    tf.dispose([x, dy, w]);
    return outs;
  };
  const wasm = run();
  await prepareBackend('cpu');
  const cpu = run();
  await prepareBackend('wasm');
  let worst = 0;
  wasm.forEach((a, i) => a.forEach((v, j) => { worst = Math.max(worst, Math.abs(v - cpu[i]![j]!)); }));
  return worst;
}

/** A model evaluated batch by batch: its forward pass and the weight matrices (kernels) a training step would replace. */
interface EvalModel { id: string; forward(x: tf.Tensor): tf.Tensor; kernels: tf.LayerVariable[]; dispose(): void }

function evalModels(): EvalModel[] {
  const cm = buildClassifier(classifierTemplate('mlp', IMAGE, 10), IMAGE, 10, 1);
  const ae = buildAutoencoder(autoencoderTemplate('deep', IMAGE, 30), IMAGE, 30, 1);
  const kernels = (ms: tf.LayersModel[]) => ms.flatMap((m) => m.trainableWeights.filter((v) => v.shape.length === 2));
  return [
    { id: 'mlp', forward: (x) => cm.model.apply(x, { training: false }) as tf.Tensor, kernels: kernels([cm.model]), dispose: () => cm.model.dispose() },
    {
      id: 'deep_ae', forward: (x) => ae.decoder.apply(ae.encoder.apply(x, { training: false }) as tf.Tensor, { training: false }) as tf.Tensor,
      kernels: kernels([ae.encoder, ae.decoder]), dispose: () => disposeAutoencoder(ae),
    },
  ];
}

/** Give every kernel a fresh tensor with its own values (new tensor ids, as an optimiser step's assign does). */
function refreshKernels(kernels: readonly tf.LayerVariable[]): void {
  for (const k of kernels) {
    const value = k.read();
    const copy = tf.tensor(value.dataSync().slice(), value.shape);
    k.write(copy);
    copy.dispose();
  }
}

/**
 * Per model, two copies built alike (seed 1): batch after batch, the kept copy's forward pass (its
 * weights untouched, so packed once) and the other copy's after every kernel was given a fresh tensor
 * (outside the timer), interleaved call by call: ms per batch call, over `rounds` passes of the batches.
 */
function evalTimings(batches: number, rounds: number): Record<string, { same: number[]; fresh: number[] }> {
  const xs = Array.from({ length: batches }, (_, i) => tf.randomUniform([BATCH, ...IMAGE], 0, 1, 'float32', 10 + i));
  const out: Record<string, { same: number[]; fresh: number[] }> = {};
  const [kept, refreshed] = [evalModels(), evalModels()];
  kept.forEach((m, i) => {
    const other = refreshed[i]!;
    const t = { same: [] as number[], fresh: [] as number[] };
    for (let r = -1; r < rounds; r++) {
      for (const x of xs) {
        const same = timeCall(() => m.forward(x));
        refreshKernels(other.kernels);
        const fresh = timeCall(() => other.forward(x));
        if (r >= 0) { t.same.push(same); t.fresh.push(fresh); }
      }
    }
    out[m.id] = t;
    m.dispose();
    other.dispose();
  });
  tf.dispose(xs);
  return out;
}

/**
 * One token of char-LSTM sampling (the sequence bench's LSTM: embedding 64 → 256 units): the cell
 * called on x [1, 1, 64] from a carried state, as the sampler does per token, on the inference path
 * (plain products) and on the training path (the kernel and recurrent matrix transposed for a
 * backward pass that never comes), interleaved.
 */
function samplingCellTimings(reps: number): { inference: number[]; training_layout: number[] } {
  const [E, H] = [64, 256];
  const spec = { kind: 'lstm' as const, units: H, activation: 'tanh' as const, recurrentActivation: 'sigmoid' as const };
  const w = { kernel: tf.randomUniform([E, 4 * H], -0.1, 0.1, 'float32', 7), recurrent: tf.randomUniform([H, 4 * H], -0.1, 0.1, 'float32', 8), bias: tf.zeros([4 * H]) };
  const x = tf.randomUniform([1, 1, E], -1, 1, 'float32', 9) as tf.Tensor3D;
  const initial = [tf.zeros([1, H]), tf.zeros([1, H])];
  const call = (inference: boolean) => timeCall(() => tf.tidy(() => runCell(spec, w, x, { initial, inference }).final[0]!));
  const out = { inference: [] as number[], training_layout: [] as number[] };
  for (let r = -3; r < reps; r++) {
    const [a, b] = [call(true), call(false)];
    if (r >= 0) { out.inference.push(a); out.training_layout.push(b); }
  }
  tf.dispose([w.kernel, w.recurrent, w.bias, x, ...initial]);
  return out;
}

/**
 * One sampled token through the whole char-LSTM network (embedding, LSTM, dense logits), from a
 * carried state, as the sampler calls it: { training: false } (the inference path) against the same
 * call with an empty probe map, which keeps the training path's transposes (the behaviour before
 * the inference path), interleaved. The network is the perf bench's (charLstm.ts).
 */
function samplingTokenTimings(reps: number): { inference: number[]; training_layout: number[] } {
  const net = buildSequenceNetwork(templateGraph(charLstmConfig(), corpusText()), 1);
  const prompt = tf.tensor2d([[5, 6, 7, 8]], [1, 4], 'int32');
  const token = tf.tensor2d([[9]], [1, 1], 'int32');
  const ids: string[] = [];
  const start = tf.tidy(() => {
    const f = net.forward({ x: prompt }, { training: false });
    ids.push(...f.states.keys());
    return [...f.states.values()].flat().map((t) => tf.keep(t));
  });
  // The char-LSTM has one recurrent layer: its [h, c].
  const initialStates = new Map(ids.map((id) => [id, start] as const));
  const call = (old: boolean) => timeCall(() => tf.tidy(() => net.forward({ x: token }, { training: false, initialStates, ...(old ? { probes: new Map() } : {}) }).logits));
  const out = { inference: [] as number[], training_layout: [] as number[] };
  for (let r = -3; r < reps; r++) {
    const [a, b] = [call(false), call(true)];
    if (r >= 0) { out.inference.push(a); out.training_layout.push(b); }
  }
  tf.dispose([prompt, token, ...start]);
  net.dispose();
  return out;
}

function record(results: Results, key: string, samples: readonly number[]): void {
  const s = minMedian(samples, 4);
  results[`${key}_ms`] = s.median;
  results[`${key}_ms_min`] = s.min;
  results[`${key}_n`] = s.n;
}

async function main(): Promise<void> {
  const o = options();
  if ((await prepareBackend('wasm')) !== 'wasm') throw new Error('The prepack bench needs the wasm backend, which did not load');
  const results: Results = {};
  for (const [inputs, units] of PREPACK_SHAPES) {
    const t = shapeTimings(inputs, units, o.reps);
    const key = `prepack.${inputs}x${units}_b${BATCH}.wasm`;
    for (const [variant, samples] of Object.entries(t)) record(results, `${key}.${variant}`, samples);
    const share = 1 - (results[`${key}.same_operand_ms`] as number) / (results[`${key}.fresh_operand_ms`] as number);
    console.log(`${inputs}×${units}: x·W same ${results[`${key}.same_operand_ms`]} ms, fresh ${results[`${key}.fresh_operand_ms`]} ms (packing ${(share * 100).toFixed(0)} % of a fresh call); dy·Wᵀ same ${results[`${key}.backward_same_operand_ms`]} ms, fresh ${results[`${key}.backward_fresh_operand_ms`]} ms`);
  }
  for (const [id, t] of Object.entries(evalTimings(o.batches, 3))) {
    record(results, `prepack.eval.${id}.wasm.same_weights_per_batch`, t.same);
    record(results, `prepack.eval.${id}.wasm.fresh_weights_per_batch`, t.fresh);
    console.log(`eval ${id}: ${results[`prepack.eval.${id}.wasm.same_weights_per_batch_ms`]} ms/batch with its weights kept, ${results[`prepack.eval.${id}.wasm.fresh_weights_per_batch_ms`]} with fresh weight tensors every batch`);
  }
  const cell = samplingCellTimings(o.reps);
  record(results, 'prepack.sampling.char_lstm_cell.wasm.inference', cell.inference);
  record(results, 'prepack.sampling.char_lstm_cell.wasm.training_layout', cell.training_layout);
  console.log(`char-LSTM sampling, one token's cell call: ${results['prepack.sampling.char_lstm_cell.wasm.inference_ms']} ms on the inference path, ${results['prepack.sampling.char_lstm_cell.wasm.training_layout_ms']} ms with the training path's transposes`);
  const token = samplingTokenTimings(o.reps);
  record(results, 'prepack.sampling.char_lstm_token.wasm.inference', token.inference);
  record(results, 'prepack.sampling.char_lstm_token.wasm.training_layout', token.training_layout);
  console.log(`char-LSTM sampling, one token through the network: ${results['prepack.sampling.char_lstm_token.wasm.inference_ms']} ms on the inference path, ${results['prepack.sampling.char_lstm_token.wasm.training_layout_ms']} ms with the training path's transposes`);
  results['prepack.layout_check.max_abs_diff_vs_cpu'] = await layoutCheck();
  const description = `XNNPACK pre-packing on tfjs-wasm, batch ${BATCH}, one thread: per layer shape [inputs]x[units], x·W and dy·Wᵀ (transposeB) with the right operand the same tensor on every call (packed once) or a fresh tensor with the same values (packed every call; made outside the timer), interleaved call by call, ${o.reps} calls each after 2 warm-up calls: _ms = median, _ms_min = min. prepack.eval.<model>: ms per batch of the app's MLP classifier / deep AE forward pass (training: false) ${o.batches} batches × 3 passes, one copy's weights kept vs another copy's kernels given fresh tensors before each batch, interleaved call by call (median, min over the batch calls). prepack.sampling.char_lstm_cell: ms of one sampled token's LSTM cell call (x [1, 1, 64], 256 units, carried state) on the inference path vs the training path's layout (kernel and recurrent matrix transposed), interleaved, ${o.reps} calls each (median, min); prepack.sampling.char_lstm_token: the same for one token through the whole network (embedding, LSTM, dense logits; training_layout = the call with an empty probe map, the path before). layout_check: max |wasm − cpu| of alternating x·W and dy·Wᵀ on one W. Shared machine: other processes ran beside it.`;
  mergeResults(RESULTS, 'prepack', results, description);
  console.log(`layout check: max |wasm − cpu| ${results['prepack.layout_check.max_abs_diff_vs_cpu']}. Merged into ${RESULTS}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
