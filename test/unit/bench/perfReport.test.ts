import { describe, expect, it } from 'vitest';
import { engineKeys, median, mergeWorkloadResults, perfTable, ratioKeys } from '../../../bench/harness/perfReport';

describe('perf bench result keys', () => {
  it('derives ms/step, samples/s, GFLOP/s and the fraction of peak from the round medians', () => {
    // 2 GFLOP per step, rounds of 40, 20 and 30 ms: median 30 ms → 66.7 GFLOP/s, 2133 samples/s at batch 64; peak 200 → 0.333.
    const r = engineKeys('perf.x.wasm', [40, 20, 30], { flopsPerStep: 2e9, samplesPerStep: 64 }, 200);
    expect(r).toEqual({
      'perf.x.wasm.ms_per_step': 30, 'perf.x.wasm.ms_per_step_min': 20, 'perf.x.wasm.rounds': 3,
      'perf.x.wasm.samples_per_s': 2133, 'perf.x.wasm.gflops': 66.7, 'perf.x.wasm.fraction_of_peak': 0.333,
    });
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('takes the ratio against the faster PyTorch figure, and none without PyTorch', () => {
    const r = { 'perf.x.wasm.ms_per_step': 20, 'perf.x.cpu.ms_per_step': 400, 'perf.x.pytorch_1t.ms_per_step': 5, 'perf.x.pytorch_2t.ms_per_step': 4 };
    expect(ratioKeys(r, 'x', ['wasm', 'cpu', 'tensorflow'])).toEqual({ 'perf.x.wasm.ratio_to_pytorch': 0.2, 'perf.x.cpu.ratio_to_pytorch': 0.01 });
    expect(ratioKeys({ 'perf.x.wasm.ms_per_step': 20 }, 'x', ['wasm'])).toEqual({});
  });

  it('prints a row per measured backend and says why a skipped one was not measured', () => {
    const r = { 'perf.x.gflop_per_step': 2, 'perf.x.wasm.ms_per_step': 30, 'perf.x.wasm.ms_per_step_min': 20, 'perf.x.cpu.skipped': 'too slow' };
    const rows = perfTable(r, [{ id: 'x', label: 'X' }], ['wasm', 'cpu']);
    expect(rows.slice(2)).toEqual(['| X | wasm | 2 | 30 (min 20) | — | — | — | — | — |', '| X | cpu | not measured: too slow | | | | | | |']);
  });

  it('merges a run of some workloads into saved results: its workloads\' keys replace theirs, the others and the saved peak stay', () => {
    const saved = { 'perf.peak.gflops': 400, 'perf.mlp.wasm.ms_per_step': 3, 'perf.char_lstm.wasm.ms_per_step': 900, 'perf.char_lstm.wasm.skipped': 'old' };
    const run = { 'perf.peak.gflops': 350, 'perf.peak.wasm_matmul_size': 512, 'perf.char_lstm.wasm.ms_per_step': 400 };
    expect(mergeWorkloadResults(saved, run, ['char_lstm'])).toEqual({
      results: { 'perf.peak.gflops': 400, 'perf.mlp.wasm.ms_per_step': 3, 'perf.char_lstm.wasm.ms_per_step': 400, 'perf.peak.wasm_matmul_size': 512 },
      partialPeaks: { 'perf.peak.gflops': 350 },
    });
  });
});
