import { describe, expect, it } from 'vitest';
import { armsOf, bestOursKeys, ceilingKeys, engineKeys, median, mergeWorkloadResults, perfTable, ratioKeys, wasmPeaks } from '../../../bench/harness/perfReport';

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

  it('prints a row per measured arm, the best in bold with its ceiling, and says why a skipped one was not measured', () => {
    // Ceiling 12.5 ms against PyTorch's 5 ms → 0.4×.
    const r = {
      'perf.x.gflop_per_step': 2, 'perf.x.wasm.ms_per_step': 30, 'perf.x.wasm.ms_per_step_min': 20, 'perf.x.wasm.ceiling_ms': 12.5, 'perf.x.cpu.skipped': 'too slow',
      'perf.x.pytorch_1t.ms_per_step': 5, 'perf.x.best_ours.arm': 'wasm',
    };
    const rows = perfTable(r, [{ id: 'x', label: 'X' }], ['wasm', 'wasm_2t', 'cpu']);
    expect(rows.slice(2)).toEqual(['| X | **wasm** (best) | 2 | 30 (min 20) | 5 | — | — | — | — | 12.5 (0.4×) |', '| X | cpu | not measured: too slow | | | | | | | |']);
    expect(rows[0]!.split('|').length).toBe(rows[2]!.split('|').length);
  });

  it('lists our arms in the table\'s order: one thread, n threads by n, n replicas, then the other backends; never PyTorch or best_ours', () => {
    const r = {
      'perf.a.cpu.skipped': 'slow', 'perf.a.wasm_dp2.ms_per_step': 1, 'perf.b.wasm_10t.ms_per_step': 1, 'perf.a.wasm_2t.ms_per_step': 1,
      'perf.a.wasm.ms_per_step': 1, 'perf.a.pytorch_2t.ms_per_step': 1, 'perf.a.best_ours.ms_per_step': 1, 'perf.a.wasm.ms_per_step_min': 1,
    };
    expect(armsOf(r)).toEqual(['wasm', 'wasm_2t', 'wasm_10t', 'wasm_dp2', 'cpu']);
  });

  it('names our fastest arm by median and its ratio to the best PyTorch figure', () => {
    const r = {
      'perf.x.wasm.ms_per_step': 20, 'perf.x.wasm_2t.ms_per_step': 15, 'perf.x.wasm_dp2.ms_per_step': 18, 'perf.x.cpu.ms_per_step': 300,
      'perf.x.pytorch_1t.ms_per_step': 5, 'perf.x.pytorch_2t.ms_per_step': 8,
    };
    // 5 / 15 = 0.333.
    expect(bestOursKeys(r, 'x', ['wasm', 'wasm_2t', 'wasm_dp2', 'cpu'])).toEqual({ 'perf.x.best_ours.arm': 'wasm_2t', 'perf.x.best_ours.ms_per_step': 15, 'perf.x.best_ours.ratio_to_pytorch': 0.333 });
    expect(bestOursKeys({ 'perf.x.wasm.ms_per_step': 20 }, 'x', ['wasm', 'wasm_2t'])).toEqual({ 'perf.x.best_ours.arm': 'wasm', 'perf.x.best_ours.ms_per_step': 20 });
    expect(bestOursKeys({}, 'x', ['wasm'])).toEqual({});
  });

  it('puts the ceiling at the step\'s FLOPs over wasm\'s matmul peak on each thread count, and the ratio at the lowest ceiling', () => {
    // 0.5 GFLOP per step: 0.5 / 40 GFLOP/s = 12.5 ms on one thread, 0.5 / 80 = 6.25 ms on two; best PyTorch 5 ms → 5 / 6.25 = 0.8.
    const r = {
      'perf.peak.wasm_matmul_gflops': 40, 'perf.peak.wasm_matmul_2t_gflops': 80, 'perf.peak.wasm_matmul_2t_size': 512, 'perf.peak.gflops': 400,
      'perf.x.gflop_per_step': 0.5, 'perf.x.pytorch_1t.ms_per_step': 5, 'perf.x.pytorch_2t.ms_per_step': 8,
    };
    expect(wasmPeaks(r)).toEqual(new Map([['wasm', 40], ['wasm_2t', 80]]));
    expect(ceilingKeys(r, 'x')).toEqual({ 'perf.x.wasm.ceiling_ms': 12.5, 'perf.x.wasm_2t.ceiling_ms': 6.25, 'perf.x.ceiling_ratio_to_pytorch': 0.8 });
    // Without PyTorch: the ceilings, no ratio; an old file without the 2-thread peak: the one-thread ceiling alone.
    expect(ceilingKeys({ 'perf.peak.wasm_matmul_gflops': 40, 'perf.x.gflop_per_step': 0.5 }, 'x')).toEqual({ 'perf.x.wasm.ceiling_ms': 12.5 });
    expect(ceilingKeys({ 'perf.x.gflop_per_step': 0.5 }, 'x')).toEqual({});
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
