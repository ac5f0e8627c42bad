/**
 * The perf bench's result keys from its raw timings, and the README's
 * "Training speed against PyTorch" table from those keys. Pure: the keys are
 * what old result files and the table generator agree on.
 *
 * perf.<workload>.<engine>.ms_per_step is the median over rounds of each
 * round's mean step time, ms_per_step_min the fastest round; GFLOP/s and the
 * fraction of peak use the median; ratio_to_pytorch is the best PyTorch
 * median (1 or 2 threads, on the cores this machine has) over ours, so above
 * 1 means faster than PyTorch.
 *
 * Arms: `wasm` is one thread in the bench process; `wasm_<n>t` the same
 * workloads with XNNPACK's pool at n threads; `wasm_dp<n>` the classifier
 * workloads on the data-parallel trainer with n replicas; `cpu` and native
 * backends as measured. best_ours is our fastest arm by median. The ceiling
 * (`<arm>.ceiling_ms`) is the step's FLOPs at wasm's best measured matmul
 * speed on that many threads: what every FLOP at matmul speed would give.
 */
export type Results = Record<string, number | string>;

export const TORCH_ENGINES = ['pytorch_1t', 'pytorch_2t'] as const;

const round = (v: number, digits: number): number => Number(v.toPrecision(digits));

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface WorkloadFacts { flopsPerStep: number; samplesPerStep: number }

/** One engine's keys for one workload, from its per-round ms/step; peakGflops ≤ 0 leaves the fraction out. */
export function engineKeys(prefix: string, perRound: readonly number[], w: WorkloadFacts, peakGflops: number): Results {
  const ms = median(perRound);
  const gflops = w.flopsPerStep / ms / 1e6;
  const out: Results = {
    [`${prefix}.ms_per_step`]: round(ms, 4),
    [`${prefix}.ms_per_step_min`]: round(Math.min(...perRound), 4),
    [`${prefix}.rounds`]: perRound.length,
    [`${prefix}.samples_per_s`]: round((w.samplesPerStep * 1000) / ms, 4),
    [`${prefix}.gflops`]: round(gflops, 3),
  };
  if (peakGflops > 0) out[`${prefix}.fraction_of_peak`] = round(gflops / peakGflops, 3);
  return out;
}

/** The best (lowest) PyTorch median ms/step of a workload, or undefined when PyTorch did not run. */
export function bestTorchMs(r: Results, workload: string): number | undefined {
  const ms = TORCH_ENGINES.map((e) => r[`perf.${workload}.${e}.ms_per_step`]).filter((v): v is number => typeof v === 'number');
  return ms.length ? Math.min(...ms) : undefined;
}

/** ratio_to_pytorch of every measured backend of `workload` (nothing when PyTorch did not run). */
export function ratioKeys(r: Results, workload: string, backends: readonly string[]): Results {
  const best = bestTorchMs(r, workload);
  const out: Results = {};
  if (best === undefined) return out;
  for (const b of backends) {
    const ms = r[`perf.${workload}.${b}.ms_per_step`];
    if (typeof ms === 'number') out[`perf.${workload}.${b}.ratio_to_pytorch`] = round(best / ms, 3);
  }
  return out;
}

/** The non-wasm backends the bench measures within a budget, in the table's order after the wasm arms. */
const OTHER_BACKENDS = ['cpu', 'tensorflow', 'tensorflow-gpu'];

/** Our arms present in `r` (any workload): wasm, wasm_<n>t by n, wasm_dp<n> by n, then the other backends. */
export function armsOf(r: Results): string[] {
  const found = new Set<string>();
  for (const k of Object.keys(r)) {
    const m = /^perf\.[^.]+\.([^.]+)\.(ms_per_step|skipped)$/.exec(k);
    if (m) found.add(m[1]!);
  }
  const byN = (re: RegExp): string[] => [...found].filter((a) => re.test(a)).sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]));
  return [...(found.has('wasm') ? ['wasm'] : []), ...byN(/^wasm_\d+t$/), ...byN(/^wasm_dp\d+$/), ...OTHER_BACKENDS.filter((b) => found.has(b))];
}

/** Our fastest arm of `workload` by median ms/step, and its ratio to the best PyTorch figure (nothing when no arm was timed). */
export function bestOursKeys(r: Results, workload: string, arms: readonly string[]): Results {
  let best: { arm: string; ms: number } | undefined;
  for (const arm of arms) {
    const ms = r[`perf.${workload}.${arm}.ms_per_step`];
    if (typeof ms === 'number' && (!best || ms < best.ms)) best = { arm, ms };
  }
  if (!best) return {};
  const p = `perf.${workload}.best_ours`;
  const torch = bestTorchMs(r, workload);
  return { [`${p}.arm`]: best.arm, [`${p}.ms_per_step`]: best.ms, ...(torch === undefined ? {} : { [`${p}.ratio_to_pytorch`]: round(torch / best.ms, 3) }) };
}

/** wasm's best matmul GFLOP/s per arm: `wasm` (one thread) and `wasm_<n>t` for every n measured. */
export function wasmPeaks(r: Results): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of Object.entries(r)) {
    if (typeof v !== 'number' || v <= 0) continue;
    if (k === 'perf.peak.wasm_matmul_gflops') out.set('wasm', v);
    const m = /^perf\.peak\.wasm_matmul_(\d+)t_gflops$/.exec(k);
    if (m) out.set(`wasm_${m[1]}t`, v);
  }
  return out;
}

/**
 * "Where the limit is": `<arm>.ceiling_ms` = FLOPs per step ÷ wasm's best
 * matmul speed on that arm's threads, and `ceiling_ratio_to_pytorch` = the
 * best PyTorch ms ÷ the lowest ceiling — the ratio we would reach if every
 * counted FLOP ran as fast as wasm's best matmul (128-bit SIMD, no FMA).
 */
export function ceilingKeys(r: Results, workload: string): Results {
  const gflop = r[`perf.${workload}.gflop_per_step`];
  if (typeof gflop !== 'number') return {};
  const out: Results = {};
  let lowest = Infinity;
  for (const [arm, gflops] of wasmPeaks(r)) {
    const ms = (gflop / gflops) * 1000;
    out[`perf.${workload}.${arm}.ceiling_ms`] = round(ms, 4);
    lowest = Math.min(lowest, ms);
  }
  const torch = bestTorchMs(r, workload);
  if (torch !== undefined && Number.isFinite(lowest)) out[`perf.${workload}.ceiling_ratio_to_pytorch`] = round(torch / lowest, 3);
  return out;
}

const num = (v: number | string | undefined, digits: number): string => (typeof v === 'number' ? String(round(v, digits)) : '—');
const times = (v: number | string | undefined): string => (typeof v === 'number' ? `${round(v, 2)}×` : '—');
const pct = (v: number | string | undefined): string => (typeof v === 'number' ? `${round(v * 100, 2)} %` : '—');

/** One table row of arm `b` of workload `w` (undefined when that arm was not run). */
function tableRow(r: Results, w: { id: string; label: string }, b: string): string | undefined {
  const p = `perf.${w.id}.${b}`;
  if (r[`${p}.skipped`] !== undefined) return `| ${w.label} | ${b} | not measured: ${r[`${p}.skipped`]} | | | | | | | |`;
  if (r[`${p}.ms_per_step`] === undefined) return undefined;
  const t = (e: string): string => `${num(r[`perf.${w.id}.${e}.ms_per_step`], 3)}`;
  const arm = r[`perf.${w.id}.best_ours.arm`] === b ? `**${b}** (best)` : b;
  const ceiling = r[`${p}.ceiling_ms`];
  const torch = bestTorchMs(r, w.id);
  const ceilingCell = typeof ceiling === 'number' ? `${num(ceiling, 3)}${torch === undefined ? '' : ` (${times(torch / ceiling)})`}` : '—';
  return `| ${w.label} | ${arm} | ${num(r[`perf.${w.id}.gflop_per_step`], 3)} | ${num(r[`${p}.ms_per_step`], 3)} (min ${num(r[`${p}.ms_per_step_min`], 3)}) | ${t('pytorch_1t')} | ${t('pytorch_2t')} | ${times(r[`${p}.ratio_to_pytorch`])} | ${num(r[`${p}.gflops`], 3)} | ${pct(r[`${p}.fraction_of_peak`])} | ${ceilingCell} |`;
}

/**
 * The README table: one row per (workload, our arm) measured, our best arm in
 * bold; the last column is the arm's ceiling (ceilingKeys) and the ratio to
 * the best PyTorch figure it would give (wasm arms only).
 */
export function perfTable(r: Results, workloads: readonly { id: string; label: string }[], arms: readonly string[]): string[] {
  const rows = workloads.flatMap((w) => arms.map((b) => tableRow(r, w, b)).filter((row): row is string => row !== undefined));
  return [
    '| workload | arm | GFLOP/step | ours ms/step median (min) | PyTorch 1 thread ms/step | PyTorch 2 threads ms/step | ours vs best PyTorch | our GFLOP/s | % of peak | ceiling ms/step at wasm matmul peak (vs best PyTorch) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ];
}

/**
 * A run of some workloads merged into the saved results of earlier runs:
 * the run's own keys of its workloads (perf.<id>.…) replace theirs, every
 * other workload's keys and the file's machine-wide keys (perf.peak.…,
 * perf.pytorch.…) stay, so the table keeps every row and one peak. The
 * run's own peaks go under `partialPeaks` for the record.
 */
export function mergeWorkloadResults(saved: Results, run: Results, workloads: readonly string[]): { results: Results; partialPeaks: Results } {
  const own = (k: string): boolean => workloads.some((id) => k.startsWith(`perf.${id}.`));
  const results: Results = { ...saved };
  const partialPeaks: Results = {};
  for (const k of Object.keys(saved)) if (own(k)) delete results[k];
  for (const [k, v] of Object.entries(run)) {
    if (own(k)) results[k] = v;
    else if (k in saved) partialPeaks[k] = v;
    else results[k] = v;
  }
  return { results, partialPeaks };
}
