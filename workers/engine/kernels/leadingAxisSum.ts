/**
 * Sum and Mean over leading axes on the wasm backend in one pass.
 *
 * The wasm backend reduces only innermost axes: for any other axes it first
 * transposes the whole tensor. Batch norm's moments over [N, H, W] of an
 * NHWC tensor, and the bias and broadcast gradients (Σ dy over [N, H, W]),
 * are such reductions — ~2.0 ms for a DCGAN activation where a matmul with
 * ones takes ~0.17 ms (issue 17). Reducing axes 0..k−1 of a row-major
 * tensor is summing the rows of it seen as [R, C]: the colsum SIMD function
 * (simdKernels.ts) does that on the backend's memory, scaled by 1/R for Mean.
 *
 * Not a matmul with ones: the wasm BatchMatMul caches XNNPACK operators by
 * the right operand's tensor id, so one tensor reduced with two different
 * [R, C] splits (Σ over [0] then over [0, 1, 2]) reused the first operator
 * and wrote past the second output (heap corruption, seen in the tests).
 *
 * Other reductions (inner or non-contiguous axes, int32, a full reduction,
 * no SIMD) go to the backend's own kernel. Values differ from the backend's
 * sum in the last bits; checked against the cpu backend in
 * test/unit/workers/leadingAxisSum.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { columnSumKernelFor } from '../simdKernels';

const BACKEND = 'wasm';
const KERNELS = ['Sum', 'Mean'] as const;
type ReductionKernel = (typeof KERNELS)[number];

/** The backend's own kernels, captured when first replaced (also what `false` restores). */
const originals = new Map<ReductionKernel, tf.KernelConfig>();

/** How many leading axes `axis` names, when it names exactly 0..k−1 with 0 < k < rank; else 0. */
export function leadingAxisCount(axis: number | number[] | undefined, rank: number): number {
  if (axis === undefined) return 0;
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
  const k = axes.length;
  return k > 0 && k < rank && axes.every((a, i) => a === i) ? k : 0;
}

function reductionKernel(name: ReductionKernel, original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs['x']!;
    const backend = args.backend;
    const k = x.dtype === 'float32' ? leadingAxisCount(args.attrs?.['axis'] as number | number[] | undefined, x.shape.length) : 0;
    const colsum = backend instanceof BackendWasm ? columnSumKernelFor(backend.wasm) : null;
    if (k === 0 || colsum === null || !(backend instanceof BackendWasm) || x.shape.some((d) => d === 0)) return original(args);
    const rows = x.shape.slice(0, k).reduce((a, b) => a * b, 1);
    const rest = x.shape.slice(k);
    const keepDims = args.attrs?.['keepDims'] === true;
    const out = backend.makeOutput(keepDims ? [...x.shape.slice(0, k).map(() => 1), ...rest] : rest, 'float32');
    colsum(backend.getMemoryOffset(x.dataId), backend.getMemoryOffset(out.dataId), rows, tf.util.sizeFromShape(rest), name === 'Mean' ? 1 / rows : 1);
    return out;
  };
}

/** Replace the wasm backend's Sum and Mean by the matmul form (true) or restore its own (false). Idempotent. */
export function setLeadingAxisReductions(enabled: boolean): void {
  for (const name of KERNELS) {
    const current = tf.getKernel(name, BACKEND);
    if (!current) continue;
    if (!originals.has(name)) originals.set(name, current);
    const original = originals.get(name)!;
    tf.unregisterKernel(name, BACKEND);
    // The original's setup binds its wasm function; keep it so the fallback works whenever the backend starts.
    const config: tf.KernelConfig = enabled ? { kernelName: name, backendName: BACKEND, kernelFunc: reductionKernel(name, original.kernelFunc) } : { ...original };
    if (enabled && original.setupFunc) config.setupFunc = original.setupFunc;
    if (enabled && original.disposeFunc) config.disposeFunc = original.disposeFunc;
    tf.registerKernel(config);
  }
}

export function registerLeadingAxisReductions(): void {
  setLeadingAxisReductions(true);
}
