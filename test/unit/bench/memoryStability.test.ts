import { beforeAll, describe, expect, it } from 'vitest';
import { leastSquaresSlope, summariseTrace, traceMemory, type MemorySample } from '../../../bench/harness/memoryTrace';
import { buildWorkload, type WorkloadId } from '../../../bench/harness/perfWorkloads';
import { prepareBackend } from '../../../bench/harness/runtime';

/**
 * The short form of bench/memoryStability.ts: reference workloads (seed 1,
 * batch 64, Adam, wasm with the project's kernels) train a few hundred steps
 * after a warm-up; the tensor count must be the warm-up's at every sample and
 * the wasm heap (linear memory, which never shrinks) must not grow. RSS is
 * not asserted: it moves with V8's collector and the allocator.
 */
const CASES: { id: WorkloadId; warmup: number; steps: number; every: number }[] = [
  { id: 'mlp', warmup: 10, steps: 200, every: 20 },
  { id: 'lenet', warmup: 10, steps: 200, every: 20 },
  { id: 'dcgan', warmup: 3, steps: 20, every: 5 },
];

describe('memory of the reference workloads after warm-up (wasm, seed 1)', () => {
  beforeAll(async () => { await prepareBackend('wasm'); });

  for (const c of CASES) {
    it(`${c.id}: ${c.steps} steps keep the tensor count and the wasm heap of warm-up`, async () => {
      const w = buildWorkload(c.id, 1);
      try {
        const samples = await traceMemory(() => w.step(), c);
        expect(samples.map((s) => s.step)).toEqual(Array.from({ length: c.steps / c.every + 1 }, (_, i) => i * c.every));
        expect(samples.map((s) => s.tensors)).toEqual(samples.map(() => samples[0]!.tensors));
        expect(samples.map((s) => s.tensorBytes)).toEqual(samples.map(() => samples[0]!.tensorBytes));
        expect(samples[0]!.wasmHeapBytes).toBeGreaterThan(0);
        expect(Math.max(...samples.map((s) => s.wasmHeapBytes))).toBe(samples[0]!.wasmHeapBytes);
      } finally {
        w.dispose();
      }
    });
  }
});

describe('memory trace summaries', () => {
  it('least-squares slope and its standard error, by hand', () => {
    // y = 2x + (1, −1, 1, −1): slope 2 − 0.4 = 1.6 (Σ(x−x̄)e = −1.5·1 + −0.5·−1 + 0.5·1 + 1.5·−1 = −2; Sxx = 5).
    const s = leastSquaresSlope([0, 1, 2, 3], [1, 1, 5, 5]);
    expect(s.perStep).toBeCloseTo(1.6, 12);
    // residuals of y − (ȳ + 1.6(x − x̄)) with ȳ = 3: 0.4, −1.2, 1.2, −0.4 → SSE 3.2; SE = √(3.2 / 2 / 5) = √0.32.
    expect(s.standardError).toBeCloseTo(Math.sqrt(0.32), 12);
    expect(() => leastSquaresSlope([1], [1])).toThrow(/at least 2/);
    expect(() => leastSquaresSlope([2, 2], [1, 3])).toThrow(/distinct/);
  });

  it('drift is the largest count after warm-up minus the first; RSS in MB per 1,000 steps', () => {
    const MB = 2 ** 20;
    const at = (step: number, tensors: number, rssMb: number): MemorySample => ({ step, tensors, tensorBytes: tensors * 4, wasmHeapBytes: 16 * MB, rssBytes: rssMb * MB, v8HeapUsedBytes: 10 * MB });
    const s = summariseTrace([at(0, 50, 100), { ...at(500, 53, 101), wasmHeapBytes: 20 * MB }, { ...at(1000, 51, 102), wasmHeapBytes: 20 * MB }]);
    expect(s).toMatchObject({ samples: 3, steps: 1000, tensorsDrift: 3, tensorBytesDrift: 12, rssMbStart: 100, rssMbEnd: 102, rssMbMax: 102, rssMbRise: 2, wasmHeapMbStart: 16, wasmHeapMbEnd: 20, wasmHeapLastGrowthStep: 500 });
    expect(s.rssSlopeMbPer1kSteps).toBe(2);
    expect(s.rssSlopeMbPer1kStepsSe).toBe(0);
    expect(s.v8HeapSlopeMbPer1kSteps).toBe(0);
  });
});
