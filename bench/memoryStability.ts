/**
 * Memory stability of the reference workloads (issue 17: "tensor count and
 * process memory stable over 10,000 steps of each workload"). Each workload
 * of bench/harness/perfWorkloads.ts (the app's templates and train steps,
 * batch 64, Adam, wasm with the project's kernels) trains `--steps` steps
 * after `--warmup` warm-up steps, in its own turn, sampling tf.memory(), the
 * wasm heap and the process's RSS / V8 heap every `--every` steps
 * (bench/harness/memoryTrace.ts; a V8 collection before each sample).
 * Writes bench/results/memory.json: per workload the tensor-count drift, the
 * wasm heap at start/end, RSS start/end/max and its least-squares slope per
 * 1,000 steps (± standard error).
 *
 * DCGAN runs `--dcgan-steps` (default 1,000): one step is ~0.55 s here, so
 * 10,000 would take about 1.5 hours alone; 1,000 steps is ~200,000 kernel
 * calls, enough to show a per-step leak of even one small tensor.
 *
 *   npm run build:node && node --expose-gc dist/bench/memoryStability.js [--workloads mlp,lenet,…] [--steps 10000] [--dcgan-steps 1000] [--every 100] [--warmup 20]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { appRoot } from '../main/services/appInfo';
import { summariseTrace, traceMemory, type TraceSummary } from './harness/memoryTrace';
import { buildWorkload, WORKLOAD_IDS, WORKLOAD_LABELS, type WorkloadId } from './harness/perfWorkloads';
import { machineInfo, prepareBackend } from './harness/runtime';

const RESULTS = join(appRoot, 'bench', 'results', 'memory.json');

function options() {
  const { values } = parseArgs({ options: {
    workloads: { type: 'string', default: WORKLOAD_IDS.join(',') }, steps: { type: 'string', default: '10000' },
    'dcgan-steps': { type: 'string', default: '1000' }, every: { type: 'string', default: '100' }, warmup: { type: 'string', default: '20' },
  } });
  const workloads = values.workloads.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = workloads.filter((w) => !(WORKLOAD_IDS as readonly string[]).includes(w));
  if (unknown.length) throw new Error(`Unknown workload(s) ${unknown.join(', ')}; choose from ${WORKLOAD_IDS.join(', ')}`);
  return { workloads: workloads as WorkloadId[], steps: Number(values.steps), dcganSteps: Number(values['dcgan-steps']), every: Number(values.every), warmup: Number(values.warmup) };
}

type Results = Record<string, number | string>;

/** The memory.<workload>.wasm.* keys of one trace. */
function keys(id: WorkloadId, s: TraceSummary, msPerStep: number): Results {
  const p = `memory.${id}.wasm`;
  return {
    [`${p}.steps`]: s.steps, [`${p}.samples`]: s.samples, [`${p}.ms_per_step`]: Number(msPerStep.toFixed(2)),
    [`${p}.tensors_drift`]: s.tensorsDrift, [`${p}.tensor_bytes_drift`]: s.tensorBytesDrift,
    [`${p}.wasm_heap_mb_start`]: s.wasmHeapMbStart, [`${p}.wasm_heap_mb_end`]: s.wasmHeapMbEnd, [`${p}.wasm_heap_last_growth_step`]: s.wasmHeapLastGrowthStep,
    [`${p}.rss_mb_start`]: s.rssMbStart, [`${p}.rss_mb_end`]: s.rssMbEnd, [`${p}.rss_mb_max`]: s.rssMbMax,
    [`${p}.rss_mb_rise_after_warmup`]: s.rssMbRise,
    [`${p}.rss_slope_mb_per_1k_steps`]: s.rssSlopeMbPer1kSteps, [`${p}.rss_slope_mb_per_1k_steps_se`]: s.rssSlopeMbPer1kStepsSe,
    [`${p}.v8_heap_slope_mb_per_1k_steps`]: s.v8HeapSlopeMbPer1kSteps, [`${p}.v8_heap_slope_mb_per_1k_steps_se`]: s.v8HeapSlopeMbPer1kStepsSe,
  };
}

/** Earlier results of workloads not rerun now are kept (a reduced run of two workloads leaves the others' keys). */
function previous(): Results {
  if (!existsSync(RESULTS)) return {};
  return (JSON.parse(readFileSync(RESULTS, 'utf8')) as { results?: Results }).results ?? {};
}

async function main(): Promise<void> {
  const o = options();
  if (typeof Reflect.get(globalThis, 'gc') !== 'function') console.error('Run with node --expose-gc for V8 heap figures without garbage.');
  await prepareBackend('wasm');
  const results: Results = previous();
  for (const id of o.workloads) {
    const steps = id === 'dcgan' ? o.dcganSteps : o.steps;
    const every = Math.max(1, Math.min(o.every, Math.floor(steps / 20)));
    const w = buildWorkload(id, 1);
    const t0 = performance.now();
    const samples = await traceMemory(() => w.step(), { warmup: o.warmup, steps, every }, (s) => {
      if (s.step % (every * 10) === 0) console.error(`${id} step ${s.step}: ${s.tensors} tensors, RSS ${(s.rssBytes / 2 ** 20).toFixed(1)} MB, wasm heap ${(s.wasmHeapBytes / 2 ** 20).toFixed(1)} MB`);
    });
    const msPerStep = (performance.now() - t0) / (steps + o.warmup);
    w.dispose();
    const s = summariseTrace(samples);
    Object.assign(results, keys(id, s, msPerStep));
    console.log(`${WORKLOAD_LABELS[id]}: ${steps} steps, tensors drift ${s.tensorsDrift}, wasm heap ${s.wasmHeapMbStart} → ${s.wasmHeapMbEnd} MB, RSS ${s.rssMbStart} → ${s.rssMbEnd} MB (max ${s.rssMbMax}), slope ${s.rssSlopeMbPer1kSteps} ± ${s.rssSlopeMbPer1kStepsSe} MB per 1,000 steps`);
  }
  const out = {
    benchmark: 'memory',
    description: 'Reference workloads (batch 64, Adam, wasm with the project\'s kernels), each trained in turn in one process after a warm-up; sampled every K steps after a V8 collection: tf.memory() tensors and bytes, the wasm heap (linear memory, never shrinks), process RSS and V8 heap used. tensors_drift = max count after warm-up − count at warm-up; rss_slope = least-squares slope of RSS on step (± standard error), MB per 1,000 steps; rss_mb_rise_after_warmup = max − first sample. RSS includes the earlier workloads\' freed-but-kept memory. Shared machine.',
    date: new Date().toISOString(), machine: machineInfo(), last_run_options: o, results,
  };
  mkdirSync(join(appRoot, 'bench', 'results'), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`Wrote ${RESULTS}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
