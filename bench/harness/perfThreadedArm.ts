/**
 * The perf bench's `wasm_<n>t` arm: the same workloads on tfjs wasm with
 * XNNPACK's pool at n threads. The backend initialises once per process, so
 * each round of this arm is a child process (wasmThreadChild.ts) that builds
 * the workloads, warms them up, times `steps` steps of each (the round's mean
 * ms per step, as the in-process arm does) and measures wasm's best matmul at
 * n threads (the n-thread ceiling). One child per round, as PyTorch's rounds
 * are one process each, so the rounds stay interleaved.
 */
import { wasmThreadsInUse } from '../../workers/engine/wasmThreads';
import { timeRound, wasmMatmulPeak, type RoundArm, type RoundOptions } from './perfMeasure';
import { buildWorkload } from './perfWorkloads';
import { prepareBackend } from './runtime';
import { runWasmChild } from './wasmThreadChild';

export interface ThreadedRound {
  /** XNNPACK's pool size in the child (1 when the threaded build could not start). */
  threads: number;
  /** Why the child has fewer threads than asked, if it has. */
  fallback?: string;
  /** Mean ms per step of this round, per workload. */
  ms: Record<string, number>;
  /** wasm's best square matmul at this pool size. */
  matmul: { gflops: number; size: number };
}

/** The child's side: build, warm up and time every workload, then print one JSON line. */
export async function threadedChild(o: RoundOptions): Promise<void> {
  await prepareBackend('wasm');
  const inUse = wasmThreadsInUse();
  const out: ThreadedRound = { threads: inUse?.threads ?? 1, ...(inUse?.fallback ? { fallback: inUse.fallback } : {}), ms: {}, matmul: await wasmMatmulPeak() };
  for (const id of o.workloads) {
    const w = buildWorkload(id, 1);
    try {
      for (let i = 0; i < o.warmup; i++) await w.step();
      out.ms[id] = await timeRound(w, o.steps);
    } finally {
      w.dispose();
    }
  }
  console.log(JSON.stringify(out));
}

/** One round of the arm: `script --child` (the built perf.js) at `threads` XNNPACK threads. */
export function threadedRound(script: string, o: RoundOptions, threads: number): ThreadedRound {
  const argv = ['--workloads', o.workloads.join(','), '--steps', String(o.steps), '--warmup', String(o.warmup)];
  const out = runWasmChild<ThreadedRound>(script, argv, threads);
  if (out.threads !== threads) throw new Error(`Asked for ${threads} XNNPACK threads, the child ran ${out.threads}${out.fallback ? `: ${out.fallback}` : ''}`);
  return out;
}

/**
 * The arm `wasm_<threads>t` for the interleaved rounds, keeping the best
 * n-thread matmul any of its children measured. A child that fails (no
 * threaded build here, a crash) ends the arm, not the bench: `skipped()` says
 * why, for the result file.
 */
export function threadedRoundArm(script: string, o: RoundOptions, threads: number): { arm: RoundArm; peak(): ThreadedRound['matmul'] | undefined; skipped(): string | undefined } {
  let best: ThreadedRound['matmul'] | undefined;
  let failure: string | undefined;
  const arm: RoundArm = {
    engine: `wasm_${threads}t`,
    round: () => {
      if (failure) return Promise.resolve({});
      try {
        const out = threadedRound(script, o, threads);
        if (!best || out.matmul.gflops > best.gflops) best = out.matmul;
        return Promise.resolve(out.ms);
      } catch (e) {
        failure = `the ${threads}-thread child failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
        console.error(failure);
        return Promise.resolve({});
      }
    },
  };
  return { arm, peak: () => best, skipped: () => failure };
}
