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

const num = (v: number | string | undefined, digits: number): string => (typeof v === 'number' ? String(round(v, digits)) : '—');
const times = (v: number | string | undefined): string => (typeof v === 'number' ? `${round(v, 2)}×` : '—');
const pct = (v: number | string | undefined): string => (typeof v === 'number' ? `${round(v * 100, 2)} %` : '—');

/** The README table: one row per (workload, our backend) measured. */
export function perfTable(r: Results, workloads: readonly { id: string; label: string }[], backends: readonly string[]): string[] {
  const rows: string[] = [];
  for (const w of workloads) {
    for (const b of backends) {
      const p = `perf.${w.id}.${b}`;
      if (r[`${p}.skipped`] !== undefined) { rows.push(`| ${w.label} | ${b} | not measured: ${r[`${p}.skipped`]} | | | | | | |`); continue; }
      if (r[`${p}.ms_per_step`] === undefined) continue;
      const t = (e: string): string => `${num(r[`perf.${w.id}.${e}.ms_per_step`], 3)}`;
      rows.push(`| ${w.label} | ${b} | ${num(r[`perf.${w.id}.gflop_per_step`], 3)} | ${num(r[`${p}.ms_per_step`], 3)} (min ${num(r[`${p}.ms_per_step_min`], 3)}) | ${t('pytorch_1t')} | ${t('pytorch_2t')} | ${times(r[`${p}.ratio_to_pytorch`])} | ${num(r[`${p}.gflops`], 3)} | ${pct(r[`${p}.fraction_of_peak`])} |`);
    }
  }
  return [
    '| workload | backend | GFLOP/step | ours ms/step median (min) | PyTorch 1 thread ms/step | PyTorch 2 threads ms/step | ours vs best PyTorch | our GFLOP/s | % of peak |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
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
