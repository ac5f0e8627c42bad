/**
 * Issue 17, "use every core for one run": ms per training step of the MLP
 * classifier (784-128-10, the app's template, dropout included) and LeNet-5
 * with the data-parallel trainer (workers/engine/dataParallel) at N = 1
 * (the leader alone, the same code path) and N = 2 (leader + one replica
 * thread), beside the family's own step (classifier/step.ts trainStep, one
 * thread, no shared memory), on wasm with Adam lr 0.001. Inputs are seeded
 * random 28×28×1 images and labels (a speed test needs the shapes).
 *
 * The arms are interleaved in one process (family, N=1, N=2, family, …;
 * rounds of `steps` steps after a warm-up round); min and median of the
 * per-step mean of each round, ms. Not pinned: N=2 needs both cores. The
 * machine is shared with other agents, so the medians carry their noise.
 *
 * The process's CPU time per step (every thread's, median) is recorded too:
 * on a machine whose other core is busy (the kernel's autogroup scheduling
 * shares CPU between sessions, not threads) a second thread gets no extra
 * CPU, and the CPU figure then shows what sharding costs in work.
 *
 * Merges into bench/results/throughput.json: `dataparallel.<model>.wasm.<arm>.ms_per_step`
 * (wall, median), `.ms_per_step_min` and `.cpu_ms_per_step`, arm = family | n1 | n2;
 * <model> is `mlp` or `lenet` at batch 64, `mlp_b<B>` / `lenet_b<B>` at other batches.
 *
 *   npm run build:node && node dist/bench/dataParallelBench.js [--rounds 8] [--steps 3] [--batches 64,128,256,512]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { appRoot } from '../main/services/appInfo';
import { classifierTemplate } from '../workers/common/families/classifier/templates';
import { DataParallelTrainer } from '../workers/engine/dataParallel/coordinator';
import type { ReplicaSpec } from '../workers/engine/dataParallel/replica';
import { makeOptimizer } from '../workers/engine/optimizer';
import { buildClassifier } from '../workers/families/classifier/model';
import { trainStep } from '../workers/families/classifier/step';
import { machineInfo, prepareBackend } from './harness/runtime';

const IMAGE: [number, number, number] = [28, 28, 1];
const CLASSES = 10;
const MODELS = ['mlp', 'lenet'] as const;

function argString(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

interface Summary { min: number; median: number }

function summarise(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { min: Number(s[0]!.toFixed(3)), median: Number(median.toFixed(3)) };
}

/** Per-step wall ms and process CPU ms (every thread's) of each round of one arm. */
interface ArmSamples { wall: number[]; cpu: number[] }

/** Rounds of `steps` calls of each arm in turn (after one warm-up round). */
async function interleave(arms: Record<string, () => Promise<void>>, rounds: number, steps: number): Promise<Record<string, ArmSamples>> {
  const out: Record<string, ArmSamples> = Object.fromEntries(Object.keys(arms).map((k) => [k, { wall: [], cpu: [] }]));
  for (let r = -1; r < rounds; r++) {
    for (const [name, fn] of Object.entries(arms)) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let s = 0; s < steps; s++) await fn();
      const wall = (performance.now() - t0) / steps;
      const cpu = process.cpuUsage(cpu0);
      if (r >= 0) { out[name]!.wall.push(wall); out[name]!.cpu.push((cpu.user + cpu.system) / 1000 / steps); }
    }
  }
  return out;
}

interface ArmSummary { wall: Summary; cpu: Summary }

/** One model at one batch size: the three arms, interleaved. */
async function benchModel(model: (typeof MODELS)[number], batch: number, rounds: number, steps: number): Promise<Record<string, ArmSummary>> {
  const graph = classifierTemplate(model, IMAGE, CLASSES);
  const optimizer = { optimizer: 'adam', learningRate: 0.001, momentum: 0.9 } as const;
  const spec: ReplicaSpec = { graph, seed: 7, numClasses: CLASSES, optimizer, backend: 'wasm' };
  const inputs = tf.tidy(() => tf.randomUniform([batch, ...IMAGE], 0, 1, 'float32', 3).dataSync() as Float32Array);
  const labels = Int32Array.from({ length: batch }, (_, j) => (j * 7) % CLASSES);
  const cm = buildClassifier(graph, IMAGE, CLASSES, 7);
  const opt = makeOptimizer(optimizer);
  const xs = tf.tensor(inputs, [batch, ...IMAGE]);
  const labelsT = tf.tensor1d(labels, 'int32');
  const ys = tf.tidy(() => tf.cast(tf.oneHot(labelsT, CLASSES), 'float32') as tf.Tensor2D);
  const n1 = await DataParallelTrainer.start(spec, { replicas: 1, maxBatch: batch });
  const n2 = await DataParallelTrainer.start(spec, { replicas: 2, maxBatch: batch });
  try {
    const samples = await interleave({
      family: async () => { await trainStep(cm, opt, { xs, ys, labels: labelsT }); },
      n1: async () => { await n1.step(inputs, labels, batch); },
      n2: async () => { await n2.step(inputs, labels, batch); },
    }, rounds, steps);
    if ((await n2.verifyReplicas()) !== 0) throw new Error('The N=2 replicas diverged during the bench');
    return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, { wall: summarise(v.wall), cpu: summarise(v.cpu) }]));
  } finally {
    await n1.dispose();
    await n2.dispose();
    cm.model.dispose();
    opt.dispose();
    tf.dispose([xs, labelsT, ys]);
  }
}

function mergeInto(file: string, results: Record<string, number>, description: string): void {
  const existing = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as { results?: Record<string, unknown> } : {};
  const merged = { ...existing, results: { ...(existing.results ?? {}), ...results }, dataparallel: { description, date: new Date().toISOString(), machine: machineInfo() } };
  writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
}

async function main(): Promise<void> {
  const backend = await prepareBackend('wasm');
  const rounds = Number(argString('rounds', '8'));
  const steps = Number(argString('steps', '3'));
  const batches = argString('batches', '64,128,256,512').split(',').map(Number);
  const results: Record<string, number> = {};
  for (const model of MODELS) {
    for (const batch of batches) {
      const arms = await benchModel(model, batch, rounds, steps);
      const id = batch === 64 ? model : `${model}_b${batch}`;
      for (const [arm, s] of Object.entries(arms)) {
        results[`dataparallel.${id}.${backend}.${arm}.ms_per_step`] = s.wall.median;
        results[`dataparallel.${id}.${backend}.${arm}.ms_per_step_min`] = s.wall.min;
        results[`dataparallel.${id}.${backend}.${arm}.cpu_ms_per_step`] = s.cpu.median;
      }
      const line = Object.entries(arms).map(([arm, s]) => `${arm} ${s.wall.min}/${s.wall.median} (cpu ${s.cpu.median})`).join('  ');
      console.log(`${id}: ${line} ms per step, wall min/median (process CPU median)`);
    }
  }
  const description = `dataparallel.*: one classifier training step (Adam lr 0.001, seeded random 28×28×1 inputs) on ${backend}: the family's own step (family), the data-parallel trainer with the leader alone (n1) and with one replica thread (n2), interleaved in one process (${rounds} rounds of ${steps} steps per arm after a warm-up round); ms_per_step = median, ms_per_step_min = min of the per-step wall-clock mean of each round, cpu_ms_per_step = median process CPU time (all threads) per step; not pinned (n2 uses both cores); shared 2-core machine. mlp = the MLP template 784-128-10 with dropout 0.2, lenet = LeNet-5; batch 64 unless the id says _b<B>.`;
  mergeInto(join(appRoot, 'bench', 'results', 'throughput.json'), results, description);
}

void main();
