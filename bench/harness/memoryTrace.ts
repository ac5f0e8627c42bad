/**
 * Memory traces of a training workload (issue 17, "memory and overhead"):
 * tf.memory()'s tensor count and bytes, the wasm backend's heap (its linear
 * memory, which only ever grows — so growth after warm-up is a leak or
 * fragmentation inside the wasm allocator), and the process's RSS and V8 heap,
 * sampled every K steps; and the numbers a researcher quotes from a trace
 * (least-squares slope per 1,000 steps with its standard error, the rise
 * after warm-up). Used by bench/memoryStability.ts and its short test.
 */
import * as tf from '@tensorflow/tfjs';
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export interface MemorySample {
  /** Steps done when sampled. */
  step: number;
  tensors: number;
  tensorBytes: number;
  /** The wasm backend's linear memory in bytes (0 on another backend). */
  wasmHeapBytes: number;
  rssBytes: number;
  v8HeapUsedBytes: number;
}

/** V8's collector when node runs with --expose-gc (the bench does): heap figures then mean live data, not garbage. */
function collectGarbage(): void {
  const gc: unknown = Reflect.get(globalThis, 'gc');
  if (typeof gc === 'function') gc();
}

/** The wasm backend's heap size in bytes, or 0 when another backend is active. */
export function wasmHeapBytes(): number {
  const backend = tf.backend();
  if (!(backend instanceof BackendWasm)) return 0;
  // The Emscripten module's HEAPU8 views the whole linear memory (tfjs' typings leave Emscripten's members out).
  const heap: unknown = Reflect.get(backend.wasm, 'HEAPU8');
  if (!(heap instanceof Uint8Array)) throw new Error('The wasm backend exposes no HEAPU8: cannot read its heap size');
  return heap.buffer.byteLength;
}

export function sampleMemory(step: number): MemorySample {
  collectGarbage();
  const m = tf.memory();
  const p = process.memoryUsage();
  return { step, tensors: m.numTensors, tensorBytes: m.numBytes, wasmHeapBytes: wasmHeapBytes(), rssBytes: p.rss, v8HeapUsedBytes: p.heapUsed };
}

export interface TraceOptions {
  /** Steps run before the first sample (Adam's slots, kernel caches, wasm heap growth). */
  warmup: number;
  /** Steps after warm-up. */
  steps: number;
  /** Sample every `every` steps (and after the last). */
  every: number;
}

/** Run `step` warm-up + `steps` times, sampling after warm-up and every `every` steps. */
export async function traceMemory(step: () => Promise<void>, o: TraceOptions, onSample?: (s: MemorySample) => void): Promise<MemorySample[]> {
  for (let i = 0; i < o.warmup; i++) await step();
  const samples = [sampleMemory(0)];
  onSample?.(samples[0]!);
  for (let i = 1; i <= o.steps; i++) {
    await step();
    if (i % o.every === 0 || i === o.steps) {
      samples.push(sampleMemory(i));
      onSample?.(samples.at(-1)!);
    }
  }
  return samples;
}

export interface Slope { perStep: number; standardError: number }

/** Ordinary least-squares slope of y on x with its standard error (NaN error below 3 points). */
export function leastSquaresSlope(xs: readonly number[], ys: readonly number[]): Slope {
  const n = xs.length;
  if (n < 2 || ys.length !== n) throw new Error(`A slope needs at least 2 paired points (got ${n} x, ${ys.length} y)`);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) { sxx += (xs[i]! - mx) ** 2; sxy += (xs[i]! - mx) * (ys[i]! - my); }
  if (sxx === 0) throw new Error('A slope needs at least two distinct x values');
  const perStep = sxy / sxx;
  if (n < 3) return { perStep, standardError: Number.NaN };
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (ys[i]! - my - perStep * (xs[i]! - mx)) ** 2;
  return { perStep, standardError: Math.sqrt(sse / (n - 2) / sxx) };
}

const MB = 2 ** 20;
const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

/** A trace's quotable numbers, measured from the first (post-warm-up) sample on. */
export interface TraceSummary {
  samples: number;
  steps: number;
  /** Largest tensor count after warm-up minus the count at warm-up (0: no tensor leaked). */
  tensorsDrift: number;
  tensorBytesDrift: number;
  wasmHeapMbStart: number;
  wasmHeapMbEnd: number;
  /** Step of the last sample at which the wasm heap had grown (0: never after warm-up). */
  wasmHeapLastGrowthStep: number;
  rssMbStart: number;
  rssMbEnd: number;
  rssMbMax: number;
  /** RSS rise from warm-up to the largest sample. */
  rssMbRise: number;
  rssSlopeMbPer1kSteps: number;
  rssSlopeMbPer1kStepsSe: number;
  v8HeapSlopeMbPer1kSteps: number;
  v8HeapSlopeMbPer1kStepsSe: number;
}

export function summariseTrace(samples: readonly MemorySample[]): TraceSummary {
  const first = samples[0]!;
  const last = samples.at(-1)!;
  const xs = samples.map((s) => s.step);
  const rss = leastSquaresSlope(xs, samples.map((s) => s.rssBytes / MB));
  const heap = leastSquaresSlope(xs, samples.map((s) => s.v8HeapUsedBytes / MB));
  const rssMax = Math.max(...samples.map((s) => s.rssBytes)) / MB;
  const grown = samples.filter((s, i) => i > 0 && s.wasmHeapBytes > samples[i - 1]!.wasmHeapBytes);
  return {
    samples: samples.length, steps: last.step,
    tensorsDrift: Math.max(...samples.map((s) => s.tensors)) - first.tensors,
    tensorBytesDrift: Math.max(...samples.map((s) => s.tensorBytes)) - first.tensorBytes,
    wasmHeapMbStart: round(first.wasmHeapBytes / MB, 1), wasmHeapMbEnd: round(last.wasmHeapBytes / MB, 1),
    wasmHeapLastGrowthStep: grown.at(-1)?.step ?? 0,
    rssMbStart: round(first.rssBytes / MB, 1), rssMbEnd: round(last.rssBytes / MB, 1), rssMbMax: round(rssMax, 1),
    rssMbRise: round(rssMax - first.rssBytes / MB, 1),
    rssSlopeMbPer1kSteps: round(rss.perStep * 1000), rssSlopeMbPer1kStepsSe: round(rss.standardError * 1000),
    v8HeapSlopeMbPer1kSteps: round(heap.perStep * 1000), v8HeapSlopeMbPer1kStepsSe: round(heap.standardError * 1000),
  };
}
