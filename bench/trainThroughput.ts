/**
 * Training throughput per backend: the MLP and the LeNet CNN on full-size
 * MNIST batches of 64 (Adam), after a warm-up, plus the wasm gradient kernels
 * against the alternatives, and (bench/convKernelSpeed.ts) the DCGAN's
 * convolution-gradient kernels and whole training step, old composed kernels
 * against the sub-pixel / im2col ones, interleaved. Writes
 * bench/results/throughput.json and prints a markdown table.
 *
 *   npm run build:node && node dist/bench/trainThroughput.js [--only conv-kernels] [--kernel-rounds 15] [--step-rounds 8] [--channels 1,2,3,4,8,16]
 *
 * --only conv-kernels runs just that section and merges its keys into the
 * existing throughput.json (the other keys keep their values and date).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { datasetCatalogue } from '../workers/common/datasets';
import type { BackendName } from '../workers/common/protocol';
import type { ClassifierTemplate } from '../workers/common/runConfig';
import { classifierTemplates } from '../workers/common/families/classifier/templates';
import { loadImageDataset } from '../workers/data/mnist';
import { availableBackends, selectBackend } from '../workers/engine/backend';
import { registerCpuKernels, registerWasmKernels } from '../workers/engine/wasmKernels';
import { disposeBatch, makeBatch } from '../workers/families/classifier/data';
import { makeOptimizer } from '../workers/engine/optimizer';
import { buildClassifier } from '../workers/families/classifier/model';
import { trainStep } from '../workers/families/classifier/step';
import { appRoot } from '../main/services/appInfo';
import { convKernelSpeed, type ConvKernelSpeedOptions } from './convKernelSpeed';

const BATCH = 64;
const WARMUP = 3;
const STEPS = 50;
/** Stop a (model, backend) measurement after this long, whatever the step count (cpu CNN). */
const TIME_BUDGET_MS = 15_000;


interface Measurement { samplesPerS: number; steps: number; msPerStep: number; finalLoss: number }

async function measure(template: ClassifierTemplate, images: Float32Array, labels: Int32Array): Promise<Measurement> {
  const cm = buildClassifier(classifierTemplates[template], [28, 28, 1], 10, 1);
  const opt = makeOptimizer({ optimizer: 'adam', learningRate: 0.001, momentum: 0.9 });
  const n = labels.length;
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  const batchAt = (k: number): ReturnType<typeof makeBatch> => {
    const start = (k * BATCH) % (n - BATCH);
    return makeBatch(images, labels, [28, 28, 1], 10, idx, start, start + BATCH);
  };
  let loss = NaN;
  for (let k = 0; k < WARMUP; k++) {
    const b = batchAt(k);
    loss = (await trainStep(cm, opt, b)).loss;
    disposeBatch(b);
  }
  const t0 = performance.now();
  let steps = 0;
  while (steps < STEPS && (steps < 2 || performance.now() - t0 < TIME_BUDGET_MS)) {
    const b = batchAt(WARMUP + steps);
    loss = (await trainStep(cm, opt, b)).loss;
    disposeBatch(b);
    steps++;
  }
  const ms = performance.now() - t0;
  cm.model.dispose();
  opt.dispose();
  return { samplesPerS: (steps * BATCH * 1000) / ms, steps, msPerStep: ms / steps, finalLoss: loss };
}

async function timeIt(fn: () => tf.Tensor, reps: number): Promise<number> {
  const w = fn();
  await w.data();
  w.dispose();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) {
    const r = fn();
    await r.data();
    r.dispose();
  }
  return (performance.now() - t0) / reps;
}

/** LeNet conv2 gradients (batch 64): our wasm kernels vs the built-in wasm one and cpu. */
async function kernelTimings(results: Record<string, number | string>, suffix = ''): Promise<void> {
  const xShape: [number, number, number, number] = [BATCH, 14, 14, 6];
  const fShape: [number, number, number, number] = [5, 5, 6, 16];
  const dyShape: [number, number, number, number] = [BATCH, 10, 10, 16];
  const attrsF = { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: fShape };
  const attrsI = { strides: 1, pad: 'valid', dataFormat: 'NHWC', inputShape: xShape };
  for (const backend of suffix ? ['cpu'] : ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    const x = tf.randomNormal(xShape, 0, 1, 'float32', 1);
    const dy = tf.randomNormal(dyShape, 0, 1, 'float32', 2);
    const filter = tf.randomNormal(fShape, 0, 1, 'float32', 3);
    const reps = backend === 'cpu' ? 2 : 20;
    results[`kernels.conv2d_backprop_filter.lenet_conv2_b64.${backend}${suffix}_ms`] = await timeIt(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrsF) as tf.Tensor, reps);
    if (!suffix) results[`kernels.conv2d_backprop_input.lenet_conv2_b64.${backend}_ms`] = await timeIt(() => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, attrsI) as tf.Tensor, reps);
    tf.dispose([x, dy, filter]);
  }
}

/** The built-in wasm Conv2DBackpropInput, before registerWasmKernels replaces it. */
async function builtinBackpropInputMs(): Promise<number | undefined> {
  const builtin = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (!builtin) return undefined;
  await tf.setBackend('wasm');
  const dy = tf.randomNormal([BATCH, 10, 10, 16], 0, 1, 'float32', 2);
  const filter = tf.randomNormal([5, 5, 6, 16], 0, 1, 'float32', 3);
  const backend = tf.backend();
  const run = (): tf.Tensor => {
    const info = builtin.kernelFunc({ inputs: { dy, filter }, attrs: { strides: 1, pad: 'valid', dataFormat: 'NHWC', inputShape: [BATCH, 14, 14, 6] }, backend }) as tf.TensorInfo;
    return tf.engine().makeTensorFromTensorInfo(info);
  };
  const ms = await timeIt(run, 5);
  tf.dispose([dy, filter]);
  return ms;
}

const CONV_SECTION_NOTE = 'kernels.conv2d_backprop_* and dcgan.wasm.step_*: wasm, one thread, batch 64; old and new variants interleaved in one process (kernel-rounds / step-rounds samples each); *_ms = median, *_min_ms = min; step = one D-then-G step of the app\'s DCGAN template (28×28×1, Adam 2e-4) on random images; dcgan_d_in_cC, lenet_conv1_cC and conv5_s1_f64_cC = a 28×28×C input (4×4 s2 64 filters, 5×5 s1 6 filters, 5×5 s1 64 filters).';

function sectionOptions(values: { 'kernel-rounds'?: string; 'step-rounds'?: string; channels?: string }): ConvKernelSpeedOptions {
  return {
    kernelRounds: Number(values['kernel-rounds'] ?? 15),
    stepRounds: Number(values['step-rounds'] ?? 8),
    channels: (values.channels ?? '1,2,3,4,8,16').split(',').map(Number),
  };
}

/** Run only the conv-kernel section and merge its keys into the existing results file. */
async function convKernelsOnly(file: string, o: ConvKernelSpeedOptions): Promise<void> {
  registerWasmKernels();
  await selectBackend('wasm');
  const section = await convKernelSpeed(o);
  const previous: unknown = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const out = typeof previous === 'object' && previous !== null ? previous as { results?: Record<string, number | string> } : {};
  out.results = { ...(out.results ?? {}), ...section, 'notes.conv_kernels_date': new Date().toISOString(), 'notes.conv_kernels': CONV_SECTION_NOTE };
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  printSection(section);
}

function printSection(section: Record<string, number>): void {
  console.log('\n| conv kernels / DCGAN step (wasm, batch 64; median ms, interleaved) | ms |');
  console.log('|---|---:|');
  for (const [k, v] of Object.entries(section)) if (!k.endsWith('_min_ms')) console.log(`| ${k} | ${v} |`);
}

async function main(): Promise<void> {
  const root = appRoot;
  const { values } = parseArgs({ options: { only: { type: 'string' }, 'kernel-rounds': { type: 'string' }, 'step-rounds': { type: 'string' }, channels: { type: 'string' } } });
  const section = sectionOptions(values);
  if (values.only === 'conv-kernels') return convKernelsOnly(join(root, 'bench', 'results', 'throughput.json'), section);
  if (values.only !== undefined) throw new Error(`--only takes 'conv-kernels', got '${values.only}'`);
  const builtinMs = await builtinBackpropInputMs();
  registerWasmKernels();
  const results: Record<string, number | string> = {};
  // Kernel timings first: the cpu numbers are then the built-in kernels, before ours replace them.
  await kernelTimings(results);
  registerCpuKernels();
  await kernelTimings(results, '_composed');

  const needed = (WARMUP + STEPS) * BATCH + BATCH;
  const data = loadImageDataset(datasetCatalogue.mnist, { trainSize: needed, testSize: 10 });
  const rows: string[] = [];
  const backends = availableBackends().filter((b) => b.available).map((b) => b.backend);
  for (const backend of backends) {
    let active: BackendName;
    try {
      active = await selectBackend(backend);
    } catch (e) {
      results[`${backend}.error`] = (e as Error).message;
      continue;
    }
    for (const [key, template] of [['mlp', 'mlp'], ['cnn', 'lenet']] as const) {
      const m = await measure(template, data.trainImages, data.trainLabels);
      results[`${key}.${active}.samples_per_s`] = Math.round(m.samplesPerS);
      results[`${key}.${active}.ms_per_step`] = Number(m.msPerStep.toFixed(2));
      results[`${key}.${active}.steps_timed`] = m.steps;
      rows.push(`| ${key} (${template}) | ${active} | ${Math.round(m.samplesPerS)} | ${m.msPerStep.toFixed(1)} | ${m.steps} |`);
      console.error(`${key} on ${active}: ${Math.round(m.samplesPerS)} samples/s`);
    }
  }
  await selectBackend('wasm');
  const convSection = await convKernelSpeed(section);
  Object.assign(results, convSection, { 'notes.conv_kernels': CONV_SECTION_NOTE });
  if (builtinMs !== undefined) results['kernels.conv2d_backprop_input.lenet_conv2_b64.wasm_builtin_ms'] = builtinMs;
  for (const k of Object.keys(results)) if (k.endsWith('_ms') && typeof results[k] === 'number') results[k] = Number((results[k] as number).toFixed(2));

  const cpu = cpus();
  const out = {
    benchmark: 'trainThroughput',
    description: `Adam training steps on MNIST batches of ${BATCH} (28×28×1) after ${WARMUP} warm-up steps; up to ${STEPS} timed steps or ${TIME_BUDGET_MS / 1000} s per (model, backend). mlp = 784-128-10 with dropout, cnn = LeNet-5.`,
    date: new Date().toISOString(),
    machine: { cpu_model: cpu[0]?.model ?? 'unknown', cores: cpu.length, total_mem_gb: Number((totalmem() / 2 ** 30).toFixed(1)), node_version: process.version, platform: `${process.platform}-${process.arch}`, tfjs_version: tf.version.tfjs },
    results,
  };
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'throughput.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(`Training throughput (batch ${BATCH}, ${out.machine.cpu_model}, ${out.machine.cores} cores, Node ${process.version})\n`);
  console.log('| model | backend | samples/s | ms/step | steps timed |');
  console.log('|---|---|---:|---:|---:|');
  for (const r of rows) console.log(r);
  console.log('\n| kernel (LeNet conv2, batch 64) | ms |');
  console.log('|---|---:|');
  for (const [k, v] of Object.entries(results)) if (k.startsWith('kernels.')) console.log(`| ${k.slice('kernels.'.length)} | ${v} |`);
  printSection(convSection);
  console.log(`\nWrote ${join(dir, 'throughput.json')}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
