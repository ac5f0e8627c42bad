/**
 * The reference performance benchmark (issue 17): the seven reference training
 * workloads (bench/harness/perfWorkloads.ts — MLP, LeNet-5, AE mlp, VAE mlp,
 * deep AE, DCGAN step, char-LSTM; batch 64, Adam, the app's own builders) timed on tfjs
 * wasm with the project's kernels in interleaved rounds beside their PyTorch
 * twins (bench/harness/perfTorch.py) on 1 and 2 threads, pinned with taskset
 * and OMP_WAIT_POLICY=PASSIVE (bench/harness/pytorch.ts). Our ways of using
 * the same n cores are arms of the same rounds: `wasm` (one thread, in this
 * process), `wasm_dp<n>` (MLP and LeNet on the data-parallel trainer, n
 * replicas, perfDataParallelArm.ts) and `wasm_<n>t` (XNNPACK's pool at n
 * threads, a child process per round, perfThreadedArm.ts); then on every other
 * available backend (tfjs cpu) within a time budget. FLOPs per step are
 * counted from the layers (perfFlops.ts); the peak is PyTorch's best sgemm on
 * the cores the bench uses (else tfjs wasm's best matmul). Each wasm arm's
 * ceiling is the step's FLOPs at wasm's best matmul on its threads. Writes
 * bench/results/perf.json and prints the README's table.
 *
 *   npm run build:node && node dist/bench/perf.js [--workloads mlp,lenet,…] [--rounds 5] [--steps 20] [--warmup 3] [--cpu-budget 20] [--fresh]
 *
 * A run of some workloads merges into the saved bench/results/perf.json: its workloads' keys
 * replace theirs, the other workloads' and the saved peak stay (this run's
 * options and peaks are listed under partialRuns); a run of every workload,
 * or --fresh, starts a new file.
 *   node dist/bench/perf.js --table      # the README table from bench/results/perf.json
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { appRoot } from '../main/services/appInfo';
import { findTorch } from './harness/pytorch';
import { machineInfo } from './harness/runtime';
import { dataParallelRoundArm } from './harness/perfDataParallelArm';
import { budgetedBackends, interleavedRounds, torchPeaks, wasmMatmulPeak, type RoundArm, type RoundOptions, type Timings } from './harness/perfMeasure';
import { armsOf, bestOursKeys, ceilingKeys, engineKeys, mergeWorkloadResults, perfTable, ratioKeys, TORCH_ENGINES, type Results } from './harness/perfReport';
import { threadedChild, threadedRoundArm } from './harness/perfThreadedArm';
import { buildWorkload, WORKLOAD_IDS, WORKLOAD_LABELS, type WorkloadId } from './harness/perfWorkloads';
import { prepareBackend } from './harness/runtime';

const RESULTS = join(appRoot, 'bench', 'results', 'perf.json');
const SCRIPT = join(appRoot, 'bench', 'harness', 'perfTorch.py');
const OTHER_BACKENDS = ['cpu', 'tensorflow', 'tensorflow-gpu'] as const;
/** Our arms on `n` cores (n = 1: the single-thread wasm arm alone). */
const ourArms = (n: number): string[] => ['wasm', ...(n > 1 ? [`wasm_${n}t`, `wasm_dp${n}`] : []), ...OTHER_BACKENDS];

function options() {
  const { values } = parseArgs({ options: {
    workloads: { type: 'string', default: WORKLOAD_IDS.join(',') }, rounds: { type: 'string', default: '5' }, steps: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' }, 'cpu-budget': { type: 'string', default: '20' }, table: { type: 'boolean', default: false }, fresh: { type: 'boolean', default: false },
    child: { type: 'boolean', default: false },
  } });
  const workloads = values.workloads.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = workloads.filter((w) => !(WORKLOAD_IDS as readonly string[]).includes(w));
  if (unknown.length) throw new Error(`Unknown workload(s) ${unknown.join(', ')}; choose from ${WORKLOAD_IDS.join(', ')}`);
  return { workloads: workloads as WorkloadId[], rounds: Number(values.rounds), steps: Number(values.steps), warmup: Number(values.warmup), cpuBudgetS: Number(values['cpu-budget']), table: values.table, fresh: values.fresh, child: values.child };
}

/** PyTorch's peaks and OpenBLAS configuration, or why PyTorch is not measured. */
function torchSide(threads: readonly number[], results: Results): { info: ReturnType<typeof findTorch>; peak: number } {
  const info = findTorch();
  if ('error' in info) { results['perf.pytorch.skipped'] = info.error; return { info, peak: 0 }; }
  const peaks = torchPeaks(info, SCRIPT, threads);
  results['perf.pytorch.version'] = info.version;
  results['perf.pytorch.openblas'] = peaks[0]!.openblas;
  results['perf.pytorch.config'] = peaks[0]!.config.join('; ');
  for (const p of peaks) results[`perf.peak.sgemm_${p.threads}t_gflops`] = Number(p.sgemm_gflops.toFixed(1));
  // The cores' peak: the best measured all-thread sgemm, or the 1-thread one times the thread count if that is higher (a shared machine's 2-thread run loses cycles to other processes).
  const peak = Math.max(...peaks.map((p) => p.sgemm_gflops), peaks[0]!.sgemm_gflops * Math.max(...threads));
  return { info, peak };
}

function derive(timings: Timings, skipped: Map<string, string>, workloads: readonly WorkloadId[], peak: number, arms: readonly string[], results: Results): void {
  for (const id of workloads) {
    const w = buildFacts(id);
    results[`perf.${id}.gflop_per_step`] = Number((w.flopsPerStep / 1e9).toPrecision(4));
    for (const [engine, byW] of timings) {
      const perRound = byW.get(id);
      if (perRound) Object.assign(results, engineKeys(`perf.${id}.${engine}`, perRound, w, peak));
    }
    Object.assign(results, ratioKeys(results, id, arms));
  }
  for (const [k, why] of skipped) results[`perf.${k}.skipped`] = why;
}

/** FLOPs and samples of a workload (built on the active backend and disposed at once). */
function buildFacts(id: WorkloadId): { flopsPerStep: number; samplesPerStep: number } {
  const w = buildWorkload(id, 1);
  const facts = { flopsPerStep: w.flopsPerStep, samplesPerStep: w.samplesPerStep };
  w.dispose();
  return facts;
}

interface RunOptions { workloads: WorkloadId[]; rounds: number; steps: number; warmup: number; cpuBudgetS: number }
interface SavedPerf { results: Results; options: RunOptions; partialRuns?: unknown[]; [k: string]: unknown }

/** The saved file with this run merged in: every workload's rows kept, this run's described under partialRuns. */
function mergedOutput(saved: SavedPerf, results: Results, run: RunOptions, description: string): SavedPerf {
  const merged = mergeWorkloadResults(saved.results, results, run.workloads);
  const workloads = WORKLOAD_IDS.filter((id) => saved.options.workloads.includes(id) || run.workloads.includes(id));
  const partial = { date: new Date().toISOString(), machine: machineInfo(), options: run, description, ownPeaks: merged.partialPeaks };
  return { ...saved, options: { ...saved.options, workloads }, results: merged.results, partialRuns: [...(saved.partialRuns ?? []), partial] };
}

/**
 * The results with every workload's best arm and ceilings derived from its
 * keys (pure over the file: a file saved before these keys existed shows
 * them too).
 */
function withSummaries(results: Results, workloads: readonly WorkloadId[], arms: readonly string[]): Results {
  const out = { ...results };
  for (const id of workloads) Object.assign(out, bestOursKeys(out, id, arms), ceilingKeys(out, id));
  return out;
}

function printTable(results: Results, workloads: readonly WorkloadId[]): void {
  console.log(perfTable(results, workloads.map((id) => ({ id, label: WORKLOAD_LABELS[id] })), armsOf(results)).join('\n'));
}

/**
 * The interleaved rounds with our n-core arms beside the one-thread wasm arm
 * (none when n = 1); records the n-thread wasm matmul peak the children measured.
 */
async function timedRounds(o: RoundOptions, torch: ReturnType<typeof torchSide>, n: number, timings: Timings, skipped: Map<string, string>, results: Results): Promise<void> {
  const threaded = n > 1 ? threadedRoundArm(__filename, o, n) : undefined;
  const dp = n > 1 ? await dataParallelRoundArm(o, n) : undefined;
  const arms: RoundArm[] = [...(dp ? [dp.arm] : []), ...(threaded ? [threaded.arm] : [])];
  try {
    await interleavedRounds(o, 'error' in torch.info ? undefined : { info: torch.info, script: SCRIPT, threads: [...new Set([1, n])] }, timings, arms);
  } finally {
    await dp?.close();
  }
  const why = threaded?.skipped();
  if (why) for (const id of o.workloads) if (!timings.get(`wasm_${n}t`)?.has(id)) skipped.set(`${id}.wasm_${n}t`, why);
  const peak = threaded?.peak();
  if (peak) {
    results[`perf.peak.wasm_matmul_${n}t_gflops`] = Number(peak.gflops.toFixed(1));
    results[`perf.peak.wasm_matmul_${n}t_size`] = peak.size;
  }
}

async function main(): Promise<void> {
  const o = options();
  if (o.child) { await threadedChild(o); return; }
  if (o.table) {
    const saved = JSON.parse(readFileSync(RESULTS, 'utf8')) as { results: Results; options: { workloads: WorkloadId[] } };
    printTable(withSummaries(saved.results, saved.options.workloads, armsOf(saved.results)), saved.options.workloads);
    return;
  }
  const everyWorkload = WORKLOAD_IDS.every((id) => o.workloads.includes(id));
  const saved = o.fresh || everyWorkload || !existsSync(RESULTS) ? undefined : JSON.parse(readFileSync(RESULTS, 'utf8')) as SavedPerf;
  const results: Results = {};
  const n = Math.min(2, cpus().length);
  const threads = [...new Set([1, n])];
  const torch = torchSide(threads, results);
  await prepareBackend('wasm');
  const wasmPeak = await wasmMatmulPeak();
  results['perf.peak.wasm_matmul_gflops'] = Number(wasmPeak.gflops.toFixed(1));
  results['perf.peak.wasm_matmul_size'] = wasmPeak.size;
  const measuredPeak = torch.peak > 0 ? torch.peak : wasmPeak.gflops;
  results['perf.peak.gflops'] = Number(measuredPeak.toFixed(1));
  results['perf.peak.source'] = torch.peak > 0 ? `PyTorch sgemm ${threads.join('/')} threads (best, or 1-thread × ${Math.max(...threads)})` : 'tfjs wasm matmul (PyTorch unavailable)';
  // Merged into saved results, the new rows' fraction of peak uses the saved peak, so the table's column stays one scale.
  const savedPeak = saved?.results['perf.peak.gflops'];
  const peak = typeof savedPeak === 'number' ? savedPeak : measuredPeak;
  const timings: Timings = new Map();
  const skipped = new Map<string, string>();
  await timedRounds(o, torch, n, timings, skipped, results);
  await budgetedBackends(o.workloads, o.cpuBudgetS, o.steps, timings, skipped);
  derive(timings, skipped, o.workloads, peak, ourArms(n), results);
  const runOptions = { workloads: o.workloads, rounds: o.rounds, steps: o.steps, warmup: o.warmup, cpuBudgetS: o.cpuBudgetS };
  const description = `Training steps (batch 64, Adam) of the reference workloads: ms_per_step = median over ${o.rounds} interleaved rounds (${[...ourArms(n).slice(0, n > 1 ? 3 : 1), ...TORCH_ENGINES].join(', ')}) of each round's mean over ${o.steps} steps after ${o.warmup} warm-up steps; cpu and native backends: single steps within ${o.cpuBudgetS} s per workload. GFLOP/s from counted dense/conv/LSTM FLOPs (forward + weight and input gradients); fraction_of_peak against perf.peak.gflops; ratio_to_pytorch = best PyTorch median / ours (above 1: faster). Arms: wasm = one thread in the bench process; wasm_${n}t = XNNPACK's pool at ${n} threads, one child process per round (LATENT_WASM_THREADS=${n}); wasm_dp${n} = MLP and LeNet on the data-parallel trainer with ${n} replicas; best_ours = our fastest arm by median. <arm>.ceiling_ms = FLOPs per step / wasm's best square matmul on that arm's threads (perf.peak.wasm_matmul_gflops, perf.peak.wasm_matmul_${n}t_gflops); ceiling_ratio_to_pytorch = best PyTorch ms / the lowest ceiling. PyTorch pinned with taskset, OMP_WAIT_POLICY=PASSIVE, OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset; ours unpinned. Shared machine: other processes ran beside it.`;
  const out = saved ? mergedOutput(saved, results, runOptions, description) : {
    benchmark: 'perf', description, date: new Date().toISOString(), machine: machineInfo(), options: runOptions, results,
  };
  // Merged into saved results, the saved wasm peaks stay the ceilings' scale, as the saved peak stays the fraction's.
  out.results = withSummaries(out.results, out.options.workloads, ourArms(n));
  mkdirSync(join(appRoot, 'bench', 'results'), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(out, null, 2)}\n`);
  printTable(out.results, out.options.workloads);
  console.log(`\nPeak ${results['perf.peak.gflops']} GFLOP/s (${results['perf.peak.source']}); wasm matmul ${results['perf.peak.wasm_matmul_gflops']} GFLOP/s. Wrote ${RESULTS}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
