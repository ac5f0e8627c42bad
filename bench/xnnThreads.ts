/**
 * Issue 17, "use every core for one run": XNNPACK's own thread pool
 * (workers/engine/wasmThreads.ts, LATENT_WASM_THREADS) against today's single
 * thread, on tfjs's wasm backend.
 *
 * tfjs initialises its wasm backend once per process, so each arm is a child
 * process: rounds alternate threads 1, 2, 1, 2 … (A, B, A, B), each child
 * building the perf workloads (bench/harness/perfWorkloads.ts, Adam, batch
 * 64), warming up, then timing `steps` steps per workload (mean ms per step of
 * the round = one sample) and a [512,1024]×[1024,1024] matmul (`calls` calls,
 * GFLOP/s, with process CPU ÷ wall: above 1 only if two threads really ran at
 * once). Min and median over rounds. Not pinned (the second thread needs the
 * second core); the machine may be shared with other processes, whose load
 * the medians carry.
 *
 * The threaded build's memory is shared; the fused Adam and one-pass column
 * sums (simdKernels.ts) run there through their `shared` variant. Each child
 * records whether they ran (`simd_kernels`), so a silent fallback shows.
 *
 * Merges into bench/results/throughput.json:
 *   xnn_threads.<workload>.wasm.threads_<n>.ms_per_step (median), .ms_per_step_min, .cpu_ms_per_step (median)
 *   xnn_threads.matmul_512x1024x1024.wasm.threads_<n>.gflops (median), .gflops_max, .cpu_per_wall (median)
 *
 *   npm run build:node && node dist/bench/xnnThreads.js [--rounds 4] [--steps 5] [--warmup 2] [--calls 50] [--workloads lenet,deep_ae,dcgan]
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { appRoot } from '../main/services/appInfo';
import { adamKernelFor } from '../workers/engine/simdKernels';
import { wasmThreadsInUse } from '../workers/engine/wasmThreads';
import { buildWorkload, WORKLOAD_IDS, type WorkloadId } from './harness/perfWorkloads';
import { mergeResults, minMedian } from './harness/mergeResults';
import { prepareBackend } from './harness/runtime';
import { runWasmChild } from './harness/wasmThreadChild';

const ARMS = [1, 2] as const;

interface Options { rounds: number; steps: number; warmup: number; calls: number; workloads: WorkloadId[] }

interface ChildOut {
  threads: number;
  fallback?: string;
  simd_kernels: boolean;
  gflops: number;
  cpu_per_wall: number;
  ms: Record<string, number>;
  cpu_ms: Record<string, number>;
}

function parseOptions(argv: readonly string[]): Options {
  const get = (name: string, dflt: string): string => { const i = argv.indexOf(`--${name}`); return i >= 0 ? (argv[i + 1] ?? dflt) : dflt; };
  const workloads = get('workloads', 'lenet,deep_ae,dcgan').split(',');
  const unknown = workloads.filter((w) => !(WORKLOAD_IDS as readonly string[]).includes(w));
  if (unknown.length) throw new Error(`unknown workload(s) ${unknown.join(', ')}; known: ${WORKLOAD_IDS.join(', ')}`);
  return { rounds: Number(get('rounds', '4')), steps: Number(get('steps', '5')), warmup: Number(get('warmup', '2')), calls: Number(get('calls', '50')), workloads: workloads as WorkloadId[] };
}

const cpuMs = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

/** GFLOP/s and CPU ÷ wall of `calls` [512,1024]×[1024,1024] matmuls (after 3 untimed ones). */
async function matmul(calls: number): Promise<{ gflops: number; cpu_per_wall: number }> {
  const a = tf.randomUniform([512, 1024], 0, 1, 'float32', 1);
  const b = tf.randomUniform([1024, 1024], 0, 1, 'float32', 2);
  for (let i = 0; i < 3; i++) { const c = tf.matMul(a, b); await c.data(); c.dispose(); }
  const [t0, c0] = [performance.now(), cpuMs()];
  for (let i = 0; i < calls; i++) { const c = tf.matMul(a, b); await c.data(); c.dispose(); }
  const wall = performance.now() - t0;
  const cpu = cpuMs() - c0;
  tf.dispose([a, b]);
  return { gflops: (calls * 2 * 512 * 1024 * 1024) / (wall / 1000) / 1e9, cpu_per_wall: cpu / wall };
}

async function child(o: Options): Promise<void> {
  await prepareBackend('wasm');
  const inUse = wasmThreadsInUse();
  const backend: unknown = tf.backend();
  const wasmModule: unknown = Reflect.get(Object(backend), 'wasm');
  const out: ChildOut = {
    threads: inUse?.threads ?? 1, simd_kernels: typeof wasmModule === 'object' && wasmModule !== null && adamKernelFor(wasmModule) !== null,
    ...(inUse?.fallback ? { fallback: inUse.fallback } : {}), ...(await matmul(o.calls)), ms: {}, cpu_ms: {},
  };
  for (const id of o.workloads) {
    const w = buildWorkload(id, 1);
    try {
      for (let i = 0; i < o.warmup; i++) await w.step();
      const [t0, c0] = [performance.now(), cpuMs()];
      for (let i = 0; i < o.steps; i++) await w.step();
      out.ms[id] = (performance.now() - t0) / o.steps;
      out.cpu_ms[id] = (cpuMs() - c0) / o.steps;
    } finally {
      w.dispose();
    }
  }
  console.log(JSON.stringify(out));
}

function record(o: Options, samples: Map<number, ChildOut[]>): Record<string, number | string> {
  const results: Record<string, number | string> = {};
  for (const [n, outs] of samples) {
    const arm = `threads_${n}`;
    const mm = `xnn_threads.matmul_512x1024x1024.wasm.${arm}`;
    const g = minMedian(outs.map((x) => x.gflops), 2);
    results[`${mm}.gflops`] = g.median;
    results[`${mm}.gflops_max`] = Number(Math.max(...outs.map((x) => x.gflops)).toFixed(2));
    results[`${mm}.cpu_per_wall`] = minMedian(outs.map((x) => x.cpu_per_wall), 2).median;
    results[`xnn_threads.${arm}.pool_threads`] = outs[0]?.threads ?? 1;
    results[`xnn_threads.${arm}.simd_kernels`] = String(outs[0]?.simd_kernels ?? false);
    for (const id of o.workloads) {
      const s = minMedian(outs.map((x) => x.ms[id] ?? Number.NaN));
      results[`xnn_threads.${id}.wasm.${arm}.ms_per_step`] = s.median;
      results[`xnn_threads.${id}.wasm.${arm}.ms_per_step_min`] = s.min;
      results[`xnn_threads.${id}.wasm.${arm}.cpu_ms_per_step`] = minMedian(outs.map((x) => x.cpu_ms[id] ?? Number.NaN)).median;
    }
  }
  return results;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const o = parseOptions(argv);
  if (argv.includes('--child')) { await child(o); return; }
  const samples = new Map<number, ChildOut[]>(ARMS.map((n) => [n, []]));
  for (let r = 0; r < o.rounds; r++) {
    for (const n of ARMS) {
      const out = runWasmChild<ChildOut>(__filename, argv, n);
      if (out.threads !== n) throw new Error(`asked for ${n} XNNPACK thread(s), got ${out.threads}${out.fallback ? `: ${out.fallback}` : ''}`);
      samples.get(n)?.push(out);
      console.error(`round ${r + 1}/${o.rounds} threads ${n}: matmul ${out.gflops.toFixed(1)} GFLOP/s (cpu/wall ${out.cpu_per_wall.toFixed(2)}) ${o.workloads.map((id) => `${id} ${out.ms[id]?.toFixed(1)} ms`).join(' ')}`);
    }
  }
  const results = record(o, samples);
  const description = `XNNPACK thread pool (LATENT_WASM_THREADS) 1 vs 2 threads, child processes alternating per round; ${o.rounds} rounds × ${o.steps} steps (warm-up ${o.warmup}), matmul ${o.calls} calls; min/median over rounds; machine possibly shared`;
  mergeResults(join(appRoot, 'bench', 'results', 'throughput.json'), 'xnn_threads', results, description);
  console.log(JSON.stringify(results, null, 2));
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
