/**
 * The perf bench's measurements: the machine's peaks (PyTorch's sgemm,
 * tfjs wasm's best matmul), the interleaved rounds on wasm (and our other
 * ways of using the cores, as extra arms) beside PyTorch on 1 and 2 threads,
 * and the slower backends (tfjs cpu) within a time budget.
 */
import * as tf from '@tensorflow/tfjs';
import { availableBackends } from '../../workers/engine/backend';
import { prepareBackend } from './runtime';
import { runTorchScript, type TorchInfo } from './pytorch';
import { buildWorkload, type Workload, type WorkloadId } from './perfWorkloads';
import { median } from './perfReport';

/** ms/step of each round, per engine key ('wasm', 'pytorch_1t', …) and workload. */
export type Timings = Map<string, Map<WorkloadId, number[]>>;

export function addTiming(t: Timings, engine: string, w: WorkloadId, ms: number): void {
  const byW = t.get(engine) ?? new Map<WorkloadId, number[]>();
  byW.set(w, [...(byW.get(w) ?? []), ms]);
  t.set(engine, byW);
}

export interface TorchPeak { sgemm_gflops: number; n: number; openblas: string; config: string[]; torch: string; threads: number }

/** Best GFLOP/s of PyTorch's sgemm (OpenBLAS) on each thread count, pinned as the rounds are. */
export function torchPeaks(torch: TorchInfo, script: string, threads: readonly number[]): TorchPeak[] {
  return threads.map((n) => runTorchScript<TorchPeak>(torch, script, ['--peak'], n));
}

/** tfjs wasm's best square matmul GFLOP/s over a few sizes (the one-thread ceiling our dense layers face). */
export async function wasmMatmulPeak(): Promise<{ gflops: number; size: number }> {
  await prepareBackend('wasm');
  let best = { gflops: 0, size: 0 };
  for (const n of [256, 512, 1024]) {
    const a = tf.randomUniform([n, n], 0, 1, 'float32', 1);
    const b = tf.randomUniform([n, n], 0, 1, 'float32', 2);
    const reps = n >= 1024 ? 3 : 10;
    for (let r = -1; r < reps; r++) {
      const t0 = performance.now();
      const c = tf.matMul(a, b);
      await c.data();
      const s = (performance.now() - t0) / 1000;
      c.dispose();
      if (r >= 0 && (2 * n ** 3) / s / 1e9 > best.gflops) best = { gflops: (2 * n ** 3) / s / 1e9, size: n };
    }
    tf.dispose([a, b]);
  }
  return best;
}

/** Mean ms of `steps` training steps. */
export async function timeRound(w: Pick<Workload, 'step'>, steps: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await w.step();
  return (performance.now() - t0) / steps;
}

export interface RoundOptions { workloads: readonly WorkloadId[]; rounds: number; steps: number; warmup: number }

interface TorchOut { ms: Record<string, number[]> }

/** Another way of running our workloads, timed once per round: the mean ms/step of each workload it runs this round. */
export interface RoundArm {
  engine: string;
  round(): Promise<Partial<Record<WorkloadId, number>>>;
}

/**
 * Rounds of (ours on wasm, our other arms, PyTorch 1 thread, PyTorch 2
 * threads …), so a slow patch of the shared machine hits every engine; a
 * PyTorch round is one process that builds, warms up and times every workload.
 */
export async function interleavedRounds(o: RoundOptions, torch: { info: TorchInfo; script: string; threads: readonly number[] } | undefined, t: Timings, arms: readonly RoundArm[] = []): Promise<void> {
  await prepareBackend('wasm');
  const built = o.workloads.map((id) => buildWorkload(id, 1));
  try {
    for (const w of built) for (let i = 0; i < o.warmup; i++) await w.step();
    const torchArgs = ['--workloads', o.workloads.join(','), '--steps', String(o.steps), '--warmup', String(o.warmup), ...built.flatMap((w) => w.torchArgs ?? [])];
    for (let r = 0; r < o.rounds; r++) {
      for (const w of built) addTiming(t, 'wasm', w.id, await timeRound(w, o.steps));
      for (const arm of arms) {
        const got = await arm.round();
        for (const id of o.workloads) { const ms = got[id]; if (ms !== undefined) addTiming(t, arm.engine, id, ms); }
      }
      for (const n of torch?.threads ?? []) {
        const out = runTorchScript<TorchOut>(torch!.info, torch!.script, torchArgs, n);
        for (const id of o.workloads) addTiming(t, `pytorch_${n}t`, id, median(out.ms[id] ?? [Number.NaN]));
      }
      const line = [...t].map(([e, byW]) => `${e} ${o.workloads.filter((id) => byW.has(id)).map((id) => `${id} ${byW.get(id)?.at(-1)?.toFixed(1)}`).join(' ')}`).join(' | ');
      console.error(`round ${r + 1}/${o.rounds} ms/step: ${line}`);
    }
  } finally {
    for (const w of built) w.dispose();
  }
}

/**
 * Every other available backend (tfjs cpu; tfjs-node where installed), one
 * workload at a time: a warm-up step, then single timed steps until
 * `budgetS` is spent (at most `maxSteps`, at least one). A workload whose
 * warm-up step alone overruns the budget is recorded as skipped, with why.
 */
export async function budgetedBackends(workloads: readonly WorkloadId[], budgetS: number, maxSteps: number, t: Timings, skipped: Map<string, string>): Promise<void> {
  for (const b of availableBackends().filter((x) => x.available && x.backend !== 'wasm')) {
    try {
      await prepareBackend(b.backend);
    } catch (e) {
      for (const id of workloads) skipped.set(`${id}.${b.backend}`, (e as Error).message);
      continue;
    }
    for (const id of workloads) {
      const w = buildWorkload(id, 1);
      try {
        const w0 = performance.now();
        await w.step();
        const warmS = (performance.now() - w0) / 1000;
        if (warmS > budgetS) { skipped.set(`${id}.${b.backend}`, `one warm-up step took ${warmS.toFixed(0)} s, over the ${budgetS} s budget (--cpu-budget)`); continue; }
        const t0 = performance.now();
        for (let s = 0; s < maxSteps && (s === 0 || (performance.now() - t0) / 1000 < budgetS); s++) addTiming(t, b.backend, id, await timeRound(w, 1));
      } finally {
        w.dispose();
      }
      console.error(`${b.backend} ${id}: ${t.get(b.backend)?.get(id)?.length ?? 0} steps timed`);
    }
  }
  await prepareBackend('wasm');
}
